"""sitemap.xml: every public page."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from smartregion.events import selectors as events
from smartregion.events.models import Event
from smartregion.network.models import Municipality
from smartregion.network.selectors import municipality_list
from smartregion.participation import selectors as participation
from smartregion.participation.models import Idea, Process
from smartregion.strategy import selectors as strategy
from smartregion.strategy.models import Measure

STATIC_PAGES = (
    "web:home",
    "web:network",
    "web:region_reach",
    "web:imprint",
    "web:privacy",
    "web:accessibility",
    "web:easy_language",
    "participation:process_list",
    "participation:idea_list",
    "participation:idea_map",
    "strategy:explorer",
    "strategy:versions",
    "program:dashboard",
    "events:calendar",
    "opendata:index",
    "api_docs",
)


class StaticPageSitemap(Sitemap):
    """Pages that exist once."""

    changefreq = "weekly"

    def items(self) -> tuple[str, ...]:
        return STATIC_PAGES

    def location(self, item: str) -> str:
        return reverse(item)


class MunicipalitySitemap(Sitemap):
    """One page per member municipality."""

    changefreq = "monthly"

    def items(self) -> QuerySet[Municipality]:
        return municipality_list()

    def lastmod(self, item: Municipality) -> datetime.datetime:
        return item.updated_at


class ProcessSitemap(Sitemap):
    """Every public participation process."""

    changefreq = "weekly"

    def items(self) -> list[Process]:
        # What the public sees, as the pages decide it (the selector), in one query: a list, so that the
        # sitemap's paginator counts it without a second query.
        processes = participation.process_list(viewer=AnonymousUser()).prefetch_related(None)
        return list(processes.only("slug", "updated_at"))

    def lastmod(self, item: Process) -> datetime.datetime:
        return item.updated_at


class IdeaSitemap(Sitemap):
    """Every public idea of a public process."""

    changefreq = "daily"

    def items(self) -> list[Idea]:
        ideas = participation.idea_list(viewer=AnonymousUser(), filters=participation.IdeaFilters())
        return list(ideas.select_related(None).prefetch_related(None).only("id", "updated_at"))

    def lastmod(self, item: Idea) -> datetime.datetime:
        return item.updated_at


class MeasureSitemap(Sitemap):
    """Every published measure of the strategy."""

    changefreq = "weekly"

    def items(self) -> list[Measure]:
        measures = strategy.measure_list(viewer=AnonymousUser()).order_by("pk")
        return list(measures.only("slug", "updated_at"))

    def lastmod(self, item: Measure) -> datetime.datetime:
        return item.updated_at


class EventSitemap(Sitemap):
    """Every public event, upcoming and past."""

    changefreq = "daily"

    def items(self) -> list[Event]:
        found: list[Event] = []
        for when in ("upcoming", "past"):
            shown = events.event_list(viewer=AnonymousUser(), filters=events.EventFilters(when=when))
            found += shown.select_related(None).prefetch_related(None).only("slug", "updated_at")
        return found

    def lastmod(self, item: Event) -> datetime.datetime:
        return item.updated_at


SITEMAPS = {
    "pages": StaticPageSitemap,
    "municipalities": MunicipalitySitemap,
    "processes": ProcessSitemap,
    "ideas": IdeaSitemap,
    "measures": MeasureSitemap,
    "events": EventSitemap,
}
