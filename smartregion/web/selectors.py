"""Reads for the pages about places and people: a municipality's page, its coordinators' work list and a
person's own participation. Each read costs a fixed number of queries whatever the data size."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from smartregion.events import selectors as events
from smartregion.events.models import Event, Registration
from smartregion.network.models import Municipality
from smartregion.participation.models import (
    PUBLIC_IDEA_STATUSES,
    Comment,
    Follow,
    Idea,
    IdeaStatus,
    Phase,
    Process,
    Support,
)
from smartregion.program.models import ZERO, Milestone
from smartregion.strategy import selectors as strategy
from smartregion.strategy.models import IdeaLink, Measure
from smartregion.surveys.models import Response

# How many rows of each list the municipality page shows before linking to the full list.
PAGE_LIST_SIZE = 8


@dataclass(frozen=True)
class MoneyTotals:
    planned: Decimal
    committed: Decimal
    spent: Decimal
    measure_count: int


@dataclass(frozen=True)
class MunicipalityOverview:
    """What happens in a municipality: its ideas, measures, events and open processes."""

    ideas: list[Idea]
    idea_count: int
    measures: list[Measure]
    money: MoneyTotals
    events: list[Event]
    processes: list[Process]


def _public_ideas() -> QuerySet[Idea]:
    return Idea.objects.filter(status__in=PUBLIC_IDEA_STATUSES, process__visibility=Process.Visibility.PUBLIC)


def municipality_measures(*, viewer: Any, municipality: Municipality) -> QuerySet[Measure]:
    """The measures the viewer may see that concern the municipality, also those it shares with others."""
    return (
        strategy.measure_list(viewer=viewer)
        .filter(
            pk__in=Measure.municipalities.through.objects.filter(municipality=municipality).values(
                "measure_id"
            )
        )
        .prefetch_related(Prefetch("municipalities", queryset=Municipality.objects.order_by("name")))
    )


def open_processes(*, municipality: Municipality, now: datetime.datetime | None = None) -> QuerySet[Process]:
    """Public processes running a phase now that concern the municipality or the whole region."""
    now = now or timezone.now()
    running = Phase.objects.filter(process=OuterRef("pk"), starts_at__lte=now, ends_at__gt=now)
    concerns = Q(
        pk__in=Process.municipalities.through.objects.filter(municipality=municipality).values("process_id")
    ) | ~Q(pk__in=Process.municipalities.through.objects.values("process_id"))
    return (
        Process.objects.filter(concerns, Exists(running), visibility=Process.Visibility.PUBLIC)
        .prefetch_related(
            Prefetch(
                "phases",
                queryset=Phase.objects.filter(starts_at__lte=now, ends_at__gt=now).order_by("starts_at"),
            )
        )
        .order_by("title")
    )


def municipality_overview(*, viewer: Any, municipality: Municipality) -> MunicipalityOverview:
    """The municipality page's lists and sums."""
    ideas = _public_ideas().filter(municipality=municipality)
    measures = municipality_measures(viewer=viewer, municipality=municipality)
    money = measures.aggregate(
        planned=Sum("budget_planned", default=ZERO),
        committed=Sum("budget_committed", default=ZERO),
        spent=Sum("budget_spent", default=ZERO),
        measure_count=Count("pk"),
    )
    upcoming = events.event_list(viewer=viewer, filters=events.EventFilters(municipality=municipality.slug))
    return MunicipalityOverview(
        ideas=list(
            ideas.select_related("process", "author", "assisted").order_by("-published_at", "-id")[
                :PAGE_LIST_SIZE
            ]
        ),
        idea_count=ideas.count(),
        measures=list(measures.order_by("title")),
        money=MoneyTotals(**money),
        events=list(upcoming.prefetch_related(None)[:PAGE_LIST_SIZE]),
        processes=list(open_processes(municipality=municipality)),
    )


