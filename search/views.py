"""/search/?q=…&kind=…&page=…&past=1 — parse the request, call the selector, render. Anything typed gives a
normal page (never an error)."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlencode

from django.template.response import TemplateResponse

from . import messages
from .analysis import MAX_QUERY_LENGTH
from .selectors import search


def _for_display(raw: str) -> str:
    """What the visitor typed, as shown back in the search box: without control characters, not overlong."""
    return "".join(c for c in raw if unicodedata.category(c) != "Cc")[:MAX_QUERY_LENGTH].strip()


def search_page(request):
    raw = request.GET.get("q", "")
    include_past = request.GET.get("past") == "1"
    results = search(
        query=raw, kind=request.GET.get("kind", ""), page=request.GET.get("page", 1), include_past=include_past
    )
    shown = _for_display(raw)
    base = {"q": shown, **({"past": "1"} if include_past else {})}
    context = {
        "search_query": shown,
        "base_query": urlencode(base),
        "page_query": urlencode({**base, **({"kind": results.kind} if results.kind else {})}),
        "searched": "q" in request.GET,
        "search": results,
        "empty_message": messages.NO_SEARCHABLE_TEXT if shown else messages.EMPTY_QUERY,
        "no_results_message": messages.NO_RESULTS % {"query": shown},
    }
    response = TemplateResponse(request, "search/search_page.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
