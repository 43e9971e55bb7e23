"""The expert board's assessment: services (``assessment_submit``, ``results_publish``) and selectors
(``round_results``, ``prioritization``, ``visible_scores``).

Each board member scores a candidate (an idea or a measure of the round) once, 1 to 5 per active
criterion, or declares a conflict of interest and scores nothing. A candidate's weighted score is the
mean over its non-conflicted assessments of sum(weight * score) / sum(weight); it uses the criteria's
current weights, so a re-weighting by the office changes the ranking at once.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.accounts.predicates import is_program_office
from smartregion.core.permissions import authorize
from smartregion.participation.models import Idea

from .models import Assessment, AssessmentRound, Criterion, Measure, Score

Candidate = Idea | Measure
Order = Literal["score", "support", "cost"]
ORDERS: tuple[Order, ...] = ("score", "support", "cost")
CENT = Decimal("0.01")


def score_field(criterion: Criterion) -> str:
    """The name of a criterion's score, in the form and in the ValidationErrors of ``assessment_submit``."""
    return f"criterion_{criterion.pk}"


def _candidate_filter(*, idea: Idea | None, measure: Measure | None) -> dict[str, Any]:
    return {"idea": idea} if idea is not None else {"measure": measure}


def active_criteria() -> list[Criterion]:
    """The criteria a new assessment scores, in their order."""
    return list(Criterion.objects.filter(is_active=True))


@transaction.atomic
def assessment_submit(
    *,
    expert: Any,
    round: AssessmentRound,
    idea: Idea | None = None,
    measure: Measure | None = None,
    scores: dict[int, int],
    comment: str,
    conflict: bool = False,
    conflict_note: str = "",
) -> Assessment:
    """Store one board member's assessment of one candidate; it cannot be changed afterwards."""
    authorize(expert, "strategy.assess", round)
    if idea is not None and measure is None:
        in_round = round.ideas.filter(pk=idea.pk).exists()
    elif measure is not None and idea is None:
        in_round = round.measures.filter(pk=measure.pk).exists()
    else:
        raise ValidationError(_("Please assess exactly one idea or one measure."))
    if not in_round:
        raise ValidationError(_("This candidate is not part of the assessment round."))
    where = _candidate_filter(idea=idea, measure=measure)
    if Assessment.objects.filter(round=round, expert=expert, **where).exists():
        raise ValidationError(
            _("You have already submitted your assessment of this candidate; it cannot be changed.")
        )
    criteria = active_criteria()
    if conflict:
        if any(value is not None for value in scores.values()):
            raise ValidationError(
                {
                    "conflict": _(
                        "With a conflict of interest you cannot score; please leave the scores empty."
                    )
                }
            )
    else:
        by_id = {criterion.pk: criterion for criterion in criteria}
        if set(scores) - set(by_id):
            raise ValidationError(_("Please score only the active criteria."))
        errors = {
            score_field(criterion): _("Please score “%(criterion)s” from 1 to 5.")
            % {"criterion": criterion.name}
            for criterion in criteria
            if not isinstance(scores.get(criterion.pk), int) or not 1 <= scores[criterion.pk] <= 5
        }
        if errors:
            raise ValidationError(errors)
    assessment = Assessment(
        round=round,
        expert=expert,
        conflict_of_interest=conflict,
        conflict_note=conflict_note.strip() if conflict else "",
        comment=comment.strip(),
        **where,
    )
    assessment.full_clean(exclude=["round", "expert", "idea", "measure"])
    try:
        # A savepoint, so that a second tab submitting at the same moment gets the message, not a 500.
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise ValidationError(
            _("You have already submitted your assessment of this candidate; it cannot be changed.")
        ) from None
    if not conflict:
        Score.objects.bulk_create(
            Score(assessment=assessment, criterion=criterion, value=scores[criterion.pk])
            for criterion in criteria
        )
    return assessment


def results_publish(*, actor: Any, round: AssessmentRound) -> AssessmentRound:
    """Make the round's aggregated results public (individual scores and comments stay internal)."""
    authorize(actor, "strategy.publish_assessment", round)
    updated = AssessmentRound.objects.filter(pk=round.pk, results_published_at__isnull=True).update(
        results_published_at=timezone.now(), results_published_by=actor
    )
    if not updated:
        raise ValidationError(_("The results of this round are already published."))
    round.refresh_from_db(fields=["results_published_at", "results_published_by"])
    return round


# Selectors


@dataclass(frozen=True)
class CandidateResult:
    """The aggregated assessment of one candidate; ``support`` for ideas, ``cost`` for measures."""

    candidate: Candidate
    kind: Literal["idea", "measure"]
    score: Decimal | None
    assessment_count: int
    conflict_count: int
    support: int | None
    cost: Decimal | None


def _key(*, idea_id: int | None, measure_id: int | None) -> tuple[str, int]:
    return ("idea", idea_id) if idea_id is not None else ("measure", measure_id)  # type: ignore[return-value]


