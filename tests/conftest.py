"""Shared fixtures: the region, one person per role, and the rules for tests that need real services.

A test marked ``browser``, ``postgres`` or ``redis`` skips with a reason when the service is missing, unless
SMARTREGION_REQUIRE names it (CI sets it): then the missing service fails the test run.

Every test runs with a fresh cache (rate limits, used TOTP codes) and without access to other hosts:
a socket connection to anything but this machine fails the test (see ``_no_outside_network``).
"""

import ipaddress
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import django_ratelimit.core
import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client

from smartregion.accounts.models import Role, User

from .concurrency import race_database  # noqa: F401  (a fixture for the race tests)
from .factories import MunicipalityFactory, RegionFactory, RoleGrantFactory, UserFactory
from .services import redis_server  # noqa: F401  (a fixture for the tests marked redis)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRED = {item.strip() for item in os.environ.get("SMARTREGION_REQUIRE", "").split(",") if item.strip()}


def _missing(what: str, reason: str) -> None:
    if what in REQUIRED:
        pytest.fail(f"{reason} (SMARTREGION_REQUIRE={what} makes this a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _require_services(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        _missing("browser", f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("postgres", "needs PostgreSQL: set DATABASE_URL=postgres://...")
    if request.node.get_closest_marker("redis") and not shutil.which("redis-server"):
        _missing("redis", "needs redis-server: install Debian's redis-server package")


class OutsideNetworkError(RuntimeError):
    """A test tried to reach a host other than this machine."""


def _is_local(host: Any) -> bool:
    if not isinstance(host, str):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True, scope="session")
def _no_outside_network() -> Iterator[None]:
    """Fail any TCP/UDP connection to another host: mails, tiles, IMAP must all stay local in tests.

    The database driver (libpq) and Chromium connect outside Python's socket module and are unaffected.
    """
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise OutsideNetworkError(f"tests must not connect to {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return real_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters, used TOTP codes and cached pages live in caches; no test may inherit another's."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _one_rate_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """django-ratelimit counts per fixed window (an hour or a minute, with a per-key offset): a test's
    31 posts that straddled a window's end would be counted in two windows and the limit would not bite.
    Its clock stands still for the test, so all of a test's posts fall into one window."""
    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))


@pytest.fixture
def region(db: None):
    return RegionFactory()


@pytest.fixture
def municipality(region):
    return MunicipalityFactory(region=region, name="Andernach", slug="andernach")


@pytest.fixture
def other_municipality(region):
    return MunicipalityFactory(region=region, name="Mendig", slug="mendig")


ROLES = ("anonymous", "citizen", "moderator", "coordinator", "expert", "program_office")


@pytest.fixture
def make_person(db: None, municipality) -> Callable[[str], User | None]:
    """A person holding one role (coordinators coordinate ``municipality``); None for anonymous."""

    def make(role: str) -> User | None:
        if role == "anonymous":
            return None
        user = UserFactory()
        if role == Role.COORDINATOR:
            RoleGrantFactory(user=user, role=role, municipality=municipality)
        elif role != "citizen":
            RoleGrantFactory(user=user, role=role)
        return user

    return make


@pytest.fixture
def signed_in(client: Client, make_person: Callable[[str], User | None]) -> Callable[[str], User | None]:
    """Sign ``client`` in as a new person holding ``role`` (nobody for "anonymous"); returns the person."""

    def sign_in(role: str) -> User | None:
        user = make_person(role)
        if user is not None:
            client.force_login(user)
        return user

    return sign_in
