"""The registry of public datasets: what each one is, its columns, and where its rows come from.

Every download format (formats.py), the catalogue (catalog.py) and the open-data page read this registry,
so that formats can never disagree about what a dataset holds. Rows come from the same selectors as the
public pages, asked as an anonymous visitor: published measures, public ideas of public processes. Nothing
here reads a person: no author, no e-mail address, no contact of an assisted contributor, no demographic
field, no assessment. Ideas merged into another are left out (their content lives on in the target idea).

Rows are read with ``.iterator(chunk_size=CHUNK_SIZE)``: memory stays flat however many rows there are, and
each chunk costs the same fixed number of queries (the main query plus one per prefetch), so the query
count does not grow with the rows until a dataset passes CHUNK_SIZE rows.
"""

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    DecimalField,
    Field,
    Max,
    Prefetch,
    QuerySet,
    Sum,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smartregion.core.prepared import StandIns
from smartregion.network.models import Municipality, Region
from smartregion.network.selectors import municipality_list
from smartregion.participation import selectors as participation
from smartregion.participation.models import Channel, Idea, IdeaStatus
from smartregion.program.models import BudgetLine, FundingSource, Indicator, IndicatorValue, Milestone
from smartregion.program.selectors import milestone_items
from smartregion.strategy.models import Domain, Measure, MeasureStatus
from smartregion.strategy.selectors import measure_list

CHUNK_SIZE = 2000

# Column types: how each format writes a value. "list" is a list of texts: a JSON array, and in CSV and
# XLSX the items joined by LIST_SEPARATOR.
TEXT, INTEGER, NUMBER, DATE, DATETIME, LIST, URL = (
    "text",
    "integer",
    "number",
    "date",
    "datetime",
    "list",
    "url",
)
LIST_SEPARATOR = "; "

# EU data themes (http://publications.europa.eu/resource/authority/data-theme/...).
GOVE, REGI, ECON, SOCI = "GOVE", "REGI", "ECON", "SOCI"

Row = Sequence[Any]


@dataclass(frozen=True)
class Column:
    """A column: a stable machine name (the same in every format and language), its type, what it means."""

    name: str
    type: str
    description: Promise | str


@dataclass(frozen=True)
class Version:
    """When a dataset last changed, and a fingerprint that changes whenever its rows may have changed."""

    modified: datetime | None
    fingerprint: str


@dataclass(frozen=True)
class Dataset:
    """A public dataset: the page, the catalogue and every download format read it from here."""

    slug: str
    title: Promise | str
    description: Promise | str
    keywords: tuple[Promise | str, ...]
    themes: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: Callable[[], Iterator[Row]]
    version: Callable[[], Version]
    # The names of the latitude and longitude columns (WGS84) when the rows have a location: GeoJSON then.
    point: tuple[str, str] | None = None
    # The rows with a location only, when the database can leave out the others (GeoJSON reads these).
    located_rows: Callable[[], Iterator[Row]] | None = None
    # EU frequency vocabulary; None: settings.OPENDATA_ACCRUAL_PERIODICITY.
    accrual_periodicity: str | None = None
    formats: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        names = [column.name for column in self.columns]
        if len(names) != len(set(names)) or not set(self.point or ()) <= set(names):
            raise ValueError(f"{self.slug}: duplicate column names, or point columns missing")
        formats = ("csv", "json", "xlsx", "geojson") if self.point else ("csv", "json", "xlsx")
        object.__setattr__(self, "formats", formats)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def periodicity(self) -> str:
        return self.accrual_periodicity or settings.OPENDATA_ACCRUAL_PERIODICITY


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _latest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _url_maker(view: str, kwarg: str) -> Callable[[Any], str]:
    """The absolute address of a page by ``view`` for a value of its one ``kwarg``: reversed once per
    download rather than per row (reverse() took a third of the time per row)."""
    marker = "9081726354"  # digits: a valid pk and a valid slug alike
    return _absolute(reverse(view, kwargs={kwarg: marker})).replace(marker, "{}").format


def _labels(choices: Any) -> dict[str, str]:
    """A choices class's labels in the active language, looked up once per download rather than per row
    (get_FOO_display() hashes the choices on every call: a third of the time per row)."""
    return {value: str(label) for value, label in choices.choices}


# --- Ideas ---------------------------------------------------------------------------------------------


