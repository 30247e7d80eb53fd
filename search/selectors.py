"""Reads for the search page: matching, ranking, counts per kind, pagination and editors' promotions.

Ranking happens in one SQL ORDER BY whose every part is computed the same way on SQLite and PostgreSQL, so both
give the same order (ties broken by id):

1. more query terms found (a query of several words);
2. more terms found in the title (a title hit beats a body hit), then in the first 80 characters of the body
   (a module's summary, a page's introduction);
3. what is current first: past workshops after current ones, cancelled ones last (both only on request);
4. the kind (course, consultation windows, pages, campaign, workshops: see `enums.Kind`);
5. upcoming workshops soonest first; everything else most recently published first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from functools import reduce
from operator import add

from django.core.cache import cache
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from . import messages
from .analysis import MAX_QUERY_LENGTH, MAX_TERMS, ParsedQuery, normalise, parse_query
from .enums import KIND_ORDER, Kind
from .fulltext import matches
from .highlight import highlight, snippet
from .models import SearchDocument, SearchText, index_version

logger = logging.getLogger(__name__)
PER_PAGE = 10
CACHE_SECONDS = 60
_LIST_FIELDS = ("id", "kind", "title", "url", "date", "ends_at", "is_cancelled", "region", "details")


@dataclass
class KindCount:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Result:
    document: SearchDocument
    title_html: str
    snippet_html: str
    status: str = ""  # e.g. 終了 / 中止 / 受付中 / 期間限定

    @property
    def kind_label(self) -> str:
        return Kind(self.document.kind).label


@dataclass
class Promotion:
    title: str
    url: str
    description: str
    is_external: bool


@dataclass
class SearchResults:
    query: ParsedQuery
    kind: str = ""
    include_past: bool = False
    total: int = 0
    counts: list[KindCount] = field(default_factory=list)
    page: PaginatorPage | None = None
    results: list[Result] = field(default_factory=list)
    promotions: list[Promotion] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    failed: bool = False

    @property
    def all_count(self) -> int:
        return sum(c.count for c in self.counts)


class _CountedPaginator(Paginator):
    """A Paginator told its count (known from the per-kind counts), so it does not count again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def _page_number(raw) -> int:
    try:
        number = int(str(raw))
    except (TypeError, ValueError):
        return 1
    return number if number >= 1 else 1


