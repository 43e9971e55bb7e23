"""Writes for events. Every service asks the rules (events/rules.py) before it writes, except those a
mailed token authorises (confirming and cancelling a guest's registration): there the random token is the
proof, and they need no account.

Capacity holds under concurrency: every change to an event's places takes the event's row lock
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite runs write transactions one at a time, ``BEGIN
IMMEDIATE``), reads the denormalised counts and writes them back in the same transaction. The database
checks again that an event is never overbooked and that a person or address holds one active registration.
"""

import datetime
import re
import secrets
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from smartregion.core.images import image_check
from smartregion.core.mail import compose, email_enqueue
from smartregion.core.markdown import render_markdown
from smartregion.core.permissions import authorize
from smartregion.participation import services as participation_services
from smartregion.participation.models import Channel, Idea

from .models import (
    ACTIVE_STATUSES,
    ONLINE_FORMATS,
    ONLINE_ONLY_FORMATS,
    Event,
    EventFormat,
    EventLogEntry,
    EventMessage,
    MinutesAttachment,
    Registration,
)
from .rules import registration_state

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# The same message to the same registrants within this time is a double submit, not a second message.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=10)
# Allowed attachment types, recognised by their first bytes rather than by the file name.
_ZIP = b"PK\x03\x04"
ATTACHMENT_TYPES: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    ".odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
}


def guest_confirmation_hours() -> int:
    """How long a guest has to click the confirmation link (setting EVENT_GUEST_CONFIRMATION_HOURS)."""
    return int(settings.EVENT_GUEST_CONFIRMATION_HOURS)


def _log(
    event: Event, kind: str, *, actor: Any = None, registration: Registration | None = None, **data: Any
) -> None:
    EventLogEntry.objects.create(
        event=event,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        registration=registration,
        data=data,
    )


# --- Mails ---------------------------------------------------------------------------------------------


def _url(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _mail(registration: Registration, *, subject: str, template: str, **context: Any) -> None:
    """Render a mail to the registrant in the site's language and send it after commit."""
    if not registration.email:
        return
    event = registration.event
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            f"events/email/{template}.txt",
            {
                "registration": registration,
                "event": event,
                "event_url": settings.SITE_URL + event.get_absolute_url(),
                "cancel_url": _url("events:cancel", registration.token),
                "starts": date_format(timezone.localtime(event.starts_at), "j. F Y, H:i"),
                **context,
            },
        )
        email_enqueue(compose(subject=subject, text=body, to=[registration.email]))


def _mail_place(registration: Registration) -> None:
    """The confirmation a registrant gets when their place (or waiting place) is decided."""
    with translation.override(settings.LANGUAGE_CODE):
        if registration.status == Registration.Status.CONFIRMED:
            subject = _("Your place at “%(title)s” is confirmed") % {"title": registration.event.title}
        else:
            subject = _("You are on the waiting list for “%(title)s”") % {"title": registration.event.title}
    _mail(registration, subject=subject, template="registered")


def _mail_promoted(registration: Registration) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A place became free: you are registered for “%(title)s”") % {
            "title": registration.event.title
        }
    _mail(registration, subject=subject, template="promoted")


def _mail_opt_in(registration: Registration) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Please confirm your registration for “%(title)s”") % {"title": registration.event.title}
    _mail(
        registration,
        subject=subject,
        template="confirm",
        confirm_url=_url("events:confirm", registration.token),
        hours=guest_confirmation_hours(),
    )


def _mail_cancelled(registration: Registration) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your registration for “%(title)s” is cancelled") % {"title": registration.event.title}
    _mail(registration, subject=subject, template="cancelled")


# --- Events --------------------------------------------------------------------------------------------


EVENT_FIELDS = (
    "title",
    "slug",
    "summary",
    "description",
    "format",
    "status",
    "process",
    "municipality",
    "starts_at",
    "ends_at",
    "venue_name",
    "venue_address",
    "latitude",
    "longitude",
    "online_url",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "step_free",
    "hearing_loop",
    "sign_language_on_request",
    "sign_language_request_by",
    "accessibility_notes",
)


