"""Atom feeds of new ideas (all, per process) and of the measures' news; iCal calendars of the phases."""

from xml.etree import ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from smartregion.participation.models import Process
from smartregion.program import services

from ..participation.factories import IdeaFactory, PhaseFactory, ProcessFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 (our own server's answer)
    assert feed.tag == f"{ATOM}feed"
    return feed.findall(f"{ATOM}entry")


def _titles(response) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in _entries(response)]


def test_idea_feed_lists_the_public_ideas_newest_first(client, public_data):
    titles = _titles(client.get(reverse("opendata:idea_feed")))

    assert set(titles) == {"Radweg am Rhein", "Mehr Fahrradständer", "Sichere Radwege"}


def test_process_feed_lists_only_its_ideas(client, public_data):
    other = ProcessFactory(title="Anderer Prozess", slug="anderer", phase="active")
    IdeaFactory(process=other, title="Idee woanders")

    response = client.get(reverse("opendata:process_idea_feed", kwargs={"slug": "radverkehr"}))

    titles = _titles(response)
    assert "Idee woanders" not in titles
    assert "Radweg am Rhein" in titles
    assert "Radverkehr in der Region" in response.content.decode()


def test_feed_of_a_draft_or_unknown_process_is_not_found(client, public_data):
    ProcessFactory(slug="entwurf", visibility=Process.Visibility.DRAFT)

    assert client.get(reverse("opendata:process_idea_feed", kwargs={"slug": "entwurf"})).status_code == 404
    assert (
        client.get(reverse("opendata:process_idea_feed", kwargs={"slug": "gibt-es-nicht"})).status_code == 404
    )


def test_idea_feed_makes_a_fixed_number_of_queries(client, public_data):
    url = reverse("opendata:idea_feed")
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(20):
        IdeaFactory(process=public_data["process"], title=f"Mehr {n}")
    with CaptureQueriesContext(connection) as after:
        client.get(url)

    assert len(after) == len(before)


def test_measure_feed_has_status_progress_and_milestones_of_published_measures(client, public_data, office):
    measure = public_data["measure"]
    services.measure_set_status(
        actor=office, measure=measure, status="paused", reason="Lieferengpass bei Bänken"
    )
    services.measure_set_progress(actor=office, measure=measure, progress=70, reason="Mehr Bänke als geplant")
    services.measure_set_status(
        actor=office, measure=public_data["unpublished"], status="cancelled", reason="Intern abgesagt"
    )

    response = client.get(reverse("opendata:measure_feed"))

    titles = _titles(response)
    text = response.content.decode()
    assert "Mitfahrbänke mit digitaler Anzeige: Status „Pausiert“" in titles
    assert "Mitfahrbänke mit digitaler Anzeige: Fortschritt 70 %" in titles
    assert "Mitfahrbänke mit digitaler Anzeige: Meilenstein „Pilot gestartet“ erreicht" in titles
    assert "Lieferengpass bei Bänken" in text
    # The open milestone was only added, not reached; the unpublished measure has no news at all.
    assert not any("Ausbau" in title for title in titles)
    assert "Schublade" not in text
    assert "Intern abgesagt" not in text
    assert office.email not in text


def test_measure_feed_makes_a_fixed_number_of_queries(client, public_data, office, make_measure):
    url = reverse("opendata:measure_feed")
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(20):
        services.measure_set_status(actor=office, measure=make_measure(title=f"M {n}"), status="running")
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)

    assert len(_entries(response)) > 20
    assert len(after) == len(before)


def _calendar(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_calendar_of_all_public_processes(client, public_data):
    PhaseFactory(process=public_data["process"], state="after", title="Rückblick")
    draft = ProcessFactory(slug="entwurf", title="Entwurfsprozess", visibility=Process.Visibility.DRAFT)
    PhaseFactory(process=draft)

    calendar = _calendar(client.get(reverse("opendata:phases_calendar")))

    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    assert all(str(event["summary"]).startswith("Radverkehr in der Region: ") for event in events)
    assert all(str(event["uid"]).startswith("phase-") for event in events)
    assert all(event.decoded("dtstart") < event.decoded("dtend") for event in events)


def test_calendar_uids_are_stable(client, public_data):
    url = reverse("opendata:process_calendar", kwargs={"slug": "radverkehr"})

    first = [str(event["uid"]) for event in _calendar(client.get(url)).walk("VEVENT")]
    second = [str(event["uid"]) for event in _calendar(client.get(url)).walk("VEVENT")]
    everything = [
        str(e["uid"]) for e in _calendar(client.get(reverse("opendata:phases_calendar"))).walk("VEVENT")
    ]

    assert first == second
    assert len(first) == 1
    assert set(first) <= set(everything)


@pytest.mark.parametrize("slug", ["entwurf", "gibt-es-nicht"])
def test_calendar_of_a_draft_or_unknown_process_is_not_found(client, public_data, slug):
    ProcessFactory(slug="entwurf", visibility=Process.Visibility.DRAFT)

    assert client.get(reverse("opendata:process_calendar", kwargs={"slug": slug})).status_code == 404


def test_calendar_makes_a_fixed_number_of_queries(client, public_data):
    url = reverse("opendata:phases_calendar")
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _n in range(20):
        PhaseFactory(process=ProcessFactory())
    with CaptureQueriesContext(connection) as after:
        client.get(url)

    assert len(after) == len(before)
