"""Column and field labels Wagtail 8 derives from attribute names in English (issue 19): its sites listing
titles three columns from their attribute names (「Port」, 「Site name」, 「Root page」) and the page choosers of the
workflow form and the group's page permissions are labelled 「Page」. Give them the model's Japanese verbose names / Wagtail's translated 「Page」.
Applied once from `LmsConfig.ready`; `tests/home/test_admin_japanese.py` renders the screens."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy


def _label_columns_from_the_model(columns, model) -> None:
    for column in columns:
        if column.label == capfirst(column.name.replace("_", " ")):  # Wagtail's label made from the name
            try:
                field = model._meta.get_field(column.name)
            except Exception:  # noqa: BLE001, S112 (a column that is not a field keeps its label)
                continue
            column.label = capfirst(field.verbose_name)


def apply() -> None:
    from wagtail.admin.forms.workflows import WorkflowPageForm
    from wagtail.models import Site
    from wagtail.sites.views import IndexView as SiteIndexView
    from wagtail.users.forms import PagePermissionsForm

    _label_columns_from_the_model(SiteIndexView.columns, Site)
    for form in (WorkflowPageForm, PagePermissionsForm):
        form.base_fields["page"].label = gettext_lazy("Page")
