"""Role-by-state matrix for every moderation page and action, through HTTP (STYLE.md rule 6).

Each table is written out by hand: a row per role, a column per state of the thing acted on. The
outcome is what the person sees: LOGIN (anonymous people are sent to sign in), DENIED (403), OK (the
page is shown) or DONE (the action happened and the page redirects). Every DONE also checks the audit
row the action wrote; every other outcome checks that nothing changed. Coordinators coordinate the
municipality of the idea ("coordinator") or another one ("coordinator_other").
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from smartregion.accounts.models import Role
from smartregion.participation.models import (
    Idea,
    IdeaEvent,
    IdeaStatus,
    ModerationEvent,
    ParticipationBlock,
    Report,
)

from ..factories import RoleGrantFactory, UserFactory
from .staff_support import make_comment, make_idea, make_process

ROLES = (
    "anonymous",
    "citizen",
    "moderator",
    "coordinator",
    "coordinator_other",
    "expert",
    "program_office",
)
LOGIN, DENIED, OK, DONE = "login", "denied", "ok", "done"
NEXT = "/moderation/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the cache, keyed by user id; ids repeat across rolled-back tests.
    cache.clear()


@pytest.fixture
def person(make_person, other_municipality):
    def make(role: str):
        if role == "coordinator_other":
            user = UserFactory()
            RoleGrantFactory(user=user, role=Role.COORDINATOR, municipality=other_municipality)
            return user
        return make_person(role)

    return make


@pytest.fixture
def as_role(client, person):
    """A test client signed in with the role (or anonymous), and the person."""

    def sign_in(role: str):
        user = person(role)
        if user is not None:
            client.force_login(user)
        return client, user

    return sign_in


def _outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return LOGIN
    if response.status_code == 403:
        return DENIED
    if response.status_code == 200:
        return OK
    if response.status_code == 302:
        return DONE
    return f"HTTP {response.status_code}"


def _cases(table, states):
    return [(role, state, table[role][i]) for role in ROLES for i, state in enumerate(states)]


# --- The queue ---------------------------------------------------------------------------------

VIEW_QUEUE = {
    "anonymous": LOGIN,
    "citizen": DENIED,
    "moderator": OK,
    "coordinator": OK,
    "coordinator_other": OK,
    "expert": DENIED,
    "program_office": OK,
}


@pytest.mark.parametrize(("role", "expected"), VIEW_QUEUE.items())
def test_view_queue(as_role, role, expected):
    client, _user = as_role(role)
    assert _outcome(client.get(reverse("participation:moderation"))) == expected


# --- Approving an idea from the queue ------------------------------------------------------------

APPROVE = {
    "anonymous": LOGIN,
    "citizen": DENIED,
    "moderator": DONE,
    "coordinator": DONE,
    "coordinator_other": DENIED,
    "expert": DENIED,
    "program_office": DONE,
}


@pytest.mark.parametrize(("role", "expected"), APPROVE.items())
def test_approve(as_role, municipality, role, expected):
    idea = make_idea(make_process(), status=IdeaStatus.SUBMITTED, municipality=municipality)
    client, user = as_role(role)

    response = client.post(
        reverse("participation:idea_moderate", args=[idea.pk]), {"approve": "1", "next": NEXT}
    )

    assert _outcome(response) == expected
    idea.refresh_from_db()
    events = IdeaEvent.objects.filter(idea=idea, kind=IdeaEvent.Kind.STATUS_CHANGED)
    if expected == DONE:
        assert response["Location"] == NEXT
        assert idea.status == IdeaStatus.PUBLISHED
        assert events.get().actor == user
    else:
        assert idea.status == IdeaStatus.SUBMITTED
        assert not events.exists()


# --- Changing the status (with a public reason) ----------------------------------------------------

# state: the idea's status before; the action moves it to a status its workflow allows.
STATUS_STATES = ("submitted", "published", "hidden")
NEXT_STATUS = {
    "submitted": IdeaStatus.HIDDEN,
    "published": IdeaStatus.NOT_PURSUED,
    "hidden": IdeaStatus.PUBLISHED,
}
CHANGE_STATUS = {
    "anonymous": (LOGIN, LOGIN, LOGIN),
    "citizen": (DENIED, DENIED, DENIED),
    "moderator": (DONE, DONE, DONE),
    "coordinator": (DONE, DONE, DONE),
    "coordinator_other": (DENIED, DENIED, DENIED),
    "expert": (DENIED, DENIED, DENIED),
    "program_office": (DONE, DONE, DONE),
}


@pytest.mark.parametrize(("role", "state", "expected"), _cases(CHANGE_STATUS, STATUS_STATES))
def test_change_status(as_role, municipality, role, state, expected):
    idea = make_idea(make_process(), status=state, municipality=municipality)
    client, user = as_role(role)
    url = reverse("participation:idea_moderate", args=[idea.pk])

    page = client.get(url)
    response = client.post(url, {"status": NEXT_STATUS[state], "reason": "Doppelt eingereicht."})

    assert _outcome(page) == (OK if expected == DONE else expected)
    assert _outcome(response) == expected
    idea.refresh_from_db()
    if expected == DONE:
        assert idea.status == NEXT_STATUS[state]
        event = IdeaEvent.objects.get(idea=idea)
        assert (event.actor, event.from_status, event.to_status) == (user, state, NEXT_STATUS[state])
        assert event.reason == "Doppelt eingereicht."
    else:
        assert idea.status == state
        assert not IdeaEvent.objects.filter(idea=idea).exists()


# --- Hiding and showing comments -------------------------------------------------------------------

COMMENT_STATES = ("visible", "hidden")
HIDE_COMMENT = {
    "anonymous": (LOGIN, LOGIN),
    "citizen": (DENIED, DENIED),
    "moderator": (DONE, DONE),
    "coordinator": (DONE, DONE),
    "coordinator_other": (DENIED, DENIED),
    "expert": (DENIED, DENIED),
    "program_office": (DONE, DONE),
}


@pytest.mark.parametrize(("role", "state", "expected"), _cases(HIDE_COMMENT, COMMENT_STATES))
def test_hide_or_show_comment(as_role, municipality, role, state, expected):
    idea = make_idea(make_process(), municipality=municipality)
    hidden = state == "hidden"
    comment = make_comment(idea, is_hidden=hidden, hidden_reason="Beleidigend" if hidden else "")
    client, user = as_role(role)
    action = "unhide" if hidden else "hide"

    response = client.post(
        reverse("participation:comment_moderate", args=[comment.pk]),
        {"action": action, "reason": "Beleidigend", "next": NEXT},
    )

    assert _outcome(response) == expected
    comment.refresh_from_db()
    if expected == DONE:
        assert comment.is_hidden is not hidden
        wanted = ModerationEvent.Action.UNHIDE_COMMENT if hidden else ModerationEvent.Action.HIDE_COMMENT
        event = ModerationEvent.objects.get(comment=comment)
        assert (event.action, event.actor) == (wanted, user)
    else:
        assert comment.is_hidden is hidden
        assert not ModerationEvent.objects.exists()


# --- Blocking people -------------------------------------------------------------------------------

BLOCK_STATES = ("not_blocked", "blocked")
BLOCK = {
    "anonymous": (LOGIN, LOGIN),
    "citizen": (DENIED, DENIED),
    "moderator": (DONE, DONE),
    "coordinator": (DENIED, DENIED),
    "coordinator_other": (DENIED, DENIED),
    "expert": (DENIED, DENIED),
    "program_office": (DONE, DONE),
}


@pytest.mark.parametrize(("role", "state", "expected"), _cases(BLOCK, BLOCK_STATES))
def test_block_or_unblock(as_role, role, state, expected):
    target = UserFactory()
    blocked = state == "blocked"
    if blocked:
        ParticipationBlock.objects.create(user=target, reason="Spam")
    client, user = as_role(role)
    url = reverse("participation:user_block", args=[target.pk])

    page = client.get(url)
    response = client.post(url, {"action": "unblock"} if blocked else {"action": "block", "reason": "Spam"})

    assert _outcome(page) == (OK if expected == DONE else expected)
    assert _outcome(response) == expected
    if expected == DONE:
        assert ParticipationBlock.objects.filter(user=target).exists() is not blocked
        wanted = ModerationEvent.Action.UNBLOCK_USER if blocked else ModerationEvent.Action.BLOCK_USER
        event = ModerationEvent.objects.get(target_user=target)
        assert (event.action, event.actor) == (wanted, user)
    else:
        assert ParticipationBlock.objects.filter(user=target).exists() is blocked
        assert not ModerationEvent.objects.exists()


# --- Resolving reports -----------------------------------------------------------------------------

REPORT_STATES = ("comment", "idea")
RESOLVE_REPORT = {
    "anonymous": (LOGIN, LOGIN),
    "citizen": (DENIED, DENIED),
    "moderator": (DONE, DONE),
    "coordinator": (DONE, DONE),
    "coordinator_other": (DENIED, DENIED),
    "expert": (DENIED, DENIED),
    "program_office": (DONE, DONE),
}


@pytest.mark.parametrize(("role", "state", "expected"), _cases(RESOLVE_REPORT, REPORT_STATES))
def test_resolve_report(as_role, municipality, role, state, expected):
    idea = make_idea(make_process(), municipality=municipality)
    target = {"comment": make_comment(idea)} if state == "comment" else {"idea": idea}
    report = Report.objects.create(reporter=UserFactory(), reason="Werbung", **target)
    client, user = as_role(role)

    response = client.post(reverse("participation:report_resolve", args=[report.pk]), {"next": NEXT})

    assert _outcome(response) == expected
    report.refresh_from_db()
    if expected == DONE:
        assert report.resolved_at is not None
        event = ModerationEvent.objects.get()
        assert (event.action, event.actor) == (ModerationEvent.Action.RESOLVE_REPORT, user)
    else:
        assert report.resolved_at is None
        assert not ModerationEvent.objects.exists()


# --- Recording ideas for people without an account -------------------------------------------------

PHASE_STATES = ("before", "active", "after")
RECORD = {
    "anonymous": (LOGIN, LOGIN, LOGIN),
    "citizen": (DENIED, DENIED, DENIED),
    "moderator": (DONE, DONE, DONE),
    "coordinator": (DONE, DONE, DONE),
    "coordinator_other": (DONE, DONE, DONE),
    "expert": (DENIED, DENIED, DENIED),
    "program_office": (DONE, DONE, DONE),
}


@pytest.mark.parametrize(("role", "state", "expected"), _cases(RECORD, PHASE_STATES))
def test_record_idea(as_role, role, state, expected):
    process = make_process(state=state)
    client, user = as_role(role)
    url = reverse("participation:idea_record", args=[process.slug])

    page = client.get(url)
    response = client.post(
        url,
        {
            "channel": "phone",
            "title": "Bürgerbus für Mendig",
            "body": "Anruf: ein Bürgerbus am Wochenende.",
            "domains": [d.pk for d in process.domains.all()],
        },
    )

    assert _outcome(page) == (OK if expected == DONE else expected)
    assert _outcome(response) == expected
    ideas = Idea.objects.filter(process=process)
    if expected == DONE:
        idea = ideas.get()
        assert response["Location"] == idea.get_absolute_url()
        assert IdeaEvent.objects.filter(idea=idea, kind=IdeaEvent.Kind.SUBMITTED, actor=user).exists()
        assert idea.author is None
        assert idea.assisted.recorded_by == user
    else:
        assert not ideas.exists()


def test_every_role_is_in_every_table():
    for table in (VIEW_QUEUE, APPROVE, CHANGE_STATUS, HIDE_COMMENT, BLOCK, RESOLVE_REPORT, RECORD):
        assert tuple(table) == ROLES