def ranked_documents(parsed: ParsedQuery, *, kind: str = "", include_past: bool = False, now=None):
    """The matching documents, best first, as a QuerySet (nothing is fetched until it is sliced)."""
    now = now or timezone.now()
    terms = parsed.terms
    qs = SearchDocument.objects.filter(matches(terms))
    if not include_past:
        qs = qs.exclude(Q(kind=Kind.WORKSHOP, ends_at__lt=now) | Q(is_cancelled=True))
    if kind:
        qs = qs.filter(kind=kind)

    def title_has(term) -> Q:
        return reduce(lambda a, b: a & b, (Q(title_norm__contains=piece) for piece in term.pieces))

    title_hits = reduce(
        add, (Case(When(title_has(t), then=Value(1)), default=Value(0), output_field=IntegerField()) for t in terms)
    )
    lead_hits = reduce(
        add,
        (
            Case(When(lead__contains=t.pieces[0], then=Value(1)), default=Value(0), output_field=IntegerField())
            for t in terms
        ),
    )
    annotations = {"title_hits": title_hits, "lead_hits": lead_hits}
    ordering = ["-title_hits", "-lead_hits"]
    if len(terms) > 1:
        annotations["terms_hit"] = reduce(
            add,
            (
                Case(When(matches([t]), then=Value(1)), default=Value(0), output_field=IntegerField())
                for t in terms
            ),
        )
        ordering.insert(0, "-terms_hit")
    annotations["currency"] = Case(
        When(is_cancelled=True, then=Value(2)),
        When(kind=Kind.WORKSHOP, ends_at__lt=now, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    annotations["kind_rank"] = Case(
        *(When(kind=k, then=Value(position)) for k, position in KIND_ORDER.items()),
        default=Value(len(KIND_ORDER)),
        output_field=IntegerField(),
    )
    annotations["upcoming_start"] = Case(
        When(kind=Kind.WORKSHOP, is_cancelled=False, ends_at__gte=now, then=F("date")), default=None
    )
    ordering += [
        "currency",
        "kind_rank",
        F("upcoming_start").asc(nulls_last=True),
        F("date").desc(nulls_last=True),
        "id",
    ]
    return qs.annotate(**annotations).order_by(*ordering)


def kind_counts(parsed: ParsedQuery, *, include_past: bool = False, now=None) -> dict[str, int]:
    """How many documents of each kind match. The same for every page and filter of a query, so kept for a minute;
    any change to the index makes a new key at once (`index_version`): an unpublished page is never counted."""
    now = now or timezone.now()
    key = "search:counts:{version}:{past:d}:{minute}:{terms}".format(  # noqa: UP032  (long key, one field a line)
        version=index_version(),
        past=include_past,
        minute=int(now.timestamp() // 60),
        terms=hashlib.sha256(repr([t.lexemes for t in parsed.terms]).encode()).hexdigest(),
    )
    counts = cache.get(key)
    if counts is None:
        qs = SearchDocument.objects.filter(matches(parsed.terms))
        if not include_past:
            qs = qs.exclude(Q(kind=Kind.WORKSHOP, ends_at__lt=now) | Q(is_cancelled=True))
        counts = dict(qs.order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
        cache.set(key, counts, CACHE_SECONDS)
    return counts


def promotions_for(parsed: ParsedQuery) -> list[Promotion]:
    """Editors' picks for this query. Wagtail stores the query only lower-cased, so both sides are compared in our
    normalised form (ＤＶ, dv and DV are one query; so are 相談 with a full-width space and without)."""
    if not parsed.text:
        return []
    query_ids = [
        query_id
        for query_id, query_string in Query.objects.filter(editors_picks__isnull=False)
        .distinct()
        .values_list("id", "query_string")
        if normalise(query_string) == parsed.text
    ]
    if not query_ids:
        return []
    promotions = []
    for pick in SearchPromotion.objects.filter(query_id__in=query_ids).select_related("page").order_by(
        "sort_order", "id"
    ):
        if pick.page_id:
            page = pick.page
            if not page.live or page.get_view_restrictions().exists():
                continue
            promotions.append(
                Promotion(title=page.title, url=page.get_url() or page.url_path, description=pick.description,
                          is_external=False)
            )
        elif pick.external_link_url:
            promotions.append(
                Promotion(
                    title=pick.external_link_text or pick.external_link_url,
                    url=pick.external_link_url,
                    description=pick.description,
                    is_external=True,
                )
            )
    return promotions


def _status(document: SearchDocument, now: dt.datetime) -> str:
    if document.kind == Kind.WORKSHOP and document.ends_at:
        if document.is_cancelled:
            return str(messages.STATUS_CANCELLED)
        if document.ends_at < now:
            return str(messages.STATUS_ENDED)
    if document.kind == Kind.CONSULTATION and not document.details.get("always_available", True):
        today = timezone.localtime(now).date().isoformat()
        if any(start <= today <= end for start, end in document.details.get("periods", [])):
            return str(messages.STATUS_OPEN_NOW)
        return str(messages.STATUS_TIME_LIMITED)
    return ""


def search(*, query: str | None, kind: str = "", page: object = 1, include_past: bool = False, now=None) -> SearchResults:
    """Everything the search page shows. Never raises for anything a visitor can type."""
    now = now or timezone.now()
    parsed = parse_query(query)
    kind = kind if kind in Kind.values else ""
    results = SearchResults(query=parsed, kind=kind, include_past=include_past)
    if parsed.truncated:
        results.notices.append(messages.QUERY_TRUNCATED % {"max": MAX_QUERY_LENGTH})
    if parsed.too_many_terms:
        results.notices.append(messages.TOO_MANY_TERMS % {"max": MAX_TERMS})
    if parsed.is_empty:
        return results
    try:
        counts = kind_counts(parsed, include_past=include_past, now=now)
        results.counts = [
            KindCount(value=k.value, label=k.label, count=counts.get(k.value, 0), selected=k.value == kind)
            for k in Kind
        ]
        results.total = counts.get(kind, 0) if kind else sum(counts.values())
        documents = ranked_documents(parsed, kind=kind, include_past=include_past, now=now).only(*_LIST_FIELDS)
        paginator = _CountedPaginator(documents, PER_PAGE, count=results.total)
        number = _page_number(page)
        if number > paginator.num_pages:
            number = 1
        results.page = paginator.page(number)
        pieces = [piece for term in parsed.terms for piece in term.pieces]
        documents_on_page = list(results.page.object_list)
        bodies = dict(
            SearchText.objects.filter(document_id__in=[d.pk for d in documents_on_page]).values_list(
                "document_id", "body"
            )
        )
        results.results = [
            Result(
                document=document,
                title_html=highlight(document.title, pieces),
                snippet_html=snippet(bodies.get(document.pk, ""), pieces),
                status=_status(document, now),
            )
            for document in documents_on_page
        ]
        if number == 1 and not kind:
            results.promotions = promotions_for(parsed)
    except DatabaseError:
        # Defence in depth: queries reach SQL only as quoted lexemes, but a visitor must never see an error page.
        logger.exception("search failed for a query of %d characters", len(parsed.text))
        results.failed = True
        results.notices.append(messages.SEARCH_FAILED)
    return results
