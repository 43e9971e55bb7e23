"""The calendar, the event page and the attendee list make the same number of SQL queries with 20 more rows
(STYLE.md rule 5), for anonymous visitors, a registered citizen and the program office."""

import itertools

import pytest
from django.urls import reverse

from smartregion.events import services
from smartregion.events.models import MinutesAttachment

from ..factories import OrganizationFactory, UserFactory
from ..participation.factories import DomainFactory, ProcessFactory
from ..participation.public_support import count_queries
from .factories import EventFactory

VIEWERS = ("anonymous", "citizen", "program_office")


def _same_count(client, url, grow):
    client.get(url)  # the first request may set up a session
    before = count_queries(client, url)
    grow()
    after = count_queries(client, url)
    assert after == before, f"{url}: {before} queries, then {after} with 20 more rows"
    return before


def _events(count, municipality, process):
    for index in range(count):
        event = EventFactory(
            municipality=municipality if index % 2 else None,
            process=process if index % 3 else None,
            latitude=municipality.latitude,
            longitude=municipality.longitude,
        )
        event.organizers.set([OrganizationFactory(), OrganizationFactory()])


@pytest.mark.parametrize("viewer", VIEWERS)
def test_calendar_and_map(client, signed_in, municipality, viewer):
    signed_in(viewer)
    process = ProcessFactory()
    _events(3, municipality, process)
    for url in (reverse("events:calendar"), reverse("events:map"), reverse("events:calendar_ical")):
        _same_count(client, url, lambda: _events(20, municipality, process))


@pytest.mark.parametrize("viewer", VIEWERS)
def test_event_page(client, signed_in, municipality, viewer):
    person = signed_in(viewer)
    process = ProcessFactory()
    domain = DomainFactory()
    event = EventFactory(municipality=municipality, process=process, capacity=5)
    office = UserFactory(is_superuser=True)
    if person is not None:
        services.registration_create(event=event, user=person)

    def grow():
        for _ in range(20):
            services.registration_create(event=event, user=UserFactory())
        event.organizers.add(*(OrganizationFactory() for _ in range(20)))
        for index in range(20):
            idea = services.participation_services.idea_record_assisted(
                recorded_by=office,
                process=process,
                channel="event",
                title=f"Karte {index}",
                body="Text",
                domains=[domain],
                source_event=event,
            )
            assert idea.source_event_id == event.pk
            MinutesAttachment.objects.create(
                event=event,
                title=f"Datei {index}",
                file=f"events/x{index}.pdf",
                content_type="application/pdf",
                size=1,
            )

    event.minutes, event.minutes_html = "x", "<p>x</p>"
    event.minutes_published_at = event.created_at
    event.save()
    _same_count(client, event.get_absolute_url(), grow)


@pytest.mark.parametrize("share", [True, False])
def test_attendee_list(client, signed_in, municipality, share):
    signed_in("program_office")
    event = EventFactory(municipality=municipality, capacity=25)
    numbers = itertools.count()

    def grow():
        for _ in range(20):
            services.registration_create(event=event, user=UserFactory(), share_contact=share)
        for _ in range(10):
            index = next(numbers)
            guest = services.registration_create(
                event=event, name=f"Gast {index}", email=f"g{index}@example.org"
            )
            services.registration_confirm(token=guest.token)

    services.registration_create(event=event, user=UserFactory(), share_contact=share)
    for name in ("attendees", "attendees_csv", "attendees_xlsx"):
        _same_count(client, reverse(f"events:{name}", args=[event.slug]), lambda: None)
    url = reverse("events:attendees", args=[event.slug])
    _same_count(client, url, grow)
    _same_count(client, reverse("events:attendees_csv", args=[event.slug]), grow)
