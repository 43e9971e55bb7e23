"""Who may see and change the strategy and the measures; the program app's permissions build on these.

A measure's scope is its municipalities: their coordinators manage it, a region-wide measure (no
municipality) is managed by the program office alone. Members of a measure's lead organization report
on it (expenses, milestones, indicator values) but do not plan its budget.
"""

from typing import Any

import rules
from django.db.models import Q
from django.utils import timezone

from smartregion.accounts.predicates import (
    CRUD,
    add_model_perms,
    is_coordinator,
    is_expert,
    is_program_office,
)


@rules.predicate
def measure_is_published(user: Any, measure: Any) -> bool:
    return measure is not None and measure.is_published


@rules.predicate
def coordinates_measure(user: Any, measure: Any) -> bool:
    """Coordinator of one of the municipalities the measure concerns (selectors prefetch them)."""
    if measure is None or not getattr(user, "is_authenticated", False):
        return False
    grants = user.role_grants
    return any(("coordinator", municipality.pk) in grants for municipality in measure.municipalities.all())


@rules.predicate
def leads_measure(user: Any, measure: Any) -> bool:
    """Current member of an organization that leads the measure."""
    if measure is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    today = timezone.localdate()
    return user.memberships.filter(
        Q(until__isnull=True) | Q(until__gte=today),
        since__lte=today,
        organization__responsibilities__measure=measure,
        organization__responsibilities__role="lead",
    ).exists()


manages_measure = is_program_office | coordinates_measure

rules.add_perm("strategy.view_measure", measure_is_published | manages_measure | leads_measure)
rules.add_perm("strategy.add_measure", is_program_office | is_coordinator)
rules.add_perm("strategy.change_measure", manages_measure)
rules.add_perm("strategy.link_idea", manages_measure)
# The audit history names staff; it is shown to those who can change the measure or report on it.
rules.add_perm("strategy.view_measure_history", manages_measure | leads_measure)

# The admin: the office manages the strategy tree (view/add/change_measure above serve it too).
rules.add_perm("strategy", is_program_office)
for model_name in ("domain", "goal", "strategy", "strategyversion"):
    add_model_perms("strategy", model_name, is_program_office, CRUD)
rules.add_perm("strategy.delete_measure", is_program_office)
add_model_perms("strategy", "idealink", is_program_office, ("view",))
add_model_perms("strategy", "measureevent", is_program_office, ("view",))


# The expert board's assessment rounds (strategy/assessment.py).
@rules.predicate
def round_is_open(user: Any, assessment_round: Any) -> bool:
    """Today lies within the round's dates (both included)."""
    if assessment_round is None:
        return False
    return bool(assessment_round.opens_on <= timezone.localdate() <= assessment_round.closes_on)


@rules.predicate
def round_results_published(user: Any, assessment_round: Any) -> bool:
    return assessment_round is not None and assessment_round.results_published_at is not None


rules.add_perm("strategy.assess", is_expert & round_is_open)
# The board and the office follow the rounds; experts see each other's scores only after their own
# submission, which assessment.visible_scores decides per candidate.
rules.add_perm("strategy.view_assessment_round", is_expert | is_program_office)
rules.add_perm("strategy.view_assessment_results", is_program_office | round_results_published)
rules.add_perm("strategy.publish_assessment", is_program_office)
for model_name in ("criterion", "assessmentround"):
    add_model_perms("strategy", model_name, is_program_office, CRUD)
