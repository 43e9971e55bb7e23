"""A page per municipality ("Was passiert in …?"), the region's reach ranking, the coordinators' work list
and "Meine Beteiligung" (issue 12, decision 0010).

What is pinned here: which municipality a contribution counts for (the person's home municipality, else
what it is about), the rates per 1,000 inhabitants beside the region average, what each page lists, that
nobody sees another person's participation, that bad filter input is a German 400 that keeps the input,
and that every page makes the same number of queries with 20 more rows of everything.
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from smartregion.accounts.models import Role
from smartregion.events.models import Event, Registration
from smartregion.network.models import Municipality
from smartregion.participation.models import Channel, Follow, IdeaStatus, NotificationPreference, Support
from smartregion.strategy.models import IdeaLink
from smartregion.surveys.models import Channel as SurveyChannel
from smartregion.surveys.models import Response
from smartregion.web import reach

from ..events.factories import EventFactory
from ..factories import MunicipalityFactory, RoleGrantFactory, UserFactory
from ..participation.factories import CommentFactory, IdeaFactory, PhaseFactory, ProcessFactory, assisted_idea
from ..participation.public_support import count_queries, german, text_of
from ..strategy.test_pages import World, build_measure, make_sources, make_strategy, rendered_count
from ..surveys.factories import make_survey, survey_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns(region, municipality, other_municipality) -> tuple[Municipality, Municipality]:
    """Andernach (12,000 inhabitants) and Mendig (12,000), the region's only two municipalities."""
    return municipality, other_municipality


def _registration(event: Event, user: Any = None, *, email: str = "") -> Registration:
    return Registration.objects.create(
        event=event,
        user=user,
        name="Gast" if user is None else "",
        email=email,
        status=Registration.Status.CONFIRMED,
        token=f"t-{event.pk}-{email or user.pk}",
        confirmed_at=timezone.now(),
    )


# --- Which municipality a contribution counts for -------------------------------------------------------


def test_a_contribution_counts_for_the_persons_home_municipality_else_for_what_it_concerns(towns):
    andernach, mendig = towns
    from_mendig = UserFactory(home_municipality=mendig)
    no_home = UserFactory()
    idea = IdeaFactory(municipality=andernach, author=from_mendig)  # Mendig (her home)
    IdeaFactory(municipality=andernach, author=no_home)  # Andernach (the idea's)
    CommentFactory(idea=idea, author=no_home)  # Andernach (the idea's)
    CommentFactory(idea=idea, author=from_mendig)  # Mendig
    Support.objects.create(idea=idea, user=no_home)  # Andernach
    assisted_idea(idea.process, recorded_by=no_home, municipality=mendig)  # Mendig, by phone
    event = EventFactory(municipality=andernach)
    _registration(event, email="gast@example.org")  # a guest: the event's municipality
    _registration(event, from_mendig, email=from_mendig.email)  # Mendig
    IdeaFactory(municipality=None, author=no_home)  # the whole region: no municipality
    # What does not count: a hidden comment, an idea awaiting moderation, a draft event's registration.
    CommentFactory(idea=idea, author=no_home, is_hidden=True, hidden_reason="Beleidigung")
    IdeaFactory(municipality=andernach, status=IdeaStatus.SUBMITTED)
    _registration(EventFactory(municipality=andernach, status=Event.Status.DRAFT), email="x@example.org")

    counts = reach.contribution_counts()

    assert counts.total(municipality=andernach.pk) == 4
    assert counts.total(municipality=mendig.pk) == 4
    assert counts.total(municipality=None) == 1
    assert counts.total(municipality=andernach.pk, kind="registration") == 1
    assert counts.total(municipality=mendig.pk, channel=Channel.PHONE) == 1
    assert counts.total(municipality=mendig.pk, channel=Channel.EVENT) == 1
    assert counts.total(municipality=andernach.pk, channel=Channel.ONLINE) == 3


