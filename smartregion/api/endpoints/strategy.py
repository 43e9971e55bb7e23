"""Domains, goals, strategies and measures, with each measure's ideas, money, milestones and indicators."""

from typing import Any

from django.db.models import DecimalField, Q, Sum
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from smartregion.insights import search
from smartregion.insights.models import SearchKind
from smartregion.network.models import Municipality
from smartregion.program import selectors as program_selectors
from smartregion.program.models import ZERO, FundingSource, Indicator
from smartregion.strategy import selectors
from smartregion.strategy.apps import PAGES
from smartregion.strategy.models import Domain, Goal, Measure, MeasureStatus, Strategy

from ..pagination import MAX_LIMIT, keyset_page
from ..schemas import (
    Cursor,
    DomainOut,
    FundingSourceOut,
    GoalOut,
    IndicatorValueOut,
    MeasureDetailOut,
    MeasureList,
    Slug,
    StrategyOut,
)
from .common import (
    LIMIT_DESCRIPTION,
    PUBLIC,
    READ_ERRORS,
    RELEVANCE,
    RELEVANCE_KINDS,
    SEARCH_DESCRIPTION,
    cached,
    envelope,
    known_slugs,
    page_limit,
)

router = Router(tags=["Strategie und Programm"])


@router.get("/domains", response={200: list[DomainOut], **READ_ERRORS}, summary="Lebensbereiche")
@cached(PAGES)
def domains(request: HttpRequest) -> Any:
    return selectors.domain_list()


@router.get("/goals", response={200: list[GoalOut], **READ_ERRORS}, summary="Ziele")
@cached(PAGES)
def goals(request: HttpRequest) -> Any:
    return Goal.objects.filter(is_published=True).prefetch_related("domains").order_by("position", "title")


@router.get("/strategies", response={200: list[StrategyOut], **READ_ERRORS}, summary="Strategien")
@cached(PAGES)
def strategies(request: HttpRequest) -> Any:
    return (
        Strategy.objects.filter(goal__is_published=True)
        .select_related("goal")
        .order_by("goal__position", "position", "title")
    )


class MeasureQuery(Schema):
    status: MeasureStatus | None = None
    strategy: Slug | None = NinjaField(default=None, description="Kurzname einer Strategie")
    domain: Slug | None = NinjaField(default=None, description="Kurzname eines Lebensbereichs")
    municipality: Slug | None = NinjaField(default=None, description="Kurzname einer Kommune")
    q: Slug | None = NinjaField(default=None, description=SEARCH_DESCRIPTION)
    cursor: Cursor | None = None
    limit: int | None = NinjaField(default=None, ge=1, le=MAX_LIMIT, description=LIMIT_DESCRIPTION)


def _public_measures() -> Any:
    return (
        selectors.measure_list(viewer=PUBLIC)
        .select_related("strategy__goal")
        .prefetch_related("domains", "municipalities")
    )


@router.get("/measures", response={200: MeasureList, **READ_ERRORS}, summary="Maßnahmen")
@cached(PAGES)
def measures(request: HttpRequest, query: Query[MeasureQuery]) -> Any:
    known_slugs(
        strategy=(query.strategy, Strategy.objects.all()),
        domain=(query.domain, Domain.objects.all()),
        municipality=(query.municipality, Municipality.objects.all()),
    )
    rows = _public_measures()
    if query.status:
        rows = rows.filter(status=query.status)
    if query.strategy:
        rows = rows.filter(strategy__slug=query.strategy)
    if query.domain:
        rows = rows.filter(domains__slug=query.domain)
    if query.municipality:
        rows = rows.filter(municipalities__slug=query.municipality)
    sort: str = "id"
    order: tuple[str, ...] = ("id",)
    if query.q:
        rows = search.ranked(rows, query.q, kind=SearchKind.MEASURE)
        sort, order = RELEVANCE
    page = keyset_page(
        rows,
        sort=sort,
        order=order,
        kinds=RELEVANCE_KINDS,
        cursor=query.cursor,
        limit=page_limit(query.limit),
    )
    return envelope(request, page, rows.count())


@router.get("/measures/{slug}", response={200: MeasureDetailOut, **READ_ERRORS}, summary="Eine Maßnahme")
@cached(PAGES)
def measure(request: HttpRequest, slug: Slug) -> Any:
    measure: Measure = get_object_or_404(_public_measures(), slug=slug)
    # The schema reads these lists off the measure (api/schemas.py, MeasureDetailOut).
    measure.responsibility_list = list(program_selectors.measure_responsibilities(measure))  # type: ignore[attr-defined]
    measure.public_idea_links = selectors.measure_idea_links(measure)  # type: ignore[attr-defined]
    measure.budget_line_list = program_selectors.measure_money(measure).lines  # type: ignore[attr-defined]
    measure.milestone_items = program_selectors.measure_milestones(measure)  # type: ignore[attr-defined]
    measure.indicator_list = program_selectors.measure_indicators(measure)  # type: ignore[attr-defined]
    return measure


@router.get("/funding-sources", response={200: list[FundingSourceOut], **READ_ERRORS}, summary="Fördermittel")
@cached(PAGES)
def funding_sources(request: HttpRequest) -> Any:
    published = Q(budget_lines__measure__is_published=True)
    money: Any = DecimalField(max_digits=14, decimal_places=2)
    return FundingSource.objects.order_by("position", "name").annotate(
        **{
            name: Sum(f"budget_lines__{name}", filter=published, default=ZERO, output_field=money)
            for name in ("planned", "committed", "spent")
        }
    )


@router.get(
    "/indicators/{indicator_id}/values",
    response={200: list[IndicatorValueOut], **READ_ERRORS},
    summary="Werte eines Indikators",
)
@cached(PAGES)
def indicator_values(request: HttpRequest, indicator_id: int) -> Any:
    indicator = get_object_or_404(
        Indicator.objects.filter(measure__in=selectors.measure_list(viewer=PUBLIC)), pk=indicator_id
    )
    return indicator.values.order_by("measured_on", "pk")
