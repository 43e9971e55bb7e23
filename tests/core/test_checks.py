"""System checks of the environment (core/checks.py)."""

import pytest

from smartregion.core.checks import sqlite_version_problems

SQLITE, POSTGRES = "django.db.backends.sqlite3", "django.db.backends.postgresql"


@pytest.mark.parametrize(("version", "errors"), [((3, 34, 1), 1), ((3, 35, 0), 0), ((3, 46, 1), 0)])
def test_sqlite_older_than_3_35_is_refused_with_a_reason(version, errors):
    found = sqlite_version_problems({SQLITE}, version)
    assert len(found) == errors
    if errors:
        assert found[0].id == "core.E001"
        assert "3.34.1" in found[0].msg


def test_postgresql_alone_needs_no_sqlite():
    assert sqlite_version_problems({POSTGRES}, (3, 20, 0)) == []


def test_this_machines_sqlite_passes():
    from django.core.checks import run_checks

    assert not [message for message in run_checks() if message.id == "core.E001"]
