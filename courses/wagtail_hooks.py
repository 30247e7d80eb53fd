from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .models import ModulePage


class ItemAnalysisMenuItem(MenuItem):
    def is_shown(self, request):
        module = ModulePage.objects.order_by("path").first()
        return module is not None and admin_views.can_analyse(request.user, module)


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("", admin_views.index, name="index"),
        path("<int:pk>/", admin_views.detail, name="detail"),
    ]
    return [
        path(
            "course-item-analysis/", include((urls, "course_item_analysis"), namespace="course_item_analysis")
        )
    ]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return ItemAnalysisMenuItem(
        "確認問題の分析", reverse("course_item_analysis:index"), icon_name="table", order=460
    )
