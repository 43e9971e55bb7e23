"""Whole-page cache for what anonymous visitors read: the busiest pages, rendered once for everybody.

A page for an anonymous visitor differs from the next visitor's only in its CSRF tokens (the language
switch is a POST form) and its CSP nonce. The cache keeps the rendered page with those two replaced by
markers and puts the current request's values back on every hit, so a cached page is as safe as a
freshly rendered one: every visitor gets a token for their own CSRF cookie and a nonce of their own.

Freshness (docs/decisions/0005-page-cache.md, 0012-fast-pages-and-open-data.md) has three levels:

- the namespace's version: ``pages_changed`` raises it when something that can appear on any page of
  the namespace changes (an idea published, hidden or edited, a process or phase). An entry of an
  older version is never served again, by anybody.
- a scope's version (``scope_changed``), for pages that show one thing: the idea page's scope is its
  idea, and a new, edited or hidden comment retires that idea's page at once, and nothing else.
- a scope's counts (``counts_changed``): a support changes the numbers on its idea's page. That page is
  rendered again by the next visitor, while the others get the previous copy meanwhile (which is never
  older than ``PAGE_CACHE_SECONDS``). The lists show the new count when their entry is renewed, within
  ``PAGE_CACHE_SECONDS``: a support does not retire them.

Every entry is renewed after ``PAGE_CACHE_SECONDS`` at the latest, so that time-driven changes (a phase
that starts at midnight) appear without any write. Renewal is coalesced: one request takes a short lock
in the cache and renders; the others serve the copy they have while it is young enough (stale while
revalidate), or wait briefly for the new one, instead of all rendering the same page at once. Entries are
renewed a little before they run out (``RENEW_SHARE``), so a busy page is never missing.

With the local-memory cache each gunicorn worker has its own pages and versions, and a change raises them
only in the worker that made it; the others catch up within ``PAGE_CACHE_SECONDS``. With REDIS_URL the
versions are shared and a change shows at once everywhere.

Signed-in people (so a person who just supported always sees her own support counted), requests with
pending messages, htmx partials and anything but a plain 200 answer without a cookie bypass the cache.
"""

import hashlib
import re
import time
from collections.abc import Callable
from functools import partial, wraps
from typing import Any, NamedTuple

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
# An entry older than this share of PAGE_CACHE_SECONDS is renewed by the next request, while the others
# still serve it until PAGE_CACHE_SECONDS.
RENEW_SHARE = 0.8
# How long the one request that renders a page holds the lock at most, and how long the others wait for
# its page when they have no copy to serve (then they render it themselves).
LOCK_SECONDS = 10
WAIT_SECONDS = 2.0
POLL_SECONDS = 0.01

View = Callable[..., HttpResponse]
Scope = Callable[..., str]


class Entry(NamedTuple):
    """A cached page: the versions it was rendered under, when rendering began, and the page itself."""

    versions: tuple[int, int]  # the namespace's and the scope's
    counts: int  # the scope's counts
    rendered_at: float  # _now() when rendering began: the data is at least that new
    headers: dict[str, str]
    template: str


def _now() -> float:
    """Wall-clock time (shared by the workers, unlike the monotonic clock); tests move it forward."""
    return time.time()


def _version_key(namespace: str) -> str:
    return f"pages:{namespace}:version"


def _scope_key(namespace: str, scope: str) -> str:
    return f"pages:{namespace}:{scope}:version"


def _counts_key(namespace: str, scope: str) -> str:
    return f"pages:{namespace}:{scope}:counts"


def pages_changed(namespace: str) -> None:
    """Retire every cached page of the namespace once the change the pages show is committed: retired
    before, a page rendered from the old rows until the commit would be cached under the new version."""
    transaction.on_commit(partial(_raise, _version_key(namespace)))


def scope_changed(namespace: str, scope: str) -> None:
    """Retire the pages of one scope (an idea's page) once the change is committed."""
    transaction.on_commit(partial(_raise, _scope_key(namespace, scope)))


def counts_changed(namespace: str, scope: str) -> None:
    """Have the pages of one scope rendered again for their counts once the change is committed; until the
    new page is there, the previous one (at most PAGE_CACHE_SECONDS old) is served."""
    transaction.on_commit(partial(_raise, _counts_key(namespace, scope)))


def _raise(key: str) -> None:
    cache = caches[CACHE_ALIAS]
    try:
        cache.incr(key)
    except ValueError:  # no version yet (or evicted): any new value retires the old entries
        cache.set(key, 1, timeout=None)


