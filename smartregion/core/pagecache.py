"""Whole-page cache for what anonymous visitors read: the busiest pages, rendered once for everybody.

A page for an anonymous visitor differs from the next visitor's only in its CSRF tokens (the language
switch is a POST form) and its CSP nonce. The cache keeps the rendered page with those two replaced by
markers and puts the current request's values back on every hit, so a cached page is as safe as a
freshly rendered one: every visitor gets a token for their own CSRF cookie and a nonce of their own.

Freshness: each namespace has a version that ``pages_changed`` raises whenever something the pages show
changes (``participation.apps`` connects it to the models), and entries expire after ``PAGE_CACHE_SECONDS``
anyway, so that time-driven changes (a phase that starts at midnight) appear without any write. With the
local-memory cache each gunicorn worker has its own pages, and a change raises the version only in the
worker that made it; the others catch up within ``PAGE_CACHE_SECONDS``. With REDIS_URL the version is
shared and a change shows at once everywhere.

Signed-in people, requests with pending messages, htmx partials and anything but a plain 200 answer
without a cookie bypass the cache.
"""

import hashlib
import re
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

CACHE_ALIAS = "pages"
NONCE_MARKER = "\x00csp-nonce\x00"
CSRF_MARKER = "\x00csrf-token\x00"
CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')

View = Callable[..., HttpResponse]


def _version_key(namespace: str) -> str:
    return f"pages:{namespace}:version"


def pages_changed(namespace: str) -> None:
    """Retire every cached page of the namespace once the change the pages show is committed: retired
    before, a page rendered from the old rows until the commit would be cached under the new version."""
    transaction.on_commit(partial(_raise_version, namespace))


def _raise_version(namespace: str) -> None:
    cache = caches[CACHE_ALIAS]
    try:
        cache.incr(_version_key(namespace))
    except ValueError:  # no version yet (or evicted): any new value retires the old entries
        cache.set(_version_key(namespace), 1, timeout=None)


def namespace_version(namespace: str) -> int:
    """The namespace's current version; ``pages_changed`` raises it."""
    version = caches[CACHE_ALIAS].get_or_set(_version_key(namespace), 0, timeout=None)
    return int(version or 0)


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and "HX-Request" not in request.headers
        and not len(get_messages(request))
    )


def _page_key(namespace: str, request: HttpRequest) -> str:
    address = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"pages:{namespace}:{namespace_version(namespace)}:{translation.get_language()}:{address}"


def _template_of(request: HttpRequest, response: HttpResponse) -> str:
    """The page with this request's nonce and CSRF tokens replaced by markers."""
    text = response.content.decode(response.charset)
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str):
        text = text.replace(f'nonce="{nonce}"', f'nonce="{NONCE_MARKER}"')
    return CSRF_FIELD.sub(rf"\g<1>{CSRF_MARKER}\g<2>", text)


def _filled(request: HttpRequest, template: str) -> str:
    """The cached page with the current request's nonce and CSRF token."""
    if NONCE_MARKER in template:
        template = template.replace(NONCE_MARKER, str(request.csp_nonce))  # type: ignore[attr-defined]
    if CSRF_MARKER in template:
        template = template.replace(CSRF_MARKER, get_token(request))
    return template


def cache_public_page(
    namespace: str, *, unless: Callable[[HttpRequest], bool] | None = None
) -> Callable[[View], View]:
    """Serve the view's page to anonymous visitors from the page cache (see the module's docstring).

    ``unless`` names requests whose page depends on more than the URL and language (a visitor's own
    random order, for example); they are always rendered.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request) or (unless is not None and unless(request)):
                return view(request, *args, **kwargs)
            cache = caches[CACHE_ALIAS]
            key = _page_key(namespace, request)
            entry = cache.get(key)
            if entry is not None:
                headers, template = entry
                return HttpResponse(_filled(request, template), headers=headers)
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not request.session.modified
            ):
                headers = dict(response.headers.items())
                cache.set(key, (headers, _template_of(request, response)), settings.PAGE_CACHE_SECONDS)
            return response

        return cached_view

    return decorate
