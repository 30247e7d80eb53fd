"""Writes to the search index. Signal handlers, the rebuild command and tests call these; nothing else writes
SearchDocument rows."""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Page
from wagtail.rich_text import get_text_for_indexing

from . import registry
from .analysis import LEAD_CHARS, MAX_INDEXED_CHARS, document_lexemes, normalise
from .fulltext import ensure_fulltext_index
from .models import SearchDocument, SearchText, bump_index_version

logger = logging.getLogger(__name__)


# --- helpers for sources (search_documents.py of each app) ---------------------------------------------------


def page_is_public(page: Page) -> bool:
    """Live and without a view restriction on itself or an ancestor: what an anonymous visitor can open."""
    return bool(page.live) and not page.get_view_restrictions().exists()


def page_url(page: Page) -> str:
    return page.get_url() or page.url_path


def text_of(*values) -> str:
    """Plain text of field values: strings, rich text (HTML) and StreamField values, joined by spaces."""
    parts: list[str] = []
    for value in values:
        if not value:
            continue
        stream_block = getattr(value, "stream_block", None)
        if stream_block is not None:
            parts.extend(str(s) for s in stream_block.get_searchable_content(value) if s)
        elif isinstance(value, str) and "<" in value:
            parts.append(get_text_for_indexing(value))
        else:
            parts.append(str(value))
    return " ".join(p.strip() for p in parts if p and p.strip())


# --- the index ------------------------------------------------------------------------------------------------


def _key(obj):
    """Pages are keyed by the base Page's content type, so every signal (specific model or base Page) finds them."""
    model = Page if isinstance(obj, Page) else obj._meta.concrete_model
    return ContentType.objects.get_for_model(model), obj.pk


def document_of(obj):
    """The saved document of a page or snippet, if any."""
    content_type, object_id = _key(obj)
    return SearchDocument.objects.filter(content_type=content_type, object_id=object_id).first()


def _specific(obj):
    return obj.specific if isinstance(obj, Page) else obj


def build_document(obj) -> SearchDocument | None:
    """The unsaved document for `obj` (its SearchText in `.text_row`), or None when it must not be found (no
    source, or the source says no)."""
    obj = _specific(obj)
    source = registry.source_for(obj)
    if source is None:
        return None
    data = source.build(obj)
    if data is None:
        return None
    content_type, object_id = _key(obj)
    title = data.title[:255]
    title_norm = normalise(title)[:255]
    body = " ".join(data.body.split())[:MAX_INDEXED_CHARS]
    body_norm = normalise(body)
    document = SearchDocument(
        content_type=content_type,
        object_id=object_id,
        kind=source.kind,
        title=title,
        title_norm=title_norm,
        lead=body_norm[:LEAD_CHARS],
        url=data.url[:500],
        date=data.date,
        ends_at=data.ends_at,
        is_cancelled=data.is_cancelled,
        region=data.region[:100],
        details=data.details,
    )
    document.text_row = SearchText(body=body, lexemes=document_lexemes(title_norm, body_norm, normalise(data.region)))
    return document


def _forget_cached_searches() -> None:
    """Now (for reads in this transaction) and again after commit (a search run by another process while this
    transaction was open cached what it saw then)."""
    bump_index_version()
    transaction.on_commit(bump_index_version)


@transaction.atomic
def index_object(*, obj) -> SearchDocument | None:
    """Add, refresh or (when it must no longer be found) remove the document of one page or snippet."""
    content_type, object_id = _key(obj)
    document = build_document(obj)
    existing = SearchDocument.objects.filter(content_type=content_type, object_id=object_id)
    _forget_cached_searches()
    if document is None:
        existing.delete()
        return None
    document.pk = existing.values_list("pk", flat=True).first()
    document.save(force_insert=document.pk is None, force_update=document.pk is not None)
    text = document.text_row
    text.document = document
    SearchText.objects.update_or_create(document=document, defaults={"body": text.body, "lexemes": text.lexemes})
    return document


def remove_object(*, obj) -> int:
    content_type, object_id = _key(obj)
    deleted, _ = SearchDocument.objects.filter(content_type=content_type, object_id=object_id).delete()
    _forget_cached_searches()
    return deleted


def reindex_page_tree(*, page: Page) -> int:
    """A page and its descendants: after a move, a slug change or a change of view restrictions (their URLs or
    visibility change too). Returns how many documents now exist for the tree."""
    count = 0
    for descendant in Page.objects.descendant_of(page, inclusive=True).specific().iterator():
        if registry.source_for(descendant) is None:
            continue
        if index_object(obj=descendant) is not None:
            count += 1
    return count


def rebuild_index(*, batch_size: int = 500) -> dict[str, int]:
    """Empty the index and build it again from every source. Also re-creates SQLite's FTS triggers if a schema
    change removed them. Returns the number of documents per kind."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        _forget_cached_searches()
        ensure_fulltext_index()
        batch: list[SearchDocument] = []
        for source in registry.sources():
            for obj in source.all_objects():
                try:
                    document = build_document(obj)
                except Exception:
                    logger.exception("search: could not index %s %s", source.model.__name__, obj.pk)
                    continue
                if document is None:
                    continue
                batch.append(document)
                counts[source.kind] = counts.get(source.kind, 0) + 1
                if len(batch) >= batch_size:
                    save_documents(batch)
                    batch = []
        save_documents(batch)
    return counts


def save_documents(documents: list[SearchDocument]) -> None:
    """Insert new documents with their texts (built by build_document or by hand: `.text_row` holds the text)."""
    SearchDocument.objects.bulk_create(documents)
    texts = []
    for document in documents:
        document.text_row.document = document
        texts.append(document.text_row)
    SearchText.objects.bulk_create(texts)
    _forget_cached_searches()