def _validate_event(event: Event) -> None:
    """Every rule an event's fields must satisfy together, each with a message on its field."""
    errors: dict[str, str] = {}
    if not event.title.strip():
        errors["title"] = _("Please give the event a title.")
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = _("The event must end after it starts.")
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = _("Registration must close after it opens.")
    if closes and event.ends_at and closes > event.ends_at:
        errors["registration_closes_at"] = _("Registration must close before the event ends.")
    if event.capacity is not None and event.capacity < 1:
        errors["capacity"] = _("Please give at least one place, or leave the field empty for no limit.")
    if event.format not in ONLINE_ONLY_FORMATS and not event.venue_address.strip():
        errors["venue_address"] = _("Please give the address of the venue.")
    if event.format in ONLINE_FORMATS and not event.online_url:
        errors["online_url"] = _("Please give the link for taking part online.")
    if (event.latitude is None) != (event.longitude is None):
        errors["latitude"] = _("Please give both latitude and longitude, or neither.")
    if event.sign_language_request_by and not event.sign_language_on_request:
        errors["sign_language_request_by"] = _(
            "A date for requesting sign language interpreting needs the offer ticked as well."
        )
    if (
        event.sign_language_request_by
        and event.starts_at
        and event.sign_language_request_by > timezone.localdate(event.starts_at)
    ):
        errors["sign_language_request_by"] = _("The request date must lie before the event.")
    if errors:
        raise ValidationError(errors)


def _check_municipality(actor: Any, municipality: Any) -> None:
    """Coordinators create and move events only within the municipalities they coordinate."""
    if actor.has_perm("events.manage_event", Event(municipality=municipality)):
        return
    raise ValidationError(
        {"municipality": _("You may organise events only for the municipalities you coordinate.")}
    )


def _fill(event: Event, data: dict[str, Any]) -> None:
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    event.title = event.title.strip()
    event.description_html = render_markdown(event.description)


def _slug_taken() -> ValidationError:
    return ValidationError({"slug": _("Another event already uses this short name.")})


def _save_event(event: Event) -> None:
    """Save, answering a short name taken meanwhile (the unique constraint decides) like the check does."""
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        if Event.objects.filter(slug=event.slug).exclude(pk=event.pk).exists():
            raise _slug_taken() from None
        raise


@transaction.atomic
def event_create(*, actor: Any, data: dict[str, Any], organizers: Iterable[Any] = ()) -> Event:
    """A new event (a draft unless ``data["status"]`` says otherwise)."""
    authorize(actor, "events.create_event")
    event = Event(status=Event.Status.DRAFT)
    _fill(event, data)
    _check_municipality(actor, event.municipality)
    _validate_event(event)
    if Event.objects.filter(slug=event.slug).exists():
        raise _slug_taken()
    _save_event(event)
    event.organizers.set(list(organizers))
    _log(event, EventLogEntry.Kind.CREATED, actor=actor)
    return event


@transaction.atomic
def event_update(
    *, actor: Any, event: Event, data: dict[str, Any], organizers: Iterable[Any] | None = None
) -> Event:
    """Change an event; capacity never drops below the confirmed places, and added places move people up."""
    authorize(actor, "events.manage_event", event)
    locked = Event.objects.select_for_update().get(pk=event.pk)
    # Decided on the locked row: of two organizers cancelling at once, one announces it.
    was_cancelled = locked.status == Event.Status.CANCELLED
    _fill(locked, data)
    if "municipality" in data and locked.municipality_id != event.municipality_id:
        _check_municipality(actor, locked.municipality)
    _validate_event(locked)
    if locked.capacity is not None and locked.capacity < locked.registered_count:
        raise ValidationError(
            {
                "capacity": _(
                    "%(count)s people already have a confirmed place. The number of places cannot be lower."
                )
                % {"count": locked.registered_count}
            }
        )
    if Event.objects.filter(slug=locked.slug).exclude(pk=locked.pk).exists():
        raise _slug_taken()
    _save_event(locked)
    if organizers is not None:
        locked.organizers.set(list(organizers))
    promoted = _promote(locked)
    _log(locked, EventLogEntry.Kind.CHANGED, actor=actor, promoted=len(promoted))
    if not was_cancelled and locked.status == Event.Status.CANCELLED:
        _announce_cancellation(actor=actor, event=locked)
    return locked


