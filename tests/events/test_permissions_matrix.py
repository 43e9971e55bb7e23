"""Role-by-state matrix for every events permission (STYLE.md rule 6), written out by hand.

Roles: an anonymous visitor, a guest (anonymous, registering with name and e-mail), a citizen, a citizen
with a confirmed place (registrant), a member of the organizing organization, the coordinator of the event's
municipality, a coordinator of another municipality, and the program office. States of the event: before
registration opens, open, full (waiting list), registration closed (event still to come), past.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from smartregion.accounts.models import Role
from smartregion.events import services
from smartregion.events.models import MinutesAttachment, Registration

from ..factories import MembershipFactory, OrganizationFactory, RoleGrantFactory, UserFactory
from .factories import EventFactory

Y, N = True, False
ROLES = (
    "anonymous",
    "guest",
    "citizen",
    "registrant",
    "organizer",
    "coordinator",
    "other_coordinator",
    "office",
)
STATES = ("before", "open", "full", "closed", "past")

#                                  anon guest citiz regis organ coord other offic
OBJECT_PERMISSIONS = {
    "events.view_event": {
        "before":                 (Y, Y, Y, Y, Y, Y, Y, Y),
        "open":                   (Y, Y, Y, Y, Y, Y, Y, Y),
        "full":                   (Y, Y, Y, Y, Y, Y, Y, Y),
        "closed":                 (Y, Y, Y, Y, Y, Y, Y, Y),
        "past":                   (Y, Y, Y, Y, Y, Y, Y, Y),
    },
    "events.register_event": {
        "before":                 (N, N, N, N, N, N, N, N),
        "open":                   (Y, Y, Y, Y, Y, Y, Y, Y),
        "full":                   (Y, Y, Y, Y, Y, Y, Y, Y),
        "closed":                 (N, N, N, N, N, N, N, N),
        "past":                   (N, N, N, N, N, N, N, N),
    },
    "events.view_online_link": {
        "before":                 (N, N, N, Y, Y, Y, N, Y),
        "open":                   (N, N, N, Y, Y, Y, N, Y),
        "full":                   (N, N, N, Y, Y, Y, N, Y),
        "closed":                 (N, N, N, Y, Y, Y, N, Y),
        "past":                   (N, N, N, Y, Y, Y, N, Y),
    },
    "events.manage_event": {
        "before":                 (N, N, N, N, Y, Y, N, Y),
        "open":                   (N, N, N, N, Y, Y, N, Y),
        "full":                   (N, N, N, N, Y, Y, N, Y),
        "closed":                 (N, N, N, N, Y, Y, N, Y),
        "past":                   (N, N, N, N, Y, Y, N, Y),
    },
    "events.view_attendees": {
        "before":                 (N, N, N, N, Y, Y, N, Y),
        "open":                   (N, N, N, N, Y, Y, N, Y),
        "full":                   (N, N, N, N, Y, Y, N, Y),
        "closed":                 (N, N, N, N, Y, Y, N, Y),
        "past":                   (N, N, N, N, Y, Y, N, Y),
    },
    "events.message_registrants": {
        "before":                 (N, N, N, N, Y, Y, N, Y),
        "open":                   (N, N, N, N, Y, Y, N, Y),
        "full":                   (N, N, N, N, Y, Y, N, Y),
        "closed":                 (N, N, N, N, Y, Y, N, Y),
        "past":                   (N, N, N, N, N, N, N, N),
    },
    "events.mark_attendance": {
        "before":                 (N, N, N, N, N, N, N, N),
        "open":                   (N, N, N, N, N, N, N, N),
        "full":                   (N, N, N, N, N, N, N, N),
        "closed":                 (N, N, N, N, N, N, N, N),
        "past":                   (N, N, N, N, Y, Y, N, Y),
    },
    "events.publish_minutes": {
        "before":                 (N, N, N, N, N, N, N, N),
        "open":                   (N, N, N, N, N, N, N, N),
        "full":                   (N, N, N, N, N, N, N, N),
        "closed":                 (N, N, N, N, N, N, N, N),
        "past":                   (N, N, N, N, Y, Y, N, Y),
    },
    # Members of organizing organizations write minutes but do not publish ideas (participation.record_idea).
    "events.record_ideas": {
        "before":                 (N, N, N, N, N, N, N, N),
        "open":                   (N, N, N, N, N, N, N, N),
        "full":                   (N, N, N, N, N, N, N, N),
        "closed":                 (N, N, N, N, N, N, N, N),
        "past":                   (N, N, N, N, N, Y, N, Y),
    },
}  # fmt: skip

# Asked of the person's own registration (the registrant's; everybody else's answer is about that row).
#                                  anon guest citiz regis organ coord other offic
CANCEL_REGISTRATION = {
    "before":                     (N, N, N, Y, N, N, N, N),
    "open":                       (N, N, N, Y, N, N, N, N),
    "full":                       (N, N, N, Y, N, N, N, N),
    "closed":                     (N, N, N, Y, N, N, N, N),
    "past":                       (N, N, N, N, N, N, N, N),
}  # fmt: skip

# Attachments of minutes, asked of the past event while its minutes are a draft and once they are published.
#                                  anon guest citiz regis organ coord other offic
VIEW_ATTACHMENT = {
    "draft":                      (N, N, N, N, Y, Y, N, Y),
    "published":                  (Y, Y, Y, Y, Y, Y, Y, Y),
}  # fmt: skip

# Without an object: creating events, and the admin (the program office's tool).
#                                  anon guest citiz regis organ coord other offic
GLOBAL_PERMISSIONS = {
    "events.create_event":        (N, N, N, N, N, Y, Y, Y),
    "events":                     (N, N, N, N, N, N, N, Y),
    "events.view_event":          (N, N, N, N, N, N, N, Y),
    "events.add_event":           (N, N, N, N, N, N, N, Y),
    "events.change_event":        (N, N, N, N, N, N, N, Y),
    "events.delete_event":        (N, N, N, N, N, N, N, Y),
    "events.view_minutesattachment": (N, N, N, N, N, N, N, Y),
    "events.add_minutesattachment": (N, N, N, N, N, N, N, Y),
    "events.change_minutesattachment": (N, N, N, N, N, N, N, Y),
    "events.delete_minutesattachment": (N, N, N, N, N, N, N, Y),
    "events.view_registration":   (N, N, N, N, N, N, N, Y),
    "events.view_eventmessage":   (N, N, N, N, N, N, N, Y),
    "events.view_eventlogentry":  (N, N, N, N, N, N, N, Y),
}  # fmt: skip


@pytest.fixture
def world(municipality, other_municipality):
    """One event per state, organized by one organization, and one person per role."""
    organization = OrganizationFactory()
    events = {}
    for state in STATES:
        event = EventFactory(
            state="open" if state == "full" else state, municipality=municipality, capacity=5
        )
        event.organizers.set([organization])
        events[state] = event
    events["full"].capacity = 1
    events["full"].save()
    registrant = UserFactory()
    own = {}
    for state, event in events.items():
        own[state] = Registration.objects.create(
            event=event,
            user=registrant,
            email=registrant.email,
            status="confirmed",
            position=1,
            token=f"t-{state}",
        )
        event.registered_count = 1
        event.save()
    member = UserFactory()
    MembershipFactory(user=member, organization=organization, since=datetime.date(2020, 1, 1))
    coordinator = UserFactory()
    RoleGrantFactory(user=coordinator, role=Role.COORDINATOR, municipality=municipality)
    other = UserFactory()
    RoleGrantFactory(user=other, role=Role.COORDINATOR, municipality=other_municipality)
    office = UserFactory()
    RoleGrantFactory(user=office, role=Role.PROGRAM_OFFICE)
    people = {
        "anonymous": AnonymousUser(),
        "guest": AnonymousUser(),
        "citizen": UserFactory(),
        "registrant": registrant,
        "organizer": member,
        "coordinator": coordinator,
        "other_coordinator": other,
        "office": office,
    }
    return events, own, people


def _cases(table):
    return [
        pytest.param(perm, state, role, expected[index], id=f"{perm}-{state}-{role}")
        for perm, rows in table.items()
        for state, expected in rows.items()
        for index, role in enumerate(ROLES)
    ]


@pytest.mark.parametrize(("perm", "state", "role", "expected"), _cases(OBJECT_PERMISSIONS))
def test_object_permission(world, perm, state, role, expected):
    events, _own, people = world
    assert people[role].has_perm(perm, events[state]) is expected


@pytest.mark.parametrize(
    ("perm", "state", "role", "expected"), _cases({"events.cancel_registration": CANCEL_REGISTRATION})
)
def test_cancel_own_registration(world, perm, state, role, expected):
    _events, own, people = world
    assert people[role].has_perm(perm, own[state]) is expected


@pytest.mark.parametrize(
    ("perm", "role", "expected"),
    [
        pytest.param(perm, role, row[index], id=f"{perm}-{role}")
        for perm, row in GLOBAL_PERMISSIONS.items()
        for index, role in enumerate(ROLES)
    ],
)
def test_global_permission(world, perm, role, expected):
    _events, _own, people = world
    assert people[role].has_perm(perm) is expected


def test_a_draft_is_seen_only_by_its_organizers(world):
    events, _own, people = world
    draft = events["open"]
    draft.status = "draft"
    draft.save()
    seen = {role: person.has_perm("events.view_event", draft) for role, person in people.items()}
    assert seen == {
        "anonymous": N,
        "guest": N,
        "citizen": N,
        "registrant": N,
        "organizer": Y,
        "coordinator": Y,
        "other_coordinator": N,
        "office": Y,
    }
    assert not people["office"].has_perm("events.register_event", draft)


@pytest.mark.parametrize("state", STATES)
def test_guest_registration_follows_the_state(world, state):
    events, _own, _people = world
    if OBJECT_PERMISSIONS["events.register_event"][state][ROLES.index("guest")]:
        registration = services.registration_create(
            event=events[state], name="Gast", email="gast@example.org"
        )
        assert registration.status == "pending"
    else:
        with pytest.raises(PermissionDenied):
            services.registration_create(event=events[state], name="Gast", email="gast@example.org")


def test_a_former_member_is_no_organizer(world):
    events, _own, people = world
    membership = people["organizer"].memberships.get()
    membership.until = datetime.date(2021, 1, 1)
    membership.save()
    former = type(people["organizer"]).objects.get(pk=people["organizer"].pk)
    assert not former.has_perm("events.manage_event", events["open"])


@pytest.mark.parametrize(
    ("minutes", "role", "expected"),
    [
        pytest.param(minutes, role, expected[index], id=f"{minutes}-{role}")
        for minutes, expected in VIEW_ATTACHMENT.items()
        for index, role in enumerate(ROLES)
    ],
)
def test_view_attachment(world, minutes, role, expected):
    events, _own, people = world
    past = events["past"]
    past.minutes_published_at = past.ends_at if minutes == "published" else None
    attachment = MinutesAttachment(event=past, title="Folien", content_type="application/pdf", size=1)
    assert people[role].has_perm("events.view_attachment", attachment) is expected
