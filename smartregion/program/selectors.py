"""Reads for the program: a measure's money, expenses, milestones, indicators, responsibilities and history,
and the program dashboard. Every function makes a fixed number of queries, whatever the number of rows;
money is summed by the database and stays ``Decimal`` throughout."""

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from smartregion.network.models import Municipality
from smartregion.strategy.models import Domain, Measure, MeasureEvent, MeasureStatus
from smartregion.strategy.selectors import measure_list

from .models import (
    ZERO,
    BudgetLine,
    Expense,
    FundCall,
    FundingCommitment,
    FundingSource,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
    ProgramReminder,
    Responsibility,
    StaffEffort,
)
from .monitoring import MonitoringBoard, monitoring_board
from .templatetags.program import euro

HUNDRED = Decimal(100)


# --- Money and charts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amounts:
    """Planned, committed and spent money in EUR."""

    planned: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO

    def __add__(self, other: "Amounts") -> "Amounts":
        return Amounts(
            self.planned + other.planned, self.committed + other.committed, self.spent + other.spent
        )

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Amounts":
        """From a row of ``values().annotate(**MONEY_SUMS)`` or ``aggregate(**MONEY_SUMS)``."""
        return cls(row["planned"] or ZERO, row["committed"] or ZERO, row["spent"] or ZERO)


def _sums(prefix: str = "", *, filter: Q | None = None) -> dict[str, Any]:
    """Sum(planned), Sum(committed), Sum(spent) of budget lines (or of measures, with ``budget_``)."""
    return {
        kind: Coalesce(Sum(f"{prefix}{kind}", filter=filter), ZERO)
        for kind in ("planned", "committed", "spent")
    }


def money_sums() -> dict[str, Any]:
    """Sum(planned), Sum(committed), Sum(spent) of budget lines, for ``values().annotate()``."""
    return _sums()


