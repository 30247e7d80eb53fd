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

    def __init__(self, resources, *, can_edit: bool):
        self.resources = resources
        self.can_edit = can_edit

    def get_context_data(self, parent_context=None):
        return {
            "warnings": [msg.SEASON_PERIOD_MISSING % {"name": r.name} for r in self.resources],
            "resources": self.resources,
            "can_edit": self.can_edit,
        }


@hooks.register("construct_homepage_panels")
def add_consultation_season_panel(request, panels):
    from django.utils import timezone

    from home.selectors import windows_missing_next_season

    missing = windows_missing_next_season(on=timezone.localdate())
    if missing:  # every editor sees it; those who may change the windows (moderators) get the links
        panels.append(
            ConsultationSeasonPanel(missing, can_edit=request.user.has_perm("home.change_consultationresource"))
        )


# --- お問い合わせ: the messages sent through the form, for the operator's staff ------------------------------------

from wagtail.snippets.models import register_snippet  # noqa: E402  (kept next to the viewset it registers)
from wagtail.snippets.views.snippets import SnippetViewSet  # noqa: E402

from home.models import ContactMessage  # noqa: E402


class ContactMessageViewSet(SnippetViewSet):
    """Staff with the お問い合わせ permissions read the messages and mark them 対応済み."""

    model = ContactMessage
    icon = "mail"
    menu_label = "お問い合わせ"
    menu_order = 900
    add_to_admin_menu = True
    list_display = ["__str__", "category", "status", "emailed_at"]
    list_filter = ["status", "category"]
    search_fields = ["message", "email", "name"]


register_snippet(ContactMessageViewSet)
