"""Admin hooks for the home app."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from home import messages as msg
from home.models import CampaignPage


@hooks.register("before_copy_page")
def refuse_copying_campaign_pages(request, page):
    """A copy would carry the same year, which the one-page-per-year rule forbids (and the copy action saves
    without validation): say how to start a new year instead."""
    if isinstance(page.specific, CampaignPage):
        messages.error(request, msg.CAMPAIGN_COPY_REFUSED)
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None
