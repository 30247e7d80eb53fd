"""Bad input never gives a 500 (issue 13, item 6): each test sends what an attacker would and expects a clear 4xx."""

from __future__ import annotations

import time

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

from tests.accounts.factories import UserFactory
from tests.conftest import give_totp
from tests.security.resolver import fill, int_routes

pytestmark = pytest.mark.django_db

HUGE = [2**63, 10**30]


def mfa_login(client, user):
    """Sign `user` in with a session in which both the password and TOTP were used (as allauth records them)."""
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        give_totp(user)
    device = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now - 1, "email": user.email},
        # The user's own device: a hard-coded id passed on SQLite (ids restart after rollback) but not on PostgreSQL.
        {"method": "mfa", "at": now, "id": device.pk, "type": "totp"},
    ]
    session.save()


ROUTES = int_routes()


def test_the_resolver_walk_finds_the_int_routes():
    routes = {route for route, _name in ROUTES}
    assert "certificates/achievements/<int:course_id>/" in routes
    assert "trainer/workshops/<int:pk>/attendance/" in routes
    assert any(route.startswith("admin/pages/<int:") for route in routes)
    assert len(routes) > 50


@pytest.mark.parametrize("value", HUGE, ids=["2**63", "10**30"])
def test_every_int_route_answers_404_for_integers_beyond_64_bits(client, value):
    """As a superuser with MFA (who passes every guard), GET and POST to every `<int:…>` route with an id of 2**63
    and 10**30: each answers 404 (or 400/405), never a 500."""
    mfa_login(client, UserFactory(is_superuser=True, is_staff=True))
    client.raise_request_exception = False
    failures = []
    for route, name in ROUTES:
        url = fill(route, value)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code not in (400, 404, 405):
                failures.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("value", HUGE, ids=["2**63", "10**30"])
def test_huge_registration_ids_in_the_attendance_form_change_nothing(client, value):
    """The trainer console's attendance form takes registration ids as form fields: huge ones are ignored, the
    known ones are still saved, and nothing gives a 500."""
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from events.enums import RegistrationStatus
    from events.models import Registration
    from tests.accounts.factories import TOTTORI_CITY
    from tests.events.factories import make_trainer, make_workshop

    trainer = make_trainer(municipality=TOTTORI_CITY)
    mfa_login(client, trainer)
    workshop = make_workshop(starts_in=dt.timedelta(minutes=-10))
    registration = Registration.objects.create(
        workshop=workshop, user=UserFactory(), status=RegistrationStatus.CONFIRMED, registered_at=timezone.now()
    )
    url = reverse("events_trainer:attendance", args=[workshop.pk])
    response = client.post(url, {"shown": [str(value), registration.pk], "attended": [str(value), registration.pk]})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ATTENDED
    assert Registration.objects.filter(workshop=workshop).count() == 1


# --- E-mail addresses over 254 characters -------------------------------------------------------------------------


def _long_address(tld: str = "jp") -> str:
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + "." + tld
    assert len(address) > 254
    return address


def test_a_signup_with_an_address_over_254_characters_gets_a_clear_message_and_creates_nothing(client):
    from lms.accounts import messages as account_messages
    from lms.accounts.models import User
    from tests.accounts.test_signup import valid_data

    client.raise_request_exception = False
    for tld in ("jp", "jq"):  # two addresses that a silent cut to 254 characters made one (the second was a 500)
        response = client.post("/accounts/signup/", valid_data(email=_long_address(tld)))
        assert response.status_code == 200
        assert str(account_messages.EMAIL_TOO_LONG) in response.content.decode()
    assert not User.objects.filter(email__startswith="a" * 64).exists()


def test_adding_an_address_over_254_characters_gets_the_same_message(client):
    from allauth.account.models import EmailAddress

    from lms.accounts import messages as account_messages

    user = UserFactory()
    client.force_login(user)
    client.raise_request_exception = False
    response = client.post("/accounts/email/", {"action_add": "", "email": _long_address()})
    assert response.status_code == 200
    assert str(account_messages.EMAIL_TOO_LONG) in response.content.decode()
    assert not EmailAddress.objects.filter(email__startswith="a" * 64).exists()


# --- The password-reset form says the same for every address ------------------------------------------------------


def test_the_password_reset_form_does_not_reveal_whether_an_address_is_registered(client):
    import re

    UserFactory(email="known@example.jp")
    answers = []
    for address in ("known@example.jp", "nobody@example.jp"):
        response = client.post("/accounts/password/reset/", {"email": address})
        assert response.status_code == 302
        page = client.get(response["Location"])
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())
        answers.append((response["Location"], page.status_code, body.replace(address, "ADDRESS")))
    assert answers[0] == answers[1]