def _announce_cancellation(*, actor: Any, event: Event) -> None:
    """Everyone holding or waiting for a place hears that the event is cancelled, like any message."""
    from . import tasks

    message = EventMessage.objects.create(
        event=event,
        subject=_("Cancelled: %(title)s") % {"title": event.title},
        body=_("We are sorry: the event “%(title)s” does not take place. You do not need to do anything.")
        % {"title": event.title},
        include_waiting=True,
        sent_by=actor,
    )
    _log(event, EventLogEntry.Kind.MESSAGE, actor=actor, message=message.pk)
    transaction.on_commit(lambda: tasks.message_deliver.enqueue(message_id=message.pk))


# --- Registration --------------------------------------------------------------------------------------


def _assign_place(event: Event, registration: Registration) -> None:
    """Give the registration a confirmed place if one is free, else the next waiting place (event locked)."""
    event.last_position += 1
    registration.position = event.last_position
    if event.capacity is None or event.registered_count < event.capacity:
        registration.status = Registration.Status.CONFIRMED
        event.registered_count += 1
    else:
        registration.status = Registration.Status.WAITING
        event.waiting_count += 1


def _save_counts(event: Event) -> None:
    Event.objects.filter(pk=event.pk).update(
        registered_count=event.registered_count,
        waiting_count=event.waiting_count,
        last_position=event.last_position,
    )


def _promote(event: Event) -> list[Registration]:
    """Move waiting people up, first come first served, while places are free (event locked)."""
    if event.ends_at <= timezone.now():
        return []
    promoted: list[Registration] = []
    while event.capacity is None or event.registered_count < event.capacity:
        first = (
            Registration.objects.select_for_update()
            .filter(event=event, status=Registration.Status.WAITING)
            .order_by("position", "id")
            .first()
        )
        if first is None:
            break
        first.status, first.promoted_at = Registration.Status.CONFIRMED, timezone.now()
        first.save(update_fields=["status", "promoted_at", "updated_at"])
        event.registered_count += 1
        event.waiting_count -= 1
        first.event = event
        promoted.append(first)
    if promoted:
        _save_counts(event)
        for registration in promoted:
            _log(event, EventLogEntry.Kind.PROMOTED, registration=registration)
            _mail_promoted(registration)
    return promoted


def _clean_guest(name: str, email: str) -> tuple[str, str]:
    name, email = name.strip(), email.strip().lower()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Please give your name.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Please give a valid e-mail address, for example name@example.org.")
    if errors:
        raise ValidationError(errors)
    return name, email


def closed_message(state: str) -> str:
    return {
        "before": _("Registration for this event has not opened yet."),
        "past": _("This event is over."),
    }.get(state, _("Registration for this event is closed."))


def registration_create(
    *, event: Event, user: Any = None, name: str = "", email: str = "", share_contact: bool = False
) -> Registration:
    """Register a signed-in person (place decided at once) or a guest (pending until the e-mail is confirmed).

    A guest who registers again while their confirmation is pending gets the link again.
    """
    signed_in = bool(getattr(user, "is_authenticated", False))
    authorize(user if signed_in else AnonymousUser(), "events.register_event", event)
    if signed_in:
        name, email = user.display_name or user.public_name, user.email.strip().lower()
    else:
        name, email = _clean_guest(name, email)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        state = registration_state(locked)
        if state not in ("open", "full"):
            raise ValidationError(closed_message(state))
        same = Q(email=email) | (Q(user=user) if signed_in else Q(pk__in=[]))
        existing = Registration.objects.filter(same, event=locked, status__in=ACTIVE_STATUSES).first()
        if existing is not None:
            if not signed_in and existing.status == Registration.Status.PENDING and existing.user_id is None:
                existing.event = locked
                _mail_opt_in(existing)
                return existing
            if signed_in:
                raise ValidationError(_("You are already registered for this event."))
            raise ValidationError({"email": _("This e-mail address is already registered for this event.")})
        registration = Registration(
            event=locked,
            user=user if signed_in else None,
            name=name,
            email=email,
            share_contact=share_contact,
            token=secrets.token_urlsafe(32),
        )
        if signed_in:
            registration.confirmed_at = timezone.now()
            _assign_place(locked, registration)
        else:
            registration.status = Registration.Status.PENDING
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as error:
            raise ValidationError(_("You are already registered for this event.")) from error
        _save_counts(locked)
        _log(
            locked,
            EventLogEntry.Kind.REGISTERED,
            actor=user,
            registration=registration,
            status=registration.status,
        )
        if signed_in:
            _mail_place(registration)
        else:
            _mail_opt_in(registration)
    return registration


