"""The site's own search index: one SearchDocument per searchable page or snippet (see `search.registry`).

Kept current by signal handlers (publish, unpublish, delete, move, privacy, snippet saves) through
`search.services`; read by `search.selectors.search`. `manage.py rebuild_search_index` rebuilds it from scratch."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Kind

INDEX_VERSION_KEY = "search:index-version"


def index_version() -> int:
    """A number that changes whenever the index changes: part of every cached search's key (search.selectors)."""
    version = cache.get(INDEX_VERSION_KEY)
    if version is None:
        cache.add(INDEX_VERSION_KEY, 1, None)
        version = cache.get(INDEX_VERSION_KEY, 1)
    return version


def bump_index_version() -> None:
    try:
        cache.incr(INDEX_VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value makes every old key unused
        cache.add(INDEX_VERSION_KEY, 2, None)


class LexemesField(models.TextField):
    """The lexemes of a document (space-separated, see `search.analysis.document_lexemes`).

    PostgreSQL stores them as a `tsvector` (the string is a valid tsvector literal: lexemes never contain quotes,
    colons or spaces), searched through a GIN index; SQLite as text, indexed by the FTS5 table `search_fts` that
    triggers keep in step (migration 0002). Never read back: selectors defer it."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def get_placeholder(self, value, compiler, connection):
        return "%s::tsvector" if connection.vendor == "postgresql" else "%s"


class SearchDocument(models.Model):
    """What the search page knows about one page or snippet: enough to rank and show it without loading the object
    itself. Its text (for snippets) and lexemes (for matching) are in `SearchText`."""

    # Only small columns: ranking reads them for every match. The long texts live in SearchText, so the rows
    # ranked stay a few hundred bytes (measured: 3x faster on SQLite with 10,000 documents).
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    date = models.DateTimeField(
        null=True, blank=True, help_text="workshops: start; pages: last published; used to order equal matches"
    )
    ends_at = models.DateTimeField(null=True, blank=True, help_text="workshops only: past ones are hidden by default")
    is_cancelled = models.BooleanField(default=False)
    title = models.CharField(_("タイトル"), max_length=255)
    title_norm = models.CharField(max_length=255, help_text="normalised title (search.analysis.normalise)")
    lead = models.CharField(max_length=80, blank=True, help_text="the body's first characters, normalised")
    url = models.CharField(_("URL"), max_length=500)
    region = models.CharField(_("地域"), max_length=100, blank=True)
    details = models.JSONField(default=dict, blank=True, help_text="kind-specific facts shown with the result")
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("検索インデックスの文書")
        verbose_name_plural = _("検索インデックスの文書")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="search_document_unique_object")
        ]
        indexes = [models.Index(fields=["kind"], name="search_document_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @classmethod
    def for_object(cls, obj) -> models.QuerySet[SearchDocument]:
        """The document of a page (keyed by the base Page's content type, whatever its specific class) or snippet."""
        from wagtail.models import Page

        model = Page if isinstance(obj, Page) else obj._meta.concrete_model
        return cls.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=obj.pk)


class SearchText(models.Model):
    """The long part of a document: its plain text (snippets) and its lexemes (the full-text index)."""

    document = models.OneToOneField(SearchDocument, on_delete=models.CASCADE, primary_key=True, related_name="text")
    body = models.TextField(blank=True, help_text="plain text, for snippets")
    lexemes = LexemesField(default="")

    class Meta:
        verbose_name = _("検索インデックスの本文")
        verbose_name_plural = _("検索インデックスの本文")

    def __str__(self) -> str:
        return str(self.document_id)
