"""Who may do what in participation, asked of the person's roles and of the process's active phase.

Every view, API endpoint and service asks these permissions (``user.has_perm("participation.x", obj)``);
nothing else decides. Phase checks read ``process.phases.all()``, which selectors prefetch, so asking
costs no query per idea.
"""

from datetime import timedelta
from typing import Any

import rules
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from smartregion.accounts.predicates import (
    CRUD,
    add_model_perms,
    is_citizen,
    is_coordinator,
    is_moderator,
    is_program_office,
)

from .models import PUBLIC_IDEA_STATUSES, Feature, IdeaStatus, Process

# Ideas that are still open for support and discussion; decided ones are closed.
OPEN_IDEA_STATUSES = (IdeaStatus.PUBLISHED, IdeaStatus.UNDER_ASSESSMENT)
COMMENT_EDIT_WINDOW = timedelta(minutes=15)


def _process_of(obj: Any) -> Process | None:
    if isinstance(obj, Process):
        return obj
    idea = getattr(obj, "idea", None) or obj
    return getattr(idea, "process", None)


def active_features(process: Process, now: Any = None) -> frozenset[str]:
    """What the process's currently running phases enable."""
    now = now or timezone.now()
    features: frozenset[str] = frozenset()
    for phase in process.phases.all():
        if phase.is_active(now):
            features |= phase.features
    return features


def _phase_allows(feature: str) -> Any:
    @rules.predicate(name=f"phase_allows_{feature}")
    def predicate(user: Any, obj: Any) -> bool:
        process = _process_of(obj)
        return process is not None and feature in active_features(process)

    return predicate


phase_allows_propose = _phase_allows(Feature.PROPOSE)
phase_allows_comment = _phase_allows(Feature.COMMENT)
phase_allows_support = _phase_allows(Feature.SUPPORT)


@rules.predicate
def is_blocked(user: Any) -> bool:
    """Blocked from contributing by a moderator (and the block has not run out)."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        block = user.participation_block
    except ObjectDoesNotExist:
        return False
    return block.until is None or block.until > timezone.now()


@rules.predicate
def process_is_public(user: Any, obj: Any) -> bool:
    process = _process_of(obj)
    return process is not None and process.visibility == Process.Visibility.PUBLIC


@rules.predicate
def idea_is_public(user: Any, idea: Any) -> bool:
    return idea is not None and idea.status in PUBLIC_IDEA_STATUSES


@rules.predicate
def idea_is_open(user: Any, idea: Any) -> bool:
    return idea is not None and idea.status in OPEN_IDEA_STATUSES


@rules.predicate
def is_idea_author(user: Any, idea: Any) -> bool:
    return idea is not None and idea.author_id is not None and idea.author_id == getattr(user, "pk", None)


@rules.predicate
def is_comment_author(user: Any, comment: Any) -> bool:
    return comment is not None and comment.author_id == getattr(user, "pk", None)


@rules.predicate
def comment_is_fresh(user: Any, comment: Any) -> bool:
    return comment is not None and timezone.now() - comment.created_at <= COMMENT_EDIT_WINDOW


@rules.predicate
def comment_is_visible(user: Any, comment: Any) -> bool:
    return comment is not None and comment.is_visible


@rules.predicate
def coordinates_idea_municipality(user: Any, obj: Any) -> bool:
    """Coordinator of the municipality the idea (or the comment's idea) concerns."""
    idea = getattr(obj, "idea", None) or obj
    municipality_id = getattr(idea, "municipality_id", None)
    if municipality_id is None or not getattr(user, "is_authenticated", False):
        return False
    return ("coordinator", municipality_id) in user.role_grants


is_staff = is_program_office | is_moderator
is_participant = is_citizen & ~is_blocked

rules.add_perm("participation.view_process", process_is_public | is_staff | is_coordinator)
rules.add_perm(
    "participation.view_idea",
    (process_is_public & idea_is_public) | is_idea_author | is_staff | coordinates_idea_municipality,
)
rules.add_perm("participation.propose_idea", is_participant & process_is_public & phase_allows_propose)
rules.add_perm(
    "participation.edit_idea",
    (is_participant & is_idea_author & phase_allows_propose & idea_is_open)
    | is_staff
    | coordinates_idea_municipality,
)
# Staff record ideas that came in by telephone, letter, e-mail or at an event, on behalf of others.
rules.add_perm("participation.record_idea", is_staff | is_coordinator)
rules.add_perm("participation.moderate_idea", is_staff | coordinates_idea_municipality)
# Correcting and redacting any idea's content (in every status), with a public reason: the moderators'
# desk, not the author's edit. Coordinators do it for the ideas of the municipalities they coordinate.
rules.add_perm("participation.redact_idea", is_staff | coordinates_idea_municipality)
rules.add_perm(
    "participation.support_idea", is_participant & process_is_public & idea_is_open & phase_allows_support
)
rules.add_perm(
    "participation.comment_idea", is_participant & process_is_public & idea_is_open & phase_allows_comment
)
rules.add_perm(
    "participation.edit_comment", is_participant & is_comment_author & comment_is_fresh & comment_is_visible
)
rules.add_perm("participation.delete_comment", is_citizen & is_comment_author & comment_is_visible)
rules.add_perm("participation.moderate_comment", is_staff | coordinates_idea_municipality)
rules.add_perm("participation.report", is_participant)
rules.add_perm("participation.follow", is_citizen)
rules.add_perm("participation.block_user", is_staff)
rules.add_perm("participation.view_moderation_queue", is_staff | is_coordinator)

# The admin: the office manages processes and phases; everything else is read-only there. The admin
# site itself is open to the office only, so view_process and view_idea above serve it as well.
rules.add_perm("participation", is_program_office)
add_model_perms("participation", "process", is_program_office, ("add", "change", "delete"))
add_model_perms("participation", "phase", is_program_office, CRUD)
for model_name in ("comment", "ideaevent", "inboundmessage", "moderationevent", "participationblock"):
    add_model_perms("participation", model_name, is_program_office, ("view",))