def _by_token(token: str) -> Registration:
    registration = Registration.objects.filter(token=token).only("pk", "event_id").first() if token else None
    if registration is None:
        raise ValidationError(_("This link is not valid. Please check that you copied it completely."))
    return registration


def registration_confirm(*, token: str) -> Registration:
    """A guest confirms their e-mail address with the mailed link; only now is the place decided.

    Idempotent: a second click shows the same result. Authorised by the random token in the mail.
    """
    found = _by_token(token)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=found.event_id)
        registration = Registration.objects.select_for_update().get(pk=found.pk)
        registration.event = event
        if registration.status in (Registration.Status.CONFIRMED, Registration.Status.WAITING):
            return registration
        if registration.status != Registration.Status.PENDING:
            raise ValidationError(
                _("This registration was cancelled or not confirmed in time. Please register again.")
            )
        deadline = registration.created_at + datetime.timedelta(hours=guest_confirmation_hours())
        if timezone.now() > deadline:
            raise ValidationError(
                _(
                    "This link has expired: registrations must be confirmed within %(hours)s hours. "
                    "Please register again."
                )
                % {"hours": guest_confirmation_hours()}
            )
        state = registration_state(event)
        if state not in ("open", "full"):
            raise ValidationError(closed_message(state))
        registration.confirmed_at = timezone.now()
        _assign_place(event, registration)
        registration.save(update_fields=["status", "position", "confirmed_at", "updated_at"])
        _save_counts(event)
        _log(event, EventLogEntry.Kind.CONFIRMED, registration=registration, status=registration.status)
        _mail_place(registration)
    return registration


def _cancel(registration_pk: int, event_pk: int, *, actor: Any = None) -> tuple[Registration, bool]:
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_pk)
        registration = Registration.objects.select_for_update().get(pk=registration_pk)
        registration.event = event
        if registration.status in (Registration.Status.CANCELLED, Registration.Status.EXPIRED):
            return registration, False
        if event.ends_at <= timezone.now():
            raise ValidationError(_("This event is over; registrations can no longer be cancelled."))
        previous = registration.status
        registration.status, registration.cancelled_at = Registration.Status.CANCELLED, timezone.now()
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        if previous == Registration.Status.CONFIRMED:
            event.registered_count -= 1
        elif previous == Registration.Status.WAITING:
            event.waiting_count -= 1
        _save_counts(event)
        _log(event, EventLogEntry.Kind.CANCELLED, actor=actor, registration=registration, previous=previous)
        if previous != Registration.Status.PENDING:
            _mail_cancelled(registration)
        _promote(event)
    return registration, True


def registration_cancel(*, actor: Any, registration: Registration) -> bool:
    """A signed-in person cancels their own registration; False when it was cancelled already."""
    authorize(actor, "events.cancel_registration", registration)
    return _cancel(registration.pk, registration.event_id, actor=actor)[1]


def registration_cancel_by_token(*, token: str) -> tuple[Registration, bool]:
    """Cancel with the link from the mail, without signing in; idempotent (False the second time)."""
    found = _by_token(token)
    return _cancel(found.pk, found.event_id)


def registrations_expire(*, now: datetime.datetime | None = None) -> int:
    """Guests who did not confirm in time lose their pending registration (their address is free again)."""
    now = now or timezone.now()
    deadline = now - datetime.timedelta(hours=guest_confirmation_hours())
    return Registration.objects.filter(status=Registration.Status.PENDING, created_at__lt=deadline).update(
        status=Registration.Status.EXPIRED, updated_at=now
    )


# --- Organizers ----------------------------------------------------------------------------------------


@transaction.atomic
def attendance_mark(*, actor: Any, event: Event, present_ids: Iterable[int]) -> int:
    """Record who came: the confirmed registrations in ``present_ids`` attended, the others did not."""
    authorize(actor, "events.mark_attendance", event)
    present = set(present_ids)
    confirmed = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
    confirmed.filter(pk__in=present).update(attended=True, updated_at=timezone.now())
    confirmed.exclude(pk__in=present).update(attended=False, updated_at=timezone.now())
    count = confirmed.filter(attended=True).count()
    _log(event, EventLogEntry.Kind.ATTENDANCE, actor=actor, attended=count)
    return count


