"""「地域別レポート」 under the admin's Reports menu, shown only to regional officers and superusers (the views check
the role and the region's scope again: a menu item is not a permission)."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.accounts.enums import Role
from lms.accounts.policy import has_role

from . import urls


class RegionReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return has_role(request.user, Role.OFFICER)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("reports/regions/", include(urls, namespace="reports_regions"))]


@hooks.register("register_reports_menu_item")
def register_region_reports_menu_item():
    return RegionReportsMenuItem(
        "地域別レポート", reverse("reports_regions:index"), name="region-reports", icon_name="site", order=50
    )
