"""The database-specific part of search: creating the full-text index, and the SQL that matches lexemes.

Everything else (normalising, lexemes, ranking, snippets) is the same Python on every database, so SQLite and
PostgreSQL return the same results. A query reaches SQL only as lexemes (letters, digits and Japanese characters),
each quoted, and always as a parameter."""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from .analysis import Term

TABLE = "search_searchdocument"

# Table names are written out (no string building): every statement here is a constant.
SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "lexemes, content='search_searchdocument', content_rowid='id', tokenize='ascii')",
    """CREATE TRIGGER IF NOT EXISTS search_fts_after_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, lexemes) VALUES (new.id, new.lexemes);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_after_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, lexemes) VALUES ('delete', old.id, old.lexemes);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_after_update AFTER UPDATE OF lexemes ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, lexemes) VALUES ('delete', old.id, old.lexemes);
        INSERT INTO search_fts(rowid, lexemes) VALUES (new.id, new.lexemes);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS search_fts_after_insert",
    "DROP TRIGGER IF EXISTS search_fts_after_delete",
    "DROP TRIGGER IF EXISTS search_fts_after_update",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_SETUP = ["CREATE INDEX IF NOT EXISTS search_document_lexemes_gin ON search_searchdocument USING gin (lexemes)"]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS search_document_lexemes_gin"]

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


def matches(terms: list[Term], *, as_subquery: bool = False) -> RawSQL:
    """A boolean SQL expression for filter() or When(): the document matches at least one of `terms`.

    SQLite asks its FTS5 table (`id IN (…)`: the matching ids are collected once). PostgreSQL uses the GIN index;
    `as_subquery` makes it collect the ids once too, which is what ranking needs (one CASE per term)."""
    if connection.vendor == "sqlite":
        sql = "search_searchdocument.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
    elif connection.vendor == "postgresql" and as_subquery:
        sql = "search_searchdocument.id IN (SELECT id FROM search_searchdocument WHERE lexemes @@ %s::tsquery)"
    elif connection.vendor == "postgresql":
        sql = "search_searchdocument.lexemes @@ %s::tsquery"
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported (DESIGN.md §5)
        raise NotImplementedError(connection.vendor)
    # The SQL is a constant; the query travels as a parameter and holds only quoted lexemes.
    return RawSQL(sql, [match_expression(terms)], output_field=BooleanField())  # noqa: S611