def test_rates_are_per_thousand_inhabitants_beside_the_region_average(towns):
    andernach, mendig = towns
    Municipality.objects.filter(pk=mendig.pk).update(population=4000)
    mendig.refresh_from_db()
    for _ in range(3):
        IdeaFactory(municipality=andernach)  # 3 per 12,000 = 0.25 per 1,000
    for _ in range(2):
        IdeaFactory(municipality=mendig)  # 2 per 4,000 = 0.5 per 1,000

    ranking = reach.region_ranking(municipalities=[andernach, mendig])

    assert [row.municipality for row in ranking.rows] == [mendig, andernach]
    assert [row.rate for row in ranking.rows] == [Decimal("0.5"), Decimal("0.3")]  # 0.25 rounds half up
    assert ranking.region_rate == Decimal("0.3")  # 5 per 16,000 = 0.3125
    assert ranking.rows[1].below_average is False  # 0.25 is shown as 0.3: compared as shown
    online = ranking.rows[0].channels[0]
    assert (online.label, online.count, online.rate) == ("Online", 2, Decimal("0.5"))


def test_since_leaves_out_older_contributions(towns):
    andernach, _mendig = towns
    IdeaFactory(municipality=andernach, published_at=timezone.now() - datetime.timedelta(days=200))
    IdeaFactory(municipality=andernach)
    assert reach.contribution_counts().total(municipality=andernach.pk) == 2
    since = timezone.localdate() - datetime.timedelta(days=90)
    assert reach.contribution_counts(since=since).total(municipality=andernach.pk) == 1


def test_periods_are_the_last_twelve_months_or_eight_quarters():
    months = reach.periods(by="month", today=datetime.date(2026, 2, 15))
    assert [p.label for p in months][:2] == ["03/2025", "04/2025"]
    assert months[-1].months == (datetime.date(2026, 2, 1),)
    quarters = reach.periods(by="quarter", today=datetime.date(2026, 2, 15))
    assert len(quarters) == 8
    assert quarters[-1].label == "Q1/2026"
    assert quarters[-1].months == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
        datetime.date(2026, 3, 1),
    )
    assert quarters[0].label == "Q2/2024"


# --- The municipality page ------------------------------------------------------------------------------


@pytest.fixture
def world(make_person, towns) -> World:
    andernach, _mendig = towns
    return World(make_person("program_office"), make_strategy(), [], make_sources(), andernach)


@pytest.fixture
def domain_world(world):
    from ..participation.factories import DomainFactory

    world.domains.append(DomainFactory())
    return world


def test_the_page_shows_ideas_shared_measures_money_events_and_open_processes(client, domain_world, towns):
    andernach, mendig = towns
    idea = IdeaFactory(municipality=andernach, title="Bücherschrank am Rhein")
    IdeaFactory(municipality=mendig, title="Vulkanpark-Shuttle")
    shared = build_measure(domain_world, title="Mitfahrbänke", municipalities=(andernach, mendig))
    own = build_measure(
        domain_world, title="Rufbus", municipalities=(andernach,), planned=("1000.00", "0.00")
    )
    build_measure(domain_world, title="Nur Mendig", municipalities=(mendig,))
    build_measure(domain_world, title="Entwurf", municipalities=(andernach,), published=False)
    EventFactory(municipality=andernach, title="Zukunftswerkstatt Andernach")
    EventFactory(municipality=andernach, title="Vergangen", state="past")
    open_process = ProcessFactory(title="Radwege 2030", phase="active")
    open_process.municipalities.set([andernach])
    ProcessFactory(title="Abgeschlossen", phase="after").municipalities.set([andernach])
    ProcessFactory(title="Anderswo", phase="active").municipalities.set([mendig])

    response = client.get(andernach.get_absolute_url())

    assert response.status_code == 200
    page = text_of(response)
    assert german("What is happening in %(name)s?", name="Andernach") in page
    assert idea.title in page
    assert "Vulkanpark-Shuttle" not in page
    assert "Mitfahrbänke" in page
    assert "Rufbus" in page
    assert "Nur Mendig" not in page
    assert "Entwurf" not in page
    assert f'href="{mendig.get_absolute_url()}">Mendig</a>' in page  # the co-owner of the shared measure
    total = shared.budget_planned + own.budget_planned
    assert german_money(total) in page
    assert "Zukunftswerkstatt Andernach" in page
    assert "Vergangen" not in page
    assert "Radwege 2030" in page
    assert "Abgeschlossen" not in page
    assert "Anderswo" not in page
    assert f"{reverse('participation:idea_list')}?municipality=andernach" in page


def german_money(amount: Decimal) -> str:
    from ..strategy.test_pages import german_euro

    return german_euro(amount)


