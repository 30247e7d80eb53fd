"""Role × route, generated from the URL resolver (issue 13; docs/access-policy.md, "Every route is classified").

1. Every route the resolver has is classified in lms/accounts/route_access.py: a new route fails here until it is.
2. Every route of a staff class (admin, reports, trainer console, employer pages, certificate files) is requested by
   each demo role that must be refused — anonymous, learner, the roles of other areas, and a superuser whose session
   has the password but not TOTP — and each gets its refusal (sign-in, the TOTP step, 403 or 404), never the screen.
3. For the roles that may enter, the region- or object-scoped routes answer by the policy: each officer, trainer and
   employer against their own and another region / workshop / organisation."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import get_resolver

from lms.accounts import route_access as ra
from lms.accounts.demo import seed_users
from lms.accounts.models import Organisation, User
from tests.accounts.test_login_routes import _walk
from tests.certificates.factories import CertificateFactory
from tests.conftest import force_login_password_only
from tests.events.factories import make_workshop

pytestmark = pytest.mark.django_db

LOGIN = "login"  # redirected to allauth's sign-in
TOTP = "totp"  # redirected to the TOTP step
DENIED = "denied"  # 403 or 404, no data

ROLES = [
    "anonymous",
    "learner",
    "trainer_tottori",
    "trainer_kyoto",
    "officer_tottori_pref",
    "officer_tottori_city",
    "officer_kyoto_city",
    "officer_national",
    "editor",
    "moderator",
    "employer",
    "superuser",
    "superuser_password_only",
]
EMAILS = {
    "learner": "learner@example.jp",
    "trainer_tottori": "trainer@example.jp",
    "trainer_kyoto": "trainer-kyoto@example.jp",
    "officer_tottori_pref": "officer-tottori@example.jp",
    "officer_tottori_city": "officer-tottori-city@example.jp",
    "officer_kyoto_city": "officer-kyoto-city@example.jp",
    "officer_national": "officer-national@example.jp",
    "editor": "editor@example.jp",
    "moderator": "moderator@example.jp",
    "employer": "employer@example.jp",
    "superuser": "admin@example.jp",
    "superuser_password_only": "admin@example.jp",
}

# Who gets in at all, per staff class (the scope inside is checked in part 3).
ENTER = {
    ra.ADMIN: {
        "trainer_tottori",
        "trainer_kyoto",
        "officer_tottori_pref",
        "officer_tottori_city",
        "officer_kyoto_city",
        "officer_national",
        "editor",
        "moderator",
        "superuser",
    },
    ra.REPORTS: {"officer_tottori_pref", "officer_tottori_city", "officer_kyoto_city", "officer_national", "superuser"},
    ra.TRAINER: {"trainer_tottori", "trainer_kyoto", "superuser"},
    ra.EMPLOYER: {"employer", "superuser"},
}

# Routes that answer before any staff check, whoever asks (listed, with why).
NOT_GUARDED = {
    "admin/login/": "redirects to allauth's sign-in",
    "admin/logout/": "signs out",
}


def all_routes() -> list[str]:
    seen: list[str] = []
    for route, _pattern in _walk(get_resolver().url_patterns):
        if route not in seen:
            seen.append(route)
    return seen


def test_every_route_is_classified():
    unclassified = [route for route in all_routes() if ra.classify(route) is None]
    assert unclassified == [], "classify these routes in lms/accounts/route_access.py"


def concrete(route: str) -> str:
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", "x", route)
    url = re.sub(r"\([^)]*\)", "x", url)
    url = re.sub(r"<int:\w+>", "999999", url)
    url = re.sub(r"<(?:\w+:)?\w+>", "x", url)
    return "/" + url.replace("^", "").replace("$", "").replace("\\", "")


@pytest.fixture
def demo(db):
    seed_users()
    return {role: User.objects.get(email=email) for role, email in EMAILS.items()}


def sign_in(client, demo, role):
    if role == "anonymous":
        return
    if role == "superuser_password_only":
        force_login_password_only(client, demo[role])
    else:
        client.force_login(demo[role])  # password, then TOTP (every demo staff account has a device)


def outcome(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(("/accounts/login/", "/admin/login/")):  # the latter redirects to the former
            return LOGIN
        if location.startswith(("/accounts/2fa/reauthenticate/", "/mypage/security/enrol/")):
            return TOTP
        return "redirect:" + location
    if response.status_code in (403, 404):
        return DENIED
    return str(response.status_code)


def expected_refusal(kind: str, role: str) -> str | None:
    """What a role that must not see `kind` gets; None if the role may enter (part 3 checks the scope)."""
    if role == "anonymous":
        return LOGIN
    if role == "superuser_password_only":
        return TOTP
    if kind == ra.CERTIFICATE_FILE:
        return None if role == "superuser" else DENIED  # nobody here holds the sample number
    if role in ENTER[kind]:
        return None
    return DENIED


STAFF_CLASSES = (ra.ADMIN, ra.REPORTS, ra.TRAINER, ra.EMPLOYER, ra.CERTIFICATE_FILE)


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_route_refuses_each_role_that_may_not_enter(client, demo, role):
    sign_in(client, demo, role)
    wrong = []
    checked = 0
    for route in all_routes():
        kind = ra.classify(route)
        if kind not in STAFF_CLASSES or route in NOT_GUARDED:
            continue
        expected = expected_refusal(kind, role)
        if expected is None:
            continue
        url = concrete(route)
        got = outcome(client.get(url))
        checked += 1
        # Anonymous visitors may also get 404 (a view looks its object up before Wagtail's sign-in redirect) or 405
        # (a POST-only view); a staff session without TOTP gets 403/404 for a certificate number or organisation
        # that does not exist (part 3 sends it to the TOTP step for real ones). None of these shows anything.
        tolerated = (role == "anonymous" and got in (DENIED, "405")) or (
            role == "superuser_password_only" and kind in (ra.CERTIFICATE_FILE, ra.EMPLOYER) and got == DENIED
        )
        if got != expected and not tolerated:
            wrong.append((url, expected, got))
    assert wrong == [], "\n".join(map(str, wrong))
    if role in ("anonymous", "learner", "superuser_password_only"):
        assert checked > 200  # every admin route, not a sample


# --- 3. Scope, for the roles that may enter ------------------------------------------------------------------------

TOTTORI_PREF, TOTTORI_CITY, KYOTO_CITY = "31", "312011", "261009"

REPORT_ACCESS = {
    # url: roles that get the report (everyone else who enters reports gets 403)
    "/admin/reports/regions/nation/": {"officer_national", "superuser"},
    f"/admin/reports/regions/pref/{TOTTORI_PREF}/": {"officer_tottori_pref", "officer_national", "superuser"},
    f"/admin/reports/regions/muni/{TOTTORI_CITY}/": {
        "officer_tottori_pref",
        "officer_tottori_city",
        "officer_national",
        "superuser",
    },
    f"/admin/reports/regions/muni/{KYOTO_CITY}/": {"officer_kyoto_city", "officer_national", "superuser"},
}


@pytest.mark.parametrize("role", ROLES)
def test_reports_and_exports_answer_by_officer_scope(client, demo, role):
    sign_in(client, demo, role)
    for url, allowed in REPORT_ACCESS.items():
        for target in (url, url + "export/?format=csv"):
            got = outcome(client.get(target))
            if role in allowed:
                assert got == "200", (role, target, got)
            else:
                assert got in (DENIED, LOGIN, TOTP), (role, target, got)
                assert got == (expected_refusal(ra.REPORTS, role) or DENIED), (role, target, got)


@pytest.mark.parametrize("role", ROLES)
def test_rosters_answer_only_to_the_workshops_own_trainers(client, demo, role):
    tottori = make_workshop(municipality=TOTTORI_CITY, title="鳥取市の講座")
    kyoto = make_workshop(municipality=KYOTO_CITY, title="京都市の講座")
    own = {"trainer_tottori": tottori, "trainer_kyoto": kyoto}
    sign_in(client, demo, role)
    for workshop in (tottori, kyoto):
        for suffix in ("", "roster.csv", "check-in/", "plan.xlsx"):
            url = f"/trainer/workshops/{workshop.pk}/{suffix}"
            got = outcome(client.get(url))
            if role == "superuser" or own.get(role) == workshop:
                assert got == "200", (role, url, got)
            else:
                assert got == (expected_refusal(ra.TRAINER, role) or DENIED), (role, url, got)


@pytest.mark.parametrize("role", ROLES)
def test_employer_pages_answer_only_to_the_organisations_admins(client, demo, role):
    own = Organisation.objects.get(name="株式会社つながり商事（デモ）")
    other = Organisation.objects.create(name="別の会社", kind="employer", prefecture_id="26")
    sign_in(client, demo, role)
    for organisation in (own, other):
        url = f"/employers/{organisation.pk}/"
        got = outcome(client.get(url))
        if role == "superuser" or (role == "employer" and organisation == own):
            assert got == "200", (role, url, got)
        else:
            assert got == (expected_refusal(ra.EMPLOYER, role) or DENIED), (role, url, got)


@pytest.mark.parametrize("role", ROLES)
def test_certificate_files_answer_to_the_holder_and_certificate_staff(client, demo, role):
    certificate = CertificateFactory(holder=demo["learner"])
    demo["editor"].user_permissions.add(Permission.objects.get(codename="view_certificate"))
    sign_in(client, demo, role)
    url = f"/certificates/{certificate.number}/pdf/"
    got = outcome(client.get(url))
    if role in ("learner", "superuser", "editor"):
        assert got == "200", (role, got)
    else:
        assert got == (expected_refusal(ra.CERTIFICATE_FILE, role) or DENIED), (role, got)
