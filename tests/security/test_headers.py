"""Security headers (issue 13, item 7): a Content-Security-Policy and a Permissions-Policy on every response, no
inline script in the project's templates, and the API docs served without any external host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.security.test_bad_input import mfa_login

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

PUBLIC = [
    "/",
    "/verify/",
    "/verify/0000-0000-0000-0000-0/",
    "/verify/bulk/",
    "/.well-known/jwks.json",
    "/api/v1/certificates/0000-0000-0000-0000-0",
    "/api/v1/docs",
    "/api/v1/openapi.json",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/search/?q=孤独",
    "/healthz",
    "/no-such-page/",
    "/admin/",  # the redirect to the login
]
SIGNED_IN = ["/mypage/", "/admin/", "/admin/pages/", "/admin/reports/site-history/", "/trainer/"]


def _directives(header: str) -> dict[str, list[str]]:
    result = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


def _assert_headers(response, path):
    csp = response.get("Content-Security-Policy")
    assert csp, f"{path}: no Content-Security-Policy"
    directives = _directives(csp)
    assert directives["default-src"] == ["'self'"], path
    assert directives["object-src"] == ["'none'"], path
    assert directives["frame-ancestors"] == ["'none'"], path
    if not path.startswith("/admin/"):
        assert directives["script-src"] == ["'self'"], path  # no inline script anywhere outside the admin
        assert "'unsafe-inline'" not in csp, path
    policy = response.get("Permissions-Policy")
    assert policy, f"{path}: no Permissions-Policy"
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy, path


@pytest.mark.parametrize("path", PUBLIC)
def test_every_public_response_carries_both_headers(client, path):
    client.raise_request_exception = False
    _assert_headers(client.get(path), path)


@pytest.mark.parametrize("path", SIGNED_IN)
def test_every_staff_response_carries_both_headers(client, path):
    mfa_login(client, UserFactory(is_superuser=True, is_staff=True))
    response = client.get(path)
    assert response.status_code == 200, path
    _assert_headers(response, path)


def test_error_and_refusal_responses_carry_both_headers(client, settings):
    settings.CERTIFICATE_VERIFY_RATE = "1/m"
    client.get("/verify/0000-0000-0000-0000-0/")
    _assert_headers(client.get("/verify/0000-0000-0000-0000-0/"), "/verify/ (429)")
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    _assert_headers(client.post("/api/v1/certificates/verify", big, content_type="application/json"), "/api (413)")


def test_the_api_docs_reference_no_external_host(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html), "the docs page loads something from another host"
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset  # shipped by the project (WhiteNoise), works offline


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
_EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_no_template_of_the_project_has_an_inline_script_or_event_handler():
    """CSP refuses inline script outside the admin: every script is a static file (JSON data blocks are data)."""
    offenders = []
    for app in ("lms", "home", "courses", "certificates", "events", "search"):
        for template in (ROOT / app).rglob("templates/**/*.html"):
            text = template.read_text(encoding="utf-8")
            if _INLINE_SCRIPT.search(text) or _EVENT_HANDLER.search(text):
                offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


def test_the_wagtail_admin_page_editor_still_renders_under_its_policy(client):
    """The admin's editor has inline scripts (date widgets, inline panels): its policy allows them, only there."""
    from wagtail.models import Page

    mfa_login(client, UserFactory(is_superuser=True, is_staff=True))
    page = Page.objects.filter(depth=2).first()
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    directives = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in directives["script-src"] and "'self'" in directives["script-src"]
    assert directives["default-src"] == ["'self'"]
