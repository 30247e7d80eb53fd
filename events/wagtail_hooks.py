"""Admin integration: trainers see only their regions' workshops in every admin page listing (the access policy's
`admin_hidden_page_ids`, applied through Wagtail's page permission policy and the explorer / chooser hooks), and a
menu item to the trainer console."""

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import AbstractPage
from wagtail.permissions import register_permission_policy

from lms.accounts.enums import Role
from lms.accounts.policy import admin_hidden_page_ids, has_role

from .permissions import RegionalPagePermissionPolicy

# Before anything asks the registry (Wagtail's advice: at the top of wagtail_hooks.py).
register_permission_policy(AbstractPage, RegionalPagePermissionPolicy())


def _without_hidden(pages, request):
    hidden = admin_hidden_page_ids(request.user)
    return pages if hidden is None else pages.exclude(pk__in=hidden)


@hooks.register("construct_explorer_page_queryset")
def hide_other_regions_workshops(parent_page, pages, request):
    """Trainers do not see other regions' workshops in the explorer (editing them is refused anyway)."""
    return _without_hidden(pages, request)


@hooks.register("construct_page_chooser_queryset")
def hide_other_regions_workshops_in_chooser(pages, request):
    return _without_hidden(pages, request)


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
