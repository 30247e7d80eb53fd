"""The full-text index over SearchDocument.lexemes, per database (docs/search.md):

- SQLite: an FTS5 table `search_fts` (external content, `ascii` tokenizer: the lexemes are split on spaces only)
  kept in step by three triggers, so every insert, update and delete of a document — bulk ones too — updates it.
- PostgreSQL: a GIN index on the tsvector column.
"""

from django.db import migrations

from search.fulltext import install_fulltext_index, remove_fulltext_index


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_document")]

    operations = [migrations.RunPython(install_fulltext_index, remove_fulltext_index)]
