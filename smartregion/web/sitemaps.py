"""sitemap.xml: every public page."""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from smartregion.network.models import Municipality
from smartregion.network.selectors import municipality_list

STATIC_PAGES = (
    "web:home",
    "web:network",
    "web:imprint",
    "web:privacy",
    "web:accessibility",
    "web:easy_language",
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


SITEMAPS = {"pages": StaticPageSitemap, "municipalities": MunicipalitySitemap}
