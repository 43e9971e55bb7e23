"""Events: the public calendar as JSON, one event, and the iCal links; only what the public pages show."""

import re
from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.http.request import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import Query, Router, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from smartregion.events import selectors
from smartregion.events.apps import PAGES
from smartregion.events.models import EventFormat
from smartregion.insights import search
from smartregion.insights.models import SearchKind
from smartregion.network.models import Municipality
from smartregion.participation.models import Process

from ..event_schemas import EventDetailOut, EventList
from ..pagination import MAX_LIMIT, keyset_page
from ..problems import ApiProblem
from ..schemas import Cursor, Slug
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

router = Router(tags=["Veranstaltungen"])

ORDER = ("starts_at", "id")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    """Only a calendar day as YYYY-MM-DD: pydantic would also read a number as seconds since 1970."""
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_parsing", "Input should be a date as YYYY-MM-DD")
    return value


# A day in the query, as the schema says (format: date), read strictly.
Day = Annotated[date, BeforeValidator(_iso_date_only)]


class EventQuery(Schema):
    municipality: Slug | None = NinjaField(default=None, description="Kurzname einer Kommune")
    process: Slug | None = NinjaField(default=None, description="Kurzname eines Verfahrens")
    format: EventFormat | None = NinjaField(default=None, description="Format der Veranstaltung")
    starts_from: Day | None = NinjaField(
        default=None, alias="from", description="Beginnt an diesem Tag oder später (JJJJ-MM-TT)"
    )
    starts_until: Day | None = NinjaField(
        default=None, alias="to", description="Beginnt an diesem Tag oder früher (JJJJ-MM-TT)"
    )
    q: Slug | None = NinjaField(default=None, description=SEARCH_DESCRIPTION)
    cursor: Cursor | None = None
    limit: int | None = NinjaField(default=None, ge=1, le=MAX_LIMIT, description=LIMIT_DESCRIPTION)


def _calendar_feed(request: HttpRequest, query: EventQuery) -> str:
    """The page calendar's iCal feed with the same municipality, process and format."""
    params = QueryDict(mutable=True)
    for name in ("municipality", "process", "format"):
        value = getattr(query, name)
        if value:
            params[name] = str(value)
    params["when"] = "upcoming"
    return request.build_absolute_uri(f"{reverse('events:calendar_ical')}?{params.urlencode()}")


@router.get("/events", response={200: EventList, **READ_ERRORS}, summary="Veranstaltungen")
@cached(PAGES)
def events(request: HttpRequest, query: Query[EventQuery]) -> Any:
    known_slugs(
        municipality=(query.municipality, Municipality.objects.all()),
        process=(query.process, Process.objects.filter(visibility=Process.Visibility.PUBLIC)),
    )
    if query.starts_from and query.starts_until and query.starts_from > query.starts_until:
        raise ApiProblem(
            422,
            _("Please check your input."),
            errors=[("to", _("The end date must not be before the start date."))],
        )
    rows = selectors.event_search(
        viewer=PUBLIC,
        municipality=query.municipality or "",
        process=query.process or "",
        format=query.format or "",
        starts_from=query.starts_from,
        starts_until=query.starts_until,
    )
    sort, order, kinds = "starts_at", ORDER, {"starts_at": datetime, "id": int}
    if query.q:
        rows = search.ranked(rows, query.q, kind=SearchKind.EVENT)
        (sort, order), kinds = RELEVANCE, RELEVANCE_KINDS
    page = keyset_page(
        rows, sort=sort, order=order, kinds=kinds, cursor=query.cursor, limit=page_limit(query.limit)
    )
    return {**envelope(request, page, rows.count()), "ical": _calendar_feed(request, query)}


@router.get("/events/{slug}", response={200: EventDetailOut, **READ_ERRORS}, summary="Eine Veranstaltung")
@cached(PAGES)
def event(request: HttpRequest, slug: Slug) -> Any:
    return get_object_or_404(selectors.event_search(viewer=PUBLIC), slug=slug)
