"""The API's ``q`` on measures and events: the same German search index as the search page, ordered by
relevance, public documents only, a cursor that walks the ranking, hostile input answered, never a 500."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartregion.events.models import Event

from ..events.factories import EventFactory

pytestmark = pytest.mark.django_db


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def measures(make_measure):
    text = make_measure(title="Mitfahrbänke")
    text.summary = "Bänke an den Radwegen, wo der Bus selten fährt."
    text.save()  # re-indexed with its text
    return {
        "title": make_measure(title="Sichere Radwege an der B9"),
        "text": text,
        "other": make_measure(title="Glasfaser für alle Dörfer"),
        "draft": make_measure(title="Radweg im Entwurf", published=False),
    }


@pytest.fixture
def events(db):
    return {
        "title": EventFactory(title="Radwegewerkstatt", summary="Wir planen gemeinsam."),
        "text": EventFactory(title="Bürgerforum", summary="Auch über den Radweg am Rhein."),
        "other": EventFactory(title="Dorfladen", summary="Nahversorgung"),
        "draft": EventFactory(title="Radweg intern", status=Event.Status.DRAFT),
    }


def test_measures_are_found_by_a_word_form_best_first_without_drafts(api_client, measures):
    data = _get(api_client, "/api/v1/measures?q=Radweg")

    # A title match ranks above a match in the text; the draft is never found.
    assert [row["slug"] for row in data["results"]] == [measures["title"].slug, measures["text"].slug]
    assert data["count"] == 2


def test_events_are_found_best_first_without_drafts(api_client, events):
    data = _get(api_client, "/api/v1/events?q=Radwege")

    assert [row["slug"] for row in data["results"]] == [events["title"].slug, events["text"].slug]


@pytest.mark.parametrize("resource", ["measures", "events"])
def test_the_cursor_walks_the_ranking_once(api_client, measures, events, resource):
    url, seen = f"/api/v1/{resource}?q=Radweg&limit=1", []
    while url:
        data = _get(api_client, url)
        seen += [row["slug"] for row in data["results"]]
        url = data["next"]
    assert seen == [row["slug"] for row in _get(api_client, f"/api/v1/{resource}?q=Radweg")["results"]]
    assert len(seen) == 2


@pytest.mark.parametrize("resource", ["measures", "events"])
@pytest.mark.parametrize("q", ['"Radweg', "Rad* NEAR(x", "'; DROP TABLE x; --", "der die das", "%%%"])
def test_hostile_or_empty_queries_are_answered(api_client, measures, events, resource, q):
    response = api_client.get(f"/api/v1/{resource}", {"q": q})
    assert response.status_code == 200
    found = {row["slug"] for row in response.json()["results"]}
    wanted = {measures["title"].slug, measures["text"].slug, events["title"].slug, events["text"].slug}
    assert found <= (wanted if "Radweg" in q else set())


def test_a_cursor_of_the_plain_list_is_refused_with_a_search(api_client, measures):
    cursor = _get(api_client, "/api/v1/measures?limit=1")["next"].split("cursor=")[1]
    response = api_client.get(f"/api/v1/measures?q=Radweg&cursor={cursor}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


def _queries(client, url: str) -> int:
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_search_makes_a_constant_number_of_queries(api_client, measures, events, make_measure):
    urls = ["/api/v1/measures?q=Radweg", "/api/v1/events?q=Radweg"]
    before = [_queries(api_client, url) for url in urls]
    for n in range(20):
        make_measure(title=f"Radweg Nummer {n}")
        EventFactory(title=f"Radwegetreffen {n}")
    assert [_queries(api_client, url) for url in urls] == before
