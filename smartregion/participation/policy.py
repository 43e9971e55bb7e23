"""Participation's answers to "may I?": the reasons people read when the rules say no, and the rate limits
on what they send. The pages and the API both use them, so a refusal reads the same on either."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.core import get_usage, is_ratelimited

from .models import Feature, Idea, Process
from .rules import OPEN_IDEA_STATUSES, active_features, is_blocked


@dataclass(frozen=True)
class RateLimit:
    """A limit on what people send, per person and per IP address, counted in ``group`` wherever they send
    it from (page or API)."""

    group: str
    user_rate: str | None
    ip_rate: str


# The IP limits leave room for many people behind one address (a school, a town hall, a mobile network);
# the per-person limits catch scripts and stuck keys.
# IDEA_LIMIT counts the ideas stored, so a person who corrects her input three times keeps her ten ideas;
# IDEA_ATTEMPT_LIMIT counts every submission, valid or not, and only stops scripts hammering the form.
IDEA_LIMIT = RateLimit("participation.idea", "10/h", "30/h")
IDEA_ATTEMPT_LIMIT = RateLimit("participation.idea-attempt", "60/h", "180/h")
COMMENT_LIMIT = RateLimit("participation.comment", "30/h", "120/h")
REPORT_LIMIT = RateLimit("participation.report", "20/h", "60/h")
# Supporting and following are toggles people click through a list with, so they allow more.
SUPPORT_LIMIT = RateLimit("participation.support", "300/h", "3000/h")
FOLLOW_LIMIT = RateLimit("participation.follow", "300/h", "3000/h")
NOTIFICATION_LIMIT = RateLimit("participation.notifications", "60/h", "300/h")
# One-click unsubscribes (RFC 8058) are posted by the mail provider's servers, many people from few
# addresses, and need no account; the signed token is the protection, the limit only stops floods.
UNSUBSCRIBE_LIMIT = RateLimit("participation.unsubscribe", None, "600/h")


def _counters(request: HttpRequest, limit: RateLimit) -> list[tuple[str, str]]:
    # django-ratelimit keys "user" by the user's pk, which is None for every anonymous visitor: counted
    # per person, they would all share one counter, so anonymous requests count per address only.
    per_person = limit.user_rate if request.user.is_authenticated else None
    return [(key, rate) for key, rate in (("ip", limit.ip_rate), ("user", per_person)) if rate]


def attempt_limited(request: HttpRequest, limit: RateLimit) -> bool:
    """Count this request against ``limit``; True once it goes beyond (every counter is counted)."""
    # A list, not a generator: any() would stop at the first counter beyond and leave the other uncounted.
    beyond = [
        is_ratelimited(request, group=limit.group, key=key, rate=rate, method="POST", increment=True)
        for key, rate in _counters(request, limit)
    ]
    return any(beyond)


def quota_used_up(request: HttpRequest, limit: RateLimit) -> bool:
    """True when what was already counted against ``limit`` fills it; counts nothing itself."""
    for key, rate in _counters(request, limit):
        usage = get_usage(request, group=limit.group, key=key, rate=rate, method="POST")
        if usage is not None and usage["count"] >= usage["limit"]:
            return True
    return False


def quota_count(request: HttpRequest, limit: RateLimit) -> None:
    """Count one stored item against ``limit`` (after it was stored)."""
    for key, rate in _counters(request, limit):
        get_usage(request, group=limit.group, key=key, rate=rate, method="POST", increment=True)


@dataclass(frozen=True)
class Refusal:
    """Why a person may not do something, and the status a POST that tries anyway is answered with."""

    message: str
    status: int = 403


@dataclass(frozen=True)
class _Action:
    perm: str
    feature: str
    sign_in: str | Promise
    not_in_phase: str | Promise
    closed: str | Promise


ACTIONS = {
    "propose": _Action(
        perm="participation.propose_idea",
        feature=Feature.PROPOSE,
        sign_in=gettext_lazy("Please sign in to submit an idea."),
        not_in_phase=gettext_lazy("Ideas can be submitted only while the idea collection runs."),
        closed="",
    ),
    "support": _Action(
        perm="participation.support_idea",
        feature=Feature.SUPPORT,
        sign_in=gettext_lazy("Please sign in to support this idea."),
        not_in_phase=gettext_lazy("Supporting is not possible in this phase."),
        closed=gettext_lazy("This idea is closed (%(status)s) and can no longer be supported."),
    ),
    "comment": _Action(
        perm="participation.comment_idea",
        feature=Feature.COMMENT,
        sign_in=gettext_lazy("Please sign in to comment."),
        not_in_phase=gettext_lazy("Commenting is not possible in this phase."),
        closed=gettext_lazy("This idea is closed (%(status)s) and can no longer be commented on."),
    ),
}


def block_refusal(user: Any) -> Refusal | None:
    """The block a moderator imposed, with its reason (UserBlockForm promises the person sees it)."""
    if not is_blocked(user):
        return None
    block = user.participation_block
    if block.until is None:
        return Refusal(_("You are blocked from contributing. Reason: %(reason)s") % {"reason": block.reason})
    until = date_format(timezone.localtime(block.until), "SHORT_DATETIME_FORMAT")
    return Refusal(
        _("You are blocked from contributing until %(until)s. Reason: %(reason)s")
        % {"until": until, "reason": block.reason}
    )


def refusal_for(  # noqa: PLR0911 - one return per reason reads clearer than a table of lambdas
    user: Any, action: str, process: Process, idea: Idea | None = None
) -> Refusal | None:
    """None if the person may propose/support/comment; else the reason, in the order a person can act on."""
    spec = ACTIONS[action]
    if user.has_perm(spec.perm, idea or process):
        return None
    if not user.is_authenticated:
        return Refusal(str(spec.sign_in))
    if blocked := block_refusal(user):
        return blocked
    if process.visibility != Process.Visibility.PUBLIC:
        return Refusal(_("This process is not published yet."))
    if idea is not None and idea.status not in OPEN_IDEA_STATUSES:
        if idea.is_public:
            return Refusal(str(spec.closed) % {"status": idea.get_status_display()}, status=400)
        return Refusal(_("This idea is not published."), status=400)
    if spec.feature not in active_features(process):
        return Refusal(str(spec.not_in_phase))
    return Refusal(_("You may not do this."))
