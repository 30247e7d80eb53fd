"""What workshops contribute to site search (search.registry): the listing page and every public workshop, with
its dates (upcoming first; past and cancelled ones only on request), place and organiser."""

from search.enums import Kind
from search.registry import DocumentData, Source, register
from search.services import page_is_public, page_url, text_of

from .enums import WorkshopStatus
from .models import WorkshopIndexPage, WorkshopPage


def workshop_index_document(page: WorkshopIndexPage) -> DocumentData | None:
    if not page_is_public(page):
        return None
    return DocumentData(title=page.title, url=page_url(page), body=text_of(page.intro), date=page.last_published_at)


def workshop_document(page: WorkshopPage) -> DocumentData | None:
    if not page_is_public(page):
        return None
    municipality = page.municipality
    region = municipality.full_name if municipality else ""
    return DocumentData(
        title=page.title,
        url=page_url(page),
        body=text_of(
            page.description,
            page.get_format_display(),
            page.venue_name,
            page.venue_address,
            page.audience,
            page.organiser,
            page.trainer_name,
        ),
        date=page.starts_at,
        ends_at=page.ends_at,
        is_cancelled=page.status == WorkshopStatus.CANCELLED,
        region=region,
        details={"format": page.get_format_display(), "venue": page.venue_name},
    )


register(Source(model=WorkshopIndexPage, kind=Kind.WORKSHOP, build=workshop_index_document))
register(
    Source(
        model=WorkshopPage,
        kind=Kind.WORKSHOP,
        build=workshop_document,
        queryset=lambda: WorkshopPage.objects.select_related("municipality__prefecture"),
    )
)
