"""Project-wide request guards that belong to no single app.

`OutOfRangeIdMiddleware`: an `<int:…>` URL parameter beyond what a database id can hold (signed 64 bits) names no
row, so the request gets a 404 before any view runs. Without it, a 2**63 in a trainer-console URL reached SQLite as
a Python int it cannot bind (OverflowError → 500), and some Wagtail admin views answered 200/302 for it."""

from __future__ import annotations

from django.http import Http404

from lms.ids import is_database_id


class OutOfRangeIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and not is_database_id(value):
                raise Http404
        return None
