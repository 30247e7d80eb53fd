"""Template tags shared by every page: the consultation windows in the site footer."""

from django import template
from django.utils import timezone

from home.selectors import consultation_statuses, footer_consultation_statuses

register = template.Library()


@register.inclusion_tag("home/includes/footer_consultation.html", takes_context=True)
def consultation_footer(context):
    """Every consultation window, compact, with "受付中" only on those open today (Asia/Tokyo). Left out on pages
    that already show them in full (the home page sets `consultation_in_page`)."""
    if context.get("consultation_in_page"):
        return {"statuses": []}
    return {"statuses": footer_consultation_statuses(on=timezone.localdate())}


@register.simple_tag
def resource_statuses(resources):
    """Statuses today (Asia/Tokyo) of the windows chosen in a page's consultation block, in the editor's order."""
    return consultation_statuses(on=timezone.localdate(), resources=resources)


OPERATOR_FOOTER_CACHE_KEY = "home:operator-footer"


@register.simple_tag
def operator_footer():
    """The operator's name and address for the footer of every page, cached (cleared when the setting is saved,
    home.apps) so the footer adds no query to each page."""
    from django.core.cache import cache

    cached = cache.get(OPERATOR_FOOTER_CACHE_KEY)
    if cached is None:
        from home.services import get_operator_settings

        operator = get_operator_settings()
        cached = {"operator_name": operator.operator_name, "postal_address": operator.postal_address}
        cache.set(OPERATOR_FOOTER_CACHE_KEY, cached, 3600)
    return cached
