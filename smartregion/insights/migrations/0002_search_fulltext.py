"""The engines' own full-text indexes over SearchEntry, created by raw SQL for the database in use.

SQLite: an FTS5 table of the public entries, kept in step by triggers; the stems are already
Snowball-stemmed and folded by insights.search, so the tokenizer only splits on spaces.
PostgreSQL: a stored generated tsvector (title weight A, text weight B) with a GIN index. The 'simple'
configuration keeps the stems as they are: stemming happened once, in Python, for both databases.
"""

from typing import Any

from django.db import migrations

# Only public documents are in the FTS5 table (it keeps its own copy of the stems): a search never
# has to skip private rows, and needs no join to learn what a row is (rowid = object id * 4 + kind code).
# "process" holds "p<id>", matched only when a search is narrowed to one process.
_SQLITE_ADD = (
    "INSERT INTO insights_search_fts(rowid, title_stems, body_stems, process) "
    "SELECT new.id, new.title_stems, new.body_stems, COALESCE('p' || new.process_id, '') WHERE new.is_public;"
)
SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE insights_search_fts USING fts5(
        title_stems, body_stems, process, tokenize='unicode61 remove_diacritics 2', prefix='3'
    )""",
    f"CREATE TRIGGER insights_search_fts_insert AFTER INSERT ON insights_searchentry BEGIN {_SQLITE_ADD} END",
    """CREATE TRIGGER insights_search_fts_delete AFTER DELETE ON insights_searchentry BEGIN
        DELETE FROM insights_search_fts WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER insights_search_fts_update AFTER UPDATE ON insights_searchentry BEGIN
        DELETE FROM insights_search_fts WHERE rowid = old.id; {_SQLITE_ADD}
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS insights_search_fts_update",
    "DROP TRIGGER IF EXISTS insights_search_fts_delete",
    "DROP TRIGGER IF EXISTS insights_search_fts_insert",
    "DROP TABLE IF EXISTS insights_search_fts",
]
POSTGRES_FORWARD = [
    """ALTER TABLE insights_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_stems), 'A') || setweight(to_tsvector('simple', body_stems), 'B')
    ) STORED""",
    "CREATE INDEX insights_search_vector ON insights_searchentry USING gin (vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS insights_search_vector",
    "ALTER TABLE insights_searchentry DROP COLUMN IF EXISTS vector",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_search_index")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
