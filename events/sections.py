"""Workshop sections on pages of the home app (registered in EventsConfig.ready through home.sections):

- the home page: the next workshops, the signed-in learner's municipality and prefecture first;
- each campaign (strengthening-month) page: every workshop in its period, by prefecture, with a grid of the 47
  prefectures."""

from __future__ import annotations

from urllib.parse import urlencode

from . import selectors

HOME_LIMIT = 4


def _index_url() -> str:
    from .models import WorkshopIndexPage

    index = WorkshopIndexPage.objects.live().order_by("path").first()
    return index.url if index else "/workshops/"


def upcoming_workshops_section(request, page):
    near = selectors.learner_municipality(request.user)
    workshops = list(selectors.listing(near=near)[:HOME_LIMIT])
    if not workshops:
        return None
    return (
        "events/sections/home_upcoming.html",
        {"workshops": workshops, "near": near, "index_url": _index_url()},
    )


def campaign_workshops_section(request, page):
    start, end = getattr(page, "starts_on", None), getattr(page, "ends_on", None)
    if not start or not end:
        return None
    groups, grid = selectors.workshops_by_prefecture(start=start, end=end)
    months = sorted({(start.year, start.month), (end.year, end.month)})
    index_url = _index_url()
    return (
        "events/sections/campaign_workshops.html",
        {
            "groups": groups,
            "grid": grid,
            "total": sum(len(group.workshops) for group in groups),
            "start": start,
            "end": end,
            "list_url": f"{index_url}?{urlencode({'month': f'{months[0][0]:04d}-{months[0][1]:02d}'})}",
        },
    )