def namespace_version(namespace: str) -> int:
    """The namespace's current version; ``pages_changed`` raises it."""
    version = caches[CACHE_ALIAS].get_or_set(_version_key(namespace), 0, timeout=None)
    return int(version or 0)


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and "HX-Request" not in request.headers
        and not len(get_messages(request))
    )


def _page_key(namespace: str, request: HttpRequest) -> str:
    address = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"pages:{namespace}:{translation.get_language()}:{address}"


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


class _Lookup:
    """One request's view of the cache: the current versions and the entry of its page, in one round trip."""

    def __init__(self, namespace: str, scope: str | None, request: HttpRequest) -> None:
        self.cache = caches[CACHE_ALIAS]
        self.key = _page_key(namespace, request)
        self.lock_key = f"{self.key}:lock"
        self.version_keys = [_version_key(namespace)]
        if scope is not None:
            self.version_keys += [_scope_key(namespace, scope), _counts_key(namespace, scope)]
        self.versions: tuple[int, int] = (0, 0)
        self.counts = 0

    def read(self) -> Entry | None:
        """The entry if it belongs to the current versions (whatever its counts); refreshes the versions."""
        found = self.cache.get_many([*self.version_keys, self.key])
        values = [int(found.get(key) or 0) for key in self.version_keys] + [0, 0]
        self.versions, self.counts = (values[0], values[1]), values[2]
        entry = found.get(self.key)
        if isinstance(entry, Entry) and entry.versions == self.versions:
            return entry
        return None

    def age(self, entry: Entry) -> float:
        return _now() - entry.rendered_at

    def fresh(self, entry: Entry) -> bool:
        """Served without further ado: current counts and not yet due for renewal."""
        return entry.counts == self.counts and self.age(entry) < settings.PAGE_CACHE_SECONDS * RENEW_SHARE

    def servable(self, entry: Entry) -> bool:
        """Served while another request renders its successor: never older than PAGE_CACHE_SECONDS."""
        return self.age(entry) < settings.PAGE_CACHE_SECONDS

    def lock(self) -> bool:
        return bool(self.cache.add(self.lock_key, 1, LOCK_SECONDS))

    def unlock(self) -> None:
        self.cache.delete(self.lock_key)

    def wait(self) -> Entry | None:
        """The page another request is rendering, if it arrives within WAIT_SECONDS."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            entry = self.read()
            if entry is not None and self.servable(entry):
                return entry
        return None

    def store(self, request: HttpRequest, response: HttpResponse, rendered_at: float) -> None:
        entry = Entry(
            versions=self.versions,
            counts=self.counts,
            rendered_at=rendered_at,
            headers=dict(response.headers.items()),
            template=_template_of(request, response),
        )
        self.cache.set(self.key, entry, settings.PAGE_CACHE_SECONDS)


def _served(request: HttpRequest, entry: Entry) -> HttpResponse:
    return HttpResponse(_filled(request, entry.template), headers=entry.headers)


def cache_public_page(
    namespace: str,
    *,
    unless: Callable[[HttpRequest], bool] | None = None,
    scope: Scope | None = None,
) -> Callable[[View], View]:
    """Serve the view's page to anonymous visitors from the page cache (see the module's docstring).

    ``unless`` names requests whose page depends on more than the URL and language (a visitor's own
    random order, for example); they are always rendered. ``scope`` gives, from the view's arguments, the
    one thing the page shows (``"idea:7"``), whose own changes retire it (``scope_changed``,
    ``counts_changed``).
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request) or (unless is not None and unless(request)):
                return view(request, *args, **kwargs)
            lookup = _Lookup(namespace, scope(*args, **kwargs) if scope else None, request)
            entry = lookup.read()
            if entry is not None and lookup.fresh(entry):
                return _served(request, entry)
            locked = lookup.lock()
            if not locked:
                # Somebody else renders this page: serve the copy we have while it is young enough, or wait
                # a moment for theirs.
                if entry is not None and lookup.servable(entry):
                    return _served(request, entry)
                entry = lookup.wait()
                if entry is not None:
                    return _served(request, entry)
            try:
                rendered_at = _now()
                response = view(request, *args, **kwargs)
                if (
                    response.status_code == 200
                    and not response.streaming
                    and not response.cookies
                    and not request.session.modified
                ):
                    lookup.store(request, response, rendered_at)
            finally:
                if locked:
                    lookup.unlock()
            return response

        return cached_view

    return decorate
