"""What the public pages show: processes, the idea list with filters, search, sort and pages, the map and its
GeoJSON, one idea with its status and history; that personal data never reaches them; the sitemap, the
navigation; and the markup rules every page keeps (one h1, no inline script or style)."""

import json
import re
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from smartregion.participation.models import Channel, IdeaEvent, IdeaStatus, Phase, Process
from smartregion.participation.views.public import RANDOM_SEED_SESSION_KEY
from smartregion.web.sitemaps import IdeaSitemap, ProcessSitemap

from ..factories import UserFactory
from .factories import INSIDE, CommentFactory, DomainFactory, IdeaFactory, ProcessFactory, assisted_idea
from .public_support import german, text_of

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def _titles(response):
    """The idea titles of a list page, in order."""
    return re.findall(
        r'<h3 id="idea-\d+-title" class="kern-title"><a class="kern-link" href="[^"]+">([^<]+)</a>',
        text_of(response),
    )


# --- Processes ---------------------------------------------------------------------------------------


def test_the_process_list_shows_public_processes_and_where_they_stand(client, collecting, municipality):
    ProcessFactory(title="Noch geheim", visibility=Process.Visibility.DRAFT)
    collecting.municipalities.set([municipality])
    page = text_of(client.get(reverse("participation:process_list")))
    assert "Radverkehr in der Region" in page
    assert "Noch geheim" not in page
    assert "Andernach" in page
    assert german("Idea collection") in page


def test_staff_see_drafts_marked_as_such(client, make_person):
    ProcessFactory(title="Noch geheim", visibility=Process.Visibility.DRAFT, slug="geheim")
    client.force_login(make_person("moderator"))
    page = text_of(client.get(reverse("participation:process_list")))
    assert "Noch geheim" in page
    assert german("Draft: only staff see it") in page
    assert client.get(reverse("participation:process", args=["geheim"])).status_code == 200


def test_drafts_and_unknown_processes_are_404_for_the_public(client, citizen):
    ProcessFactory(visibility=Process.Visibility.DRAFT, slug="geheim")
    client.force_login(citizen)
    assert client.get(reverse("participation:process", args=["geheim"])).status_code == 404
    assert client.get(reverse("participation:process", args=["gibt-es-nicht"])).status_code == 404


def test_the_process_page_shows_text_scope_and_ideas(
    client, collecting, domain, municipality, django_capture_on_commit_callbacks
):
    collecting.body_html = "<p>Wir sammeln <strong>Ideen</strong>.</p>"
    collecting.save()
    IdeaFactory(process=collecting, title="Radweg an der B9")
    IdeaFactory(process=collecting, title="Verborgen", status=IdeaStatus.HIDDEN)
    page = text_of(client.get(collecting.get_absolute_url()))
    assert "Wir sammeln <strong>Ideen</strong>." in page
    assert "Mobilität und Verkehr" in page
    assert german("The whole region") in page
    assert "Radweg an der B9" in page
    assert "Verborgen" not in page
    assert f"{reverse('participation:idea_list')}?process=radverkehr" in page
    with django_capture_on_commit_callbacks(execute=True):  # the cached page is retired on commit
        collecting.municipalities.set([municipality])
    assert german("The whole region") not in text_of(client.get(collecting.get_absolute_url()))


def test_staff_may_record_ideas_from_the_process_page(client, collecting, make_person):
    client.force_login(make_person("moderator"))
    page = text_of(client.get(collecting.get_absolute_url()))
    assert reverse("participation:idea_record", args=[collecting.slug]) in page


# --- The idea list -----------------------------------------------------------------------------------


