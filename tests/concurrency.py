"""Races on a real database: PostgreSQL, or SQLite served from a file so that writers queue as in production.

``race_database`` is the fixture (tests/conftest.py imports it; the ``postgres`` variant needs PostgreSQL
and is skipped or failed without it). ``race`` is the harness: each request-like call loads what the view
loads in its own thread and connection, then all of them enter the service together, as a double click,
two moderators or two organizers do.
"""

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections

# Generous: on SQLite the threads queue behind one writer.
BARRIER_TIMEOUT = 60
# What a view turns into a page with a message or a 403; anything else a service raises would be a 500.
ANSWERS = (ValidationError, PermissionDenied)

Request = Callable[[], Callable[[], Any]]
"""Loads what the view loads (in its own thread) and returns the service call to make once all are loaded."""


def race(requests: Sequence[Request]) -> list[Any]:
    """Run every request in its own thread and database connection: all load first, then a barrier
    releases them into the service together. Returns each request's result, or the ValidationError or
    PermissionDenied it answered with, in the order given; any other exception (a 500) fails the test."""
    barrier = threading.Barrier(len(requests))
    outcomes: list[Any] = [None] * len(requests)
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run(index: int, request: Request) -> None:
        try:
            act = request()
            barrier.wait(timeout=BARRIER_TIMEOUT)
            try:
                outcomes[index] = act()
            except ANSWERS as answer:
                outcomes[index] = answer
        except BaseException as error:
            barrier.abort()
            with lock:
                failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    real = [error for error in failures if not isinstance(error, threading.BrokenBarrierError)] or failures
    assert not real, f"{len(failures)} of {len(requests)} requests failed (a 500), first: {real[0]!r}"
    return outcomes


def refusals(outcomes: Sequence[Any]) -> list[Any]:
    """The outcomes that were answers (a message or a 403) rather than results."""
    return [outcome for outcome in outcomes if isinstance(outcome, ANSWERS)]


@contextmanager
def _sqlite_file_database(path: Path) -> Iterator[None]:
    """Serve the default alias from a SQLite file (a copy of the test database) while the block runs.

    pytest-django keeps the SQLite test database in memory with a shared cache. There, a second writer
    hits a table lock that fails at once ("database table is locked") instead of waiting out the busy
    timeout, so it cannot show how the embedded mode queues writers; a file database can.
    """
    memory = connections[DEFAULT_DB_ALIAS]
    if not memory.is_in_memory_db():
        yield
        return
    memory.ensure_connection()
    target = sqlite3.connect(path)
    memory.connection.backup(target)  # the migrated schema, in milliseconds
    target.close()
    file_settings = {**memory.settings_dict, "NAME": str(path)}
    memory_settings = connections.settings[DEFAULT_DB_ALIAS]
    # Threads open their connections from connections.settings; this thread gets a new wrapper.
    connections.settings[DEFAULT_DB_ALIAS] = file_settings
    connections[DEFAULT_DB_ALIAS] = memory.__class__(file_settings, DEFAULT_DB_ALIAS)
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS].close()
        connections[DEFAULT_DB_ALIAS] = memory
        connections.settings[DEFAULT_DB_ALIAS] = memory_settings


@pytest.fixture(
    params=[
        pytest.param("postgresql", marks=pytest.mark.postgres, id="postgres"),
        pytest.param("sqlite", id="sqlite"),
    ]
)
def race_database(request: pytest.FixtureRequest, transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """The database the race runs on: PostgreSQL, or SQLite served from a file."""
    if request.param == "sqlite":
        if connection.vendor != "sqlite":
            pytest.skip(f"the SQLite variant; this run uses {connection.vendor} (see the postgres variant)")
        with _sqlite_file_database(tmp_path / "race.sqlite3"):
            yield request.param
    else:
        yield request.param
