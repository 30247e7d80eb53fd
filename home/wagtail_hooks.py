"""Admin hooks for the home app."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.ui.components import Component

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


class ConsultationSeasonPanel(Component):
    """The admin dashboard's warning: time-limited windows (the #9999 dial) with no period entered for their next
    season. Without one the site keeps saying when the dial runs (never "closed"), but never 受付中 either."""

    name = "consultation_season"
    order = 50
    template_name = "home/admin/consultation_season_panel.html"

    def __init__(self, resources):
        self.resources = resources

    def get_context_data(self, parent_context=None):
        return {
            "warnings": [msg.SEASON_PERIOD_MISSING % {"name": r.name} for r in self.resources],
            "resources": self.resources,
        }


@hooks.register("construct_homepage_panels")
def add_consultation_season_panel(request, panels):
    from django.utils import timezone

    from home.selectors import windows_missing_next_season

    if not request.user.has_perm("home.change_consultationresource"):
        return
    missing = windows_missing_next_season(on=timezone.localdate())
    if missing:
        panels.append(ConsultationSeasonPanel(missing))
