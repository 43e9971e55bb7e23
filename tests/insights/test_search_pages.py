"""The search page, the API and the similar ideas make a fixed number of queries whatever the data size;
the idea form shows similar ideas with htmx and, without JavaScript, on a button that keeps the input."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from smartregion.participation.models import Idea

from ..participation.public_support import count_queries, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def fresh_rate_limits() -> None:
    caches["default"].clear()


def _grow(make_idea, make_comment, make_measure, make_event, count: int, start: int):  # noqa: PLR0917 - fixtures
    for number in range(start, start + count):
        idea = make_idea(f"Radweg Nummer {number}", "Ein sicherer Radweg mit Licht.")
        make_comment(idea=idea, body="Der Radweg ist wichtig.")
        make_measure(f"Radwegenetz Teil {number}", "Radwege verbinden.")
        make_event(title=f"Radweg-Werkstatt {number}", summary="Wir planen Radwege.")


@pytest.mark.parametrize(
    "url",
    [
        "/suche/?q=Radweg",
        "/suche/?q=Radweg&kind=idea",
        "/suche/?q=Radweg&page=2",
        "/suche/?q=Radwge",  # a typo: nothing found, a suggestion
        "/ideen/?q=Radweg",
        "/api/v1/ideas?q=Radweg",
    ],
)
def test_query_counts_stay_the_same_with_more_content(  # noqa: PLR0917 - fixtures
    client, make_idea, make_comment, make_measure, make_event, url
):
    _grow(make_idea, make_comment, make_measure, make_event, 25, 0)
    client.get(url)
    caches["pages"].clear()
    before = count_queries(client, url)
    _grow(make_idea, make_comment, make_measure, make_event, 20, 100)
    caches["pages"].clear()
    after = count_queries(client, url)
    assert after == before, f"{url}: {before} queries, then {after} with 20 more of each kind"


def test_similar_ideas_answer_in_a_fixed_number_of_queries(client, process, make_idea):
    url = reverse("insights:similar_ideas", args=[process.slug])
    data = {"title": "Radweg beleuchten", "body": "Nachts ist der Radweg dunkel."}
    for number in range(10):
        make_idea(f"Radweg {number} beleuchten", "Licht am Radweg.")
    client.post(url, data)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.post(url, data)
    for number in range(20):
        make_idea(f"Radweg {number + 10} beleuchten", "Licht am Radweg.")
    with CaptureQueriesContext(connection) as second:
        response = client.post(url, data)
    assert len(first) == len(second)
    assert text_of(response).count("#support-box") == 5


@pytest.fixture
def proposer(client, make_person):
    user = make_person("citizen")
    client.force_login(user)
    return user


def test_the_idea_form_asks_for_similar_ideas_while_typing(client, proposer, process):
    page = text_of(client.get(reverse("participation:idea_create", args=[process.slug])))
    assert (
        'hx-trigger="keyup changed delay:500ms from:#id_title, keyup changed delay:500ms from:#id_body"'
        in page
    )
    assert f'hx-post="{reverse("insights:similar_ideas", args=[process.slug])}"' in page
    assert 'name="show_similar"' in page


def test_the_htmx_answer_lists_ideas_with_a_way_to_support_them_instead(client, process, make_idea):
    idea = make_idea("Mitfahrbank in Kruft", "Eine Mitfahrbank am Ortsausgang von Kruft.")
    response = client.post(
        reverse("insights:similar_ideas", args=[process.slug]),
        {"title": "Mitfahrbänke", "body": "Mitfahrbank für Kruft"},
        HTTP_HX_REQUEST="true",
    )
    page = text_of(response)
    assert response.status_code == 200
    assert f'href="{idea.get_absolute_url()}#support-box"' in page
    assert "Stattdessen „Mitfahrbank in Kruft“ unterstützen" in page


def test_without_javascript_the_button_shows_similar_ideas_and_keeps_the_input(
    client, proposer, process, make_idea
):
    make_idea("Mitfahrbank in Kruft", "Eine Mitfahrbank am Ortsausgang von Kruft.")
    before = Idea.objects.count()
    response = client.post(
        reverse("participation:idea_create", args=[process.slug]),
        {"title": "Mitfahrbänke für Kruft", "body": "Bitte eine <Mitfahrbank>", "show_similar": "1"},
    )
    page = text_of(response)
    assert response.status_code == 200
    assert Idea.objects.count() == before  # nothing stored
    assert "Mitfahrbank in Kruft" in page
    assert 'value="Mitfahrbänke für Kruft"' in page
    assert "Bitte eine &lt;Mitfahrbank&gt;" in page
    assert "Bitte prüfen Sie Ihre Eingabe" not in page


def test_the_similar_ideas_endpoint_refuses_get_and_bounds_its_input(client, process):
    url = reverse("insights:similar_ideas", args=[process.slug])
    assert client.get(url).status_code == 405
    response = client.post(url, {"title": "x" * 5000, "body": "\x00Radweg"})
    assert response.status_code == 200
