"""Saving a form in the admin writes only what the form edits (issue 17, finding 10): counts, sums and
statuses the services keep are never written back as they were read, and the event admin cannot cancel
an event without telling anyone. Each test sends an admin form while the site's service changes the same
row between the admin's read and its write (``meanwhile``), as a concurrent booking would."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from django.db.models.signals import pre_save

from smartregion.accounts.models import Role
from smartregion.events import services as event_services
from smartregion.events.models import Event
from smartregion.participation.models import Process
from smartregion.program import services as program_services
from smartregion.program.models import FundingSource
from smartregion.strategy.models import Measure

from ..events.factories import EventFactory
from ..factories import UserFactory
from ..html import form_fields
from ..participation.factories import IdeaFactory, ProcessFactory

MULTIPLE_CHOICES = {"organizers", "domains", "municipalities"}


@pytest.fixture
def office(client, signed_in):
    return signed_in(Role.PROGRAM_OFFICE)


def _open(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    # An empty multiple choice sends nothing from a browser.
    fields = form_fields(response.content.decode())
    return {name: value for name, value in fields.items() if value or name not in MULTIPLE_CHOICES}


@contextmanager
def meanwhile(model: type, service: Callable[[], Any]) -> Iterator[None]:
    """Run ``service`` once, after the admin read the row and before it writes it."""
    done: list[bool] = []

    def interleave(sender: type, **kwargs: Any) -> None:
        if not done:
            done.append(True)
            service()

    pre_save.connect(interleave, sender=model, weak=False)
    try:
        yield
    finally:
        pre_save.disconnect(interleave, sender=model)
    assert done


def _send(client, url: str, data: dict[str, str]) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]


def test_saving_a_measure_keeps_the_money_booked_meanwhile(client, office, program, make_measure):
    federal, _own = program
    measure = make_measure()
    url = f"/admin/strategy/measure/{measure.pk}/change/"
    data = _open(client, url)
    data["title"] = "Mitfahrbänke im Kreis"

    def book() -> None:
        program_services.budget_line_set(
            actor=office, measure=measure, source=federal, year=2027, planned="250.00"
        )

    with meanwhile(Measure, book):
        _send(client, url, data)

    measure.refresh_from_db()
    assert measure.title == "Mitfahrbänke im Kreis"
    assert measure.budget_planned == Decimal("250.00")


def test_saving_a_funding_source_keeps_what_was_allocated_meanwhile(client, office, program, make_measure):
    federal, _own = program
    other = make_measure()
    url = f"/admin/program/fundingsource/{federal.pk}/change/"
    data = _open(client, url)
    data["name"] = "Bund (KfW)"

    def book() -> None:
        program_services.budget_line_set(
            actor=office, measure=other, source=federal, year=2027, planned="300.00"
        )

    with meanwhile(FundingSource, book):
        _send(client, url, data)

    federal.refresh_from_db()
    assert (federal.name, federal.allocated) == ("Bund (KfW)", Decimal("300.00"))


def test_saving_an_event_keeps_its_places_and_cannot_cancel_it(client, office, municipality):
    event = EventFactory(municipality=municipality, capacity=1)
    url = f"/admin/events/event/{event.pk}/change/"
    data = _open(client, url)
    # Shown, not editable: cancelling is the organizers' page's, which tells every registrant.
    assert "status" not in data
    data["title"] = "Werkstatt Mobilität"
    data["status"] = Event.Status.CANCELLED
    person = UserFactory()

    with meanwhile(Event, lambda: event_services.registration_create(event=event, user=person)):
        _send(client, url, data)

    event.refresh_from_db()
    assert event.title == "Werkstatt Mobilität"
    assert event.status == Event.Status.PUBLISHED
    assert (event.registered_count, event.last_position) == (1, 1)
    # The place is still taken: a second person waits instead of overbooking the event.
    second = event_services.registration_create(event=event, user=UserFactory())
    assert (second.status, second.position) == ("waiting", 2)


def test_saving_a_process_keeps_the_ideas_counted_meanwhile(client, office):
    process = ProcessFactory()
    url = f"/admin/participation/process/{process.pk}/change/"
    data = _open(client, url)
    data["title"] = "Mobilität 2030"

    with meanwhile(Process, lambda: IdeaFactory(process=process)):  # counted as the services count it
        _send(client, url, data)

    process.refresh_from_db()
    assert (process.title, process.idea_count) == ("Mobilität 2030", 1)
