"""Site search (issue 7) over 10,000 indexed documents: the median server time of the search page (match, count
per kind, rank, one page of results with snippets) for common queries, on the current database, with the
per-query counts computed afresh for every request (cold).

The documents are synthetic Japanese pages made of sentences from the seeded course, campaign and standard pages
(bulk-inserted into the index table, as `rebuild_search_index` does), on top of the real seeded pages. Most are
short like workshop descriptions; some are as long as a module. Also: the time to rebuild the whole index and
to publish one page (index update included)."""

from __future__ import annotations

import datetime as dt
import random
import re
import statistics
import time
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Page

from courses.seeding import seed_course
from home.services import seed_site
from search.analysis import LEAD_CHARS, document_lexemes, normalise
from search.enums import Kind
from search.models import SearchDocument, SearchText, bump_index_version
from search.selectors import search
from search.services import build_document, rebuild_index, save_documents

DOCUMENTS = 10_000
QUERIES = {"sodan": "相談", "koritsu": "孤立", "tsunagari": "つながり", "9999": "9999", "one_char": "孤"}
KINDS = [Kind.WORKSHOP] * 7 + [Kind.PAGE, Kind.CAMPAIGN, Kind.COURSE]


def _sentences() -> list[str]:
    text = " ".join(
        SearchText.objects.exclude(document__kind=Kind.CONSULTATION).values_list("body", flat=True)
    )
    return [s.strip() + "。" for s in re.split(r"[。\n]", text) if len(s.strip()) > 8]


def _synthetic_documents(count: int) -> list[SearchDocument]:
    rng = random.Random(7)
    sentences = _sentences()
    content_type = ContentType.objects.get_for_model(Page)
    now = timezone.now()
    documents = []
    for n in range(count):
        kind = rng.choice(KINDS)
        length = rng.choice([2, 3, 4, 6, 8, 12, 40])
        body = "".join(rng.choice(sentences) for _ in range(length))
        title = rng.choice(sentences)[:30].rstrip("。") + f"（{n}）"
        starts = now + dt.timedelta(days=rng.randint(-200, 200), hours=rng.randint(9, 18))
        title_norm = normalise(title)[:255]
        document = SearchDocument(
            content_type=content_type,
            object_id=10**9 + n,
            kind=kind,
            title=title,
            title_norm=title_norm,
            url=f"/bench/{n}/",
            date=starts,
            ends_at=starts + dt.timedelta(hours=2) if kind == Kind.WORKSHOP else None,
            lead=normalise(body)[:LEAD_CHARS],
        )
        document.text_row = SearchText(body=body, lexemes=document_lexemes(title_norm, normalise(body)))
        documents.append(document)
    return documents


def run(ctx) -> dict:
    seed_site()
    seed_course()
    figures: dict = {}

    t0 = time.perf_counter()
    rebuild_index()
    figures["search_rebuild_seeded_site_ms"] = round((time.perf_counter() - t0) * 1000, 1)

    documents = _synthetic_documents(DOCUMENTS)
    t0 = time.perf_counter()
    for start in range(0, len(documents), 500):
        save_documents(documents[start : start + 500])
    figures["search_bulk_index_10k_s"] = round(time.perf_counter() - t0, 2)
    figures["search_documents"] = SearchDocument.objects.count()

    client = ctx.client()
    medians = []
    for label, query in QUERIES.items():
        # Cold: the index version is bumped before every request, so the per-query counts are computed again.
        measured = ctx.measure(client, "GET", "/search/?" + urlencode({"q": query}), repeat=15, before=bump_index_version)
        figures.update(measured.as_dict(f"search_10k_{label}"))
        figures[f"search_10k_{label}_results"] = search(query=query).total
        medians.append(measured.median_ms)
    figures["search_10k_median_of_queries_ms"] = round(statistics.median(medians), 2)
    # Warm: a visitor paging through the workshops of a query (counts already known).
    filtered = ctx.measure(client, "GET", "/search/?" + urlencode({"q": "相談", "kind": "workshop", "page": 3}), repeat=15)
    figures.update(filtered.as_dict("search_10k_sodan_workshops_page3_warm"))
    two_terms = ctx.measure(
        client, "GET", "/search/?" + urlencode({"q": "孤立 相談"}), repeat=15, before=bump_index_version
    )
    figures.update(two_terms.as_dict("search_10k_two_terms"))

    page = Page.objects.get(slug="about").specific
    t0 = time.perf_counter()
    for _ in range(5):
        build_document(page)
    figures["search_build_document_about_page_ms"] = round((time.perf_counter() - t0) * 1000 / 5, 2)
    return figures
