"""TOTP per session for staff, and a first device only with the e-mailed link (docs/access-policy.md; issue 13 item 2).

Before issue 13 the staff check asked whether a TOTP device *existed*: a session signed in with the password alone
(Wagtail's /_util/login/) reached every staff screen. These tests build exactly such a session
(`force_login_password_only`: allauth's records hold the password step only) and try each staff screen."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.contrib.auth.models import Permission
from django.core import mail

from lms.accounts.enums import Role
from lms.accounts.models import Organisation
from lms.accounts.services import assign_role
from lms.regions.models import Municipality, Prefecture
from tests.accounts.factories import UserFactory
from tests.certificates.factories import CertificateFactory
from tests.conftest import current_totp_code, force_login_password_only, give_totp
from tests.events.factories import make_workshop

pytestmark = pytest.mark.django_db

TOTTORI_CITY = "312011"
REAUTH = "/accounts/2fa/reauthenticate/"
ENROL = "/mypage/security/enrol/"


def _superuser():
    user = UserFactory(is_staff=True, is_superuser=True)
    give_totp(user)
    return user


def _staff_urls(db_objects) -> list[str]:
    workshop, organisation, certificate = db_objects
    return [
        "/admin/",
        "/admin/pages/",
        "/admin/users/",
        "/admin/roleassignment/",
        "/admin/reports/site-history/",
        "/admin/api/main/pages/",
        "/admin/certificates/",
        "/admin/reports/regions/",
        "/admin/reports/regions/pref/31/",
        "/admin/reports/regions/pref/31/export/?format=csv",
        "/trainer/",
        f"/trainer/workshops/{workshop.pk}/",
        f"/trainer/workshops/{workshop.pk}/roster.csv",
        "/employers/",
        f"/employers/{organisation.pk}/",
        f"/certificates/{certificate.number}/pdf/",
    ]


@pytest.fixture
def db_objects():
    workshop = make_workshop(title="鳥取市の講座")
    organisation = Organisation.objects.create(name="テスト商事", kind="employer", prefecture=Prefecture.objects.get(code="31"))
    certificate = CertificateFactory()
    return workshop, organisation, certificate


@pytest.fixture
def all_roles_staff(db):
    """A superuser who is also trainer, officer and employer admin: every staff screen is theirs."""
    user = _superuser()
    assign_role(user=user, role=Role.TRAINER, municipality=Municipality.objects.get(code=TOTTORI_CITY))
    assign_role(user=user, role=Role.OFFICER, is_national=True)
    return user


def test_a_password_only_session_is_sent_to_the_totp_step_on_every_staff_screen(client, all_roles_staff, db_objects):
    _workshop, organisation, _certificate = db_objects
    assign_role(user=all_roles_staff, role=Role.EMPLOYER_ADMIN, organisation=organisation)
    force_login_password_only(client, all_roles_staff)
    for url in _staff_urls(db_objects):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(REAUTH + "?next="), (url, response["Location"])


def test_the_same_screens_open_once_totp_is_completed_in_the_session(client, all_roles_staff, db_objects):
    _workshop, organisation, _certificate = db_objects
    assign_role(user=all_roles_staff, role=Role.EMPLOYER_ADMIN, organisation=organisation)
    force_login_password_only(client, all_roles_staff)
    response = client.post(REAUTH + "?next=/admin/", {"code": current_totp_code()})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    for url in _staff_urls(db_objects):
        response = client.get(url)
        if url == "/employers/":  # one organisation: straight to its page
            assert response.status_code == 302 and response["Location"] == f"/employers/{organisation.pk}/"
            continue
        assert response.status_code == 200, (url, response.status_code, response.get("Location"))


def test_a_wrong_code_at_the_totp_step_opens_nothing(client, all_roles_staff):
    force_login_password_only(client, all_roles_staff)
    response = client.post(REAUTH + "?next=/admin/", {"code": "000000"})
    assert response.status_code == 200  # the form again, with an error
    assert client.get("/admin/")["Location"].startswith(REAUTH)


def test_a_totp_step_of_another_user_does_not_count(client, all_roles_staff):
    """allauth keeps the records with the user they belong to; a record for someone else is ignored."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    other = _superuser()
    force_login_password_only(client, all_roles_staff)
    session = client.session
    device = Authenticator.objects.get(user=other, type="totp")
    session[AUTHENTICATION_METHODS_SESSION_KEY] += [{"method": "mfa", "at": 0, "id": device.pk, "type": "totp"}]
    session.save()
    assert client.get("/admin/")["Location"].startswith(REAUTH)


def test_removing_the_device_ends_staff_access_of_sessions_that_used_it(client, all_roles_staff):
    client.force_login(all_roles_staff)  # password + TOTP
    assert client.get("/admin/").status_code == 200
    Authenticator.objects.filter(user=all_roles_staff).delete()
    assert client.get("/admin/")["Location"].startswith(ENROL)


