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
