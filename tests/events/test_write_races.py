"""Organizers' writes decide on the locked event (issue 17, findings 6, 9 and 15): each request loads the
event as its view does, then all enter the service together. A cancellation and a message reach every
registrant once; a short name taken meanwhile is answered on the form, never with a 500."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from smartregion.accounts.models import Role, User
from smartregion.events import services, tasks
from smartregion.events.models import Event, EventMessage

from ..concurrency import race, refusals
from ..factories import MunicipalityFactory, RegionFactory, RoleGrantFactory, UserFactory
from .factories import DAY, EventFactory


@pytest.fixture
def full_event(race_database):
    """An event with three registrants; the inbox is empty afterwards."""
    event = EventFactory(municipality=MunicipalityFactory(region=RegionFactory()), capacity=10)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        services.registration_create(event=event, user=person)
    mail.outbox.clear()
    return event, sorted(person.email for person in people)


@pytest.fixture
def organizer_pks(race_database) -> list[int]:
    return [RoleGrantFactory(role=Role.PROGRAM_OFFICE).user_id for _ in range(3)]


def _recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def test_two_organizers_cancelling_at_once_announce_it_once(full_event, organizer_pks):
    event, emails = full_event

    def cancel(organizer_pk: int):
        def load():
            actor, loaded = User.objects.get(pk=organizer_pk), Event.objects.get(pk=event.pk)
            return lambda: services.event_update(
                actor=actor, event=loaded, data={"status": Event.Status.CANCELLED}
            )

        return load

    race([cancel(pk) for pk in organizer_pks])

    assert EventMessage.objects.filter(event=event).count() == 1
    assert _recipients() == emails


def test_a_double_submitted_message_mails_everyone_once(full_event, organizer_pks):
    event, emails = full_event

    def send():
        actor, loaded = User.objects.get(pk=organizer_pks[0]), Event.objects.get(pk=event.pk)
        return lambda: services.message_send(actor=actor, event=loaded, subject="Raumänderung", body="Saal 2")

    race([send] * 3)

    assert EventMessage.objects.filter(event=event).count() == 1
    assert _recipients() == emails
    # A retried delivery task queues nothing again; a later, different message is a message of its own.
    assert tasks.message_deliver.call(message_id=EventMessage.objects.get().pk) == 0
    services.message_send(
        actor=User.objects.get(pk=organizer_pks[0]), event=event, subject="Raumänderung", body="Saal 3"
    )
    assert len(mail.outbox) == 2 * len(emails)


def test_two_new_events_with_one_short_name_answer_on_the_form(race_database, organizer_pks):
    start = timezone.now() + 5 * DAY
    data = {
        "title": "Werkstatt",
        "slug": "werkstatt",
        "summary": "x",
        "format": "online_dialogue",
        "online_url": "https://meet.example.org/x",
        "starts_at": start,
        "ends_at": start + DAY / 24,
    }

    def create(organizer_pk: int):
        def load():
            actor = User.objects.get(pk=organizer_pk)
            return lambda: services.event_create(actor=actor, data=data)

        return load

    outcomes = race([create(pk) for pk in organizer_pks])

    assert [error.message_dict for error in refusals(outcomes)] == [
        {"slug": ["Eine andere Veranstaltung verwendet diesen Kurznamen bereits."]}
    ] * 2
    assert Event.objects.filter(slug="werkstatt").count() == 1


def test_anonymising_twice_at_once_logs_once(race_database):
    event = EventFactory(municipality=MunicipalityFactory(region=RegionFactory()), state="open")
    services.registration_create(event=event, user=UserFactory())
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - 400 * DAY, ends_at=timezone.now() - 399 * DAY
    )

    def anonymise():
        return services.registrations_anonymise

    race([anonymise] * 3)

    assert event.log.filter(kind="anonymised").count() == 1


def test_a_cancellation_saved_again_is_not_announced_again(full_event, organizer_pks):
    event, emails = full_event
    actor = User.objects.get(pk=organizer_pks[0])
    stale = Event.objects.get(pk=event.pk)  # loaded by a second tab before the first one cancelled
    services.event_update(actor=actor, event=event, data={"status": Event.Status.CANCELLED})
    services.event_update(actor=actor, event=stale, data={"status": Event.Status.CANCELLED})

    assert _recipients() == emails
    with pytest.raises(ValidationError):
        services.event_update(actor=actor, event=stale, data={"capacity": 0})
