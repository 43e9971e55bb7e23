"""Events in the API: the list with its filters, one event, the iCal links; only what the public calendar
shows; German problem documents for bad input; 304 and the cache retired by a change; and a constant
number of queries with 20 more events."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smartregion.events.models import Event, EventFormat, Registration

from ..events.factories import EventFactory
from ..factories import OrganizationFactory
from ..participation.factories import ProcessFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/events"


@pytest.fixture
def calendar(municipality, other_municipality):
    process = ProcessFactory(slug="mobil")
    partner = OrganizationFactory(slug="vhs")
    return {
        "workshop": EventFactory(
            slug="werkstatt", municipality=municipality, process=process, organizers=[partner]
        ),
        "forum": EventFactory(
            slug="forum",
            municipality=other_municipality,
            format=EventFormat.CITIZEN_FORUM,
            starts_at=timezone.now() + datetime.timedelta(days=40),
            ends_at=timezone.now() + datetime.timedelta(days=40, hours=2),
        ),
        "past": EventFactory(slug="rueckblick", municipality=municipality, state="past"),
        "cancelled": EventFactory(slug="abgesagt", status=Event.Status.CANCELLED),
        "draft": EventFactory(slug="entwurf", status=Event.Status.DRAFT, municipality=municipality),
    }


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_the_list_shows_public_events_soonest_first(client, calendar):
    body = client.get(URL).json()
    assert [row["slug"] for row in body["results"]] == ["rueckblick", "werkstatt", "abgesagt", "forum"]
    assert body["count"] == 4
    workshop = body["results"][1]
    assert workshop["municipality"] == "andernach"
    assert workshop["process"] == "mobil"
    assert workshop["organizers"] == ["vhs"]
    assert workshop["ical"] == "http://testserver/veranstaltungen/werkstatt/kalender.ics"
    assert workshop["free_places"] == 10
    assert "online_url" not in workshop
    assert body["ical"].startswith("http://testserver/veranstaltungen/kalender.ics?")
    assert client.get(workshop["ical"].removeprefix("http://testserver")).status_code == 200


def test_filters(client, calendar):
    today = timezone.localdate()
    assert _slugs(client.get(URL, {"municipality": "andernach"})) == ["rueckblick", "werkstatt"]
    assert _slugs(client.get(URL, {"process": "mobil"})) == ["werkstatt"]
    assert _slugs(client.get(URL, {"format": "citizen_forum"})) == ["forum"]
    assert _slugs(client.get(URL, {"from": str(today)})) == ["werkstatt", "abgesagt", "forum"]
    until = today + datetime.timedelta(days=20)
    assert _slugs(client.get(URL, {"from": str(today), "to": str(until)})) == ["werkstatt", "abgesagt"]
    feed = client.get(URL, {"municipality": "andernach", "format": "workshop"}).json()["ical"]
    assert "municipality=andernach" in feed
    assert "format=workshop" in feed


def test_pages_follow_the_cursor_without_repeating(client, calendar):
    first = client.get(URL, {"limit": 3}).json()
    second = client.get(first["next"].removeprefix("http://testserver")).json()
    assert [r["slug"] for r in first["results"] + second["results"]] == [
        "rueckblick",
        "werkstatt",
        "abgesagt",
        "forum",
    ]
    assert second["next"] is None


def test_one_event_and_its_minutes_once_published(client, calendar):
    workshop = calendar["workshop"]
    body = client.get(f"{URL}/werkstatt").json()
    assert body["title"] == workshop.title
    assert body["minutes"] is None
    Event.objects.filter(pk=workshop.pk).update(
        minutes="Wir haben **viel** besprochen.", minutes_published_at=timezone.now()
    )
    caches["pages"].clear()
    assert client.get(f"{URL}/werkstatt").json()["minutes"] == "Wir haben **viel** besprochen."


def test_drafts_and_unknown_events_are_not_found(client, calendar):
    for slug in ("entwurf", "gibt-es-nicht"):
        response = client.get(f"{URL}/{slug}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert "entwurf" not in _slugs(client.get(URL))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"municipality": "atlantis"}, "municipality"),
        ({"process": "geheim"}, "process"),
        ({"format": "party"}, "format"),
        ({"from": "gestern"}, "from"),
        ({"to": "0"}, "to"),  # pydantic alone would read a number as seconds since 1970
        ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
        ({"limit": "0"}, "limit"),
        ({"cursor": "kaputt"}, "cursor"),
    ],
)
def test_bad_input_is_a_german_problem(client, calendar, query, field):
    response = client.get(URL, query)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Ungültige Eingabe"
    assert field in str(body["errors"])
    if field in ("from", "to") and "2026" not in str(query):
        assert "Bitte geben Sie ein Datum als JJJJ-MM-TT an" in str(body["errors"])


def test_a_change_retires_the_cached_answer_and_304_otherwise(
    client, calendar, django_capture_on_commit_callbacks
):
    first = client.get(f"{URL}/werkstatt")
    assert client.get(f"{URL}/werkstatt", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        Registration.objects.create(
            event=calendar["workshop"], name="Gast", email="gast@example.org", status="confirmed", token="x"
        )
    Event.objects.filter(pk=calendar["workshop"].pk).update(registered_count=1)
    changed = client.get(f"{URL}/werkstatt", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed.json()["free_places"] == 9


def _queries(client, url: str) -> int:
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_and_the_detail_make_a_constant_number_of_queries(client, calendar, municipality):
    urls = [f"{URL}?limit=100", f"{URL}?municipality=andernach&from=2020-01-01", f"{URL}/werkstatt"]
    before = [_queries(client, url) for url in urls]
    for _ in range(20):
        EventFactory(municipality=municipality, organizers=[OrganizationFactory(), OrganizationFactory()])
    assert [_queries(client, url) for url in urls] == before