@pytest.fixture
def varied(collecting, municipality, other_municipality, make_person):
    """Ideas that differ in each filtered property."""
    energy = DomainFactory(name="Energie", slug="energie")
    other_process = ProcessFactory(title="Zweiter Prozess", slug="zweiter", phase="active")
    return {
        "radweg": IdeaFactory(process=collecting, title="Radwege ausbauen", municipality=municipality),
        "solar": IdeaFactory(
            process=collecting, title="Solardächer", domains=[energy], municipality=other_municipality
        ),
        "adopted": IdeaFactory(process=collecting, title="Schon beschlossen", status=IdeaStatus.ADOPTED),
        "phone": assisted_idea(collecting, recorded_by=make_person("moderator"), title="Anruf zum Bus"),
        "other": IdeaFactory(process=other_process, title="Anderer Prozess"),
        "hidden": IdeaFactory(process=collecting, title="Versteckt", status=IdeaStatus.HIDDEN),
        "submitted": IdeaFactory(process=collecting, title="Wartet", status=IdeaStatus.SUBMITTED),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Radwege ausbauen", "Solardächer", "Schon beschlossen", "Anruf zum Bus", "Anderer Prozess"}),
        ("process=zweiter", {"Anderer Prozess"}),
        ("domain=energie", {"Solardächer"}),
        ("municipality=mendig", {"Solardächer"}),
        ("status=adopted", {"Schon beschlossen"}),
        ("channel=phone", {"Anruf zum Bus"}),
        ("q=ausbauen", {"Radwege ausbauen"}),
        ("q=solardach", {"Solardächer"}),
        ("q=nichts+passt", set()),
    ],
)
def test_filters_and_search(client, varied, query, expected):
    response = client.get(f"{reverse('participation:idea_list')}?{query}")
    assert response.status_code == 200
    assert set(_titles(response)) == expected


@pytest.mark.parametrize("query", ["status=hidden", "status=submitted", "process=gibt-es-nicht", "sort=best"])
def test_unknown_filter_values_are_400_and_named(client, varied, query):
    response = client.get(f"{reverse('participation:idea_list')}?{query}")
    assert response.status_code == 400
    assert german("Some filters could not be used. Please check them.") in text_of(response)
    assert "Versteckt" not in text_of(response)
    assert "Wartet" not in text_of(response)


def test_sorting_by_supports_and_comments(client, collecting):
    few = IdeaFactory(process=collecting, title="Wenig", support_count=1, comment_count=9)
    IdeaFactory(process=collecting, title="Viel", support_count=7, comment_count=0)
    url = reverse("participation:idea_list")
    assert _titles(client.get(f"{url}?sort=supported")) == ["Viel", "Wenig"]
    assert _titles(client.get(f"{url}?sort=discussed")) == ["Wenig", "Viel"]
    assert _titles(client.get(url))[0] == "Viel"  # newest first
    page = text_of(client.get(url))
    assert f"<div><dt>{german('Supports')}</dt><dd>{few.support_count}</dd></div>" in page


def test_the_random_order_is_stable_for_a_visitor_across_pages(client, collecting):
    for number in range(45):
        IdeaFactory(process=collecting, title=f"Idee {number:02d}")
    url = f"{reverse('participation:idea_list')}?sort=random"
    first = [title for page in (1, 2, 3) for title in _titles(client.get(f"{url}&page={page}"))]
    again = [title for page in (1, 2, 3) for title in _titles(client.get(f"{url}&page={page}"))]
    assert first == again
    assert sorted(first) == [f"Idee {number:02d}" for number in range(45)]
    assert first != sorted(first)


@pytest.mark.parametrize("seed", [1, 2, 17, 20_000])
def test_every_seed_shuffles_even_the_first_ideas(client, collecting, seed):
    """A small seed multiplied the ids without wrapping around the modulus: the order stayed the ids'."""
    for number in range(45):
        IdeaFactory(process=collecting, title=f"Idee {number:02d}")
    session = client.session
    session[RANDOM_SEED_SESSION_KEY] = seed
    session.save()
    url = f"{reverse('participation:idea_list')}?sort=random"
    shown = [title for page in (1, 2, 3) for title in _titles(client.get(f"{url}&page={page}"))]
    assert sorted(shown) == [f"Idee {number:02d}" for number in range(45)]
    assert shown != sorted(shown)
    assert shown != sorted(shown, reverse=True)


def test_pages_of_twenty_keep_the_filters_in_their_links(client, collecting, municipality):
    for number in range(45):
        IdeaFactory(process=collecting, title=f"Idee {number:02d}", municipality=municipality)
    url = f"{reverse('participation:idea_list')}?municipality=andernach&sort=supported"
    first = client.get(url)
    assert len(_titles(first)) == 20
    assert german("Page %(number)s of %(pages)s", number=1, pages=3) in text_of(first)
    assert 'href="?municipality=andernach&amp;sort=supported&amp;page=2"' in text_of(first)
    last = client.get(url + "&page=3")
    assert len(_titles(last)) == 5
    assert 'href="?municipality=andernach&amp;sort=supported&amp;page=2"' in text_of(last)
    assert client.get(url + "&page=999").status_code == 200
    assert client.get(url + "&page=abc").status_code == 200


