"""Surveys' answers to "may I?": the reasons people read when the rules say no, and the rate limits."""

from typing import Any

from django.utils.translation import gettext as _

from smartregion.participation.models import Feature, Process
from smartregion.participation.policy import RateLimit, Refusal, block_refusal
from smartregion.participation.rules import active_features

from .models import Response, Survey

# Answering is a single, considered act: a person answers a survey once (then edits it). The IP limit
# leaves room for a school class or a town hall answering from one address.
ANSWER_LIMIT = RateLimit("surveys.answer", "30/h", "600/h")
ENTRY_LIMIT = RateLimit("surveys.entry", None, "3000/h")


def answer_refusal(  # noqa: PLR0911 - one return per reason, in the order a person can act on
    user: Any, survey: Survey, response: Response | None = None
) -> Refusal | None:
    """None if the person may answer (or edit her response); else why not, in the order she can act on."""
    if response is not None:
        if user.has_perm("surveys.edit_response", response):
            return None
    elif user.has_perm("surveys.answer_survey", survey):
        return None
    if (
        survey.visibility != Survey.Visibility.PUBLIC
        or survey.process.visibility != Process.Visibility.PUBLIC
    ):
        return Refusal(_("This survey is not published yet."))
    if Feature.ANSWER not in active_features(survey.process):
        return Refusal(_("This survey can be answered only while its survey phase runs."))
    if not user.is_authenticated:
        return Refusal(_("Please sign in to take part in this survey."))
    if blocked := block_refusal(user):
        return blocked
    return Refusal(_("You may not do this."))
