from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_forms import RoleAssignmentForm
from .models import Organisation, RoleAssignment


class RoleAssignmentViewSet(ModelViewSet):
    """Administrators grant trainers, regional officers and employer admins their scope here."""

    model = RoleAssignment
    icon = "key"
    menu_label = "役割の割り当て"
    list_display = [
        Column("user", label="利用者"),
        Column("role", label="役割", accessor="get_role_display"),
        Column("scope_label", label="担当範囲"),
        DateColumn("granted_at", label="付与日時"),
    ]
    list_filter = ["role", "is_national", "prefecture"]
    search_fields = ["user__email"]
    edit_handler = ObjectList(
        [
            FieldPanel("user_email"),
            FieldPanel("role"),
            FieldPanel("is_national"),
            FieldPanel("prefecture"),
            FieldPanel("municipality"),
            FieldPanel("organisation"),
        ],
        base_form_class=RoleAssignmentForm,
    )
    copy_view_enabled = False


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = "団体"
    list_display = ["name", "kind", "prefecture"]
    search_fields = ["name"]
    form_fields = ["name", "kind", "prefecture"]
    copy_view_enabled = False


class AccountsViewSetGroup(ViewSetGroup):
    menu_label = "アカウントと役割"
    menu_icon = "user"
    menu_order = 900
    items = (RoleAssignmentViewSet, OrganisationViewSet)


@hooks.register("register_admin_viewset")
def register_viewset():
    return AccountsViewSetGroup()