def test_the_list_shows_counts_status_author_and_place(client, collecting, municipality):
    author = UserFactory(display_name="Rita Rad")
    IdeaFactory(
        process=collecting, author=author, municipality=municipality, support_count=4, comment_count=2
    )
    page = text_of(client.get(reverse("participation:idea_list")))
    for text in ("Rita Rad", "Andernach", german("Published"), "<dd>4</dd>", "<dd>2</dd>"):
        assert text in page


# --- Map and GeoJSON ---------------------------------------------------------------------------------


def test_geojson_has_the_located_public_ideas_with_the_filters(client, collecting, municipality):
    located = IdeaFactory(process=collecting, title="Hier", latitude=INSIDE[0], longitude=INSIDE[1])
    IdeaFactory(process=collecting, title="Überall")
    IdeaFactory(
        process=collecting,
        title="Versteckt",
        status=IdeaStatus.HIDDEN,
        latitude=INSIDE[0],
        longitude=INSIDE[1],
    )
    response = client.get(reverse("participation:idea_geojson"))
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert [feature["properties"]["name"] for feature in data["features"]] == ["Hier"]
    assert data["features"][0]["geometry"]["coordinates"] == [float(INSIDE[1]), float(INSIDE[0])]
    assert data["features"][0]["properties"]["url"] == located.get_absolute_url()
    filtered = json.loads(client.get(reverse("participation:idea_geojson") + "?status=adopted").content)
    assert filtered["features"] == []
    bad = client.get(reverse("participation:idea_geojson") + "?status=hidden")
    assert bad.status_code == 400
    assert "status" in json.loads(bad.content)["errors"]


def test_the_map_page_lists_the_same_ideas_in_a_table(client, collecting):
    IdeaFactory(process=collecting, title="Hier", latitude=INSIDE[0], longitude=INSIDE[1], support_count=3)
    IdeaFactory(process=collecting, title="Überall")
    response = client.get(reverse("participation:idea_map"))
    page = text_of(response)
    table = page[page.index("<table") : page.index("</table>")]
    assert "Hier" in table
    assert "Überall" not in table
    assert 'id="idea-map-data"' in page
    assert (
        json.loads(
            re.search(r'<script id="idea-map-data" type="application/json">(.*?)</script>', page, re.S)[1]
        )["features"][0]["properties"]["name"]
        == "Hier"
    )


# --- One idea ----------------------------------------------------------------------------------------


def test_an_idea_page_shows_what_the_idea_is_about(client, collecting, municipality, domain):
    author = UserFactory(display_name="Rita Rad")
    idea = IdeaFactory(
        process=collecting,
        author=author,
        municipality=municipality,
        latitude=INSIDE[0],
        longitude=INSIDE[1],
        domains=[domain],
    )
    page = text_of(client.get(idea.get_absolute_url()))
    for text in (idea.title, "<strong>sicherer</strong>", "Rita Rad", "Andernach", "Mobilität und Verkehr"):
        assert text in page
    assert german("Online") in page
    assert "50,43300, 7,40000" in page or "50.43300, 7.40000" in page
    assert page.count("<h1") == 1


def test_status_reason_history_and_merge_target(client, collecting, make_person):
    target = IdeaFactory(process=collecting, title="Die bessere Idee")
    merged = IdeaFactory(
        process=collecting,
        status=IdeaStatus.MERGED,
        merged_into=target,
        status_reason="Gleicher Vorschlag",
    )
    IdeaEvent.objects.create(
        idea=merged,
        actor=make_person("program_office"),
        kind=IdeaEvent.Kind.STATUS_CHANGED,
        from_status=IdeaStatus.SUBMITTED,
        to_status=IdeaStatus.PUBLISHED,
    )
    page = text_of(client.get(merged.get_absolute_url()))
    assert german("Merged into another idea") in page
    assert f'href="{target.get_absolute_url()}">Die bessere Idee</a>' in page
    assert "Gleicher Vorschlag" in page
    assert (
        german("from “%(old)s” to “%(new)s”", old=german("Awaiting moderation"), new=german("Published"))
        in page
    )