def public_ideas() -> QuerySet[Idea]:
    """The ideas every visitor sees (the idea list's selector, as an anonymous visitor), without the ideas
    merged into another one, and without reading the author or an assisted contributor at all."""
    return (
        participation.idea_list(viewer=AnonymousUser(), filters=participation.IdeaFilters())
        .exclude(status=IdeaStatus.MERGED)
        .select_related(None)
        .prefetch_related(None)
    )


_IDEA_FIELDS = (
    "pk",
    "title",
    "body",
    "status",
    "process__slug",
    "process__title",
    "municipality__name",
    "municipality__official_key",
    "channel",
    "published_at",
    "support_count",
    "comment_count",
    "latitude",
    "longitude",
)


def _column_reader(field: Field[Any, Any]) -> Callable[[Any], Any] | None:
    """What the ORM makes of a value of ``field`` as the database driver returns it, or None when it keeps
    the driver's value. Chosen once per column rather than through the ORM's chain of converters per value,
    which took half the time of reading a row (decision 0012). PostgreSQL's driver returns aware datetimes
    and Decimals already; SQLite's returns naive datetimes (in the connection's zone) and floats."""
    if connection.vendor != "sqlite":
        return None
    if isinstance(field, DateTimeField):
        zone = connection.timezone  # None without USE_TZ: the datetime stays naive, as the ORM leaves it

        return lambda value: None if value is None else value.replace(tzinfo=zone)
    if isinstance(field, DecimalField):
        # A float (or an int) of at most the field's digits, which a double holds exactly up to 15: printed
        # with the field's places it is the decimal stored, as the ORM gives it, at a third of its cost.
        text = f"{{:.{field.decimal_places}f}}".format

        return lambda value: None if value is None else Decimal(text(value))
    return None


def _windows(queryset: QuerySet[Any], field: str) -> Callable[[int, int], list[tuple[Any, ...]]]:
    """A function from (low, high) to the rows of a values_list() queryset with ``field`` in (low, high], as
    the database driver returns them (see _column_reader). The SQL is compiled once, with two stand-ins for
    the bounds, rather than once per window (the ORM's compilation cost a tenth of a located idea's time)."""
    bounds = StandIns(low=int, high=int)
    window = {f"{field}__gt": bounds.values["low"], f"{field}__lte": bounds.values["high"]}
    sql, params = queryset.filter(**window).query.sql_with_params()
    bind = bounds.binder(sql, params)

    def rows(low: int, high: int) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # psycopg's own timestamptz loader, in C: Django's subclass of it (which only sets the tzinfo
                # to the connection's zone, UTC, as psycopg's does) runs in Python and took 3.4 µs a value.
                from psycopg.types.datetime import TimestamptzLoader

                cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
            cursor.execute(sql, bind(low=low, high=high))
            return cursor.fetchall()

    return rows


def _idea_rows(*, located: bool = False) -> Iterator[Row]:
    """Plain tuples read with a cursor, never model instances, in windows of CHUNK_SIZE primary keys: each
    window is one query for the ideas and one for their domains (decision 0012). Windows, not LIMIT: with
    ORDER BY and LIMIT, SQLite's plan sorted every remaining row for each chunk. ``located``: only the
    ideas with a location."""
    public = public_ideas().order_by("pk")
    if located:
        public = public.filter(latitude__isnull=False, longitude__isnull=False)
    ideas = _windows(public.values_list(*_IDEA_FIELDS), "pk")
    # The links of a window's ideas (of hidden ones too) as plain pairs, by the window's pk range: joined
    # with the domains and ordered by them in the database, they took 2.7 µs per located idea on
    # PostgreSQL. The few domains are read once, and again should a link name one added meanwhile.
    links = _windows(Idea.domains.through.objects.order_by().values_list("idea_id", "domain_id"), "idea_id")
    domains: dict[int, tuple[int, str]] = {}  # pk: (rank in the domains' order, name)

    def domain(pk: int) -> tuple[int, str]:
        if pk not in domains:
            for rank, (key, name) in enumerate(Domain.objects.values_list("pk", "name")):
                domains[key] = (rank, name)
        return domains[pk]

    moment = _column_reader(Idea._meta.get_field("published_at"))
    latitude = _column_reader(Idea._meta.get_field("latitude"))
    longitude = _column_reader(Idea._meta.get_field("longitude"))
    statuses, channels = _labels(IdeaStatus), _labels(Channel)
    url = _url_maker("participation:idea", "pk")  # Idea.get_absolute_url
    highest = Idea.objects.aggregate(highest=Max("pk"))["highest"] or 0
    for low in range(0, highest, CHUNK_SIZE):
        chunk = ideas(low, low + CHUNK_SIZE)
        if not chunk:
            continue
        linked: dict[int, list[tuple[int, str]]] = {}
        for idea_id, domain_id in links(low, low + CHUNK_SIZE):
            linked.setdefault(idea_id, []).append(domain(domain_id))
        named = {idea_id: [name for _rank, name in sorted(pairs)] for idea_id, pairs in linked.items()}
        # Column by column, each in one comprehension or map, and the rows zipped back together in C: a
        # row built by a Python statement per row cost a third more.
        (
            pks,
            titles,
            bodies,
            codes,
            slugs,
            processes,
            places,
            keys,
            ways,
            published,
            sups,
            coms,
            lats,
            lons,
        ) = zip(*chunk, strict=True)
        none: list[str] = []
        yield from zip(
            pks,
            titles,
            bodies,
            codes,
            [statuses.get(code, code) for code in codes],
            slugs,
            processes,
            places,
            keys,
            [named.get(pk, none) for pk in pks],
            ways,
            [channels.get(way, way) for way in ways],
            map(moment, published) if moment else published,
            sups,
            coms,
            map(latitude, lats) if latitude else lats,
            map(longitude, lons) if longitude else lons,
            map(url, pks),
            strict=True,
        )


