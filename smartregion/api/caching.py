"""Conditional and cached reads: ETag and Last-Modified on every read, 304 when the client has it.

The API's reads show public data only, the same for everybody, so an answer can be kept per URL and
language and given to every client. Entries live in the page cache (``core/pagecache.py``) under the same
namespace versions as the public pages: whatever retires the idea pages retires the API's ideas too, and
every entry expires after ``PAGE_CACHE_SECONDS`` anyway. A request whose ``If-None-Match`` names the
entry's ETag (or, without it, whose ``If-Modified-Since`` is not older than the entry) gets 304 without a
database query.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from smartregion.core.pagecache import CACHE_ALIAS, namespace_version

View = Callable[..., HttpResponse]


def _key(namespaces: tuple[str, ...], request: HttpRequest) -> str:
    versions = ".".join(str(namespace_version(namespace)) for namespace in namespaces)
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"api:{'+'.join(namespaces)}:{versions}:{translation.get_language()}:{address}"


def _not_modified(request: HttpRequest, etag: str, modified: int) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and modified <= since


def _finish(response: HttpResponse, etag: str, modified: int) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    # Clients may keep an answer but must ask again (cheaply, with the validators) before using it.
    response["Cache-Control"] = "public, no-cache"
    return response


def conditional(*namespaces: str) -> Callable[[View], View]:
    """Serve a read from the cache with ETag/Last-Modified, and 304 when the client's copy is current."""

    def decorate(view: View) -> View:
        @wraps(view)
        def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            cache = caches[CACHE_ALIAS]
            key = _key(namespaces, request)
            # The validators and the body are kept apart, so that a 304 never reads (unpickles) the body.
            validators = cache.get(key)
            if validators is not None and _not_modified(request, *validators):
                return _finish(HttpResponseNotModified(), *validators)
            body = cache.get(f"{key}:body") if validators is not None else None
            if body is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming:
                    return response
                etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
                validators = (etag, int(timezone.now().timestamp()))
                body = (response["Content-Type"], response.content)
                cache.set_many({key: validators, f"{key}:body": body}, settings.PAGE_CACHE_SECONDS)
                if _not_modified(request, *validators):
                    return _finish(HttpResponseNotModified(), *validators)
            content_type, content = body
            return _finish(HttpResponse(content, content_type=content_type), *validators)

        return cached_view

    return decorate
