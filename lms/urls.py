from allauth.mfa.totp import views as allauth_totp_views
from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from certificates.api import api as certificates_api
from events.views import paper_verify
from home import views as home_views
from lms import views
from lms.accounts.mfa import enrolment_required
from lms.accounts.views import SignupView
from lms.admin_views import WorkflowActionWithMessage


class AllauthLoginRedirect(RedirectView):
    """Wagtail's own login views (the admin's and the front end's /_util/login/) bypass allauth (MFA, rate limits,
    e-mail verification): both answer with a redirect to allauth's login, keeping ?next=. Every route that can sign
    someone in or set a password is listed and tested in tests/accounts/test_login_routes.py."""

    pattern_name = "account_login"
    query_string = True
    http_method_names = ["get", "head", "post"]

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)


AdminLoginRedirect = AllauthLoginRedirect


urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/login/", AllauthLoginRedirect.as_view(), name="wagtailadmin_login_redirect"),
    path("_util/login/", AllauthLoginRedirect.as_view(), name="wagtailcore_login_redirect"),
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
    # A first TOTP device needs the e-mailed one-time link, not only the password (lms/accounts/mfa.py).
    path("accounts/2fa/totp/activate/", enrolment_required(allauth_totp_views.activate_totp), name="mfa_activate_totp"),
    path("accounts/", include("allauth.urls")),
    path("mypage/", include("lms.accounts.urls")),
    path("regions/", include("lms.regions.urls")),
    path("api/v1/", certificates_api.urls),
    # A paper participant's printed 修了証 (events/paper_certificates.py); /verify/ sends its numbers here.
    path("verify/paper/<str:number>/", paper_verify.verify, name="paper_verify"),
    path("verify/paper/<str:number>/name-check/", paper_verify.name_check, name="paper_verify_name_check"),
    path("", include("certificates.urls")),
    path("trainer/", include("events.urls")),
    path("c/", include("events.short_urls")),
    path("search/", include("search.urls")),
    path("contact/", home_views.contact, name="contact"),
    path("accessibility/", home_views.accessibility, name="accessibility"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.svg", permanent=True)),
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
