"""Japanese labels for what Wagtail's admin shows from English stored in the database (issue 19).

Django stores permission names in English when a model's permissions are created (「Can add page」, 「Can change
search promotion」 — with the model's English name of that moment), and Wagtail's group screen prints them as they
are. `permission_label` names a permission from its code and the model's current (Japanese) verbose name instead,
so a new model needs no translation: 「団体の追加」, and Wagtail's own labels for the page permissions
(「ページを公開」)."""

from __future__ import annotations

from django import template
from django.contrib.auth import get_permission_codename
from django.utils.text import capfirst
from django.utils.translation import gettext

register = template.Library()

ACTIONS = {"add": "追加", "change": "変更", "delete": "削除", "view": "閲覧", "choose": "選択", "publish": "公開",
           "lock": "ロック", "unlock": "ロック解除", "bulk_delete": "一括削除"}


def _page_labels() -> dict[str, str]:
    from wagtail.models import Page

    return {codename: str(long_label) for codename, _short, long_label in Page.permission_types}


@register.filter
def permission_label(permission) -> str:
    """A Permission (or the value of a permission checkbox) named in Japanese."""
    permission = getattr(permission, "instance", permission)
    page_labels = _page_labels()
    if permission.content_type.app_label == "wagtailcore" and permission.codename in page_labels:
        return page_labels[permission.codename]
    model = permission.content_type.model_class()
    if model is not None:
        for action, word in ACTIONS.items():
            if permission.codename == get_permission_codename(action, model._meta):
                return f"{capfirst(model._meta.verbose_name)}の{word}"
    # A custom permission: Wagtail's catalogue translates the short form it shows in the row of its model
    # (「Can choose」 for choose_image), ours or theirs may translate the full name.
    from wagtail.users.templatetags.wagtailusers_tags import normalize_permission_label

    short = normalize_permission_label(permission)
    return gettext(short) if gettext(short) != short else gettext(permission.name)
