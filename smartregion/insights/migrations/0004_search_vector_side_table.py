"""PostgreSQL: the vectors of the public entries move to a narrow side table with its own GIN index.

Measured at 100,000 ideas (decision 0003): ranking read each candidate's wide entry row (title, text, stems
and the vector), filtering by kind and process read the heap for every match, and similar ideas within a
process fell back to scanning the table. The side table holds only the public entries (as SQLite's FTS5
table does) as ``id`` (object id * 4 + kind code) and a vector whose extra lexemes ``~k<kind>`` and
``~p<process id>`` let the GIN index itself narrow by kind and process. A query's terms are letters and
digits only, so they can never match those lexemes. A trigger keeps the table in step with the entries;
SQLite is unchanged.
"""

from typing import Any

from django.db import migrations

_VECTOR = (
    "setweight(to_tsvector('simple', {row}.title_stems), 'A') "
    "|| setweight(to_tsvector('simple', {row}.body_stems), 'B') "
    "|| array_to_tsvector(ARRAY['~k' || {row}.kind] "
    "|| CASE WHEN {row}.process_id IS NULL THEN ARRAY[]::text[] ELSE ARRAY['~p' || {row}.process_id] END)"
)
POSTGRES_FORWARD = [
    "CREATE TABLE insights_searchvector (id bigint PRIMARY KEY, vector tsvector NOT NULL)",
    f"""CREATE FUNCTION insights_searchvector_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM insights_searchvector WHERE id = OLD.id;
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.is_public THEN
            INSERT INTO insights_searchvector (id, vector) VALUES (NEW.id, {_VECTOR.format(row="NEW")});
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER insights_searchvector_sync AFTER INSERT OR UPDATE OR DELETE ON insights_searchentry "
    "FOR EACH ROW EXECUTE FUNCTION insights_searchvector_sync()",
    f"INSERT INTO insights_searchvector (id, vector) SELECT e.id, {_VECTOR.format(row='e')} "
    "FROM insights_searchentry e WHERE e.is_public",
    "CREATE INDEX insights_searchvector_gin ON insights_searchvector USING gin (vector)",
    # The wide table's vector and index are read by nothing any more.
    "DROP INDEX IF EXISTS insights_search_vector",
    "ALTER TABLE insights_searchentry DROP COLUMN IF EXISTS vector",
]
POSTGRES_BACKWARD = [
    """ALTER TABLE insights_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_stems), 'A') || setweight(to_tsvector('simple', body_stems), 'B')
    ) STORED""",
    "CREATE INDEX insights_search_vector ON insights_searchentry USING gin (vector)",
    "DROP TRIGGER IF EXISTS insights_searchvector_sync ON insights_searchentry",
    "DROP FUNCTION IF EXISTS insights_searchvector_sync()",
    "DROP TABLE IF EXISTS insights_searchvector",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("insights", "0003_ml_models")]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]
