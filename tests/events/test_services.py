"""The registration services: places, waiting list, moving up, guests' double opt-in, expiry, cancelling,
reminders, messages, retention, and the personal-data provider."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from smartregion.accounts import services as account_services
from smartregion.events import services, tasks
from smartregion.events.models import Event, EventLogEntry, EventMessage, Registration
from smartregion.events.selectors import personal_data_export_for

from ..factories import UserFactory
from .factories import DAY, EventFactory

CONFIRMED, WAITING, PENDING = (
    Registration.Status.CONFIRMED,
    Registration.Status.WAITING,
    Registration.Status.PENDING,
)


def _fresh(event: Event) -> Event:
    return Event.objects.get(pk=event.pk)


def _register_people(event: Event, count: int) -> list[Registration]:
    return [services.registration_create(event=event, user=UserFactory()) for _ in range(count)]


def _statuses(event: Event) -> list[str]:
    return list(
        Registration.objects.filter(event=event).order_by("position").values_list("status", flat=True)
    )


def test_signed_in_people_get_places_then_the_waiting_list_in_order(event):
    event.capacity = 2
    event.save()
    registrations = _register_people(event, 4)
    assert [r.status for r in registrations] == [CONFIRMED, CONFIRMED, WAITING, WAITING]
    assert [r.position for r in registrations] == [1, 2, 3, 4]
    event = _fresh(event)
    assert (event.registered_count, event.waiting_count) == (2, 2)


def test_a_person_registers_once(event):
    person = UserFactory()
    services.registration_create(event=event, user=person)
    with pytest.raises(ValidationError, match="bereits angemeldet"):
        services.registration_create(event=event, user=person)
    assert _fresh(event).registered_count == 1


def test_cancelling_moves_the_first_waiting_person_up_and_mails_them(
    event, django_capture_on_commit_callbacks
):
    event.capacity = 1
    event.save()
    first, second, third = _register_people(event, 3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.registration_cancel(actor=first.user, registration=first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (CONFIRMED, WAITING)
    assert second.promoted_at is not None
    event = _fresh(event)
    assert (event.registered_count, event.waiting_count) == (1, 1)
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([first.email, second.email])
    promoted = next(message for message in mail.outbox if message.to == [second.email])
    assert "Warteliste" in promoted.body or "nachgerückt" in promoted.body
    assert EventLogEntry.objects.filter(event=event, kind=EventLogEntry.Kind.PROMOTED).count() == 1


def test_cancelling_a_waiting_place_frees_no_seat(event):
    event.capacity = 1
    event.save()
    _first, waiting = _register_people(event, 2)
    services.registration_cancel(actor=waiting.user, registration=waiting)
    event = _fresh(event)
    assert (event.registered_count, event.waiting_count) == (1, 0)


def test_cancel_by_token_is_idempotent(event):
    registration = _register_people(event, 1)[0]
    _reg, changed = services.registration_cancel_by_token(token=registration.token)
    assert changed
    _reg, changed = services.registration_cancel_by_token(token=registration.token)
    assert not changed
    assert _fresh(event).registered_count == 0


def test_an_unknown_token_is_a_clear_error(db):
    with pytest.raises(ValidationError, match="Link ist nicht gültig"):
        services.registration_cancel_by_token(token="nope")


def test_raising_capacity_moves_waiting_people_up_lowering_below_confirmed_is_refused(event):
    office = UserFactory(is_superuser=True)
    event.capacity = 2
    event.save()
    _register_people(event, 5)
    with pytest.raises(ValidationError) as refused:
        services.event_update(actor=office, event=event, data={"capacity": 1})
    assert "capacity" in refused.value.message_dict
    assert _fresh(event).capacity == 2
    services.event_update(actor=office, event=event, data={"capacity": 4})
    event = _fresh(event)
    assert (event.registered_count, event.waiting_count) == (4, 1)
    assert _statuses(event) == [CONFIRMED] * 4 + [WAITING]


def test_guest_is_pending_until_the_link_is_clicked(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(
            event=event, name="Gast Gustav", email="Gustav@Example.org", share_contact=True
        )
    assert registration.status == PENDING
    assert registration.email == "gustav@example.org"
    assert _fresh(event).registered_count == 0
    assert mail.outbox[-1].to == ["gustav@example.org"]
    link = re.search(r"/veranstaltungen/anmeldung/([^/]+)/bestaetigen/", mail.outbox[-1].body)
    assert link
    assert link.group(1) == registration.token
    confirmed = services.registration_confirm(token=registration.token)
    assert confirmed.status == CONFIRMED
    # A second click changes nothing.
    assert services.registration_confirm(token=registration.token).status == CONFIRMED
    assert _fresh(event).registered_count == 1


def test_guest_place_is_decided_at_confirmation(event):
    event.capacity = 1
    event.save()
    guest = services.registration_create(event=event, name="Gast", email="gast@example.org")
    _register_people(event, 1)  # takes the last place before the guest confirms
    assert services.registration_confirm(token=guest.token).status == WAITING


def test_guest_registering_again_while_pending_gets_the_link_again(event, django_capture_on_commit_callbacks):
    first = services.registration_create(event=event, name="Gast", email="gast@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        again = services.registration_create(event=event, name="Gast", email="gast@example.org")
    assert again.pk == first.pk
    assert first.token in mail.outbox[-1].body


def test_confirmed_email_cannot_register_twice(event):
    guest = services.registration_create(event=event, name="Gast", email="gast@example.org")
    services.registration_confirm(token=guest.token)
    with pytest.raises(ValidationError) as refused:
        services.registration_create(event=event, name="Gast", email="GAST@example.org")
    assert "email" in refused.value.message_dict


def test_unconfirmed_guests_expire_and_their_link_then_fails(event):
    guest = services.registration_create(event=event, name="Gast", email="gast@example.org")
    Registration.objects.filter(pk=guest.pk).update(created_at=timezone.now() - datetime.timedelta(hours=49))
    with pytest.raises(ValidationError, match="abgelaufen"):
        services.registration_confirm(token=guest.token)
    assert services.registrations_expire() == 1
    guest.refresh_from_db()
    assert guest.status == Registration.Status.EXPIRED
    # The address is free again.
    assert services.registration_create(event=event, name="Gast", email="gast@example.org").status == PENDING


@override_settings(EVENT_GUEST_CONFIRMATION_HOURS=2)
def test_the_confirmation_window_is_configurable(event):
    guest = services.registration_create(event=event, name="Gast", email="gast@example.org")
    Registration.objects.filter(pk=guest.pk).update(created_at=timezone.now() - datetime.timedelta(hours=3))
    assert services.registrations_expire() == 1


def test_registration_outside_the_window_is_refused(municipality):
    for state in ("before", "closed", "past"):
        event = EventFactory(state=state)
        with pytest.raises(PermissionDenied):
            services.registration_create(event=event, user=UserFactory())


def test_confirming_after_registration_closed_is_refused(event):
    guest = services.registration_create(event=event, name="Gast", email="gast@example.org")
    Event.objects.filter(pk=event.pk).update(registration_closes_at=timezone.now() - DAY / 24)
    with pytest.raises(ValidationError, match="geschlossen"):
        services.registration_confirm(token=guest.token)


def test_reminders_go_once_to_confirmed_registrants_of_tomorrows_events(
    municipality, django_capture_on_commit_callbacks
):
    tomorrow = timezone.localtime() + DAY
    soon = EventFactory(starts_at=tomorrow.replace(hour=18, minute=0), capacity=1)
    later = EventFactory(starts_at=timezone.now() + 5 * DAY)
    confirmed, waiting = _register_people(soon, 2)
    _register_people(later, 1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reminders_enqueue() == 1
    assert [message.to for message in mail.outbox] == [[confirmed.email]]
    assert "morgen" in mail.outbox[0].subject.lower() or "Erinnerung" in mail.outbox[0].subject
    # Running it again (or a retried task) sends nothing twice.
    assert tasks.reminders_enqueue() == 0
    assert not tasks.reminder_send.call(registration_id=confirmed.pk)
    assert len(mail.outbox) == 1
    assert waiting.status == WAITING


def test_message_goes_to_each_confirmed_registrant_once(event, django_capture_on_commit_callbacks):
    office = UserFactory(is_superuser=True)
    event.capacity = 2
    event.save()
    people = _register_people(event, 3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(actor=office, event=event, subject="Raumänderung", body="Saal 2")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people[:2])
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert tasks.message_deliver.call(message_id=message.pk) == 0
    assert EventMessage.objects.get().recipient_count == 2


def test_cancelling_the_event_tells_everyone_with_a_place_or_waiting(
    event, django_capture_on_commit_callbacks
):
    office = UserFactory(is_superuser=True)
    event.capacity = 2
    event.save()
    people = _register_people(event, 3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=office, event=_fresh(event), data={"status": Event.Status.CANCELLED})
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert all("Abgesagt" in m.subject for m in mail.outbox)
    # Saving the cancelled event again announces nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=office, event=_fresh(event), data={"title": "Neuer Titel"})
    assert len(mail.outbox) == 3


def test_message_needs_subject_and_text(event):
    office = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError) as refused:
        services.message_send(actor=office, event=event, subject=" ", body="")
    assert set(refused.value.message_dict) == {"subject", "body"}


def test_retention_anonymises_old_registrations_and_keeps_counts(municipality):
    office = UserFactory(is_superuser=True)
    event = EventFactory(capacity=5)
    registrations = _register_people(event, 3)
    guest = services.registration_create(event=event, name="Gast", email="gast@example.org")
    services.registration_confirm(token=guest.token)
    ended = timezone.now() - 91 * DAY
    Event.objects.filter(pk=event.pk).update(starts_at=ended - DAY / 8, ends_at=ended)
    services.attendance_mark(actor=office, event=_fresh(event), present_ids=[registrations[0].pk, guest.pk])
    recent = EventFactory(state="past")
    Event.objects.filter(pk=recent.pk).update(ends_at=timezone.now() - 10 * DAY)

    assert services.registrations_anonymise() == 1
    rows = Registration.objects.filter(event=event)
    assert set(rows.values_list("name", "email")) == {("", "")}
    assert not rows.filter(user__isnull=False).exists()
    assert rows.filter(attended=True).count() == 2
    assert _fresh(event).registered_count == 4
    assert services.registrations_anonymise() == 0


@override_settings(EVENT_PERSONAL_DATA_RETENTION_DAYS=5)
def test_retention_days_come_from_the_setting(municipality):
    event = EventFactory(state="past")
    Registration.objects.create(
        event=event, name="Alt", email="alt@example.org", status=CONFIRMED, position=1, token="t-1"
    )
    Event.objects.filter(pk=event.pk).update(ends_at=timezone.now() - 6 * DAY)
    assert services.registrations_anonymise() == 1


def test_account_deletion_gives_up_future_places_and_removes_the_person(event):
    event.capacity = 1
    event.save()
    leaving, waiting = _register_people(event, 2)
    assert personal_data_export_for(leaving.user)[0]["event"] == event.title
    assert account_services.personal_data_export(user=leaving.user)["events"][0]["status"] == CONFIRMED
    account_services.account_delete(user=leaving.user)
    leaving.refresh_from_db()
    waiting.refresh_from_db()
    assert leaving.user_id is None
    assert leaving.email == ""
    assert leaving.status == Registration.Status.CANCELLED
    assert waiting.status == CONFIRMED


def test_end_before_start_and_other_bad_event_data_are_refused(municipality):
    office = UserFactory(is_superuser=True)
    start = timezone.now() + 5 * DAY
    data = {
        "title": "Werkstatt",
        "slug": "werkstatt",
        "summary": "x",
        "format": "workshop",
        "municipality": municipality,
        "starts_at": start,
        "ends_at": start - DAY,
        "venue_address": "",
        "capacity": 0,
        "registration_opens_at": start,
        "registration_closes_at": start - DAY,
    }
    with pytest.raises(ValidationError) as refused:
        services.event_create(actor=office, data=data)
    assert set(refused.value.message_dict) >= {
        "ends_at",
        "venue_address",
        "capacity",
        "registration_closes_at",
    }
    assert not Event.objects.exists()


def test_online_formats_need_a_link(municipality):
    office = UserFactory(is_superuser=True)
    start = timezone.now() + 5 * DAY
    data = {
        "title": "Online",
        "slug": "online",
        "summary": "x",
        "format": "online_dialogue",
        "starts_at": start,
        "ends_at": start + DAY / 24,
    }
    with pytest.raises(ValidationError) as refused:
        services.event_create(actor=office, data=data)
    assert set(refused.value.message_dict) == {"online_url"}
    event = services.event_create(actor=office, data={**data, "online_url": "https://meet.example.org/x"})
    assert event.status == Event.Status.DRAFT


def test_coordinators_create_events_only_in_their_municipality(make_person, municipality, other_municipality):
    coordinator = make_person("coordinator")
    start = timezone.now() + 5 * DAY
    data = {
        "title": "Forum",
        "slug": "forum",
        "summary": "x",
        "format": "citizen_forum",
        "starts_at": start,
        "ends_at": start + DAY / 12,
        "venue_address": "Markt 1",
    }
    with pytest.raises(ValidationError) as refused:
        services.event_create(actor=coordinator, data={**data, "municipality": other_municipality})
    assert "municipality" in refused.value.message_dict
    assert services.event_create(actor=coordinator, data={**data, "municipality": municipality}).pk