def test_ideas_nobody_may_see_are_404_but_their_author_sees_them(client, collecting, citizen):
    for status in (IdeaStatus.SUBMITTED, IdeaStatus.HIDDEN):
        idea = IdeaFactory(process=collecting, status=status, author=citizen)
        client.logout()
        assert client.get(idea.get_absolute_url()).status_code == 404
        client.force_login(UserFactory())
        assert client.get(idea.get_absolute_url()).status_code == 404
        client.force_login(citizen)
        assert client.get(idea.get_absolute_url()).status_code == 200
    draft_idea = IdeaFactory(process=ProcessFactory(visibility=Process.Visibility.DRAFT))
    client.logout()
    assert client.get(draft_idea.get_absolute_url()).status_code == 404


# --- Personal data -----------------------------------------------------------------------------------


def test_assisted_ideas_never_show_the_persons_data_or_the_staff_member(
    client, collecting, municipality, make_person
):
    staff = make_person("moderator")
    staff.display_name = "Mira Moderation"
    staff.save()
    idea = assisted_idea(
        collecting, recorded_by=staff, municipality=municipality, latitude=INSIDE[0], longitude=INSIDE[1]
    )
    pages = [
        client.get(idea.get_absolute_url()),
        client.get(reverse("participation:idea_list")),
        client.get(reverse("participation:idea_list") + "?channel=phone"),
        client.get(reverse("participation:idea_map")),
        client.get(reverse("participation:idea_geojson")),
        client.get(collecting.get_absolute_url()),
    ]
    for response in pages:
        assert response.status_code == 200
        content = text_of(response)
        for private in (
            "Hildegard",
            "Privatmann",
            "hildegard.privat",
            "02632",
            "Mira Moderation",
            staff.email,
        ):
            assert private not in content
    assert "Telefonsprechstunde Mayen" in text_of(pages[0])
    assert "Telefonsprechstunde Mayen" in text_of(pages[1])
    assert idea.channel == Channel.PHONE
    client.force_login(UserFactory())
    assert "Hildegard" not in text_of(client.get(idea.get_absolute_url()))


def test_e_mail_addresses_of_authors_and_commenters_are_never_shown(client, collecting):
    author = UserFactory(display_name="")
    idea = IdeaFactory(process=collecting, author=author)
    commenter = UserFactory()
    CommentFactory(idea=idea, author=commenter)
    page = text_of(client.get(idea.get_absolute_url()))
    assert author.email not in page
    assert commenter.email not in page
    assert german("Participant #%(id)s", id=author.pk) in page


# --- Sitemap and navigation --------------------------------------------------------------------------


def test_the_sitemap_lists_public_processes_and_ideas(client, collecting):
    public = IdeaFactory(process=collecting)
    hidden = IdeaFactory(process=collecting, status=IdeaStatus.HIDDEN)
    draft = ProcessFactory(visibility=Process.Visibility.DRAFT, slug="geheim")
    page = text_of(client.get(reverse("sitemap")))
    assert f"http://testserver{collecting.get_absolute_url()}</loc>" in page
    assert f"http://testserver{public.get_absolute_url()}</loc>" in page
    assert hidden.get_absolute_url() + "<" not in page
    assert draft.get_absolute_url() not in page
    assert reverse("participation:idea_list") in page


@pytest.mark.parametrize("sitemap", [ProcessSitemap, IdeaSitemap])
def test_each_participation_sitemap_section_is_one_query(collecting, sitemap):
    for _ in range(3):
        IdeaFactory(process=collecting)
    with CaptureQueriesContext(connection) as context:
        urls = sitemap().get_urls(site=types.SimpleNamespace(domain="testserver", name="testserver"))
    assert len(context) == 1
    assert len(urls) == (1 if sitemap is ProcessSitemap else 3)


def test_the_navigation_leads_to_processes_and_ideas(client, db, municipality):
    page = text_of(client.get(reverse("participation:idea_list")))
    assert f'href="{reverse("participation:process_list")}"' in page
    assert f'href="{reverse("participation:idea_list")}" aria-current="page"' in page
    assert reverse("participation:notifications") not in page


