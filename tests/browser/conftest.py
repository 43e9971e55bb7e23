"""Browser fixtures: one Chromium per session, a fresh context per test, and a recorder that fails the test
on requests to other hosts, Content-Security-Policy violations and JavaScript errors.

Every browser test carries ``@pytest.mark.browser``; tests/conftest.py skips it (or fails it, under
SMARTREGION_REQUIRE=browser) when Chromium is missing.
"""

import os

# Playwright's sync API keeps an asyncio event loop running in the test thread, so Django would refuse the
# test's own ORM calls as "async unsafe". They are safe: the loop only runs while Playwright waits, never
# alongside test code. Set at import, because the session's loop outlives the browser tests that follow.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import copy
import sqlite3
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from smartregion.web.demo import DemoData, seed_all
from tests.conftest import CHROMIUM

from .support import PageRecorder

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Pages of a local server answer in milliseconds; a hanging wait should fail fast, not after 30 s.
TIMEOUT_MS = 10_000
RECORDER = pytest.StashKey[PageRecorder]()


class LazyChromium:
    """Starts Chromium on first use, so that a missing browser is reported by the skip/fail fixture."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def get(self) -> Browser:
        if self._browser is None:
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()


@pytest.fixture(scope="session")
def _chromium() -> Iterator[LazyChromium]:
    chromium = LazyChromium()
    yield chromium
    chromium.close()


@pytest.fixture
def browser(_require_services: None, _chromium: LazyChromium) -> Browser:
    """The session's Chromium (started once; each test gets its own context)."""
    return _chromium.get()


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer, settings: Any
) -> Iterator[Page]:
    """A page in a fresh context (no cookies) on the live server, watched by a PageRecorder."""
    # The live server is the site: the links in its mails (SITE_URL) lead there, as in production.
    settings.SITE_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    recorder = PageRecorder(allowed_netloc=urlsplit(live_server.url).netloc)
    # Pages the test opens itself and popups alike are watched.
    context.on("page", recorder.watch)
    request.node.stash[RECORDER] = recorder
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # django-ratelimit counts in the process-wide local-memory cache: form posts of earlier tests (same IP,
    # 127.0.0.1) must not use up the limits of this one.
    cache.clear()


class DemoSnapshot:
    """The seeded demo of this test process, as a copy of the whole SQLite database.

    Seeding takes seconds; copying the database back with SQLite's backup API takes milliseconds. Every
    browser test that asks for the demo therefore starts from exactly what ``seed_all`` left, and the
    live server reads it through the same connection. On PostgreSQL each test seeds afresh."""

    def __init__(self) -> None:
        self._copy: sqlite3.Connection | None = None
        self._demo: DemoData | None = None

    def load(self) -> DemoData:
        if connection.vendor != "sqlite":
            return seed_all()
        connection.ensure_connection()
        if self._copy is None or self._demo is None:
            self._demo = seed_all()
            self._copy = sqlite3.connect(":memory:")
            connection.connection.backup(self._copy)
        else:
            self._copy.backup(connection.connection)
        # A test may change the instances it gets; the next test gets its own.
        return copy.deepcopy(self._demo)


@pytest.fixture(scope="session")
def _demo_snapshot() -> DemoSnapshot:
    return DemoSnapshot()


@pytest.fixture
def demo_data(transactional_db: None, _demo_snapshot: DemoSnapshot) -> DemoData:
    """The whole MYK demo data set, loaded exactly as `manage.py seed_demo` does. The mails seeding sends
    (the demo events' registrations) are cleared, so a test's outbox holds only what the test caused."""
    demo = _demo_snapshot.load()
    mail.outbox.clear()
    return demo


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a browser test that passed its own assertions but made the browser misbehave."""
    try:
        result = yield
    except BaseException as error:
        recorder = item.stash.get(RECORDER, None)
        if recorder is not None and recorder.problems():
            # The browser's complaints often explain the failure; keep them next to it.
            error.add_note("Browser problems:\n" + "\n".join(recorder.problems()))
        raise
    recorder = item.stash.get(RECORDER, None)
    if recorder is not None and recorder.problems():
        pytest.fail("The browser reported problems:\n" + "\n".join(recorder.problems()), pytrace=False)
    return result
