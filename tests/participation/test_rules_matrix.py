"""Role-by-phase matrix for every participation permission (STYLE.md rule 6).

Each table is written out by hand: a row per role, a column per phase state (before the idea collection
starts, while it runs, after it ended). Coordinators coordinate the idea's municipality ("coordinator")
or another one ("coordinator_other").
"""

import datetime

import pytest
from django.utils import timezone

from smartregion.accounts.models import Role
from smartregion.participation.models import Comment, Idea, IdeaStatus, ParticipationBlock, Phase, Process

from ..factories import RoleGrantFactory, UserFactory

ROLES = (
    "anonymous",
    "citizen",
    "blocked",
    "moderator",
    "coordinator",
    "coordinator_other",
    "expert",
    "program_office",
)
STATES = ("before", "active", "after")
Y, N = True, False


@pytest.fixture
def person(db, municipality, other_municipality):
    def make(role: str):
        if role == "anonymous":
            from django.contrib.auth.models import AnonymousUser

            return AnonymousUser()
        user = UserFactory()
        if role == "blocked":
            ParticipationBlock.objects.create(user=user, reason="Spam")
        elif role == "coordinator":
            RoleGrantFactory(user=user, role=Role.COORDINATOR, municipality=municipality)
        elif role == "coordinator_other":
            RoleGrantFactory(user=user, role=Role.COORDINATOR, municipality=other_municipality)
        elif role != "citizen":
            RoleGrantFactory(user=user, role=role)
        return user

    return make


@pytest.fixture
def scenario(db, municipality):
    """A public process whose idea-collection phase lies before/around/after now, with an idea and comment."""

    def make(state: str, *, idea_author=None):
        now = timezone.now()
        offset = {
            "before": datetime.timedelta(days=10),
            "active": datetime.timedelta(0),
            "after": -datetime.timedelta(days=10),
        }[state]
        process = Process.objects.create(
            title=f"P {state}",
            slug=f"p-{state}-{Process.objects.count()}",
            summary="s",
            visibility=Process.Visibility.PUBLIC,
        )
        Phase.objects.create(
            process=process,
            kind=Phase.Kind.IDEA_COLLECTION,
            starts_at=now + offset - datetime.timedelta(days=1),
            ends_at=now + offset + datetime.timedelta(days=1),
        )
        author = idea_author or UserFactory()
        idea = Idea.objects.create(
            process=process,
            title="Idee",
            body="Text",
            body_html="<p>Text</p>",
            author=author,
            municipality=municipality,
            status=IdeaStatus.PUBLISHED,
            published_at=now,
        )
        comment = Comment.objects.create(idea=idea, author=author, body="c", body_html="<p>c</p>")
        # What selectors.idea_get does: the phases come prefetched with the idea.
        idea = Idea.objects.select_related("process").prefetch_related("process__phases").get(pk=idea.pk)
        comment.idea = idea
        return process, idea, comment

    return make


# Each row maps a role to its answers before, during and after the phase.
PROPOSE = {
    "anonymous": (N, N, N),
    "citizen": (N, Y, N),
    "blocked": (N, N, N),
    "moderator": (N, Y, N),
    "coordinator": (N, Y, N),
    "coordinator_other": (N, Y, N),
    "expert": (N, Y, N),
    "program_office": (N, Y, N),
}
SUPPORT = COMMENT = PROPOSE
# Moderation does not depend on the phase, but on role and the idea's municipality.
MODERATE = {
    "anonymous": (N, N, N),
    "citizen": (N, N, N),
    "blocked": (N, N, N),
    "moderator": (Y, Y, Y),
    "coordinator": (Y, Y, Y),
    "coordinator_other": (N, N, N),
    "expert": (N, N, N),
    "program_office": (Y, Y, Y),
}
RECORD = {
    "anonymous": (N, N, N),
    "citizen": (N, N, N),
    "blocked": (N, N, N),
    "moderator": (Y, Y, Y),
    "coordinator": (Y, Y, Y),
    "coordinator_other": (Y, Y, Y),
    "expert": (N, N, N),
    "program_office": (Y, Y, Y),
}
BLOCK = {
    "anonymous": (N, N, N),
    "citizen": (N, N, N),
    "blocked": (N, N, N),
    "moderator": (Y, Y, Y),
    "coordinator": (N, N, N),
    "coordinator_other": (N, N, N),
    "expert": (N, N, N),
    "program_office": (Y, Y, Y),
}
REPORT = {
    "anonymous": (N, N, N),
    "citizen": (Y, Y, Y),
    "blocked": (N, N, N),
    "moderator": (Y, Y, Y),
    "coordinator": (Y, Y, Y),
    "coordinator_other": (Y, Y, Y),
    "expert": (Y, Y, Y),
    "program_office": (Y, Y, Y),
}
VIEW_QUEUE = {
    "anonymous": (N, N, N),
    "citizen": (N, N, N),
    "blocked": (N, N, N),
    "moderator": (Y, Y, Y),
    "coordinator": (Y, Y, Y),
    "coordinator_other": (Y, Y, Y),
    "expert": (N, N, N),
    "program_office": (Y, Y, Y),
}


def _cases(table):
    return [(role, state, table[role][i]) for role in ROLES for i, state in enumerate(STATES)]