@transaction.atomic
def message_send(
    *, actor: Any, event: Event, subject: str, body: str, include_waiting: bool = False
) -> EventMessage:
    """Write a message to the registrants; a task mails it to each of them separately."""
    from . import tasks

    authorize(actor, "events.message_registrants", event)
    subject, body = subject.strip(), body.strip()
    errors = {}
    if not subject:
        errors["subject"] = _("Please give a subject.")
    if not body:
        errors["body"] = _("Please write a message.")
    if errors:
        raise ValidationError(errors)
    # A double submit sends one message: under the event's lock, the same text sent a moment ago is the
    # message already on its way.
    locked = Event.objects.select_for_update().get(pk=event.pk)
    same = EventMessage.objects.filter(
        event=locked,
        subject=subject,
        body=body,
        include_waiting=include_waiting,
        created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    ).first()
    if same is not None:
        return same
    message = EventMessage.objects.create(
        event=locked, subject=subject, body=body, include_waiting=include_waiting, sent_by=actor
    )
    _log(event, EventLogEntry.Kind.MESSAGE, actor=actor, message=message.pk)
    transaction.on_commit(lambda: tasks.message_deliver.enqueue(message_id=message.pk))
    return message


@transaction.atomic
def minutes_save(*, actor: Any, event: Event, text: str, publish: bool) -> Event:
    """Save the minutes (Markdown); published minutes are public on the event page."""
    authorize(actor, "events.publish_minutes", event)
    text = text.strip()
    if publish and not text:
        raise ValidationError({"minutes": _("Please write the minutes before publishing them.")})
    event.minutes, event.minutes_html = text, render_markdown(text)
    if publish:
        event.minutes_published_at = event.minutes_published_at or timezone.now()
    else:
        event.minutes_published_at = None
    event.save(update_fields=["minutes", "minutes_html", "minutes_published_at", "updated_at"])
    _log(event, EventLogEntry.Kind.MINUTES, actor=actor, published=publish)
    return event


def _attachment_type(upload: UploadedFile) -> str:
    extension = Path(upload.name or "").suffix.lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            {
                "file": _(
                    "Please upload a PDF, an office document (Word, Excel, PowerPoint, OpenDocument) "
                    "or an image (PNG, JPEG)."
                )
            }
        )
    if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB. Please choose a smaller one.")})
    content_type, magic = ATTACHMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(len(magic))
    upload.seek(0)
    if head != magic:
        raise ValidationError(
            {"file": _("The file's content does not match its type. Please check the file.")}
        )
    if content_type.startswith("image/"):
        try:
            image_check(upload, "PNG" if extension == ".png" else "JPEG")
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
    elif content_type == "application/pdf" and _pdf_has_actions(upload):
        raise ValidationError(
            {"file": _("The PDF contains scripts or automatic actions. Please save it without them.")}
        )
    return content_type


# PDF keys that run something when the file is opened or used (scripts, launching programs, actions on
# opening a page or a field), also written with #xx escapes or inside compressed object streams.
_PDF_ACTIONS = re.compile(rb"/(?:JavaScript|JS|OpenAction|AA|Launch)(?![A-Za-z0-9])")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
# At most this much is inflated to look inside compressed streams; a file that needs more is refused.
_PDF_INFLATE_BUDGET = 64 * 1024 * 1024


def _pdf_has_actions(upload: UploadedFile) -> bool:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    parts = [data]
    budget = _PDF_INFLATE_BUDGET
    for match in _PDF_STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        try:
            inflated = zlib.decompressobj().decompress(data[match.end() : end if end >= 0 else None], budget)
        except zlib.error:
            continue  # not compressed with Flate: already searched as part of the file
        budget -= len(inflated)
        if budget <= 0:
            return True
        parts.append(inflated)
    return any(
        _PDF_ACTIONS.search(_PDF_NAME_ESCAPE.sub(lambda escape: bytes([int(escape[1], 16)]), part))
        for part in parts
    )