def round_results(round: AssessmentRound) -> list[CandidateResult]:
    """Every candidate of the round with its weighted score and counts, in four queries whatever its size."""
    per_assessment = (
        Score.objects.filter(assessment__round=round, assessment__conflict_of_interest=False)
        .values("assessment_id", "assessment__idea_id", "assessment__measure_id")
        .annotate(weighted=Sum(F("value") * F("criterion__weight")), weights=Sum("criterion__weight"))
        .order_by()
    )
    means: dict[tuple[str, int], list[Fraction]] = {}
    for row in per_assessment:
        if row["weights"]:
            key = _key(idea_id=row["assessment__idea_id"], measure_id=row["assessment__measure_id"])
            means.setdefault(key, []).append(Fraction(row["weighted"], row["weights"]))
    counts = {
        _key(idea_id=row["idea_id"], measure_id=row["measure_id"]): row
        for row in Assessment.objects.filter(round=round)
        .values("idea_id", "measure_id")
        .annotate(total=Count("id"), conflicts=Count("id", filter=Q(conflict_of_interest=True)))
        .order_by()
    }

    def result(candidate: Candidate, kind: Literal["idea", "measure"]) -> CandidateResult:
        found = means.get((kind, candidate.pk), [])
        row = counts.get((kind, candidate.pk), {"total": 0, "conflicts": 0})
        score = None
        if found:
            mean = sum(found, Fraction(0)) / len(found)
            score = (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(CENT, ROUND_HALF_UP)
        return CandidateResult(
            candidate=candidate,
            kind=kind,
            score=score,
            assessment_count=row["total"] - row["conflicts"],
            conflict_count=row["conflicts"],
            support=candidate.support_count if isinstance(candidate, Idea) else None,
            cost=candidate.budget_planned if isinstance(candidate, Measure) else None,
        )

    ideas = round.ideas.only("id", "title", "status", "support_count").order_by("title")
    measures = round.measures.only("id", "title", "slug", "is_published", "budget_planned").order_by("title")
    return [result(idea, "idea") for idea in ideas] + [result(measure, "measure") for measure in measures]


def prioritization(round: AssessmentRound, order: Order = "score") -> list[CandidateResult]:
    """The round's candidates ranked: by weighted score, by public support, or cheapest first.

    Candidates without the figure (no scores yet, a measure's support, an idea's cost) come last.
    """
    results = round_results(round)

    def rank(item: CandidateResult) -> tuple[bool, Decimal | int, str]:
        if order == "cost":
            return (item.cost is None, item.cost or 0, item.candidate.title)
        value = item.score if order == "score" else item.support
        return (value is None, -(value or 0), item.candidate.title)

    return sorted(results, key=rank)


def own_assessment(
    *,
    expert: Any,
    round: AssessmentRound,
    idea: Idea | None = None,
    measure: Measure | None = None,
) -> Assessment | None:
    """The viewer's own assessment of the candidate, with its scores, or None."""
    if not getattr(expert, "is_authenticated", False):
        return None
    return (
        Assessment.objects.filter(round=round, expert=expert, **_candidate_filter(idea=idea, measure=measure))
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .first()
    )


def visible_scores(
    viewer: Any,
    round: AssessmentRound,
    *,
    idea: Idea | None = None,
    measure: Measure | None = None,
) -> QuerySet[Assessment]:
    """The other board members' assessments of a candidate the viewer may read, with their scores.

    The office reads them all; an expert only after submitting their own assessment of that candidate
    (so nobody anchors on the others); everyone else, the public included, none: they see aggregates.
    """
    where = _candidate_filter(idea=idea, measure=measure)
    assessments = (
        Assessment.objects.filter(round=round, **where)
        .select_related("expert")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
    )
    if is_program_office(viewer):
        return assessments
    if viewer.has_perm("strategy.view_assessment_round", round) and (
        Assessment.objects.filter(round=round, expert=viewer, **where).exists()
    ):
        return assessments.exclude(expert=viewer)
    return assessments.none()


def rounds_for(viewer: Any) -> QuerySet[AssessmentRound]:
    """The rounds the viewer follows (board and office), newest first, with their candidate counts."""
    if not viewer.has_perm("strategy.view_assessment_round"):
        return AssessmentRound.objects.none()
    return AssessmentRound.objects.annotate(
        idea_total=Count("ideas", distinct=True), measure_total=Count("measures", distinct=True)
    )


def submitted_states(*, expert: Any, round: AssessmentRound) -> dict[tuple[str, int], Assessment]:
    """The expert's own assessments in the round, by ("idea"|"measure", id): one query for the page."""
    return {
        _key(idea_id=assessment.idea_id, measure_id=assessment.measure_id): assessment
        for assessment in Assessment.objects.filter(round=round, expert=expert).only(
            "id", "idea_id", "measure_id", "conflict_of_interest"
        )
    }