def test_learners_are_not_asked_for_totp_on_their_own_pages(client):
    learner = UserFactory()
    force_login_password_only(client, learner)
    assert client.get("/mypage/").status_code == 200


def test_holders_download_their_own_certificate_without_totp(client, db_objects):
    _workshop, _organisation, certificate = db_objects
    force_login_password_only(client, certificate.holder)
    assert client.get(f"/certificates/{certificate.number}/pdf/").status_code == 200


def test_certificate_staff_need_the_totp_step_for_other_peoples_files(client, db_objects):
    _workshop, _organisation, certificate = db_objects
    staff = UserFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_certificate"))
    give_totp(staff)
    force_login_password_only(client, staff)
    response = client.get(f"/certificates/{certificate.number}/pdf/")
    assert response.status_code == 302 and response["Location"].startswith(REAUTH)


# --- First enrolment --------------------------------------------------------------------------------------------


@pytest.fixture
def new_trainer(db):
    user = UserFactory(email="new-trainer@example.jp")
    assign_role(user=user, role=Role.TRAINER, municipality=Municipality.objects.get(code=TOTTORI_CITY))
    return user


def _code_for_offered_secret(client) -> str:
    secret = client.session[SECRET_SESSION_KEY]
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_staff_member_without_a_device_cannot_enrol_with_the_password_alone(client, new_trainer):
    force_login_password_only(client, new_trainer)
    assert client.get("/trainer/")["Location"] == ENROL + "?next=/trainer/"
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302 and response["Location"] == ENROL
    response = client.post("/accounts/2fa/totp/activate/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == ENROL
    assert not Authenticator.objects.filter(user=new_trainer).exists()
    assert client.get("/trainer/")["Location"].startswith(ENROL)


def _enrolment_link(client) -> str:
    mail.outbox.clear()
    response = client.post(ENROL, {"next": "/trainer/"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new-trainer@example.jp"]
    assert "認証アプリ" in message.body
    return re.search(r"https?://[^/\s]+(/mypage/security/enrol/[^\s]+/)", message.body).group(1)


def test_the_emailed_link_opened_in_the_same_session_allows_the_first_device(
    client, new_trainer, django_capture_on_commit_callbacks
):
    force_login_password_only(client, new_trainer)
    link = _enrolment_link(client)
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/totp/activate/")
    # allauth asks for the password again before a security change (its re-authentication), then the form.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": "correct-horse-battery"})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/accounts/2fa/totp/activate/", {"code": _code_for_offered_secret(client)})
    _run_as_after_the_request_commits(callbacks)
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=new_trainer, type="totp").exists()
    # Typing a code from the new device completed TOTP in this session.
    assert client.get("/trainer/").status_code == 200
    # … and the person is told, in Japanese.
    assert any("2段階認証" in m.subject + m.body and m.to == ["new-trainer@example.jp"] for m in mail.outbox)


def _run_as_after_the_request_commits(callbacks):
    """In production allauth's on-commit callbacks run inside the request (its transaction commits there); the test
    transaction defers them, so run them inside a request context as allauth would."""
    from allauth.core import context
    from django.test import RequestFactory

    with context.request_context(RequestFactory().get("/")):
        for callback in callbacks:
            callback()


def test_the_link_works_once(client, new_trainer):
    force_login_password_only(client, new_trainer)
    link = _enrolment_link(client)
    assert client.get(link)["Location"].startswith("/accounts/2fa/totp/activate/")
    assert client.get(link)["Location"] == ENROL


def test_the_link_does_nothing_in_another_session(client, new_trainer):
    """Someone who only knows the password asks for the link in their session; the owner's mailbox has it, and
    opened anywhere else it allows nothing."""
    from django.test import Client

    force_login_password_only(client, new_trainer)
    link = _enrolment_link(client)
    other = Client()
    force_login_password_only(other, new_trainer)
    assert other.get(link)["Location"] == ENROL
    assert other.get("/accounts/2fa/totp/activate/")["Location"] == ENROL


def test_a_guessed_link_does_nothing(client, new_trainer):
    force_login_password_only(client, new_trainer)
    _enrolment_link(client)
    assert client.get(ENROL + "not-the-token/")["Location"] == ENROL
    assert client.get("/accounts/2fa/totp/activate/")["Location"] == ENROL


def test_the_link_expires(client, new_trainer):
    import time

    import time_machine

    force_login_password_only(client, new_trainer)
    link = _enrolment_link(client)
    with time_machine.travel(time.time() + 31 * 60):
        assert client.get(link)["Location"] == ENROL


def test_removing_the_device_tells_the_person(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="remove@example.jp")
    assign_role(user=user, role=Role.OFFICER, is_national=True)
    give_totp(user)
    client.force_login(user)
    client.post("/accounts/reauthenticate/", {"password": "correct-horse-battery"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/accounts/2fa/totp/deactivate/", {})
    _run_as_after_the_request_commits(callbacks)
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type="totp").exists()
    assert any("2段階認証" in m.subject + m.body and m.to == ["remove@example.jp"] for m in mail.outbox)