@transaction.atomic
def attachment_add(*, actor: Any, event: Event, title: str, upload: UploadedFile) -> MinutesAttachment:
    """Attach a file to the minutes, checked by its content and size."""
    authorize(actor, "events.publish_minutes", event)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Please give the file a title.")})
    content_type = _attachment_type(upload)
    attachment = MinutesAttachment(event=event, title=title, content_type=content_type, size=upload.size or 0)
    # An unguessable name: the file is public only once the minutes are, but /media/ does not ask.
    name = f"{event.slug}-{secrets.token_urlsafe(12)}{Path(upload.name or '').suffix.lower()}"
    attachment.file.save(name, upload, save=False)
    attachment.save()
    _log(event, EventLogEntry.Kind.MINUTES, actor=actor, attachment=attachment.pk)
    return attachment


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: MinutesAttachment) -> None:
    """Remove a file from the minutes."""
    authorize(actor, "events.publish_minutes", attachment.event)
    _log(attachment.event, EventLogEntry.Kind.MINUTES, actor=actor, removed=attachment.title)
    attachment.file.delete(save=False)
    attachment.delete()


@dataclass(frozen=True)
class Card:
    """One workshop card: a short idea written on site."""

    title: str
    text: str = ""
    domain: Any = None


def public_attribution(event: Event) -> str:
    """How ideas from the event are shown publicly: "Workshop <title>" (the format, then the title)."""
    label = str(EventFormat(event.format).label)
    return event.title if event.title.lower().startswith(label.lower()) else f"{label} {event.title}"


@transaction.atomic
def ideas_record_from_cards(*, actor: Any, event: Event, cards: Sequence[Card], domain: Any) -> list[Idea]:
    """Publish the event's workshop cards as ideas of its process, channel "event", linked to the event and
    attributed to the event, never to the staff member who typed them. All or none are recorded."""
    authorize(actor, "events.record_ideas", event)
    if event.process is None:
        raise ValidationError(
            _("This event belongs to no participation process, so its ideas have nowhere to go.")
        )
    if not cards:
        raise ValidationError(_("Please fill in at least one card."))
    with translation.override(settings.LANGUAGE_CODE):
        attribution = public_attribution(event)
    ideas = [
        participation_services.idea_record_assisted(
            recorded_by=actor,
            process=event.process,
            channel=Channel.EVENT,
            title=card.title,
            body=card.text.strip() or card.title,
            domains=[card.domain or domain],
            municipality=event.municipality,
            public_attribution=attribution,
            source_event=event,
        )
        for card in cards
    ]
    _log(event, EventLogEntry.Kind.IDEAS, actor=actor, ideas=[idea.pk for idea in ideas])
    return ideas


# --- Personal data -------------------------------------------------------------------------------------


def _anonymise(registrations: Any, now: datetime.datetime) -> int:
    return registrations.update(
        user=None, name="", email="", share_contact=False, anonymised_at=now, updated_at=now
    )


def registrations_anonymise(*, now: datetime.datetime | None = None) -> int:
    """Blank names and addresses of registrations for events that ended longer ago than the retention time;
    counts and attendance stay. Returns how many events were anonymised."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.EVENT_PERSONAL_DATA_RETENTION_DAYS)
    events = list(Event.objects.filter(ends_at__lt=cutoff, personal_data_removed_at__isnull=True))
    for event in events:
        with transaction.atomic():
            # The event first, as every registration change locks it (lock order: event, registration).
            if not Event.objects.select_for_update().filter(pk=event.pk, personal_data_removed_at=None):
                continue  # another run did it meanwhile
            rows = _anonymise(Registration.objects.filter(event=event, anonymised_at__isnull=True), now)
            Event.objects.filter(pk=event.pk).update(personal_data_removed_at=now)
            _log(event, EventLogEntry.Kind.ANONYMISED, registrations=rows)
    return len(events)


def personal_data_erase_for(user: Any) -> None:
    """On account deletion: give up places of events still to come (moving others up), then remove the
    person from every registration; counts and attendance stay."""
    for registration in Registration.objects.filter(
        user=user, status__in=ACTIVE_STATUSES, event__ends_at__gt=timezone.now()
    ):
        _cancel(registration.pk, registration.event_id)
    _anonymise(Registration.objects.filter(user=user), timezone.now())