def _idea_version() -> Version:
    # Supports and comments change counters by UPDATE without touching updated_at: their sums go into
    # the fingerprint, so that the ETag changes with them.
    facts = (
        public_ideas()
        .order_by()
        .aggregate(
            modified=Max("updated_at"),
            process_modified=Max("process__updated_at"),
            count=Count("pk"),
            supports=Sum("support_count"),
            comments=Sum("comment_count"),
        )
    )
    modified = _latest(facts["modified"], facts["process_modified"])
    return Version(modified, _fingerprint(modified, facts["count"], facts["supports"], facts["comments"]))


# --- Measures and their program data -------------------------------------------------------------------


def public_measures() -> QuerySet[Measure]:
    """The measures every visitor sees: the published ones (the strategy's selector, anonymous)."""
    return measure_list(viewer=AnonymousUser())


def _measure_version(*, rows: QuerySet[Any] | None = None) -> Version:
    """Every change to a measure's money, status, progress, milestones or indicator values writes a
    MeasureEvent (strategy.services.record), so the newest event dates the program data; the count of the
    dataset's own rows catches deletions."""
    facts = (
        public_measures()
        .order_by()
        .aggregate(
            modified=Max("updated_at"), event=Max("events__created_at"), count=Count("pk", distinct=True)
        )
    )
    own = rows.order_by().count() if rows is not None else None
    modified = _latest(facts["modified"], facts["event"])
    return Version(modified, _fingerprint(modified, facts["count"], own))


def _measure_rows() -> Iterator[Row]:
    measures = (
        public_measures()
        .select_related("strategy__goal")
        # Into lists (to_attr): .all() on a prefetched relation builds a manager and a queryset per row.
        .prefetch_related(
            Prefetch("domains", to_attr="domain_list"),
            Prefetch("municipalities", to_attr="municipality_list"),
        )
        .defer("body", "body_html", "progress_reason")
        .order_by("pk")
    )
    statuses = _labels(MeasureStatus)
    url = _url_maker("strategy:measure", "slug")  # Measure.get_absolute_url
    for measure in measures.iterator(chunk_size=CHUNK_SIZE):
        municipalities = measure.municipality_list
        yield (
            measure.pk,
            measure.title,
            measure.summary,
            measure.strategy.goal.title,
            measure.strategy.title,
            [domain.name for domain in measure.domain_list],
            [municipality.name for municipality in municipalities],
            [municipality.official_key for municipality in municipalities],
            measure.status,
            statuses.get(measure.status, measure.status),
            measure.progress,
            measure.budget_planned,
            measure.budget_committed,
            measure.budget_spent,
            measure.milestone_count,
            measure.milestone_done_count,
            measure.updated_at,
            url(measure.slug),
        )


def _budget_lines() -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(measure__in=public_measures().values("pk"))


def _budget_rows() -> Iterator[Row]:
    lines = (
        _budget_lines().select_related("measure", "source").order_by("measure_id", "source__position", "year")
    )
    kinds = _labels(FundingSource.Kind)
    for line in lines.iterator(chunk_size=CHUNK_SIZE):
        yield (
            line.measure_id,
            line.measure.title,
            line.source.name,
            line.source.kind,
            kinds.get(line.source.kind, line.source.kind),
            line.year,
            line.planned,
            line.committed,
            line.spent,
        )


