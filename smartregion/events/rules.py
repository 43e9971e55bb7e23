"""Who may do what with events, asked of the person's roles and of the event's state.

Organizers of an event are the program office, the coordinators of the event's municipality and the
active members of its organizing organizations. Registration is open to everyone (guests too) while the
event is published, not over, and within its registration window. Views, services and tasks ask these
permissions and nothing else.
"""

from typing import Any

import rules
from django.db.models import Q
from django.utils import timezone

from smartregion.accounts.predicates import (
    CRUD,
    add_model_perms,
    is_citizen,
    is_coordinator,
    is_program_office,
)
from smartregion.network.models import Membership

from .models import Event, Registration


def _event_of(obj: Any) -> Event | None:
    if isinstance(obj, Event):
        return obj
    return getattr(obj, "event", None)


@rules.predicate
def event_is_published(user: Any, obj: Any) -> bool:
    event = _event_of(obj)
    return event is not None and event.status == Event.Status.PUBLISHED


@rules.predicate
def event_is_visible(user: Any, obj: Any) -> bool:
    """Published or cancelled events are public (a cancelled one says so); drafts are not."""
    event = _event_of(obj)
    return event is not None and event.status != Event.Status.DRAFT


@rules.predicate
def event_has_started(user: Any, obj: Any) -> bool:
    event = _event_of(obj)
    return event is not None and event.starts_at <= timezone.now()


@rules.predicate
def event_is_over(user: Any, obj: Any) -> bool:
    event = _event_of(obj)
    return event is not None and event.ends_at <= timezone.now()


@rules.predicate
def minutes_are_published(user: Any, obj: Any) -> bool:
    event = _event_of(obj)
    return event is not None and event.minutes_published_at is not None


def registration_state(event: Event, now: Any = None) -> str:
    """Where registration stands: "before", "open", "full" (waiting list), "closed" or "past"."""
    now = now or timezone.now()
    if event.ends_at <= now:
        return "past"
    closes = event.registration_closes_at or event.starts_at
    if event.status != Event.Status.PUBLISHED or now >= closes:
        return "closed"
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return "before"
    if event.capacity is not None and event.registered_count >= event.capacity:
        return "full"
    return "open"


@rules.predicate
def registration_is_open(user: Any, obj: Any) -> bool:
    """Open or full: when full, people join the waiting list."""
    event = _event_of(obj)
    return event is not None and registration_state(event) in ("open", "full")


def _active_member_of(user: Any, event: Event) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    today = timezone.localdate()
    # One query per event and person, cached on the user object for the rest of the request.
    cache: dict[int, bool] = user.__dict__.setdefault("_event_organizer_cache", {})
    if event.pk not in cache:
        cache[event.pk] = (
            Membership.objects.filter(user=user, organization__events=event, since__lte=today)
            .filter(Q(until__isnull=True) | Q(until__gte=today))
            .exists()
        )
    return cache[event.pk]


@rules.predicate
def coordinates_event_municipality(user: Any, obj: Any) -> bool:
    event = _event_of(obj)
    if event is None or event.municipality_id is None or not getattr(user, "is_authenticated", False):
        return False
    return ("coordinator", event.municipality_id) in user.role_grants


@rules.predicate
def is_organizer_member(user: Any, obj: Any) -> bool:
    """Active member of one of the event's organizing organizations."""
    event = _event_of(obj)
    return event is not None and event.pk is not None and _active_member_of(user, event)


@rules.predicate
def is_confirmed_registrant(user: Any, obj: Any) -> bool:
    event = _event_of(obj)
    if event is None or not getattr(user, "is_authenticated", False):
        return False
    return Registration.objects.filter(event=event, user=user, status=Registration.Status.CONFIRMED).exists()


@rules.predicate
def is_own_registration(user: Any, registration: Any) -> bool:
    return (
        isinstance(registration, Registration)
        and registration.user_id is not None
        and registration.user_id == getattr(user, "pk", None)
    )


@rules.predicate
def registration_is_active(user: Any, registration: Any) -> bool:
    return isinstance(registration, Registration) and registration.is_active


organizes_event = is_program_office | coordinates_event_municipality | is_organizer_member

rules.add_perm("events.view_event", event_is_visible | organizes_event)
# Guests (anonymous) register with name and e-mail; signed-in people with their account.
rules.add_perm("events.register_event", event_is_published & registration_is_open)
rules.add_perm(
    "events.cancel_registration", is_citizen & is_own_registration & registration_is_active & ~event_is_over
)
rules.add_perm("events.view_online_link", event_is_published & (organizes_event | is_confirmed_registrant))
# Creating events: the office anywhere, coordinators for their municipalities (the service checks which).
rules.add_perm("events.create_event", is_program_office | is_coordinator)
rules.add_perm("events.manage_event", organizes_event)
rules.add_perm("events.view_attendees", organizes_event)
rules.add_perm("events.message_registrants", organizes_event & ~event_is_over)
rules.add_perm("events.mark_attendance", organizes_event & event_has_started)
rules.add_perm("events.publish_minutes", organizes_event & event_has_started)
# An attachment is public with the minutes of a visible event; before that only the organizers open it.
rules.add_perm("events.view_attachment", (event_is_visible & minutes_are_published) | organizes_event)
# Ideas from the event are recorded through participation.record_idea, which the office and coordinators
# hold; members of organizing organizations write the minutes but do not publish ideas.
rules.add_perm(
    "events.record_ideas", event_has_started & (is_program_office | coordinates_event_municipality)
)

# The admin: the office manages events; registrations and the history are read-only there.
rules.add_perm("events", is_program_office)
# view_event above serves the admin as well (the office sees every event).
add_model_perms("events", "event", is_program_office, ("add", "change", "delete"))
add_model_perms("events", "minutesattachment", is_program_office, CRUD)
for model_name in ("registration", "eventmessage", "eventlogentry"):
    add_model_perms("events", model_name, is_program_office, ("view",))