def _total(amounts: Iterable[Amounts]) -> Amounts:
    total = Amounts()
    for item in amounts:
        total += item
    return total


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: ``kind`` names its CSS class, ``width`` its length as a share of the longest
    bar (0 to 100, a string with a dot, because an SVG attribute must not follow the German decimal comma)."""

    kind: str
    label: str
    value: Decimal
    width: str


@dataclass(frozen=True)
class ChartRow:
    label: str
    bars: list[Bar]


def _width(value: Decimal, largest: Decimal) -> str:
    if largest <= 0 or value <= 0:
        return "0"
    share = (value * HUNDRED / largest).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return str(min(share, HUNDRED))


def money_chart(rows: Sequence[tuple[str, Amounts]]) -> list[ChartRow]:
    """Horizontal bars for planned, committed and spent per row, scaled to the largest amount."""
    largest = max((max(a.planned, a.committed, a.spent) for _label, a in rows), default=ZERO)
    kinds = (("planned", _("Planned")), ("committed", _("Committed")), ("spent", _("Spent")))
    return [
        ChartRow(
            label,
            [
                Bar(kind, str(text), getattr(amounts, kind), _width(getattr(amounts, kind), largest))
                for kind, text in kinds
            ],
        )
        for label, amounts in rows
    ]


def count_chart(rows: Sequence[tuple[str, int]]) -> list[ChartRow]:
    """One bar per row for a count, scaled to the largest count."""
    largest = Decimal(max((count for _label, count in rows), default=0))
    return [
        ChartRow(label, [Bar("count", label, Decimal(count), _width(Decimal(count), largest))])
        for label, count in rows
    ]


# --- One measure ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoneyRow:
    """A year: per funding source (in the table's column order) its amounts, or None without a line."""

    year: int
    cells: list[Amounts | None]
    total: Amounts


@dataclass(frozen=True)
class MoneyTable:
    """A measure's budget by source (columns) and year (rows), with row and column totals."""

    lines: list[BudgetLine]
    sources: list[FundingSource]
    rows: list[MoneyRow]
    source_totals: list[Amounts]
    total: Amounts
    chart: list[ChartRow] = field(default_factory=list)

    @property
    def rates(self) -> list[tuple[FundingSource, Decimal | None, bool]]:
        """Per source with a highest funding rate: its share of the measure's planned money, and whether
        the share exceeds that rate."""
        result = []
        for source, amounts in zip(self.sources, self.source_totals, strict=True):
            if source.max_rate is None:
                continue
            share = _rate(amounts.planned, self.total.planned)
            result.append((source, share, share is not None and share > source.max_rate))
        return result


def measure_money(measure: Measure) -> MoneyTable:
    """The measure's budget lines as a table of years by funding sources, in one query."""
    lines = list(
        BudgetLine.objects.filter(measure=measure)
        .select_related("source")
        .order_by("year", "source__position", "source__name")
    )
    sources = sorted({line.source for line in lines}, key=lambda source: (source.position, source.name))
    cell = {(line.year, line.source_id): Amounts(line.planned, line.committed, line.spent) for line in lines}
    rows = []
    for year in sorted({line.year for line in lines}):
        cells = [cell.get((year, source.pk)) for source in sources]
        rows.append(MoneyRow(year, cells, _total(amounts for amounts in cells if amounts)))
    source_totals = [
        _total(amounts for (_year, source_id), amounts in cell.items() if source_id == source.pk)
        for source in sources
    ]
    total = _total(row.total for row in rows)
    chart = money_chart(
        [
            (f"{row.year} · {source.name}", amounts)
            for row in rows
            for source, amounts in zip(sources, row.cells, strict=True)
            if amounts
        ]
    )
    return MoneyTable(lines, sources, rows, source_totals, total, chart)


def measure_expenses(measure: Measure) -> QuerySet[Expense]:
    """The measure's bookings, newest first, with their budget line and source."""
    return Expense.objects.filter(budget_line__measure=measure).select_related("budget_line__source")


@dataclass(frozen=True)
class MilestoneItem:
    """A milestone and where it stands on ``today``: "done", "overdue" or "open"."""

    milestone: Milestone
    state: str

    @property
    def is_overdue(self) -> bool:
        return self.state == "overdue"


def milestone_items(milestones: Iterable[Milestone], today: date | None = None) -> list[MilestoneItem]:
    today = today or timezone.localdate()
    return [
        MilestoneItem(
            milestone,
            "done" if milestone.done_on else "overdue" if milestone.is_overdue(today) else "open",
        )
        for milestone in milestones
    ]


def measure_milestones(measure: Measure, today: date | None = None) -> list[MilestoneItem]:
    """The measure's milestones by due date, each marked done, overdue or open."""
    return milestone_items(Milestone.objects.filter(measure=measure).order_by("due_on", "pk"), today)


@dataclass(frozen=True)
class IndicatorPanel:
    """An indicator with its values (oldest first) and a chart of baseline, values and target."""

    indicator: Indicator
    values: list[IndicatorValue]
    latest: IndicatorValue | None
    chart: list[ChartRow]


def measure_indicators(measure: Measure) -> list[Indicator]:
    """The measure's indicators with their values (oldest first) and target path (three queries)."""
    return list(
        Indicator.objects.filter(measure=measure)
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.order_by("measured_on")),
            Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year")),
        )
    )


def indicator_panel(indicator: Indicator) -> IndicatorPanel:
    """The chart of one indicator from its prefetched values: no query."""
    values = list(indicator.values.all())
    points = [(_("Baseline"), "baseline", indicator.baseline)]
    points += [
        (date_format(value.measured_on, "SHORT_DATE_FORMAT"), "value", value.value) for value in values
    ]
    points.append((_("Target"), "target", indicator.target))
    # Bars start at zero; a negative figure (a falling count below zero is rare) gets no bar, the table
    # next to the chart still shows it.
    largest = max((number for _label, _kind, number in points), default=ZERO)
    chart = [
        ChartRow(label, [Bar(kind, label, number, _width(number, largest))]) for label, kind, number in points
    ]
    return IndicatorPanel(indicator, values, values[-1] if values else None, chart)


def measure_responsibilities(measure: Measure) -> QuerySet[Responsibility]:
    """The organizations responsible for the measure, leads first."""
    return Responsibility.objects.filter(measure=measure).select_related("organization")


def measure_history(measure: Measure) -> QuerySet[MeasureEvent]:
    """The measure's audit history, newest first, with who did it."""
    return MeasureEvent.objects.filter(measure=measure).select_related("actor").order_by("-created_at", "-pk")


