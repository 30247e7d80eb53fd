"""Admin integration: trainers see only their regions' workshops in the page explorer, and a menu item to the
trainer console."""

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.accounts.enums import Role
from lms.accounts.scoping import has_role

from .models import WorkshopPage
from .permissions import is_workshop_editor, manageable_workshops


@hooks.register("construct_explorer_page_queryset")
def hide_other_regions_workshops(parent_page, pages, request):
    """Trainers do not see other regions' workshops in the explorer (editing them is refused anyway)."""
    user = request.user
    if is_workshop_editor(user):
        return pages
    allowed = manageable_workshops(user, WorkshopPage.objects.all()).values("pk")
    hidden = WorkshopPage.objects.exclude(pk__in=allowed).values("pk")
    return pages.exclude(pk__in=hidden)


class TrainerConsoleMenuItem(MenuItem):
    def is_shown(self, request):
        return has_role(request.user, Role.TRAINER)


@hooks.register("register_admin_menu_item")
def register_trainer_console_menu_item():
    return TrainerConsoleMenuItem("講師コンソール（名簿・出席・修了証）", reverse("events_trainer:index"), icon_name="group", order=150)


@hooks.register("insert_editor_js")
def name_rich_text_editors():
    """Give Draftail's editable area its field's label (Wagtail leaves it unnamed: an axe 'serious' violation)."""
    return format_html('<script src="{}" defer></script>', static("events/admin_a11y.js"))