# --- The coordinators' work list -----------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityTasks:
    """What needs doing in a municipality: ideas to look at and measures with overdue milestones."""

    awaiting_moderation: list[Idea]
    awaiting_moderation_count: int
    unanswered: list[Idea]
    unanswered_count: int
    overdue_measures: list[Measure]


# Published ideas without an answer (not assessed, adopted or declined) this long are listed first.
TASK_LIST_SIZE = 25


def municipality_tasks(
    *, viewer: Any, municipality: Municipality, today: datetime.date | None = None
) -> MunicipalityTasks:
    """The coordinators' list: ideas awaiting moderation, published ideas nobody answered yet (oldest
    first), and the measures whose milestones are overdue (with how many and since when)."""
    today = today or timezone.localdate()
    ideas = Idea.objects.filter(municipality=municipality).select_related("process", "author", "assisted")
    waiting = ideas.filter(status=IdeaStatus.SUBMITTED).order_by("created_at", "id")
    unanswered = ideas.filter(
        status=IdeaStatus.PUBLISHED, process__visibility=Process.Visibility.PUBLIC
    ).order_by("published_at", "id")
    overdue = Q(milestones__done_on__isnull=True, milestones__due_on__lt=today)
    measures = (
        municipality_measures(viewer=viewer, municipality=municipality)
        .annotate(
            overdue_count=Count("milestones", filter=overdue),
            overdue_since=Min("milestones__due_on", filter=overdue),
        )
        .filter(overdue_count__gt=0)
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(done_on__isnull=True, due_on__lt=today).order_by(
                    "due_on", "id"
                ),
                to_attr="overdue_milestones",
            )
        )
        .order_by("overdue_since", "title")
    )
    return MunicipalityTasks(
        awaiting_moderation=list(waiting[:TASK_LIST_SIZE]),
        awaiting_moderation_count=waiting.count(),
        unanswered=list(unanswered[:TASK_LIST_SIZE]),
        unanswered_count=unanswered.count(),
        overdue_measures=list(measures),
    )


# --- Meine Beteiligung ---------------------------------------------------------------------------------


def own_ideas(*, user: Any) -> QuerySet[Idea]:
    """The person's ideas in every state (her own, so also those awaiting moderation), newest first, each
    with the published measures that took it up (``measure_links``) as what became of it."""
    return (
        Idea.objects.filter(author=user)
        .select_related("process", "municipality", "merged_into")
        .prefetch_related(
            Prefetch(
                "measure_links",
                queryset=IdeaLink.objects.filter(measure__is_published=True)
                .select_related("measure")
                .order_by("created_at", "id"),
                to_attr="published_links",
            )
        )
        .order_by("-created_at", "-id")
    )


def own_supports(*, user: Any) -> QuerySet[Support]:
    """The ideas the person supports that are still public, newest support first."""
    return (
        Support.objects.filter(user=user, idea__status__in=PUBLIC_IDEA_STATUSES)
        .select_related("idea", "idea__process")
        .order_by("-created_at", "-id")
    )


def own_comments(*, user: Any) -> QuerySet[Comment]:
    """The person's comments that she has not deleted, newest first, with their idea."""
    return (
        Comment.objects.filter(author=user, is_deleted=False)
        .select_related("idea")
        .order_by("-created_at", "-id")
    )


def own_registrations(*, user: Any) -> QuerySet[Registration]:
    """The person's event registrations, the active ones first, then by the event's date."""
    return (
        Registration.objects.filter(user=user)
        .exclude(event__status=Event.Status.DRAFT)
        .select_related("event", "event__municipality")
        .order_by("-event__starts_at", "-id")
    )


def own_survey_responses(*, user: Any) -> QuerySet[Response]:
    """The questionnaires the person filled in herself, the latest first."""
    return Response.objects.filter(user=user).select_related("survey").order_by("-submitted_at", "-id")


def own_follows(*, user: Any) -> QuerySet[Follow]:
    """The processes and ideas the person follows."""
    return Follow.objects.filter(user=user).select_related("process", "idea").order_by("-created_at", "-id")
