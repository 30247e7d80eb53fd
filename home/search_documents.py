"""What the home app contributes to site search (search.registry): standard pages, the campaign pages and the
consultation windows (snippets, re-indexed when a window or one of its periods changes)."""

from search.enums import Kind
from search.registry import DocumentData, Source, register
from search.services import page_is_public, page_url, text_of

from .models import CampaignIndexPage, CampaignPage, ConsultationPeriod, ConsultationResource, StandardPage

CONSULTATION_URL = "/#consultation-title"  # the home page's list of consultation windows


def standard_page_document(page: StandardPage) -> DocumentData | None:
    if not page_is_public(page):
        return None
    return DocumentData(
        title=page.title, url=page_url(page), body=text_of(page.intro, page.body), date=page.last_published_at
    )


def campaign_index_document(page: CampaignIndexPage) -> DocumentData | None:
    if not page_is_public(page):
        return None
    return DocumentData(title=page.title, url=page_url(page), body=text_of(page.intro), date=page.last_published_at)


def campaign_document(page: CampaignPage) -> DocumentData | None:
    if not page_is_public(page):
        return None
    return DocumentData(
        title=page.title,
        url=page_url(page),
        body=text_of(page.theme, page.summary, page.body),
        date=page.last_published_at,
        details={"period": [page.starts_on.isoformat(), page.ends_on.isoformat()]} if page.starts_on else {},
    )


def consultation_document(resource: ConsultationResource) -> DocumentData:
    """Every window is found, with its contact shown in the result. Time-limited ones (#9999) carry their periods,
    so the result says whether the window is open today."""
    periods = [[p.starts_on.isoformat(), p.ends_on.isoformat()] for p in resource.periods.all()]
    return DocumentData(
        title=resource.name,
        url=resource.url or CONSULTATION_URL,
        body=text_of(resource.contact, resource.hours, resource.audience, resource.description),
        details={
            "contact": resource.contact,
            "hours": resource.hours,
            "always_available": resource.always_available,
            "periods": periods,
        },
    )


register(Source(model=StandardPage, kind=Kind.PAGE, build=standard_page_document))
register(Source(model=CampaignIndexPage, kind=Kind.CAMPAIGN, build=campaign_index_document))
register(Source(model=CampaignPage, kind=Kind.CAMPAIGN, build=campaign_document))
register(
    Source(
        model=ConsultationResource,
        kind=Kind.CONSULTATION,
        build=consultation_document,
        queryset=lambda: ConsultationResource.objects.prefetch_related("periods"),
        parts=((ConsultationPeriod, "resource"),),
    )
)
