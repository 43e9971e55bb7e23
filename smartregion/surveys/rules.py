"""Who may do what with surveys, asked of the person's roles, the survey's settings and the process's phase.

Answering is a phase feature (``Feature.ANSWER``, enabled by a survey phase), like proposing and supporting;
the phase checks read ``process.phases.all()``, which the selectors prefetch.
"""

from typing import Any

import rules

from smartregion.accounts.predicates import (
    add_model_perms,
    is_citizen,
    is_coordinator,
    is_moderator,
    is_program_office,
)
from smartregion.participation.models import Feature, Process
from smartregion.participation.rules import active_features, is_blocked

from .models import Survey


def _survey_of(obj: Any) -> Survey | None:
    if isinstance(obj, Survey):
        return obj
    return getattr(obj, "survey", None)


@rules.predicate
def survey_is_public(user: Any, obj: Any) -> bool:
    """The survey and its process are published."""
    survey = _survey_of(obj)
    return (
        survey is not None
        and survey.visibility == Survey.Visibility.PUBLIC
        and survey.process.visibility == Process.Visibility.PUBLIC
    )


@rules.predicate
def phase_allows_answer(user: Any, obj: Any) -> bool:
    survey = _survey_of(obj)
    return survey is not None and Feature.ANSWER in active_features(survey.process)


@rules.predicate
def open_to_anyone(user: Any, obj: Any) -> bool:
    survey = _survey_of(obj)
    return survey is not None and survey.audience == Survey.Audience.ANYONE


@rules.predicate
def results_published(user: Any, obj: Any) -> bool:
    survey = _survey_of(obj)
    return survey is not None and survey.results_published_at is not None


@rules.predicate
def is_own_response(user: Any, response: Any) -> bool:
    return (
        response is not None
        and response.user_id is not None
        and response.user_id == getattr(user, "pk", None)
    )


is_staff = is_program_office | is_moderator
# Anonymous visitors may answer surveys open to anyone; a blocked person may not answer at all.
may_take_part = (is_citizen & ~is_blocked) | (~is_citizen & open_to_anyone)

rules.add_perm("surveys.view_survey", survey_is_public | is_staff | is_coordinator)
# The program office and the moderators (who moderate the processes) build questionnaires.
rules.add_perm("surveys.build_survey", is_staff)
rules.add_perm("surveys.answer_survey", survey_is_public & phase_allows_answer & may_take_part)
rules.add_perm(
    "surveys.edit_response",
    is_citizen & ~is_blocked & is_own_response & survey_is_public & phase_allows_answer,
)
# Staff and coordinators enter paper questionnaires and answers taken at events or by telephone, also
# after the phase ended (the forms arrive late), but not for a draft.
rules.add_perm("surveys.enter_response", (is_staff | is_coordinator) & survey_is_public)
rules.add_perm("surveys.import_responses", is_staff & survey_is_public)
rules.add_perm("surveys.view_results", is_staff | is_coordinator | (survey_is_public & results_published))
rules.add_perm("surveys.publish_results", is_staff)
rules.add_perm("surveys.moderate_answer", is_staff)
rules.add_perm("surveys.export_responses", is_staff)

rules.add_perm("surveys", is_program_office)
add_model_perms("surveys", "surveyevent", is_program_office, ("view",))
