"""Monitoring: whether a measure keeps to its plan, worked out from its milestones and its spending.

The rules (decision 0008) apply to measures that are planned or running; a measure that is done, paused
or cancelled has no monitoring state. In this order:

- **late**: an open milestone is more than ``LATE_AFTER_DAYS`` days overdue, or less than half
  (``LATE_SPENDING_SHARE``) of the money planned for the years already over is paid;
- **at risk**: an open milestone is overdue, or less than ``AT_RISK_SPENDING_SHARE`` of the money planned
  for the years already over is paid;
- **on track** otherwise.

The office or a coordinator may set the state by hand with a reason (``Measure.monitoring_override``);
the worked-out state is still shown next to it. Every figure comes from one annotated query whatever the
number of measures (subqueries per measure, no joins that multiply rows).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.strategy.models import Measure, MeasureStatus, MonitoringState

from .models import ZERO, BudgetLine, Indicator, Milestone

LATE_AFTER_DAYS = 30
LATE_SPENDING_SHARE = Decimal("0.50")
AT_RISK_SPENDING_SHARE = Decimal("0.80")
MONITORED = (MeasureStatus.PLANNED, MeasureStatus.RUNNING)


def _count(queryset: QuerySet[Any]) -> Subquery:
    return Subquery(
        queryset.order_by().values("measure").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


def with_monitoring(measures: QuerySet[Measure], today: date | None = None) -> QuerySet[Measure]:
    """The measures annotated with what the monitoring rules read: overdue milestones, the money planned
    for past years, and whether an outcome indicator with a baseline exists."""
    today = today or timezone.localdate()
    open_milestones = Milestone.objects.filter(measure=OuterRef("pk"), done_on__isnull=True)
    planned_past = Subquery(
        BudgetLine.objects.filter(measure=OuterRef("pk"), year__lt=today.year)
        .order_by()
        .values("measure")
        .annotate(total=Sum("planned"))
        .values("total")[:1],
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    return measures.annotate(
        overdue_milestones=Coalesce(_count(open_milestones.filter(due_on__lt=today)), Value(0)),
        late_milestones=Coalesce(
            _count(open_milestones.filter(due_on__lt=today - timedelta(days=LATE_AFTER_DAYS))), Value(0)
        ),
        planned_past_years=Coalesce(planned_past, Value(ZERO), output_field=DecimalField()),
        has_outcome_baseline=Exists(
            Indicator.objects.filter(
                measure=OuterRef("pk"), kind=Indicator.Kind.OUTCOME, baseline_on__isnull=False
            )
        ),
    )


@dataclass(frozen=True)
class Monitoring:
    """A measure's monitoring state: the one that counts, the worked-out one and why."""

    state: str | None  # None: not monitored (done, paused, cancelled)
    computed: str | None
    overridden: bool
    reason: str
    grounds: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(MonitoringState(self.state).label) if self.state else ""

    @property
    def computed_label(self) -> str:
        return str(MonitoringState(self.computed).label) if self.computed else ""


def monitoring_of(measure: Measure) -> Monitoring:
    """The state of a measure annotated by :func:`with_monitoring` (no query)."""
    if measure.status not in MONITORED:
        return Monitoring(None, None, False, "")
    grounds = []
    computed = MonitoringState.ON_TRACK
    late, overdue = measure.late_milestones, measure.overdue_milestones  # type: ignore[attr-defined]
    if late:
        computed = MonitoringState.LATE
        grounds.append(
            _("%(count)s milestone(s) more than %(days)s days overdue.")
            % {"count": late, "days": LATE_AFTER_DAYS}
        )
    elif overdue:
        computed = MonitoringState.AT_RISK
        grounds.append(_("%(count)s milestone(s) overdue.") % {"count": overdue})
    planned: Decimal = measure.planned_past_years  # type: ignore[attr-defined]
    if planned > 0:
        share = measure.budget_spent / planned
        percent = int(share * 100)
        if share < LATE_SPENDING_SHARE:
            computed = MonitoringState.LATE
            grounds.append(
                _("Only %(percent)s %% of the money planned for past years is paid.") % {"percent": percent}
            )
        elif share < AT_RISK_SPENDING_SHARE:
            if computed == MonitoringState.ON_TRACK:
                computed = MonitoringState.AT_RISK
            grounds.append(
                _("Only %(percent)s %% of the money planned for past years is paid.") % {"percent": percent}
            )
    override = measure.monitoring_override
    return Monitoring(
        state=override or computed,
        computed=computed,
        overridden=bool(override),
        reason=measure.monitoring_reason if override else "",
        grounds=grounds,
    )


def measure_monitoring(measure: Measure, today: date | None = None) -> Monitoring:
    """The monitoring state of one measure, in one query."""
    annotated = with_monitoring(Measure.objects.filter(pk=measure.pk), today).get()
    return monitoring_of(annotated)


@dataclass(frozen=True)
class MonitoringBoard:
    """The dashboard's monitoring part: measures per state, those late or at risk, and the running
    measures without an outcome indicator with a baseline (BBSR)."""

    counts: list[tuple[str, str, int]]
    slipping: list[tuple[Measure, Monitoring]]
    without_outcome: list[Measure]


def monitoring_board(measures: QuerySet[Measure], today: date | None = None) -> MonitoringBoard:
    """The monitoring of the given measures in one query."""
    rows = list(
        with_monitoring(measures.filter(status__in=MONITORED), today)
        .select_related(None)
        .only(
            "pk",
            "title",
            "slug",
            "status",
            "budget_spent",
            "monitoring_override",
            "monitoring_reason",
            "strategy_id",
        )
        .order_by("title", "pk")
    )
    states = [(measure, monitoring_of(measure)) for measure in rows]
    counts = [
        (value, str(label), sum(1 for _m, state in states if state.state == value))
        for value, label in MonitoringState.choices
    ]
    slipping = [(m, s) for m, s in states if s.state in (MonitoringState.LATE, MonitoringState.AT_RISK)]
    without_outcome = [
        m
        for m in rows
        if m.status == MeasureStatus.RUNNING and not m.has_outcome_baseline  # type: ignore[attr-defined]
    ]
    return MonitoringBoard(counts, slipping, without_outcome)