# --- The dashboard -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    """A funding source: what it has, what the counted measures plan, commit and spend from it, and its
    share of all planned money against its highest funding rate."""

    source: FundingSource
    amounts: Amounts
    rate: Decimal | None  # percent of all planned money, None when nothing is planned at all
    over_rate: bool

    @property
    def available(self) -> Decimal:
        return self.source.amount - self.amounts.planned


@dataclass(frozen=True)
class NamedRow:
    label: str
    amounts: Amounts
    measure_count: int


@dataclass(frozen=True)
class Dashboard:
    """Everything the program dashboard shows, for one viewer."""

    includes_unpublished: bool  # False: only published measures are counted (what the public sees)
    sources: list[SourceRow]
    source_chart: list[ChartRow]
    source_amount: Decimal
    years: list[NamedRow]
    year_chart: list[ChartRow]
    domains: list[NamedRow]
    domain_chart: list[ChartRow]
    municipalities: list[NamedRow]
    municipality_chart: list[ChartRow]
    statuses: list[tuple[str, str, int]]
    status_chart: list[ChartRow]
    overdue: list[Milestone]
    total: Amounts
    measure_count: int
    monitoring: MonitoringBoard | None = None

    @property
    def available(self) -> Decimal:
        return self.source_amount - self.total.planned

    @property
    def over_rate(self) -> bool:
        return any(row.over_rate for row in self.sources)


def _rate(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def dashboard(*, viewer: Any, today: date | None = None) -> Dashboard:
    """The program in figures for the viewer, in ten queries whatever its size.

    The public sees the published measures only, staff what the rules let them see, so that every figure
    is the sum of measure pages the viewer can open. A measure in several domains (or municipalities)
    counts with its full amount under each: the per-domain figures add up to more than the total, and the
    page says so. Measures without municipalities concern the whole region and get a row of their own.
    """
    today = today or timezone.localdate()
    measures = measure_list(viewer=viewer)
    includes_unpublished = measures.filter(is_published=False).exists()
    counted = measures.values("pk")
    lines = BudgetLine.objects.filter(measure__in=counted)

    by_source = {
        row["source"]: Amounts.of(row) for row in lines.values("source").annotate(**_sums()).order_by()
    }
    source_list = list(FundingSource.objects.order_by("position", "name"))
    total = _total(by_source.values())
    sources = []
    for source in source_list:
        amounts = by_source.get(source.pk, Amounts())
        rate = _rate(amounts.planned, total.planned)
        over = rate is not None and source.max_rate is not None and rate > source.max_rate
        sources.append(SourceRow(source, amounts, rate, over))

    # str(year): a year is a label, never a number to group into "2.027".
    years = [
        NamedRow(str(row["year"]), Amounts.of(row), row["measure_count"])
        for row in lines.values("year")
        .annotate(**_sums(), measure_count=Count("measure", distinct=True))
        .order_by("year")
    ]

    in_counted = Q(measures__in=counted)
    per_measure = {
        **_sums("measures__budget_", filter=in_counted),
        "measure_count": Count("measures", filter=in_counted),
    }
    domain_rows = [
        NamedRow(row["name"], Amounts.of(row), row["measure_count"])
        for row in Domain.objects.order_by("position", "name").values("pk", "name").annotate(**per_measure)
    ]
    municipality_rows = [
        NamedRow(row["name"], Amounts.of(row), row["measure_count"])
        for row in Municipality.objects.order_by("name", "pk").values("pk", "name").annotate(**per_measure)
    ]
    regional = measures.filter(municipalities__isnull=True).aggregate(
        **_sums("budget_"), measure_count=Count("pk")
    )
    municipality_rows.append(NamedRow(_("Region-wide"), Amounts.of(regional), regional["measure_count"]))

    status_counts = dict(measures.values_list("status").annotate(count=Count("pk")).order_by())
    statuses = [(status, str(label), status_counts.get(status, 0)) for status, label in MeasureStatus.choices]

    overdue = list(
        Milestone.objects.filter(measure__in=counted, done_on__isnull=True, due_on__lt=today)
        .select_related("measure")
        .order_by("due_on", "pk")
    )
    return Dashboard(
        includes_unpublished=includes_unpublished,
        sources=sources,
        source_chart=money_chart([(row.source.name, row.amounts) for row in sources]),
        source_amount=sum((source.amount for source in source_list), ZERO),
        years=years,
        year_chart=money_chart([(row.label, row.amounts) for row in years]),
        domains=domain_rows,
        domain_chart=money_chart([(row.label, row.amounts) for row in domain_rows]),
        municipalities=municipality_rows,
        municipality_chart=money_chart([(row.label, row.amounts) for row in municipality_rows]),
        statuses=statuses,
        status_chart=count_chart([(label, count) for _status, label, count in statuses]),
        overdue=overdue,
        total=total,
        measure_count=sum(count for _status, _label, count in statuses),
        monitoring=monitoring_board(measures, today),
    )


# --- The funder's rules (issue 14) ---------------------------------------------------------------------

PHASE_LETTERS = {"strategy": "A", "implementation": "B"}
# Proof of use: phase A 30 months after the commitment; phase B with the final payment, at the latest
# 5 years and 6 months after it.
PROOF_MONTHS = {"strategy": 30, "implementation": 66}
# The days before a deadline on which the office is reminded; 0 is the day after it passed.
REMINDER_STEPS = (90, 30, 7)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day where it is shorter (31 Aug + 6 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def proof_due(commitment: FundingCommitment) -> date:
    """The proof-of-use deadline of a funding commitment."""
    return add_months(commitment.committed_on, PROOF_MONTHS[commitment.phase.kind])


@dataclass(frozen=True)
class Deadline:
    """A commitment's proof-of-use deadline as seen on ``today``."""

    commitment: FundingCommitment
    due_on: date
    days_left: int  # negative: overdue

    @property
    def phase_letter(self) -> str:
        return PHASE_LETTERS[self.commitment.phase.kind]

    @property
    def is_done(self) -> bool:
        return self.commitment.proof_submitted_on is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_done and self.days_left < 0

    @property
    def is_near(self) -> bool:
        return not self.is_done and 0 <= self.days_left <= REMINDER_STEPS[0]

    @property
    def overdue_days(self) -> int:
        return -self.days_left