def test_idea_and_event_pages_link_to_the_municipality(client, towns):
    andernach, _ = towns
    idea = IdeaFactory(municipality=andernach)
    event = EventFactory(municipality=andernach)
    link = f'href="{andernach.get_absolute_url()}"'
    assert link in text_of(client.get(idea.get_absolute_url()))
    assert link in text_of(client.get(event.get_absolute_url()))
    assert link in text_of(client.get(reverse("participation:idea_list")))
    assert f'href="{reverse("web:region_reach")}"' in text_of(client.get("/"))
    # The filters of the idea list and the calendar lead to the municipality they are set to.
    assert link in text_of(client.get(reverse("participation:idea_list") + "?municipality=andernach"))
    assert link in text_of(client.get(reverse("events:calendar") + "?municipality=andernach"))


def test_the_reach_section_shows_the_rates_as_a_chart_and_a_table(client, towns):
    andernach, _mendig = towns
    for _ in range(6):
        IdeaFactory(municipality=andernach)
    page = text_of(client.get(andernach.get_absolute_url()))
    assert 'id="reach-channels"' in page
    assert 'id="reach-timeline"' in page
    assert 'id="reach-kinds"' in page
    assert '<rect class="sr-bar--value" x="0" y="0" width="100.0" height="10"/>' in page
    assert "0,5" in page  # 6 per 12,000 = 0.5 per 1,000, in German
    assert " style=" not in page


def test_bad_filter_input_is_a_german_400_that_keeps_the_page(client, towns):
    andernach, _ = towns
    response = client.get(andernach.get_absolute_url() + "?since=ewig&by=quarter")
    assert response.status_code == 400
    page = text_of(response)
    assert german("Some filters could not be used. Please check them.") in page
    assert 'value="quarter" selected' in page
    assert client.get(reverse("web:region_reach") + "?since=x").status_code == 400
    assert client.get("/kommunen/atlantis/").status_code == 404


