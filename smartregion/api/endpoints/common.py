"""What every endpoint module shares: the documented error answers, paging arguments, rate limits."""

import copy
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited
from ninja.decorators import decorate_view

from smartregion.participation.policy import RateLimit

from ..caching import conditional
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from ..problems import ApiProblem, Problem

# Public reads are the same for everybody: they are asked as an anonymous visitor would see them, even
# when a signed-in person or a token calls them.
PUBLIC = AnonymousUser()

READ_ERRORS: dict[int, Any] = {304: None, 404: Problem, 422: Problem}
WRITE_ERRORS: dict[int, Any] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    409: Problem,
    422: Problem,
    429: Problem,
}


def cached(*namespaces: str) -> Any:
    """ETag/Last-Modified and 304 for a read (see ``api/caching.py``)."""
    return decorate_view(conditional(*namespaces))


def enforce(request: HttpRequest, limit: RateLimit) -> None:
    """Count a write against the same limits as the page that does the same; 429 beyond them.

    django-ratelimit keys its counters by group, rate, key and HTTP method; the pages limit POSTs, so an
    API write (POST, PUT or DELETE) is counted as the page's POST would be.
    """
    as_page = copy.copy(request)
    as_page.method = "POST"
    for key, rate in (("ip", limit.ip_rate), ("user", limit.user_rate)):
        if rate and is_ratelimited(
            as_page, group=limit.group, key=key, rate=rate, method="POST", increment=True
        ):
            raise Ratelimited()


def person(request: HttpRequest) -> Any:
    """Who an authenticated write acts for (the token's or the session's person)."""
    return request.auth  # type: ignore[attr-defined]


def page_limit(limit: int | None) -> int:
    return DEFAULT_LIMIT if limit is None else limit


def envelope(request: HttpRequest, page: Page, count: int) -> dict[str, Any]:
    """A page of a list: the total, the next page's address (the same query with the next cursor)."""
    next_url = None
    if page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"count": count, "next": next_url, "results": page.items}


LIMIT_DESCRIPTION = f"Einträge je Seite, 1–{MAX_LIMIT} (Vorgabe {DEFAULT_LIMIT})"
SEARCH_DESCRIPTION = (
    "Volltextsuche (deutsche Wortformen, alle Wörter), nach Relevanz geordnet; "
    "höchstens die 1000 besten Treffer"
)
# With a search, lists are ordered by the place in the index's ranking (insights.search.ranked).
RELEVANCE = ("relevance", ("search_position", "id"))
RELEVANCE_KINDS: dict[str, type] = {"search_position": int, "id": int}


def known_slugs(**filters: tuple[str | None, QuerySet[Any]]) -> None:
    """422 with a German message for a filter that names nothing (``municipality=atlantis``), as for an
    unknown ``status``: a typo must not look like an empty result. Keywords: field=(slug, candidates)."""
    unknown = [
        (field, _("There is nothing called “%(slug)s” here.") % {"slug": slug})
        for field, (slug, rows) in filters.items()
        if slug and not rows.filter(slug=slug).exists()
    ]
    if unknown:
        raise ApiProblem(422, _("Please check your input."), errors=unknown)
