from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from certificates.api import api as certificates_api
from home import views as home_views
from lms import views
from lms.accounts.views import SignupView
from lms.admin_views import WorkflowActionWithMessage


class AdminLoginRedirect(RedirectView):
    """Wagtail's own login view bypasses allauth (MFA, rate limits, e-mail verification): send it to allauth."""

    pattern_name = "account_login"
    query_string = True


urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/login/", AdminLoginRedirect.as_view(), name="wagtailadmin_login_redirect"),
    # Wagtail's workflow action (approve / request changes from the dashboard), with a message naming the go-live
    # time; same path and behaviour otherwise (lms/admin_views.py).
    path(
        "admin/pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        WorkflowActionWithMessage.as_view(),
        name="workflow_action_with_message",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/signup/", SignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("mypage/", include("lms.accounts.urls")),
    path("regions/", include("lms.regions.urls")),
    path("api/v1/", certificates_api.urls),
    path("", include("certificates.urls")),
    path("trainer/", include("events.urls")),
    path("c/", include("events.short_urls")),
    path("search/", include("search.urls")),
    path("contact/", home_views.contact, name="contact"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's private-page password form, rate-limited per client (before wagtail_urls, which has the same path).
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        views.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    # Everything else is a Wagtail page; this must stay last.
    path("", include(wagtail_urls)),
]

handler403 = "lms.views.permission_denied"
handler404 = "lms.views.page_not_found"
handler500 = "lms.views.server_error"
