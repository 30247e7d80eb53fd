from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


class CertificatesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW_PERMISSION)


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("", admin_views.index, name="index"),
        path("<int:pk>/", admin_views.detail, name="detail"),
        path("<int:pk>/reissue/", admin_views.reissue, name="reissue"),
    ]
    return [path("certificates/", include((urls, "certificates_admin"), namespace="certificates_admin"))]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return CertificatesMenuItem("修了証", reverse("certificates_admin:index"), icon_name="doc-full", order=450)


@hooks.register("course_complete_section")
def certificate_on_completion(request, course):
    """The completion page offers the certificate at once: PDF, card and verification link (rendered on demand if
    the background render has not finished)."""
    from .mypage import completion_certificate

    return completion_certificate(request, course)