def test_the_header_counts_unread_notifications(client, citizen, collecting):
    from smartregion.participation.models import Notification

    idea = IdeaFactory(process=collecting)
    Notification.objects.create(user=citizen, kind=Notification.Kind.NEW_COMMENT, idea=idea, message="Neu")
    Notification.objects.create(
        user=citizen, kind=Notification.Kind.NEW_COMMENT, idea=idea, message="Alt", read_at=timezone.now()
    )
    client.force_login(citizen)
    page = text_of(client.get(reverse("web:home")))
    badge = re.search(
        r'<span class="kern-badge kern-badge--info sr-count-badge">(.*?)</span></span>', page, re.S
    )
    assert badge is not None
    assert badge[1].startswith('<span class="kern-label kern-label--small">1<span class="kern-sr-only">')
    with CaptureQueriesContext(connection) as context:
        client.get(reverse("web:home"))
    assert sum("participation_notification" in query["sql"] for query in context.captured_queries) == 1


def test_no_badge_without_unread_notifications(client, citizen):
    client.force_login(citizen)
    page = text_of(client.get(reverse("web:home")))
    assert reverse("participation:notifications") in page
    assert "sr-count-badge" not in page


# --- Markup rules ------------------------------------------------------------------------------------


@pytest.fixture
def every_page(collecting, citizen, municipality):
    idea = IdeaFactory(process=collecting, latitude=INSIDE[0], longitude=INSIDE[1], municipality=municipality)
    top = CommentFactory(idea=idea, author=citizen)
    CommentFactory(idea=idea, parent=top)
    Phase.objects.filter(process=collecting).update(title="Ideensammlung")
    return [
        reverse("participation:process_list"),
        collecting.get_absolute_url(),
        reverse("participation:idea_create", args=[collecting.slug]),
        reverse("participation:idea_list"),
        reverse("participation:idea_map"),
        idea.get_absolute_url(),
        reverse("participation:notifications"),
        reverse("participation:unsubscribe", args=["kaputt"]),
    ]


def test_every_page_has_one_h1_and_no_inline_script_or_style(client, citizen, every_page, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    client.force_login(citizen)
    for url in every_page:
        response = client.get(url)
        page = text_of(response)
        assert response.status_code in (200, 400), url
        assert page.count("<h1") == 1, url
        assert " style=" not in page, url
        assert "<style" not in page, url
        for script in re.findall(r"<script[^>]*>", page):
            assert 'type="application/json"' in script or ("src=" in script and "nonce=" in script), (
                url,
                script,
            )
        assert "onclick" not in page, url
        csp = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp


def test_every_form_field_has_a_label(client, citizen, every_page):
    client.force_login(citizen)
    for url in every_page:
        page = text_of(client.get(url))
        labelled = set(re.findall(r'<label[^>]* for="([^"]+)"', page))
        for tag, field_id in re.findall(
            r'<(input|textarea|select)(?![^>]*type="hidden")[^>]* id="([^"]+)"', page
        ):
            assert field_id in labelled, (url, tag, field_id)


def test_idea_excerpts_escape_the_authors_text_exactly_once(client, collecting):
    """ "Bus & Bahn … < 1" reads so in the list, on the process page and in the page description."""
    idea = IdeaFactory(process=collecting, body="Bus & Bahn fahren seltener als < 1 Mal am Tag.")
    pages = [
        client.get(reverse("participation:idea_list")),
        client.get(reverse("participation:process", args=[collecting.slug])),
        client.get(idea.get_absolute_url()),
    ]
    for response in pages:
        html = response.content.decode()
        assert "Bus &amp; Bahn fahren seltener als &lt; 1" in html
        assert "&amp;amp;" not in html
        assert "&amp;lt;" not in html
    assert re.search(r'<meta name="description" content="Bus &amp; Bahn fahren seltener als &lt; 1', html)


def test_an_unknown_municipality_in_the_filters_is_a_german_message_not_an_empty_list(client, collecting):
    response = client.get(reverse("participation:idea_list"), {"municipality": "atlantis"})
    assert response.status_code == 400
    assert "atlantis ist keine gültige Auswahl" in text_of(response)