# --- A QR link cut to an empty signature ---------------------------------------------------------------------------


def test_an_empty_signature_on_a_verification_url_is_not_genuine(client):
    from certificates import messages as certificate_messages
    from tests.certificates.factories import CertificateFactory

    certificate = CertificateFactory()
    body = client.get(f"/verify/{certificate.number}/?s=").content.decode()
    assert str(certificate_messages.FORGED) in body
    assert str(certificate_messages.VALID) not in body
    api = client.get(f"/verify/{certificate.number}/?s={certificate.signature}").content.decode()
    assert str(certificate_messages.VALID) in api  # the real signature still verifies


# --- Oversized bodies: 413 in Japanese, before anything parses them -------------------------------------------------


def test_a_json_body_over_the_upload_limit_gets_a_japanese_413_json(client, settings):
    import json

    big = json.dumps({"numbers": ["x" * 1000] * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1000 + 10)})
    for path in ("/api/v1/certificates/verify", "/api/v1/certificates/ABCD"):
        response = client.post(path, big, content_type="application/json")
        assert response.status_code == 413, path
        assert response["Content-Type"].startswith("application/json")
        assert "大きすぎます" in response.json()["detail"]


def test_the_bulk_api_refuses_a_body_over_its_own_cap_before_parsing_it(client, settings):
    from certificates.models import CertificateVerification

    cap = settings.REQUEST_BODY_LIMITS["/api/v1/certificates/verify"]
    body = "{" + " " * cap  # not even JSON: a parser would answer 400/422, the cap answers 413 first
    response = client.post("/api/v1/certificates/verify", body, content_type="application/json")
    assert response.status_code == 413
    assert "大きすぎます" in response.json()["detail"]
    assert not CertificateVerification.objects.exists()


def test_a_form_body_over_the_upload_limit_gets_the_japanese_413_page(client, settings):
    body = "q=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post("/accounts/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "送信されたデータが大きすぎます" in response.content.decode()
    upload = client.post("/verify/bulk/", {"file": _file(settings.REQUEST_BODY_LIMITS["/verify/bulk/"] + 1)})
    assert upload.status_code == 413
    assert "送信されたデータが大きすぎます" in upload.content.decode()


def _file(size: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("numbers.csv", b"0" * size)


# --- The bulk budget counts numbers, not requests -----------------------------------------------------------------


def _numbers(count: int) -> list[str]:
    return [f"0000-0000-0000-{i:04d}-0" for i in range(count)]


def test_the_bulk_api_counts_numbers_against_the_budget(client, settings):
    settings.CERTIFICATE_BULK_NUMBERS_RATE = "1500/h"
    first = client.post("/api/v1/certificates/verify", {"numbers": _numbers(1000)}, content_type="application/json")
    assert first.status_code == 200
    second = client.post("/api/v1/certificates/verify", {"numbers": _numbers(1000)}, content_type="application/json")
    assert second.status_code == 429  # two requests (well under 10/m), but 2,000 numbers
    assert "照会" in second.json()["detail"]
    third = client.post("/api/v1/certificates/verify", {"numbers": _numbers(500)}, content_type="application/json")
    assert third.status_code == 200  # what is left of the budget can still be used
    assert client.post(
        "/api/v1/certificates/verify", {"numbers": _numbers(1)}, content_type="application/json"
    ).status_code == 429


def test_the_bulk_page_and_api_share_one_numbers_budget(client, settings):
    settings.CERTIFICATE_BULK_NUMBERS_RATE = "1500/h"
    page = client.post("/verify/bulk/", {"numbers": "\n".join(_numbers(1000))})
    assert page.status_code == 200
    again = client.post("/verify/bulk/", {"numbers": "\n".join(_numbers(1000))})
    assert again.status_code == 429
    api = client.post("/api/v1/certificates/verify", {"numbers": _numbers(600)}, content_type="application/json")
    assert api.status_code == 429


def test_a_client_out_of_budget_is_refused_before_its_body_is_parsed(client, settings):
    settings.CERTIFICATE_BULK_NUMBERS_RATE = "10/h"
    assert client.post(
        "/api/v1/certificates/verify", {"numbers": _numbers(10)}, content_type="application/json"
    ).status_code == 200
    # Malformed JSON: parsing it would give 400/422; the budget answers first.
    response = client.post("/api/v1/certificates/verify", "{not json", content_type="application/json")
    assert response.status_code == 429
    # The page too: an unreadable upload would be a 400 with a message; the budget answers first.
    upload = client.post("/verify/bulk/", {"file": _file(10)})
    assert upload.status_code == 429
