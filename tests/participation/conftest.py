"""Fixtures for the public pages' tests (test_public_*.py) and the session's IMAP server (``dovecot``, which
skips with a reason when Dovecot is missing, or fails when SMARTREGION_REQUIRE names ``imap``). None is
autouse: the staff-side modules in this folder build their own data (staff_support.py) and must not
change behaviour because of this file."""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from ..conftest import _missing
from ..factories import UserFactory
from ..imap_server import DOVECOT, DovecotServer
from .factories import DomainFactory, ProcessFactory


@pytest.fixture
def fresh_rate_limits() -> None:
    """django-ratelimit counts in the process-wide cache: earlier tests' posts must not count here."""
    cache.clear()


@pytest.fixture
def domain(db):
    return DomainFactory(name="Mobilität und Verkehr", slug="mobilitaet-und-verkehr")


@pytest.fixture
def collecting(db, municipality, domain):
    """A public process whose idea collection runs now, in the region of ``municipality``."""
    process = ProcessFactory(title="Radverkehr in der Region", slug="radverkehr", phase="active")
    process.domains.set([domain])
    return process


@pytest.fixture
def citizen(db):
    return UserFactory(display_name="Clara Bürger")


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """A private Dovecot on loopback for this test session (imaps, STARTTLS, a wrong-host certificate).

    Its folder is a directory of its own rather than pytest's tmp_path, whose parents are private to the
    user running the tests: as root, Dovecot's unprivileged processes could not reach it.
    """
    if not Path(DOVECOT).is_file():
        _missing("imap", "Dovecot not found; install Debian's dovecot-imapd package")
    folder = Path(tempfile.mkdtemp(prefix="smartregion-dovecot-"))
    server = DovecotServer(folder)
    try:
        server.start()
    except RuntimeError as error:
        shutil.rmtree(folder, ignore_errors=True)
        _missing("imap", f"Dovecot did not start: {error}")
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)
