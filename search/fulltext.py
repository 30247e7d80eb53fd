"""The database-specific part of search: creating the full-text index, and the SQL that matches lexemes.

Everything else (normalising, lexemes, ranking, snippets) is the same Python on every database, so SQLite and
PostgreSQL return the same results. A query reaches SQL only as lexemes (letters, digits and Japanese characters),
each quoted, and always as a parameter."""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from .analysis import Term

TABLE = "search_searchtext"

# Table names are written out (no string building): every statement here is a constant.
SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "lexemes, content='search_searchtext', content_rowid='document_id', tokenize='ascii')",
    """CREATE TRIGGER IF NOT EXISTS search_fts_after_insert AFTER INSERT ON search_searchtext BEGIN
        INSERT INTO search_fts(rowid, lexemes) VALUES (new.document_id, new.lexemes);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_after_delete AFTER DELETE ON search_searchtext BEGIN
        INSERT INTO search_fts(search_fts, rowid, lexemes) VALUES ('delete', old.document_id, old.lexemes);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_after_update AFTER UPDATE ON search_searchtext BEGIN
        INSERT INTO search_fts(search_fts, rowid, lexemes) VALUES ('delete', old.document_id, old.lexemes);
        INSERT INTO search_fts(rowid, lexemes) VALUES (new.document_id, new.lexemes);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS search_fts_after_insert",
    "DROP TRIGGER IF EXISTS search_fts_after_delete",
    "DROP TRIGGER IF EXISTS search_fts_after_update",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_SETUP = ["CREATE INDEX IF NOT EXISTS search_text_lexemes_gin ON search_searchtext USING gin (lexemes)"]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS search_text_lexemes_gin"]

SQLITE_TRIGGERS = {"search_fts_after_insert", "search_fts_after_delete", "search_fts_after_update"}


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def install_fulltext_index(apps, schema_editor):
    """Also called by `rebuild_search_index`. On SQLite a later migration that rebuilds the table (Django does that
    for most column changes) drops the triggers: such a migration must call this again."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_SETUP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_SETUP)


def ensure_fulltext_index() -> None:
    """Create whatever is missing of the full-text index (used by `rebuild_search_index`). On PostgreSQL only when
    the index is really missing: CREATE INDEX (even IF NOT EXISTS) is refused inside a transaction that has just
    deleted rows with deferred foreign keys."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_SETUP:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", ["search_text_lexemes_gin"])
            if cursor.fetchone() is None:
                for sql in POSTGRES_SETUP:
                    cursor.execute(sql)


def remove_fulltext_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_TEARDOWN)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_TEARDOWN)


def missing_sqlite_triggers() -> set[str]:
    if connection.vendor != "sqlite":
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        return SQLITE_TRIGGERS - {row[0] for row in cursor.fetchall()}


def _quote(lexeme: str, vendor: str) -> str:
    # Lexemes are letters, digits and Japanese characters only (search.analysis), never a quote: quoting them
    # keeps words such as AND, OR or NEAR plain words in both query languages.
    return f'"{lexeme}"' if vendor == "sqlite" else f"'{lexeme}'"


def match_expression(terms: list[Term], vendor: str | None = None) -> str:
    """The full-text query for documents matching any of `terms` (a term: all of its lexemes)."""
    vendor = vendor or connection.vendor
    conj, disj = (" AND ", " OR ") if vendor == "sqlite" else (" & ", " | ")
    return disj.join("(" + conj.join(_quote(lex, vendor) for lex in term.lexemes) + ")" for term in terms)


def matches(terms: list[Term]) -> RawSQL:
    """A boolean SQL expression for filter() or When() on SearchDocument: it matches at least one of `terms`.

    SQLite asks its FTS5 table, PostgreSQL the GIN index of search_searchtext; either way the database collects the
    matching ids once (`id IN (…)`), however many rows are then ranked."""
    if connection.vendor == "sqlite":
        sql = "search_searchdocument.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
    elif connection.vendor == "postgresql":
        sql = "search_searchdocument.id IN (SELECT document_id FROM search_searchtext WHERE lexemes @@ %s::tsquery)"
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported (DESIGN.md §5)
        raise NotImplementedError(connection.vendor)
    # The SQL is a constant; the query travels as a parameter and holds only quoted lexemes.
    return RawSQL(sql, [match_expression(terms)], output_field=BooleanField())  # noqa: S611
