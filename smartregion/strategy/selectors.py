"""Reads for the strategy, shaped so that every page makes a fixed number of queries."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from smartregion.accounts.predicates import is_program_office
from smartregion.core.text import german_stems
from smartregion.network.models import Membership
from smartregion.participation import selectors as participation
from smartregion.participation.models import PUBLIC_IDEA_STATUSES, Idea, Process
from smartregion.program.models import Milestone, Responsibility

from .models import Domain, Goal, IdeaLink, Measure, MeasureStatus, Strategy, StrategyVersion
from .services import LINKABLE_IDEA_STATUSES


def domain_list() -> QuerySet[Domain]:
    """All domains of life in their configured order."""
    return Domain.objects.order_by("position", "name")


def measure_visibility(viewer: Any) -> Q:
    """The measures the viewer may see, as a filter: what ``strategy.view_measure`` (strategy/rules.py)
    answers for one measure, asked of all at once.

    Coordinators and lead organizations are subqueries rather than joins, so that a measure with several
    municipalities is not returned several times.
    """
    if is_program_office(viewer):
        return Q()
    visible = Q(is_published=True)
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return visible
    coordinated = [pk for role, pk in viewer.role_grants if role == "coordinator" and pk is not None]
    if coordinated:
        visible |= Q(
            pk__in=Measure.municipalities.through.objects.filter(municipality_id__in=coordinated).values(
                "measure_id"
            )
        )
    today = timezone.localdate()
    led_by = Membership.objects.filter(
        Q(until__isnull=True) | Q(until__gte=today), user=viewer, since__lte=today
    ).values("organization_id")
    visible |= Q(
        pk__in=Responsibility.objects.filter(
            role=Responsibility.Role.LEAD, organization_id__in=led_by
        ).values("measure_id")
    )
    return visible


def measure_list(*, viewer: Any) -> QuerySet[Measure]:
    """The measures the viewer may see, in the strategy's order."""
    return Measure.objects.filter(measure_visibility(viewer))


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class StrategyNode:
    """A strategy with the measures the viewer may see."""

    strategy: Strategy
    measures: list[Measure]


@dataclass(frozen=True)
class GoalNode:
    """A goal with its strategies and how many measures the viewer sees under it."""

    goal: Goal
    strategies: list[StrategyNode]
    measure_count: int


@dataclass(frozen=True)
class StrategyTree:
    """Goals → strategies → measures, with the measures counted by status."""

    goals: list[GoalNode]
    measure_count: int
    status_counts: list[StatusCount]


def _status_counts(measures: list[Measure]) -> list[StatusCount]:
    counts = dict.fromkeys(MeasureStatus.values, 0)
    for measure in measures:
        counts[measure.status] = counts.get(measure.status, 0) + 1
    return [StatusCount(status, str(label), counts[status]) for status, label in MeasureStatus.choices]


def strategy_tree(*, viewer: Any) -> StrategyTree:
    """The whole strategy as the viewer may see it, in five queries whatever its size.

    Published goals and their strategies are public (a draft goal is the office's); measures are filtered
    per viewer. The counts are taken from the prefetched rows, which the page lists anyway, rather than
    asked of the database a second time.
    """
    measures = (
        measure_list(viewer=viewer).order_by("title", "pk").prefetch_related("domains", "municipalities")
    )
    strategies = Strategy.objects.order_by("position", "title").prefetch_related(
        Prefetch("measures", queryset=measures)
    )
    goals = (
        Goal.objects.filter(is_published=True)
        .order_by("position", "title")
        .prefetch_related(Prefetch("strategies", queryset=strategies))
    )
    nodes: list[GoalNode] = []
    everything: list[Measure] = []
    for goal in goals:
        branches = [
            StrategyNode(strategy, list(strategy.measures.all())) for strategy in goal.strategies.all()
        ]
        count = sum(len(branch.measures) for branch in branches)
        nodes.append(GoalNode(goal, branches, count))
        everything.extend(measure for branch in branches for measure in branch.measures)
    return StrategyTree(goals=nodes, measure_count=len(everything), status_counts=_status_counts(everything))


def measure_get(*, slug: str) -> Measure:
    """One measure with what its page and its permission checks read; raises Measure.DoesNotExist.

    Whether the viewer may see it is the view's question (``strategy.view_measure``).
    """
    return (
        Measure.objects.select_related("strategy__goal")
        .prefetch_related("domains", "municipalities")
        .get(slug=slug)
    )


def measure_idea_links(measure: Measure) -> list[IdeaLink]:
    """The ideas a measure took up that everyone may see (public ideas of public processes)."""
    return list(
        IdeaLink.objects.filter(
            measure=measure,
            idea__status__in=PUBLIC_IDEA_STATUSES,
            idea__process__visibility=Process.Visibility.PUBLIC,
        )
        .select_related("idea")
        .order_by("created_at", "pk")
    )


def linkable_ideas(*, viewer: Any, measure: Measure, q: str, limit: int = 20) -> list[Idea]:
    """Public ideas a measure could take up whose title (or, by word stem, text) has every word of ``q``,
    newest first (all if ``q`` is empty), without those it has taken up already.

    ``strategy.services.idea_link`` decides again on saving.
    """
    ideas = participation.idea_list(viewer=viewer, filters=participation.IdeaFilters())
    for word in q.split()[:8]:
        stems = german_stems(word)
        in_text = Q(search_text__contains=f" {stems[0]}") if stems else Q(pk__in=[])
        ideas = ideas.filter(Q(title__icontains=word) | in_text)
    return list(
        ideas.filter(status__in=LINKABLE_IDEA_STATUSES)
        .exclude(pk__in=IdeaLink.objects.filter(measure=measure).values("idea_id"))
        .select_related(None)
        .prefetch_related(None)
        .select_related("process")[:limit]
    )


def idea_measure_links(*, idea: Any) -> list[IdeaLink]:
    """What became of an idea: the published measures that took it up, each with its milestones as
    ``measure.milestone_list`` (flagged ``overdue``). Two queries, however many there are."""
    today = timezone.localdate()
    links: list[IdeaLink] = list(
        IdeaLink.objects.filter(idea=idea, measure__is_published=True)
        .select_related("measure")
        .prefetch_related(
            Prefetch(
                "measure__milestones",
                queryset=Milestone.objects.order_by("due_on", "id"),
                to_attr="milestone_list",
            )
        )
        .order_by("created_at", "id")
    )
    for link in links:
        for milestone in link.measure.milestone_list:  # type: ignore[attr-defined]
            milestone.overdue = milestone.is_overdue(today)
    return links


def strategy_versions(*, viewer: Any) -> list[StrategyVersion]:
    """The versions of the strategy, newest decision first: adopted ones for all, drafts for the office."""
    versions = StrategyVersion.objects.order_by("-decided_on", "-id")
    if not is_program_office(viewer):
        versions = versions.filter(status=StrategyVersion.Status.ADOPTED)
    return list(versions)