def _milestones() -> QuerySet[Milestone]:
    return Milestone.objects.filter(measure__in=public_measures().values("pk"))


MILESTONE_STATES = {"done": _("reached"), "overdue": _("overdue"), "open": _("open")}


def _milestone_rows() -> Iterator[Row]:
    milestones = _milestones().select_related("measure").order_by("measure_id", "due_on", "pk")
    today = timezone.localdate()
    for milestone in milestones.iterator(chunk_size=CHUNK_SIZE):
        # One at a time, as the measure page marks them, so that the rows stream.
        (item,) = milestone_items([milestone], today)
        yield (
            milestone.pk,
            milestone.measure_id,
            milestone.measure.title,
            milestone.title,
            milestone.due_on,
            milestone.done_on,
            item.state,
            str(MILESTONE_STATES[item.state]),
        )


def _indicators() -> QuerySet[Indicator]:
    return Indicator.objects.filter(measure__in=public_measures().values("pk"))


def _indicator_rows() -> Iterator[Row]:
    indicators = (
        _indicators()
        .select_related("measure")
        .prefetch_related(
            Prefetch("values", IndicatorValue.objects.order_by("measured_on"), to_attr="value_list")
        )
        .order_by("measure_id", "name", "pk")
    )
    for indicator in indicators.iterator(chunk_size=CHUNK_SIZE):
        values = indicator.value_list
        latest = values[-1] if values else None
        yield (
            indicator.pk,
            indicator.measure_id,
            indicator.measure.title,
            indicator.name,
            indicator.unit,
            indicator.baseline,
            indicator.target,
            indicator.target_on,
            latest.value if latest else None,
            latest.measured_on if latest else None,
        )


def _indicator_values() -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.filter(indicator__measure__in=public_measures().values("pk"))


def _indicator_value_rows() -> Iterator[Row]:
    values = _indicator_values().select_related("indicator__measure").order_by("indicator_id", "measured_on")
    for value in values.iterator(chunk_size=CHUNK_SIZE):
        indicator = value.indicator
        yield (
            indicator.pk,
            indicator.measure_id,
            indicator.measure.title,
            indicator.name,
            indicator.unit,
            value.measured_on,
            value.value,
            value.source,
        )


# --- Municipalities ------------------------------------------------------------------------------------


def _municipality_rows() -> Iterator[Row]:
    municipalities: QuerySet[Municipality] = municipality_list().order_by("name", "pk")
    kinds = _labels(Municipality.Kind)
    url = _url_maker("web:municipality", "slug")  # Municipality.get_absolute_url
    for municipality in municipalities.iterator(chunk_size=CHUNK_SIZE):
        yield (
            municipality.slug,
            municipality.name,
            municipality.kind,
            kinds.get(municipality.kind, municipality.kind),
            municipality.official_key,
            municipality.population,
            municipality.population_year,
            municipality.latitude,
            municipality.longitude,
            url(municipality.slug),
        )


def _municipality_version() -> Version:
    facts = municipality_list().order_by().aggregate(modified=Max("updated_at"), count=Count("pk"))
    return Version(facts["modified"], _fingerprint(facts["modified"], facts["count"]))


# --- Survey results ------------------------------------------------------------------------------------


def _survey_result_version() -> Version:
    from smartregion.surveys.selectors import published_results_version

    published, responses, count = published_results_version()
    # Before any result is published the (empty) dataset dates from the region's setup.
    modified = published or Region.objects.aggregate(modified=Max("updated_at"))["modified"]
    return Version(modified, _fingerprint(published, responses, count))


def _survey_result_rows() -> Iterator[Row]:
    from smartregion.surveys.selectors import published_result_rows

    return published_result_rows()


# --- The registry --------------------------------------------------------------------------------------