def deadlines(today: date | None = None) -> list[Deadline]:
    """Every commitment's proof-of-use deadline, soonest first (one query)."""
    today = today or timezone.localdate()
    items = []
    for commitment in FundingCommitment.objects.select_related("phase", "source"):
        due = proof_due(commitment)
        items.append(Deadline(commitment, due, (due - today).days))
    return sorted(items, key=lambda item: (item.due_on, item.commitment.pk))


@dataclass(frozen=True)
class Breach:
    """A broken funder's rule: a key for tests and styles, and the reason in the viewer's language."""

    rule: str
    reason: str


@dataclass
class GrantCheck:
    """A measure's eligible costs and its financing plan by kind of source, checked against the funder's
    rules: federal, other public and third-party money together at most the eligible costs (on every
    line, eligible or not: money for costs the funder does not recognise still finances the measure), each
    source within its rate of the eligible costs, the own share never replaced by federal money."""

    measure_id: int
    title: str = ""
    slug: str = ""
    eligible_planned: Decimal = ZERO
    non_eligible: Decimal = ZERO
    staff_effort: Decimal = ZERO
    by_kind: dict[str, Decimal] = field(default_factory=dict)  # every line
    own_eligible: Decimal = ZERO  # own-share money on eligible lines
    federal_non_eligible: Decimal = ZERO
    per_source: list[tuple[FundingSource, Decimal]] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)

    @property
    def eligible(self) -> Decimal:
        return self.eligible_planned + self.staff_effort

    def kind(self, kind: str) -> Decimal:
        return self.by_kind.get(kind, ZERO)

    @property
    def federal(self) -> Decimal:
        return self.kind(FundingSource.Kind.FEDERAL)

    @property
    def other_public(self) -> Decimal:
        return self.kind(FundingSource.Kind.OTHER_PUBLIC)

    @property
    def third_party(self) -> Decimal:
        return self.kind(FundingSource.Kind.THIRD_PARTY)

    @property
    def own(self) -> Decimal:
        """The own share of the eligible costs: own-share money on eligible lines and own staff effort."""
        return self.own_eligible + self.staff_effort

    @property
    def funded(self) -> Decimal:
        """What others pay: federal, other public and third-party money."""
        return self.federal + self.other_public + self.third_party

    @property
    def federal_rate(self) -> Decimal | None:
        rates = [
            source.rate
            for source, _amount in self.per_source
            if source.kind == FundingSource.Kind.FEDERAL and source.rate is not None
        ]
        return max(rates) if rates else None

    @property
    def required_own(self) -> Decimal:
        """The own share federal money may not replace: what the grant rate leaves of the eligible costs,
        less what other public and third-party money pay."""
        rate = self.federal_rate
        if rate is None:
            return ZERO
        rest = self.eligible - _of(rate, self.eligible) - self.other_public - self.third_party
        return max(rest, ZERO)


