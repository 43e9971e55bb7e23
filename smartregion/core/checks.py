"""System checks of what the platform needs from its environment."""

import sqlite3
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

# UPDATE … RETURNING (participation.services: a support's count in the same round trip as its lock).
SQLITE_MINIMUM = (3, 35)


@register()
def check_sqlite_version(**kwargs: Any) -> list[CheckMessage]:
    """On SQLite, a version that knows every statement the platform sends."""
    engines = {database["ENGINE"] for database in settings.DATABASES.values()}
    return sqlite_version_problems(engines, sqlite3.sqlite_version_info)


def sqlite_version_problems(engines: set[str], version: tuple[int, ...]) -> list[CheckMessage]:
    """An error when one of the database ``engines`` is SQLite at a ``version`` older than the minimum."""
    if "django.db.backends.sqlite3" not in engines or version >= SQLITE_MINIMUM:
        return []
    return [
        Error(
            f"SQLite {'.'.join(map(str, version))} is too old: SmartRegion needs "
            f"{'.'.join(map(str, SQLITE_MINIMUM))} or newer (UPDATE … RETURNING).",
            hint="Use a Python built against a newer SQLite, or PostgreSQL (DATABASE_URL).",
            id="core.E001",
        )
    ]