@pytest.mark.parametrize(("role", "state", "expected"), _cases(PROPOSE))
def test_propose_idea(person, scenario, role, state, expected):
    process, _idea, _comment = scenario(state)
    process = Process.objects.prefetch_related("phases").get(pk=process.pk)
    assert person(role).has_perm("participation.propose_idea", process) is expected


@pytest.mark.parametrize(("role", "state", "expected"), _cases(SUPPORT))
def test_support_idea(person, scenario, role, state, expected):
    _process, idea, _comment = scenario(state)
    assert person(role).has_perm("participation.support_idea", idea) is expected


@pytest.mark.parametrize(("role", "state", "expected"), _cases(COMMENT))
def test_comment_idea(person, scenario, role, state, expected):
    _process, idea, _comment = scenario(state)
    assert person(role).has_perm("participation.comment_idea", idea) is expected


@pytest.mark.parametrize(("role", "state", "expected"), _cases(MODERATE))
def test_moderate_idea_and_comment(person, scenario, role, state, expected):
    _process, idea, comment = scenario(state)
    user = person(role)
    assert user.has_perm("participation.moderate_idea", idea) is expected
    assert user.has_perm("participation.moderate_comment", comment) is expected


@pytest.mark.parametrize(("role", "state", "expected"), _cases(RECORD))
def test_record_assisted_idea(person, scenario, role, state, expected):
    process, _idea, _comment = scenario(state)
    assert person(role).has_perm("participation.record_idea", process) is expected


@pytest.mark.parametrize(("role", "state", "expected"), _cases(BLOCK))
def test_block_user(person, scenario, role, state, expected):
    scenario(state)
    assert person(role).has_perm("participation.block_user", UserFactory()) is expected


@pytest.mark.parametrize(("role", "state", "expected"), _cases(REPORT))
def test_report(person, scenario, role, state, expected):
    _process, _idea, comment = scenario(state)
    assert person(role).has_perm("participation.report", comment) is expected


@pytest.mark.parametrize(("role", "state", "expected"), _cases(VIEW_QUEUE))
def test_view_moderation_queue(person, scenario, role, state, expected):
    scenario(state)
    assert person(role).has_perm("participation.view_moderation_queue") is expected


# The author's own rights: edit the idea while the collection runs; edit a comment only briefly.
@pytest.mark.parametrize(("state", "expected"), [("before", N), ("active", Y), ("after", N)])
def test_author_edits_own_idea_only_while_collecting(person, scenario, state, expected):
    author = person("citizen")
    _process, idea, _comment = scenario(state, idea_author=author)
    assert author.has_perm("participation.edit_idea", idea) is expected
    assert person("citizen").has_perm("participation.edit_idea", idea) is False


@pytest.mark.parametrize("state", STATES)
def test_comment_edit_window_and_delete(person, scenario, state):
    author = person("citizen")
    _process, _idea, comment = scenario(state, idea_author=author)
    assert author.has_perm("participation.edit_comment", comment)
    assert author.has_perm("participation.delete_comment", comment)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    comment.refresh_from_db()
    assert not author.has_perm("participation.edit_comment", comment)
    assert author.has_perm("participation.delete_comment", comment)
    assert not person("citizen").has_perm("participation.delete_comment", comment)


# Visibility: drafts and unpublished ideas are for staff and the author only.
VIEW_DRAFT_IDEA = {
    "anonymous": N,
    "citizen": N,
    "blocked": N,
    "moderator": Y,
    "coordinator": Y,
    "coordinator_other": N,
    "expert": N,
    "program_office": Y,
}


@pytest.mark.parametrize(("role", "expected"), VIEW_DRAFT_IDEA.items())
def test_view_submitted_idea(person, scenario, role, expected):
    _process, idea, _comment = scenario("active")
    idea.status = IdeaStatus.SUBMITTED
    assert person(role).has_perm("participation.view_idea", idea) is expected
    assert idea.author.has_perm("participation.view_idea", idea) is True


@pytest.mark.parametrize("role", ROLES)
def test_everybody_sees_public_ideas_of_public_processes(person, scenario, role):
    _process, idea, _comment = scenario("after")
    assert person(role).has_perm("participation.view_idea", idea) is True


@pytest.mark.parametrize("status", [IdeaStatus.ADOPTED, IdeaStatus.NOT_PURSUED, IdeaStatus.MERGED])
def test_decided_ideas_take_no_more_supports_or_comments(person, scenario, status):
    _process, idea, _comment = scenario("active")
    idea.status = status
    citizen = person("citizen")
    assert not citizen.has_perm("participation.support_idea", idea)
    assert not citizen.has_perm("participation.comment_idea", idea)
    assert citizen.has_perm("participation.view_idea", idea)


def test_draft_process_is_closed_to_the_public(person, scenario):
    process, idea, _comment = scenario("active")
    Process.objects.filter(pk=process.pk).update(visibility=Process.Visibility.DRAFT)
    idea.process.visibility = Process.Visibility.DRAFT
    assert not person("citizen").has_perm("participation.view_idea", idea)
    assert not person("citizen").has_perm("participation.support_idea", idea)
    assert person("program_office").has_perm("participation.view_idea", idea)


def test_expired_block_no_longer_blocks(person, scenario):
    _process, idea, _comment = scenario("active")
    user = person("blocked")
    ParticipationBlock.objects.filter(user=user).update(until=timezone.now() - datetime.timedelta(days=1))
    user = type(user).objects.get(pk=user.pk)
    assert user.has_perm("participation.support_idea", idea)
