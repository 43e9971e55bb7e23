"""Reach: how many contributions the program receives per 1,000 inhabitants, by municipality, channel and
period (decision 0010).

Every kind of contribution is one ``ContributionSource`` in ``SOURCES``: a queryset of the contributions
that count, annotated with ``reach_municipality`` (a municipality id or null), ``reach_channel`` (a
value of ``CHANNELS``) and ``reach_at`` (when it was made), plus the field that names the person
for "Meine Beteiligung". The figures are grouped and counted by the database, one query per source,
whatever the number of contributions; Python only adds up the few grouped rows (at most municipalities x
channels per source, each with a count per month of the timeline).

Which municipality a contribution counts for: the person's own home municipality when she gave one in
her profile (it is voluntary and exists for exactly these statistics), otherwise the municipality the
contribution is about (the idea's, the event's), otherwise none: then it counts for the region only.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smartregion.events.models import Event, Registration
from smartregion.network.models import Municipality
from smartregion.participation.models import PUBLIC_IDEA_STATUSES, Channel, Comment, Idea, Process, Support
from smartregion.program.selectors import Bar, ChartRow
from smartregion.surveys.models import Channel as SurveyChannel
from smartregion.surveys.models import Response

PER = Decimal(1000)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class ContributionSource:
    """One kind of contribution counted in the reach figures and listed under "Meine Beteiligung"."""

    kind: str
    label: Promise
    # The contributions that count, annotated with reach_municipality, reach_channel and reach_at.
    rows: Callable[[], QuerySet[Any]]
    # The field naming the person who contributed (for "Meine Beteiligung").
    user_field: str


def _public_idea(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status__in": PUBLIC_IDEA_STATUSES,
            f"{prefix}process__visibility": Process.Visibility.PUBLIC,
        }
    )


def _ideas() -> QuerySet[Any]:
    return Idea.objects.filter(_public_idea(), published_at__isnull=False).annotate(
        reach_municipality=Coalesce("author__home_municipality", "municipality"),
        reach_channel=F("channel"),
        reach_at=F("published_at"),
    )


def _online() -> Value:
    return Value(Channel.ONLINE.value, output_field=CharField())


def _comments() -> QuerySet[Any]:
    # Comments and supports are only made on the site; hidden and deleted comments do not count.
    return Comment.objects.filter(_public_idea("idea__"), is_hidden=False, is_deleted=False).annotate(
        reach_municipality=Coalesce("author__home_municipality", "idea__municipality"),
        reach_channel=_online(),
        reach_at=F("created_at"),
    )


def _supports() -> QuerySet[Any]:
    return Support.objects.filter(_public_idea("idea__")).annotate(
        reach_municipality=Coalesce("user__home_municipality", "idea__municipality"),
        reach_channel=_online(),
        reach_at=F("created_at"),
    )


def _registrations() -> QuerySet[Any]:
    # A confirmed place at a published event: taking part through an event, whoever signed up (guests
    # count too; they have no profile, so the event's municipality decides).
    return Registration.objects.filter(
        status=Registration.Status.CONFIRMED, event__status=Event.Status.PUBLISHED
    ).annotate(
        reach_municipality=Coalesce("user__home_municipality", "event__municipality"),
        reach_channel=Value(Channel.EVENT.value, output_field=CharField()),
        reach_at=Coalesce("confirmed_at", "created_at"),
    )


def _survey_responses() -> QuerySet[Any]:
    # A filled-in questionnaire, on whichever channel it came. The municipality the respondent gave in
    # the questionnaire is her own statement, so it comes before her profile's.
    return Response.objects.annotate(
        reach_municipality=Coalesce("municipality", "user__home_municipality"),
        reach_channel=F("channel"),
        reach_at=F("submitted_at"),
    )


SOURCES: list[ContributionSource] = [
    ContributionSource("idea", _("Ideas"), _ideas, "author"),
    ContributionSource("comment", _("Comments"), _comments, "author"),
    ContributionSource("support", _("Supports"), _supports, "user"),
    ContributionSource("registration", _("Event registrations"), _registrations, "user"),
    ContributionSource("survey_response", _("Survey answers"), _survey_responses, "user"),
]
# The channels contributions come on: those of ideas, and the paper questionnaire of surveys.
CHANNELS: list[tuple[str, Any]] = [*Channel.choices, (SurveyChannel.PAPER.value, SurveyChannel.PAPER.label)]


# --- Grouped counts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Contributions per (kind, municipality id or None, channel): in total, and per month for the months
    asked for (first day of the month)."""

    cells: dict[tuple[str, int | None, str], int]
    monthly: dict[tuple[str, int | None, str, datetime.date], int] = field(default_factory=dict)

    def total(
        self,
        *,
        municipality: int | Any | None = ...,
        channel: str | None = None,
        kind: str | None = None,
        months: Iterable[datetime.date] | None = None,
    ) -> int:
        """The sum over the cells that match every given criterion (``...``: any municipality)."""
        cells: Iterable[tuple[tuple[str, int | None, str], int]] = self.cells.items()
        if months is not None:
            # Only the given months' cells: a timeline asks this per period and municipality, and
            # scanning every month's cells each time cost 44 ms of a municipality page (bench/places.py).
            cells = (cell for month in set(months) for cell in self._by_month.get(month, ()))
        return sum(
            n
            for (k, m, c), n in cells
            if (municipality is ... or m == municipality)
            and (channel is None or c == channel)
            and (kind is None or k == kind)
        )

    @cached_property
    def _by_month(self) -> dict[datetime.date, list[tuple[tuple[str, int | None, str], int]]]:
        by_month: dict[datetime.date, list[tuple[tuple[str, int | None, str], int]]] = defaultdict(list)
        for (k, m, c, month), n in self.monthly.items():
            by_month[month].append(((k, m, c), n))
        return by_month


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def contribution_counts(
    *, since: datetime.date | None = None, months: Sequence[datetime.date] = ()
) -> Counts:
    """All sources' contributions grouped in SQL, one query per source: the totals since ``since``, and a
    conditional count per month in ``months``. Months are compared as local-time ranges on the plain
    column (no date function per row: on SQLite that is a Python call per row, 50 µs each)."""
    ranges = [(month, _local_midnight(month), _local_midnight(_month_start(month, -1))) for month in months]
    cells: dict[tuple[str, int | None, str], int] = defaultdict(int)
    monthly: dict[tuple[str, int | None, str, datetime.date], int] = defaultdict(int)
    for source in SOURCES:
        rows = source.rows()
        if since is not None:
            rows = rows.filter(reach_at__gte=_local_midnight(since))
        per_month = {
            f"m{index}": Count("pk", filter=Q(reach_at__gte=start, reach_at__lt=end))
            for index, (_month, start, end) in enumerate(ranges)
        }
        grouped = (
            rows.values("reach_municipality", "reach_channel").annotate(n=Count("pk"), **per_month).order_by()
        )
        for row in grouped:
            key = (source.kind, row["reach_municipality"], row["reach_channel"])
            cells[key] += row["n"]
            for index, (month, _start, _end) in enumerate(ranges):
                if row[f"m{index}"]:
                    monthly[(*key, month)] += row[f"m{index}"]
    return Counts(dict(cells), dict(monthly))