_MEASURE_ID = Column("measure_id", INTEGER, _("Number of the measure (column id of the measures dataset)"))
_MEASURE = Column("measure", TEXT, _("Title of the measure"))
_MONEY = (
    Column("planned", NUMBER, _("Planned money in EUR")),
    Column("committed", NUMBER, _("Committed money in EUR (contracts signed)")),
    Column("spent", NUMBER, _("Spent money in EUR (paid)")),
)

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        slug="ideen",
        title=_("Ideas"),
        description=_(
            "Every published idea of the public participation processes, on every channel (online, e-mail, "
            "telephone, letter, event), with its status, supports, comments and, where given, its location. "
            "Ideas merged into another idea are left out. Who submitted an idea is not part of the data."
        ),
        keywords=(_("participation"), _("ideas"), _("citizen participation"), _("smart region")),
        themes=(GOVE, SOCI),
        columns=(
            Column("id", INTEGER, _("Number of the idea")),
            Column("title", TEXT, _("Title")),
            Column("text", TEXT, _("Description as written (Markdown)")),
            Column("status", TEXT, _("Status (code)")),
            Column("status_label", TEXT, _("Status")),
            Column("process", TEXT, _("Short name of the participation process")),
            Column("process_title", TEXT, _("Title of the participation process")),
            Column("municipality", TEXT, _("Municipality concerned; empty: the whole region")),
            Column("municipality_key", TEXT, _("Official key (AGS) of the municipality")),
            Column("domains", LIST, _("Domains of life")),
            Column("channel", TEXT, _("Channel on which the idea arrived (code)")),
            Column("channel_label", TEXT, _("Channel on which the idea arrived")),
            Column("published", DATETIME, _("Published at (ISO 8601)")),
            Column("supports", INTEGER, _("Number of supports")),
            Column("comments", INTEGER, _("Number of comments")),
            Column("latitude", NUMBER, _("Latitude (WGS84); empty without a location")),
            Column("longitude", NUMBER, _("Longitude (WGS84); empty without a location")),
            Column("url", URL, _("Address of the idea's page")),
        ),
        rows=_idea_rows,
        version=_idea_version,
        point=("latitude", "longitude"),
        located_rows=lambda: _idea_rows(located=True),
    ),
    Dataset(
        slug="massnahmen",
        title=_("Measures"),
        description=_(
            "The published measures of the regional strategy with their goal, strategy, domains of life, "
            "municipalities, status, progress and money (planned, committed, spent in EUR)."
        ),
        keywords=(_("strategy"), _("measures"), _("smart region"), _("implementation")),
        themes=(GOVE, REGI),
        columns=(
            Column("id", INTEGER, _("Number of the measure")),
            Column("title", TEXT, _("Title")),
            Column("summary", TEXT, _("Summary")),
            Column("goal", TEXT, _("Goal of the strategy")),
            Column("strategy", TEXT, _("Strategy (field of action)")),
            Column("domains", LIST, _("Domains of life")),
            Column("municipalities", LIST, _("Municipalities concerned; empty: the whole region")),
            Column("municipality_keys", LIST, _("Official keys (AGS) of the municipalities")),
            Column("status", TEXT, _("Status (code)")),
            Column("status_label", TEXT, _("Status")),
            Column("progress", INTEGER, _("Progress in percent")),
            *_MONEY,
            Column("milestones", INTEGER, _("Number of milestones")),
            Column("milestones_reached", INTEGER, _("Number of milestones reached")),
            Column("updated", DATETIME, _("Last changed at (ISO 8601)")),
            Column("url", URL, _("Address of the measure's page")),
        ),
        rows=_measure_rows,
        version=_measure_version,
    ),
    Dataset(
        slug="budget",
        title=_("Budget by funding source and year"),
        description=_(
            "The money of every published measure per funding source and year: planned, committed "
            "(contracts signed) and spent (paid), in EUR."
        ),
        keywords=(_("budget"), _("funding"), _("finances"), _("smart region")),
        themes=(GOVE, ECON),
        columns=(
            _MEASURE_ID,
            _MEASURE,
            Column("funding_source", TEXT, _("Funding source")),
            Column("funding_source_kind", TEXT, _("Kind of funding source (code)")),
            Column("funding_source_kind_label", TEXT, _("Kind of funding source")),
            Column("year", INTEGER, _("Year")),
            *_MONEY,
        ),
        rows=_budget_rows,
        version=lambda: _measure_version(rows=_budget_lines()),
    ),
    Dataset(
        slug="meilensteine",
        title=_("Milestones"),
        description=_(
            "The milestones of the published measures: when each is due, when it was reached, and whether "
            "it is overdue."
        ),
        keywords=(_("milestones"), _("implementation"), _("smart region")),
        themes=(GOVE, REGI),
        columns=(
            Column("id", INTEGER, _("Number of the milestone")),
            _MEASURE_ID,
            _MEASURE,
            Column("title", TEXT, _("Title")),
            Column("due", DATE, _("Due on (ISO 8601)")),
            Column("reached", DATE, _("Reached on (ISO 8601); empty: not yet")),
            Column("status", TEXT, _("State: reached, overdue or open (code: done, overdue, open)")),
            Column("status_label", TEXT, _("State")),
        ),
        rows=_milestone_rows,
        version=lambda: _measure_version(rows=_milestones()),
    ),
    Dataset(
        slug="kennzahlen",
        title=_("Indicators"),
        description=_(
            "The indicators that measure the outcome of the published measures, with baseline, target and "
            "the latest value. The values over time are in the dataset “Indicator values”."
        ),
        keywords=(_("indicators"), _("outcomes"), _("smart region")),
        themes=(GOVE, REGI),
        columns=(
            Column("id", INTEGER, _("Number of the indicator")),
            _MEASURE_ID,
            _MEASURE,
            Column("indicator", TEXT, _("Name of the indicator")),
            Column("unit", TEXT, _("Unit")),
            Column("baseline", NUMBER, _("Baseline")),
            Column("target", NUMBER, _("Target")),
            Column("target_date", DATE, _("Target date (ISO 8601)")),
            Column("latest_value", NUMBER, _("Latest value")),
            Column("latest_measured", DATE, _("Latest value measured on (ISO 8601)")),
        ),
        rows=_indicator_rows,
        version=lambda: _measure_version(rows=_indicators()),
    ),
    Dataset(
        slug="kennzahl-werte",
        title=_("Indicator values"),
        description=_(
            "Every measured value of the indicators of the published measures over time (long format: one "
            "row per indicator and day), with where the number comes from."
        ),
        keywords=(_("indicators"), _("time series"), _("smart region")),
        themes=(GOVE, REGI),
        columns=(
            Column(
                "indicator_id", INTEGER, _("Number of the indicator (column id of the indicators dataset)")
            ),
            _MEASURE_ID,
            _MEASURE,
            Column("indicator", TEXT, _("Name of the indicator")),
            Column("unit", TEXT, _("Unit")),
            Column("measured", DATE, _("Measured on (ISO 8601)")),
            Column("value", NUMBER, _("Value")),
            Column("source", TEXT, _("Where the number comes from")),
        ),
        rows=_indicator_value_rows,
        version=lambda: _measure_version(rows=_indicator_values()),
    ),
    Dataset(
        slug="kommunen",
        title=_("Municipalities"),
        description=_(
            "The member municipalities of the region (cities and Verbandsgemeinden) with official key, "
            "population and location."
        ),
        keywords=(_("municipalities"), _("population"), _("region")),
        themes=(REGI, GOVE),
        columns=(
            Column("slug", TEXT, _("Short name")),
            Column("name", TEXT, _("Name")),
            Column("kind", TEXT, _("Kind (code)")),
            Column("kind_label", TEXT, _("Kind: city or Verbandsgemeinde")),
            Column("official_key", TEXT, _("Official key: 8-digit AGS or 9-digit Verbandsschlüssel")),
            Column("population", INTEGER, _("Population")),
            Column("population_year", INTEGER, _("Population as of year")),
            Column("latitude", NUMBER, _("Latitude of the centre (WGS84)")),
            Column("longitude", NUMBER, _("Longitude of the centre (WGS84)")),
            Column("url", URL, _("Address of the municipality's page")),
        ),
        rows=_municipality_rows,
        version=_municipality_version,
        point=("latitude", "longitude"),
        accrual_periodicity="ANNUAL",
    ),
    Dataset(
        slug="umfrageergebnisse",
        title=_("Survey results"),
        description=_(
            "The published results of the surveys and quick polls: per question how often each answer, "
            "scale value, rank and matrix value was given, on every channel (online, paper, events, "
            "telephone). Free texts and the respondents are not part of the data."
        ),
        keywords=(_("participation"), _("surveys"), _("citizen participation")),
        themes=(GOVE, SOCI),
        columns=(
            Column("survey_id", INTEGER, _("Number of the survey")),
            Column("survey", TEXT, _("Title of the survey")),
            Column("question_number", INTEGER, _("Number of the question in the survey")),
            Column("question", TEXT, _("Question")),
            Column("question_kind", TEXT, _("Kind of question (code)")),
            Column("answer", TEXT, _("Answer, ranked option or matrix row; empty for a scale")),
            Column("value", NUMBER, _("Scale value, rank or matrix value; empty for a choice")),
            Column("count", INTEGER, _("How often it was given")),
        ),
        rows=_survey_result_rows,
        version=_survey_result_version,
    ),
)

_BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}


def dataset_get(slug: str) -> Dataset | None:
    """The dataset with this slug, or None."""
    return _BY_SLUG.get(slug)