def _grow_municipality(towns: tuple[Municipality, Municipality], world: World, n: int) -> None:
    andernach, mendig = towns
    people = [UserFactory(home_municipality=mendig if i % 2 else None) for i in range(n)]
    process = ProcessFactory(phase="active")
    process.municipalities.set([andernach])
    for person in people:
        idea = IdeaFactory(municipality=andernach, author=person, process=process)
        CommentFactory(idea=idea, author=person)
        Support.objects.create(idea=idea, user=person)
        event = EventFactory(municipality=andernach)
        _registration(event, person, email=person.email)
        IdeaFactory(municipality=andernach, status=IdeaStatus.SUBMITTED)
    for i in range(max(n // 10, 1)):
        build_measure(world, title=f"Maßnahme {n}-{i}", municipalities=(andernach, mendig))


@pytest.mark.parametrize("role", ["anonymous", "coordinator"])
def test_the_pages_make_the_same_number_of_queries_with_more_data(
    client, domain_world, towns, make_person, role
):
    andernach, _ = towns
    person = make_person(role)
    if person is not None:
        client.force_login(person)
    urls = [
        andernach.get_absolute_url(),
        reverse("web:region_reach"),
        andernach.get_absolute_url() + "?by=quarter",
    ]
    if person is not None:
        urls.append(reverse("web:municipality_tasks", kwargs={"slug": andernach.slug}))
    _grow_municipality(towns, domain_world, 2)
    before = [rendered_count(client, url) for url in urls]
    _grow_municipality(towns, domain_world, 20)
    after = [rendered_count(client, url) for url in urls]
    assert before == after


# --- The coordinators' work list --------------------------------------------------------------------------


def test_the_work_list_shows_ideas_to_look_at_and_overdue_milestones(
    client, domain_world, towns, make_person
):
    andernach, mendig = towns
    coordinator = make_person("coordinator")  # of Andernach
    waiting = IdeaFactory(municipality=andernach, status=IdeaStatus.SUBMITTED, title="Wartet auf Freigabe")
    unanswered = IdeaFactory(municipality=andernach, title="Noch ohne Antwort")
    IdeaFactory(municipality=andernach, status=IdeaStatus.ADOPTED, title="Schon übernommen")
    IdeaFactory(municipality=mendig, status=IdeaStatus.SUBMITTED, title="Mendiger Idee")
    late = build_measure(domain_world, title="Verspätet", municipalities=(andernach,))  # one overdue
    build_measure(domain_world, title="In Mendig", municipalities=(mendig,))
    client.force_login(coordinator)

    page = text_of(client.get(reverse("web:municipality_tasks", kwargs={"slug": "andernach"})))

    assert waiting.title in page
    assert unanswered.title in page
    assert "Schon übernommen" not in page
    assert "Mendiger Idee" not in page
    assert late.title in page
    assert "Bänke aufgestellt" in page
    assert "In Mendig" not in page
    assert "Standorte gewählt" not in page  # done, not overdue
    municipality_page = text_of(client.get(andernach.get_absolute_url()))
    assert reverse("web:municipality_tasks", kwargs={"slug": "andernach"}) in municipality_page
    assert client.get(reverse("web:municipality_tasks", kwargs={"slug": "mendig"})).status_code == 403
    assert reverse("web:municipality_tasks", kwargs={"slug": "mendig"}) not in text_of(
        client.get(mendig.get_absolute_url())
    )


# --- Meine Beteiligung ------------------------------------------------------------------------------------

OWN = "/meine-beteiligung/"


def test_meine_beteiligung_lists_her_contributions_and_what_became_of_them(client, domain_world, towns):
    andernach, _ = towns
    clara = UserFactory(display_name="Clara")
    other = UserFactory()
    adopted = IdeaFactory(
        author=clara, title="Offene Daten", status=IdeaStatus.ADOPTED, municipality=andernach
    )
    measure = build_measure(domain_world, title="Datenportal", municipalities=(andernach,))
    IdeaLink.objects.create(idea=adopted, measure=measure, note="Wird im Datenportal umgesetzt.")
    waiting = IdeaFactory(author=clara, title="Noch in Prüfung", status=IdeaStatus.SUBMITTED)
    theirs = IdeaFactory(author=other, title="Fremde Idee")
    Support.objects.create(idea=theirs, user=clara)
    comment = CommentFactory(idea=theirs, author=clara, body="Mein Kommentar dazu")
    CommentFactory(idea=theirs, author=other, body="Fremder Kommentar")
    event = EventFactory(title="Bürgerforum")
    _registration(event, clara, email=clara.email)
    Follow.objects.create(user=clara, process=theirs.process)
    NotificationPreference.objects.create(user=clara, email_digest=True)
    client.force_login(clara)

    response = client.get(OWN)

    assert response.status_code == 200
    page = text_of(response)
    assert adopted.title in page
    assert waiting.title in page
    assert f'href="{measure.get_absolute_url()}">Datenportal</a>' in page
    assert "Wird im Datenportal umgesetzt." in page
    assert f'href="{theirs.get_absolute_url()}">{theirs.title}</a>' in page
    assert f"#comment-{comment.pk}" in page
    assert "Mein Kommentar dazu" in page
    assert "Fremder Kommentar" not in page
    assert "Bürgerforum" in page
    assert theirs.process.title in page
    assert german("The daily e-mail is switched on.") in page
    assert f"{reverse('participation:notifications')}#digest-title" in page
    assert f'href="{OWN}"' in page  # the navigation leads there


def test_nobody_sees_another_persons_participation(client):
    assert client.get(OWN).status_code == 302
    clara = UserFactory()
    IdeaFactory(author=clara, title="Claras geheime Idee", status=IdeaStatus.SUBMITTED)
    client.force_login(UserFactory())
    page = text_of(client.get(OWN))
    assert "Claras geheime Idee" not in page
    assert text_of(client.get(OWN + f"?user={clara.pk}")).count("Claras geheime Idee") == 0


def test_meine_beteiligung_pages_each_list_and_keeps_the_others(client):
    clara = UserFactory()
    process = ProcessFactory(phase="active")
    for i in range(12):
        IdeaFactory(author=clara, process=process, title=f"Idee {i:02d}")
    client.force_login(clara)
    page = text_of(client.get(OWN + "?kommentare=1"))
    assert "Idee 11" in page
    assert "Idee 01" not in page
    assert 'href="?kommentare=1&amp;ideen=2#ideen"' in page
    assert "Idee 01" in text_of(client.get(OWN + "?ideen=2"))


def test_meine_beteiligung_makes_the_same_number_of_queries_with_more_data(client, towns):
    andernach, _ = towns
    clara = UserFactory(home_municipality=andernach)
    client.force_login(clara)

    def grow(n: int) -> None:
        process = ProcessFactory(phase="active")
        for _ in range(n):
            idea = IdeaFactory(author=clara, process=process)
            other = IdeaFactory(process=process)
            Support.objects.create(idea=other, user=clara)
            CommentFactory(idea=other, author=clara)
            _registration(EventFactory(), clara, email=clara.email)
            Follow.objects.create(user=clara, idea=idea)

    grow(2)
    before = count_queries(client, OWN)
    grow(20)
    assert count_queries(client, OWN) == before


def test_a_phase_ends_and_the_process_is_no_longer_open(client, towns, django_capture_on_commit_callbacks):
    andernach, _ = towns
    process = ProcessFactory(title="Kurz offen")
    process.municipalities.set([andernach])
    PhaseFactory(process=process, state="after")
    assert "Kurz offen" not in text_of(client.get(andernach.get_absolute_url()))
    # The cached page is retired by the change, once it is committed.
    with django_capture_on_commit_callbacks(execute=True):
        PhaseFactory(process=process, state="active")
    assert "Kurz offen" in text_of(client.get(andernach.get_absolute_url()))


def test_anonymous_visitors_get_the_pages_from_the_cache_until_a_contribution_retires_them(
    client, towns, django_capture_on_commit_callbacks
):
    andernach, _ = towns
    for url in (andernach.get_absolute_url(), reverse("web:region_reach")):
        client.get(url)
        assert count_queries(client, url) <= 2  # session and nothing else: the cached page
    with django_capture_on_commit_callbacks(execute=True):
        IdeaFactory(municipality=andernach, title="Ganz neue Idee")
    assert "Ganz neue Idee" in text_of(client.get(andernach.get_absolute_url()))


def test_a_region_wide_process_is_open_in_every_municipality(client, towns):
    andernach, _ = towns
    ProcessFactory(title="Für alle", phase="active")
    assert "Für alle" in text_of(client.get(andernach.get_absolute_url()))


def test_the_region_page_lists_every_municipality_with_a_link(client, towns):
    MunicipalityFactory(region=towns[0].region, name="Mayen", slug="mayen")
    page = text_of(client.get(reverse("web:region_reach")))
    for slug in ("andernach", "mendig", "mayen"):
        assert f'href="/kommunen/{slug}/"' in page
    assert 'id="ranking-table"' in page


# --- Survey answers -------------------------------------------------------------------------------------


@pytest.fixture
def survey(db):
    office = UserFactory()
    RoleGrantFactory(user=office, role=Role.PROGRAM_OFFICE)
    return make_survey(office, survey_process("active"), title="Zukunftsdialog")


def test_a_survey_answer_counts_for_the_municipality_given_else_for_the_persons_home(towns, survey):
    andernach, mendig = towns
    from_mendig = UserFactory(home_municipality=mendig)
    now = timezone.now()
    Response.objects.create(survey=survey, user=from_mendig, municipality=andernach, submitted_at=now)
    Response.objects.create(survey=survey, user=UserFactory(home_municipality=mendig), submitted_at=now)
    Response.objects.create(
        survey=survey, municipality=mendig, channel=SurveyChannel.PAPER, paper_number="17", submitted_at=now
    )

    counts = reach.contribution_counts()

    assert counts.total(municipality=andernach.pk, kind="survey_response") == 1
    assert counts.total(municipality=mendig.pk, kind="survey_response") == 2
    assert counts.total(municipality=mendig.pk, channel=SurveyChannel.PAPER) == 1
    paper = reach.region_ranking(municipalities=[andernach, mendig]).rows[0].channels[-1]
    assert (paper.label, paper.count) == ("Papierfragebogen", 1)


def test_meine_beteiligung_lists_her_survey_answers(client, survey):
    clara = UserFactory()
    Response.objects.create(survey=survey, user=clara, submitted_at=timezone.now())
    Response.objects.create(survey=survey, user=UserFactory(), submitted_at=timezone.now())
    client.force_login(clara)

    page = text_of(client.get(OWN))

    assert f'href="{survey.get_absolute_url()}">Zukunftsdialog</a>' in page
    assert page.count("Zukunftsdialog</a>") == 1
