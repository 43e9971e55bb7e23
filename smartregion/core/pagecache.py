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

Fragments (``cached_fragment``, decision 0013) are the parts of a page that are the same for everybody,
signed in or not (an idea list's results and filters, a comment thread): they follow the same versions and
are shared by everybody who renders the page; the page adds what belongs to the person around them. A
fragment never holds a form with a CSRF token or a nonce (it is refused). A person's own writes that a
fragment shows only later (a support, in the lists' counts) set her watermark (``person_changed``): she
is never given a fragment rendered before it.
"""

import hashlib
import re
import time
import zlib
from collections.abc import Callable
from contextvars import ContextVar
from functools import partial, wraps
from typing import Any, NamedTuple, TypeVar, cast

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
T = TypeVar("T")
# When the data of the page being rendered was read: a cached fragment it includes makes that earlier, so
# that a cached page is never older than PAGE_CACHE_SECONDS with its fragments counted.
_data_read_at: ContextVar[float | None] = ContextVar("data_read_at", default=None)
Scope = Callable[..., str]


class Entry(NamedTuple):
    """A cached page: the versions it was rendered under, when rendering began, and the page itself."""

    versions: tuple[int, int]  # the namespace's and the scope's
    counts: int  # the scope's counts
    rendered_at: float  # _now() when rendering began: the data is at least that new
    headers: dict[str, str]
    # The page with markers for the nonce and the CSRF token, UTF-8 and compressed: a fifth of the memory in
    # a worker's local cache or in Redis, for about 0.1 ms when stored and less when served.
    body: bytes

    @property
    def template(self) -> str:
        return zlib.decompress(self.body).decode()


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


def _person_key(namespace: str, person: int) -> str:
    return f"pages:{namespace}:person:{person}:changed"


def person_changed(namespace: str, person: int) -> None:
    """Once the change is committed, give this person no fragment of the namespace rendered before it: her
    own support is counted in the lists she reads next (others may see it FRAGMENT_CACHE_SECONDS late)."""
    transaction.on_commit(partial(_watermark, _person_key(namespace, person)))


def _watermark(key: str) -> None:
    # Fragments are never older than FRAGMENT_CACHE_SECONDS: after that the mark holds nothing back.
    caches[CACHE_ALIAS].set(key, _now(), timeout=settings.FRAGMENT_CACHE_SECONDS + 1)


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


def address_key(request: HttpRequest) -> str:
    """The request's host and full path as a short key."""
    return hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()


def _page_key(namespace: str, request: HttpRequest) -> str:
    return f"pages:{namespace}:{translation.get_language()}:{address_key(request)}"


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
            body=zlib.compress(_template_of(request, response).encode(), 1),
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
                token = _data_read_at.set(_now())
                try:
                    response = view(request, *args, **kwargs)
                    rendered_at = cast(float, _data_read_at.get())
                finally:
                    _data_read_at.reset(token)
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


class Fragment(NamedTuple):
    """A cached fragment: the versions it was rendered under, when rendering began, and its value."""

    versions: tuple[int, int]  # the namespace's and the scope's
    rendered_at: float
    value: Any


def _fragment_key(namespace: str, key: str) -> str:
    return f"fragments:{namespace}:{translation.get_language()}:{key}"


def cached_fragment(
    namespace: str,
    key: str,
    render: Callable[[], T],
    *,
    scope: str | None = None,
    person: int | None = None,
) -> T:
    """What ``render`` returns, shared by everybody for up to FRAGMENT_CACHE_SECONDS (0: always rendered).

    ``key`` names the fragment within the namespace and language, with every input its content depends on
    but the versions (the page's address, the variant of the actions it offers); ``scope`` retires it with
    its thing (``scope_changed``), and ``person`` (a signed-in person's id) refuses fragments rendered before
    her own last change (``person_changed``). The value must be the same for everybody: no CSRF token, no
    nonce, nothing of the person's. Not coalesced: a fragment costs a fraction of its page.
    """
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return render()
    cache = caches[CACHE_ALIAS]
    version_keys = [_version_key(namespace)] + ([_scope_key(namespace, scope)] if scope else [])
    entry_key = _fragment_key(namespace, key)
    mark_key = _person_key(namespace, person) if person is not None else None
    found = cache.get_many([*version_keys, entry_key, *([mark_key] if mark_key else [])])
    versions_found = [int(found.get(k) or 0) for k in version_keys] + [0]
    versions = (versions_found[0], versions_found[1])
    entry = found.get(entry_key)
    now = _now()
    read_at = _data_read_at.get()
    # A page being rendered for the page cache takes its age from its oldest fragment: one due for renewal
    # is renewed, so that the page lasts.
    limit = settings.FRAGMENT_CACHE_SECONDS * (RENEW_SHARE if read_at is not None else 1)
    if (
        isinstance(entry, Fragment)
        and entry.versions == versions
        and now - entry.rendered_at < limit
        and entry.rendered_at > float(found.get(mark_key, 0) if mark_key else 0)
    ):
        if read_at is not None and entry.rendered_at < read_at:
            _data_read_at.set(entry.rendered_at)
        return cast(T, entry.value)
    value = render()
    if _personal(value):
        raise ValueError(f"The fragment {key!r} holds a CSRF token or a nonce: it cannot be shared.")
    cache.set(entry_key, Fragment(versions, now, value), settings.FRAGMENT_CACHE_SECONDS)
    return value


def _personal(value: object) -> bool:
    """Whether a fragment's text holds what belongs to one request (its CSRF token or CSP nonce)."""
    texts = value.values() if isinstance(value, dict) else [value]
    return any(
        isinstance(text, str) and ("csrfmiddlewaretoken" in text or "nonce=" in text) for text in texts
    )
