"""Every way in goes through allauth (docs/access-policy.md, "Staff sessions"; issue 13 item 1).

The URL resolver is walked: every route that can sign someone in or set a password must be listed in LOGIN_ROUTES
with what it does, and a new one fails the suite until it is. Then each listed route gets a POST with a staff
member's e-mail and password (in every field name a login or password form uses): none may yield a signed-in
session. On the code before issue 13, Wagtail's /_util/login/ signed the staff member in (password only, no TOTP)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import views as django_auth_views
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from lms.accounts.enums import Role
from lms.accounts.services import assign_role
from tests.accounts.factories import UserFactory
from tests.conftest import give_totp

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's

ALLAUTH = "allauth"  # allauth's own flow (its MFA stage, rate limits, e-mail verification)
REDIRECT = "redirect"  # answers with a redirect to allauth's login
NOT_FOUND = "404"  # switched off: answers 404
NOT_A_LOGIN = "not a login"  # a page's or document's shared password: never signs a user in

# route (as the resolver spells it) -> (what it does, why)
LOGIN_ROUTES: dict[str, tuple[str, str]] = {
    "admin/login/": (REDIRECT, "Wagtail's admin login; lms/urls.py sends it to /accounts/login/"),
    "_util/login/": (REDIRECT, "Wagtail's front-end login for private pages; lms/urls.py sends it to /accounts/login/"),
    "admin/password_reset/": (NOT_FOUND, "Wagtail's admin password reset (WAGTAIL_PASSWORD_RESET_ENABLED=False)"),
    "admin/password_reset/done/": (NOT_FOUND, "idem"),
    "admin/password_reset/confirm/<uidb64>/<token>/": (NOT_FOUND, "idem; would set a password"),
    "admin/password_reset/complete/": (NOT_FOUND, "idem"),
    "admin/account/": (
        NOT_A_LOGIN,
        "Wagtail's account page: staff only (MFA session); its password tab is off "
        "(WAGTAIL_PASSWORD_MANAGEMENT_ENABLED=False)",
    ),
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": (
        NOT_A_LOGIN,
        "a page's shared password (Wagtail view restriction): opens that page only",
    ),
    "documents/authenticate_with_password/<int:restriction_id>/": (
        NOT_A_LOGIN,
        "a document collection's shared password: opens those documents only",
    ),
    "accounts/login/": (ALLAUTH, "allauth login: password, then the TOTP step for anyone with a device"),
    "accounts/login/code/confirm/": (ALLAUTH, "allauth login by code (not enabled: nothing to confirm)"),
    "accounts/signup/": (ALLAUTH, "allauth sign-up (lms.accounts.views.SignupView); signs in only after e-mail confirmation"),
    "accounts/3rdparty/signup/": (ALLAUTH, "allauth social sign-up (no providers configured)"),
    "accounts/social/signup/": (REDIRECT, "allauth's old alias of the social sign-up"),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": (ALLAUTH, "e-mail confirmation; signs in through allauth's login stages"),
    "accounts/reauthenticate/": (ALLAUTH, "allauth re-authentication of a signed-in user"),
    "accounts/reauthenticate/code/": (ALLAUTH, "idem, by code"),
    "accounts/reauthenticate/code/confirm/": (ALLAUTH, "idem, by code"),
    "accounts/2fa/authenticate/": (ALLAUTH, "allauth's TOTP step of a login"),
    "accounts/2fa/reauthenticate/": (ALLAUTH, "allauth's TOTP step of a signed-in session (the staff-session step)"),
    "accounts/password/change/": (ALLAUTH, "allauth password change (signed-in users)"),
    "accounts/password/set/": (ALLAUTH, "allauth password set (signed-in users)"),
    "accounts/password/reset/": (ALLAUTH, "allauth password reset request"),
    "accounts/password/reset/done/": (ALLAUTH, "idem"),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (ALLAUTH, "allauth reset by key; does not sign in"),
    "accounts/password/reset/key/done/": (ALLAUTH, "idem"),
    "accounts/confirm-email/": (ALLAUTH, "allauth: 'we sent you a confirmation e-mail'"),
    "accounts/3rdparty/login/cancelled/": (ALLAUTH, "allauth social login pages (no providers configured)"),
    "accounts/3rdparty/login/error/": (ALLAUTH, "idem"),
    "accounts/social/login/cancelled/": (REDIRECT, "allauth's old alias"),
    "accounts/social/login/error/": (REDIRECT, "allauth's old alias"),
    # Second-factor management of a signed-in user (not a login; listed because it decides who can pass the TOTP step)
    "accounts/2fa/": (ALLAUTH, "allauth: the user's second factors"),
    "accounts/2fa/totp/activate/": (ALLAUTH, "allauth TOTP activation, wrapped: a first device needs the e-mailed link"),
    "accounts/2fa/totp/deactivate/": (ALLAUTH, "allauth TOTP removal (re-authentication; the user is e-mailed)"),
    "accounts/2fa/recovery-codes/": (ALLAUTH, "allauth recovery codes"),
    "accounts/2fa/recovery-codes/generate/": (ALLAUTH, "idem"),
    "accounts/2fa/recovery-codes/download/": (ALLAUTH, "idem"),
    "admin/logout/": (NOT_A_LOGIN, "Wagtail's admin logout"),
}

_NAME_RE = re.compile(r"login|password|passwd|authenticat|2fa|reset|signin|sign-in|signup|reauth|confirm-email", re.I)
_LOGIN_BASES = (
    django_auth_views.LoginView,
    django_auth_views.PasswordChangeView,
    django_auth_views.PasswordResetView,
    django_auth_views.PasswordResetConfirmView,
)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _view(pattern: URLPattern):
    callback = pattern.callback
    view = getattr(callback, "view_class", None) or getattr(callback, "func", None) or callback
    return getattr(view, "view_class", view)


def _is_login_capable(route: str, pattern: URLPattern) -> bool:
    view = _view(pattern)
    module = getattr(view, "__module__", "")
    name = f"{module}.{getattr(view, '__qualname__', '')}"
    if isinstance(view, type) and issubclass(view, _LOGIN_BASES):
        return True
    if module.startswith(("allauth.account.views", "allauth.mfa.base", "allauth.socialaccount.views")) and _NAME_RE.search(
        name + " " + route
    ):
        return True
    if module.startswith("wagtail.admin.views.account"):  # Wagtail's login, logout, account and password views
        return True
    return bool(_NAME_RE.search(route)) or bool(re.search(r"login|password|authenticat", name, re.I))


def login_capable_routes() -> set[str]:
    return {route for route, pattern in _walk(get_resolver().url_patterns) if _is_login_capable(route, pattern)}


def test_every_login_capable_route_is_listed():
    found = login_capable_routes()
    assert found - set(LOGIN_ROUTES) == set(), "routes that can sign in or set a password, not listed in LOGIN_ROUTES"
    assert set(LOGIN_ROUTES) - found == set(), "listed routes the resolver no longer has: remove them"


_SAMPLE = {
    "int": "999999",
    "str": "x",
    "uidb64": "MQ",
    "token": "set-password",
    "key": "abc",
    "uidb36": "1",
}


def concrete(route: str) -> str:
    """A URL for `route` (converters and regex groups filled with sample values)."""
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: _SAMPLE.get(m.group(1), "x"), route)
    url = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: _SAMPLE.get(m.group(1) or "", _SAMPLE.get(m.group(2), "x")), url)
    return "/" + url.replace("^", "").replace("$", "")


@pytest.fixture
def staff_with_totp():
    user = UserFactory(email="staff-login@example.jp", is_staff=True, is_superuser=True)
    assign_role(user=user, role=Role.OFFICER, is_national=True)
    give_totp(user)
    return user


def _credentials(user) -> dict:
    return {
        "login": user.email,
        "email": user.email,
        "username": user.email,
        "password": PASSWORD,
        "oldpassword": PASSWORD,
        "password1": "a-new-Password-123",
        "password2": "a-new-Password-123",
        "new_password1": "a-new-Password-123",
        "new_password2": "a-new-Password-123",
    }


@pytest.mark.parametrize("route", sorted(LOGIN_ROUTES))
def test_a_staff_password_posted_to_any_login_route_gives_no_signed_in_session(client, staff_with_totp, route):
    kind, _why = LOGIN_ROUTES[route]
    url = concrete(route)
    response = client.post(url, _credentials(staff_with_totp))
    assert "_auth_user_id" not in client.session, f"{url} signed the staff member in with the password alone"
    staff_with_totp.refresh_from_db()
    assert staff_with_totp.check_password(PASSWORD), f"{url} changed the password without signing in"
    if kind == REDIRECT:
        assert response.status_code in (301, 302)
        assert response["Location"].startswith(("/accounts/login/", "/accounts/3rdparty/"))
    elif kind == NOT_FOUND:
        assert response.status_code == 404
    elif kind == ALLAUTH:
        view = resolve(url).func
        view = getattr(view, "view_class", None) or view
        assert view.__module__.startswith(("allauth.", "lms.accounts.views")), view


def test_wagtails_login_views_are_shadowed_by_the_redirects():
    for url in ("/admin/login/", "/_util/login/"):
        assert resolve(url).func.view_class.__name__ == "AllauthLoginRedirect"


def test_the_front_end_login_keeps_next(client):
    response = client.get("/_util/login/?next=/members-only/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/members-only/"


def test_private_pages_send_visitors_to_allauth(settings):
    assert settings.WAGTAIL_FRONTEND_LOGIN_URL == "/accounts/login/"


def test_the_allauth_login_asks_staff_for_the_totp_step(client, staff_with_totp):
    response = client.post("/accounts/login/", {"login": staff_with_totp.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate")
    assert "_auth_user_id" not in client.session
