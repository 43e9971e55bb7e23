"""Races on a real database: PostgreSQL, or SQLite served from a file so that writers queue as in production.

Import ``race_database`` into a test module to use it as a fixture; the ``postgres`` variant needs
PostgreSQL (tests/conftest.py skips or fails it otherwise).
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections


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