# --- Figures for the pages -----------------------------------------------------------------------------


def person_counts(*, user: Any) -> list[tuple[ContributionSource, int]]:
    """How many contributions of each kind the person made (one query per source)."""
    return [(source, source.rows().filter(**{source.user_field: user}).count()) for source in SOURCES]


def per_thousand(count: int, population: int) -> Decimal:
    """Contributions per 1,000 inhabitants, to one decimal."""
    if population <= 0:
        return Decimal(0)
    return (Decimal(count) * PER / Decimal(population)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Period:
    """A month or a quarter: its label and the months it covers."""

    label: str
    months: tuple[datetime.date, ...]


def _month_start(day: datetime.date, back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def periods(*, by: str, today: datetime.date | None = None) -> list[Period]:
    """The last 12 months or the last 8 quarters, oldest first."""
    today = today or timezone.localdate()
    if by == "quarter":
        this_quarter = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        result = []
        for back in range(7, -1, -1):
            start = _month_start(this_quarter, back * 3)
            months = tuple(_month_start(start, -offset) for offset in range(3))
            result.append(Period(f"Q{(start.month - 1) // 3 + 1}/{start.year}", months))
        return result
    return [
        Period(start.strftime("%m/%Y"), (start,))
        for start in (_month_start(today, back) for back in range(11, -1, -1))
    ]


@dataclass(frozen=True)
class ReachRow:
    """A label with a municipality's count and rate and the region's rate to compare."""

    label: str
    count: int
    rate: Decimal
    region_rate: Decimal

    @property
    def below_average(self) -> bool:
        return self.rate < self.region_rate


@dataclass(frozen=True)
class MunicipalityReach:
    """One municipality's reach: in total, per channel, per kind and over time, beside the region."""

    municipality: Municipality
    total: ReachRow
    channels: list[ReachRow]
    kinds: list[ReachRow]
    timeline: list[ReachRow]
    by: str
    channel_chart: list[ChartRow] = field(default_factory=list)
    timeline_chart: list[ChartRow] = field(default_factory=list)


def _chart(rows: Sequence[ReachRow], own: str) -> list[ChartRow]:
    """Two bars per row: the municipality's rate and the region's, scaled to the largest."""
    largest = max((max(row.rate, row.region_rate) for row in rows), default=Decimal(0))

    def width(value: Decimal) -> str:
        if largest <= 0 or value <= 0:
            return "0"
        return str(min((value * 100 / largest).quantize(TENTH, rounding=ROUND_HALF_UP), Decimal(100)))

    return [
        ChartRow(
            row.label,
            [
                Bar("value", own, row.rate, width(row.rate)),
                Bar("baseline", str(_("Region average")), row.region_rate, width(row.region_rate)),
            ],
        )
        for row in rows
    ]


def municipality_reach(
    *,
    municipality: Municipality,
    municipalities: Sequence[Municipality],
    by: str = "month",
    since: datetime.date | None = None,
) -> MunicipalityReach:
    """The municipality's figures beside the region average (all member municipalities together)."""
    timeline_periods = periods(by=by)
    counts = contribution_counts(
        since=since, months=[month for period in timeline_periods for month in period.months]
    )
    population = municipality.population
    region_population = sum(m.population for m in municipalities)
    ids = {m.pk for m in municipalities}

    def row(label: str, own: int, region: int) -> ReachRow:
        return ReachRow(label, own, per_thousand(own, population), per_thousand(region, region_population))

    def region_total(**kwargs: Any) -> int:
        return sum(counts.total(municipality=pk, **kwargs) for pk in ids)

    total = row(str(_("All contributions")), counts.total(municipality=municipality.pk), region_total())
    channels = [
        row(
            str(label), counts.total(municipality=municipality.pk, channel=value), region_total(channel=value)
        )
        for value, label in CHANNELS
    ]
    kind_rows = [
        row(
            str(source.label),
            counts.total(municipality=municipality.pk, kind=source.kind),
            region_total(kind=source.kind),
        )
        for source in SOURCES
    ]
    timeline = [
        row(
            period.label,
            counts.total(municipality=municipality.pk, months=period.months),
            region_total(months=period.months),
        )
        for period in timeline_periods
    ]
    return MunicipalityReach(
        municipality,
        total,
        channels,
        kind_rows,
        timeline,
        by,
        channel_chart=_chart(channels, municipality.name),
        timeline_chart=_chart(timeline, municipality.name),
    )


@dataclass(frozen=True)
class RankingRow:
    """A municipality's place in the region: its rate overall and per channel."""

    rank: int
    municipality: Municipality
    count: int
    rate: Decimal
    channels: list[ReachRow]

    @property
    def below_average(self) -> bool:
        return bool(self.channels) and self.rate < self.channels[0].region_rate


@dataclass(frozen=True)
class RegionRanking:
    """All member municipalities ranked by contributions per 1,000 inhabitants."""

    rows: list[RankingRow]
    region_rate: Decimal
    region_count: int
    unattributed: int
    channel_labels: list[str]
    region_channel_rates: list[Decimal]
    chart: list[ChartRow]
    since: datetime.date | None


def region_ranking(
    *, municipalities: Sequence[Municipality], since: datetime.date | None = None
) -> RegionRanking:
    """The ranking page's figures: one query per source, whatever the data size."""
    counts = contribution_counts(since=since)
    ids = {m.pk for m in municipalities}
    region_population = sum(m.population for m in municipalities)
    region_count = sum(counts.total(municipality=pk) for pk in ids)
    region_rate = per_thousand(region_count, region_population)
    channel_region = {
        value: per_thousand(
            sum(counts.total(municipality=pk, channel=value) for pk in ids), region_population
        )
        for value, _label in CHANNELS
    }
    unranked = []
    for m in municipalities:
        count = counts.total(municipality=m.pk)
        channels = [
            ReachRow(
                str(label),
                counts.total(municipality=m.pk, channel=value),
                per_thousand(counts.total(municipality=m.pk, channel=value), m.population),
                channel_region[value],
            )
            for value, label in CHANNELS
        ]
        unranked.append((m, count, per_thousand(count, m.population), channels))
    unranked.sort(key=lambda item: (-item[2], item[0].name))
    rows = [
        RankingRow(position, m, count, rate, channels)
        for position, (m, count, rate, channels) in enumerate(unranked, start=1)
    ]
    region_bar = Bar("baseline", str(_("Region average")), region_rate, "0")
    largest = max([region_rate, *(row.rate for row in rows)])

    def width(value: Decimal) -> str:
        if largest <= 0 or value <= 0:
            return "0"
        return str(min((value * 100 / largest).quantize(TENTH, rounding=ROUND_HALF_UP), Decimal(100)))

    chart = [
        ChartRow(
            row.municipality.name,
            [
                Bar("value", row.municipality.name, row.rate, width(row.rate)),
                Bar(region_bar.kind, region_bar.label, region_rate, width(region_rate)),
            ],
        )
        for row in rows
    ]
    return RegionRanking(
        rows=rows,
        region_rate=region_rate,
        region_count=region_count,
        unattributed=counts.total(municipality=None),
        channel_labels=[str(label) for _value, label in CHANNELS],
        region_channel_rates=list(channel_region.values()),
        chart=chart,
        since=since,
    )
