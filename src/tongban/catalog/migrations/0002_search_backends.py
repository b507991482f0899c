"""Full-text search structures per database (ADR 0003).

PostgreSQL: a generated tsvector column over the jieba token columns (weights A name, B keywords,
C body; 'simple' config, so tokens are taken as they are) and a GIN index on it.
SQLite: an external-content FTS5 table over the same columns, kept in step by triggers. A later
migration that rebuilds catalog_searchentry on SQLite must call `sqlite_forward` again (rebuilding a
table drops its triggers).
"""

from django.db import migrations

PG_FORWARD = [
    """
    ALTER TABLE catalog_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, coalesce(name_tokens, '')), 'A') ||
        setweight(to_tsvector('simple'::regconfig, coalesce(keyword_tokens, '')), 'B') ||
        setweight(to_tsvector('simple'::regconfig, coalesce(body_tokens, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX catalog_searchentry_vector_gin ON catalog_searchentry USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_searchentry_vector_gin",
    "ALTER TABLE catalog_searchentry DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS catalog_search_fts USING fts5(
        name_tokens, keyword_tokens, body_tokens, content='catalog_searchentry', content_rowid='id'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS catalog_search_ai AFTER INSERT ON catalog_searchentry BEGIN
        INSERT INTO catalog_search_fts(rowid, name_tokens, keyword_tokens, body_tokens)
        VALUES (new.id, new.name_tokens, new.keyword_tokens, new.body_tokens);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS catalog_search_ad AFTER DELETE ON catalog_searchentry BEGIN
        INSERT INTO catalog_search_fts(catalog_search_fts, rowid, name_tokens, keyword_tokens, body_tokens)
        VALUES ('delete', old.id, old.name_tokens, old.keyword_tokens, old.body_tokens);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS catalog_search_au AFTER UPDATE ON catalog_searchentry BEGIN
        INSERT INTO catalog_search_fts(catalog_search_fts, rowid, name_tokens, keyword_tokens, body_tokens)
        VALUES ('delete', old.id, old.name_tokens, old.keyword_tokens, old.body_tokens);
        INSERT INTO catalog_search_fts(rowid, name_tokens, keyword_tokens, body_tokens)
        VALUES (new.id, new.name_tokens, new.keyword_tokens, new.body_tokens);
    END
    """,
    "INSERT INTO catalog_search_fts(catalog_search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_search_ai",
    "DROP TRIGGER IF EXISTS catalog_search_ad",
    "DROP TRIGGER IF EXISTS catalog_search_au",
    "DROP TABLE IF EXISTS catalog_search_fts",
]


def _run(schema_editor, statements):
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_FORWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    else:
        raise RuntimeError(f"catalogue search supports PostgreSQL and SQLite, not {vendor}")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_BACKWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)


sqlite_forward = SQLITE_FORWARD


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
