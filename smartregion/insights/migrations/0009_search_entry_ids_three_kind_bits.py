"""Entry ids carry their kind in three bits instead of two (a fifth kind: survey answers).

``id = object id * 4 + code`` becomes ``object id * 8 + code``. The ids are first made negative, so that no
new id meets an old one still in the table; the engines' triggers move the FTS5 rows (SQLite) and the side
table's vectors (PostgreSQL) along with each row.
"""

from typing import Any

from django.db import migrations

FORWARD = [
    "UPDATE insights_searchentry SET id = -id",
    "UPDATE insights_searchentry SET id = (((-id) >> 2) << 3) + ((-id) & 3)",
]
BACKWARD = [
    "DELETE FROM insights_searchentry WHERE kind = 'answer'",
    "UPDATE insights_searchentry SET id = -id",
    "UPDATE insights_searchentry SET id = (((-id) >> 3) << 2) + ((-id) & 7)",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("insights", "0008_search_answers")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
