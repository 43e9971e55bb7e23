"""While the database cannot be reached the site answers 503 with Retry-After (a German page, a problem
document under /api/v1/) instead of 500, and answers normally again once the database is back."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections
from django.test import Client
from django.urls import reverse

from ..participation.factories import IdeaFactory, ProcessFactory
from ..processes import postgres_admin, refusing_connections
from ..services import free_port


@contextmanager
def _unreachable(tmp_path: Path) -> Iterator[None]:
    """Point the default database at a server that refuses (PostgreSQL) or a file that cannot exist."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    saved = dict(wrapper.settings_dict)
    wrapper.close()
    if wrapper.vendor == "sqlite":
        wrapper.settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        wrapper.settings_dict["PORT"] = str(free_port())
    try:
        yield
    finally:
        wrapper.settings_dict.update(saved)
        wrapper.close()


def _assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "Vorübergehend nicht erreichbar" in text
    assert "erneut" in text or "neu" in text


def test_pages_and_api_answer_503_while_the_database_is_away_and_recover(race_database, tmp_path):
    process = ProcessFactory(title="Mobil in der Region", slug="mobil", phase="active")
    idea = IdeaFactory(process=process, title="Radweg am Rhein")
    client = Client()
    pages = [reverse("participation:idea_list"), idea.get_absolute_url()]
    with _unreachable(tmp_path):
        for url in pages:
            _assert_unavailable_page(client.get(url))
        api = client.get("/api/v1/ideas")
        assert api.status_code == 503
        assert api["Content-Type"] == "application/problem+json"
        assert api["Retry-After"] == "30"
        assert api.json()["type"] == "/api/v1/docs#problem-unavailable"
        assert api.json()["detail"].startswith("Der Dienst ist für einen Moment nicht verfügbar")
    # The test client turns off what ends every real request: closing connections that broke.
    close_old_connections()
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert "Radweg am Rhein" in response.content.decode()
    assert client.get("/api/v1/ideas").status_code == 200


@contextmanager
def _database_refusing_connections() -> Iterator[None]:
    """Cut every connection to the test database and refuse new ones, as while PostgreSQL restarts."""
    name = connection.settings_dict["NAME"]
    with postgres_admin() as admin, refusing_connections(admin, name):
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        yield


@pytest.mark.postgres
def test_a_cut_postgresql_connection_answers_503_then_recovers(transactional_db):
    idea = IdeaFactory(process=ProcessFactory(slug="mobil", phase="active"), title="Radweg am Rhein")
    client = Client()
    assert client.get(idea.get_absolute_url()).status_code == 200
    with _database_refusing_connections():
        close_old_connections()
        # What anonymous visitors have in the page cache is still served; anything else answers 503.
        assert client.get(idea.get_absolute_url()).status_code == 200
        caches["pages"].clear()
        _assert_unavailable_page(client.get(idea.get_absolute_url()))
        close_old_connections()
        assert client.get("/api/v1/ideas").status_code == 503
        close_old_connections()
    close_old_connections()
    assert client.get(idea.get_absolute_url()).status_code == 200