def _of(rate: Decimal, amount: Decimal) -> Decimal:
    return (amount * rate / HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _breaches(check: GrantCheck) -> list[Breach]:
    found = []
    if check.funded > check.eligible:
        found.append(
            Breach(
                "combined",
                _(
                    "Federal, other public and third-party money (%(funded)s) exceed the eligible costs "
                    "(%(eligible)s)."
                )
                % {"funded": euro(check.funded), "eligible": euro(check.eligible)},
            )
        )
    for source, amount in check.per_source:
        rate = source.rate
        if rate is not None and amount > _of(rate, check.eligible):
            found.append(
                Breach(
                    "rate",
                    _(
                        "“%(source)s” pays %(amount)s, more than %(rate)s %% of the eligible costs "
                        "(at most %(cap)s)."
                    )
                    % {
                        "source": source.name,
                        "amount": euro(amount),
                        "rate": formats.number_format(
                            rate, decimal_pos=0 if rate == rate.to_integral() else 2
                        ),
                        "cap": euro(_of(rate, check.eligible)),
                    },
                )
            )
    if check.federal > 0 and check.own < check.required_own:
        found.append(
            Breach(
                "own_share",
                _("The own share (%(own)s) is below the %(required)s that federal money may not replace.")
                % {"own": euro(check.own), "required": euro(check.required_own)},
            )
        )
    if check.federal_non_eligible > 0:
        found.append(
            Breach(
                "non_eligible",
                _("Federal money (%(amount)s) is planned for costs that are not eligible.")
                % {"amount": euro(check.federal_non_eligible)},
            )
        )
    return found


def grant_checks(measures: QuerySet[Measure]) -> list[GrantCheck]:
    """The funder's rules checked for each of ``measures`` that has money planned or staff effort booked,
    in four queries whatever their number: the sums come from the database, Python only compares them."""
    counted = measures.values("pk")
    checks: dict[int, GrantCheck] = {}

    def check(measure_id: int) -> GrantCheck:
        return checks.setdefault(measure_id, GrantCheck(measure_id))

    sources = {source.pk: source for source in FundingSource.objects.all()}
    lines = BudgetLine.objects.filter(measure__in=counted)
    eligible = Q(eligible=True)
    for row in (
        lines.values("measure", "source")
        .annotate(
            planned_sum=Coalesce(Sum("planned"), ZERO),
            eligible_planned=Coalesce(Sum("planned", filter=eligible), ZERO),
        )
        .order_by("measure", "source__position", "source__name")
    ):
        item, source = check(row["measure"]), sources[row["source"]]
        planned, in_eligible = row["planned_sum"], row["eligible_planned"]
        item.eligible_planned += in_eligible
        item.non_eligible += planned - in_eligible
        item.by_kind[source.kind] = item.by_kind.get(source.kind, ZERO) + planned
        if source.kind == FundingSource.Kind.OWN_SHARE:
            item.own_eligible += in_eligible
        elif source.kind == FundingSource.Kind.FEDERAL:
            item.federal_non_eligible += planned - in_eligible
        item.per_source.append((source, planned))
    for row in (
        StaffEffort.objects.filter(measure__in=counted)
        .values("measure")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        check(row["measure"]).staff_effort = row["total"]
    for pk, title, slug in measures.filter(pk__in=list(checks)).values_list("pk", "title", "slug"):
        checks[pk].title, checks[pk].slug = title, slug
    result = sorted(checks.values(), key=lambda item: (item.title, item.measure_id))
    for item in result:
        item.breaches = _breaches(item)
    return result


def measure_grant(measure: Measure) -> GrantCheck:
    """The funder's rules checked for one measure."""
    found = grant_checks(Measure.objects.filter(pk=measure.pk))
    return found[0] if found else GrantCheck(measure.pk, measure.title, measure.slug)


def measure_staff_efforts(measure: Measure) -> QuerySet[StaffEffort]:
    """The measure's own staff effort, newest month first, with the role."""
    return StaffEffort.objects.filter(measure=measure).select_related("role")


@dataclass(frozen=True)
class CashRow:
    """A source's cash: what was paid from it, called, received, and what is called but not received."""

    source: FundingSource
    paid: Decimal
    paid_called: Decimal
    called: Decimal
    received: Decimal
    outstanding: Decimal  # called, not yet received

    @property
    def not_called(self) -> Decimal:
        """Paid from the source and not yet called."""
        return self.paid - self.paid_called

    @property
    def position(self) -> Decimal:
        """Received less paid: negative while the program pays ahead of the funder."""
        return self.received - self.paid


def cash_position() -> list[CashRow]:
    """Per funding source: paid, called, received (three queries)."""
    payments = Q(kind=Expense.Kind.PAYMENT)
    paid = {
        row["budget_line__source"]: row
        for row in Expense.objects.filter(payments)
        .values("budget_line__source")
        .annotate(
            paid=Sum("amount"),
            paid_called=Coalesce(Sum("amount", filter=Q(fund_call_payment__isnull=False)), ZERO),
        )
        .order_by()
    }
    calls = {
        row["source"]: row
        for row in FundCall.objects.values("source")
        .annotate(
            called=Sum("amount"),
            received=Coalesce(Sum("received_amount"), ZERO),
            outstanding=Coalesce(Sum("amount", filter=Q(received_on__isnull=True)), ZERO),
        )
        .order_by()
    }
    rows = []
    for source in FundingSource.objects.order_by("position", "name"):
        spent, called = paid.get(source.pk, {}), calls.get(source.pk, {})
        rows.append(
            CashRow(
                source,
                spent.get("paid", ZERO),
                spent.get("paid_called", ZERO),
                called.get("called", ZERO),
                called.get("received", ZERO),
                called.get("outstanding", ZERO),
            )
        )
    return rows


def fund_calls() -> QuerySet[FundCall]:
    """Every fund call, newest first, with its source and the number of payments it covers."""
    return FundCall.objects.select_related("source").annotate(payment_count=Count("payments"))


def callable_payments(source: FundingSource | None = None) -> QuerySet[Expense]:
    """Payments no fund call covers yet, oldest first, with their measure and source."""
    payments = Expense.objects.filter(kind=Expense.Kind.PAYMENT, fund_call_payment__isnull=True)
    if source is not None:
        payments = payments.filter(budget_line__source=source)
    return payments.select_related("budget_line__source", "budget_line__measure").order_by("booked_on", "pk")


@dataclass(frozen=True)
class GrantOverview:
    """The office's part of the dashboard: the rules checked per measure, the cash and the deadlines."""

    checks: list[GrantCheck]
    cash: list[CashRow]
    deadlines: list[Deadline]
    staff_effort: Decimal
    eligible: Decimal

    @property
    def breached(self) -> list[GrantCheck]:
        return [check for check in self.checks if check.breaches]


def grant_overview(*, today: date | None = None) -> GrantOverview:
    """The funder's view of the whole program (for the office: every measure, published or not), in a
    fixed number of queries."""
    checks = grant_checks(Measure.objects.all())
    return GrantOverview(
        checks=checks,
        cash=cash_position(),
        deadlines=deadlines(today),
        staff_effort=sum((check.staff_effort for check in checks), ZERO),
        eligible=sum((check.eligible for check in checks), ZERO),
    )


def personal_data_export_for(user: Any) -> list[dict[str, Any]]:
    """The program section of a person's GDPR export: the reminders sent to her."""
    reminders = ProgramReminder.objects.filter(user=user).select_related("measure").order_by("sent_at")
    return [
        {
            "measure": reminder.measure.title if reminder.measure else None,
            "cause": reminder.cause,
            "message": reminder.message,
            "sent": reminder.sent_at,
        }
        for reminder in reminders
    ]
