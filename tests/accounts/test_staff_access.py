import pytest

from lms.accounts.enums import Role
from lms.accounts.services import assign_role
from lms.regions.models import Municipality
from tests.accounts.factories import UserFactory
from tests.conftest import current_totp_code, give_totp

pytestmark = pytest.mark.django_db

STAFF_SCREENS = ["/admin/", "/admin/pages/", "/trainer/"]


@pytest.mark.parametrize("path", STAFF_SCREENS)
def test_user_without_role_gets_403_on_staff_screens(client, path):
    client.force_login(UserFactory())
    response = client.get(path)
    assert response.status_code == 403
    assert "権限がありません" in response.content.decode()


def test_anonymous_user_is_sent_to_the_allauth_login(client):
    response = client.get("/admin/", follow=False)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_wagtail_admin_login_view_is_routed_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"


def test_staff_without_mfa_is_sent_to_set_up_totp_before_any_staff_screen(client):
    trainer = UserFactory()
    assign_role(user=trainer, role=Role.TRAINER, municipality=Municipality.objects.get(code="312011"))
    client.force_login(trainer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/mypage/security/enrol/?next=/admin/"


def test_staff_with_mfa_reaches_the_admin(client):
    trainer = UserFactory()
    assign_role(user=trainer, role=Role.TRAINER, municipality=Municipality.objects.get(code="312011"))
    give_totp(trainer)
    client.force_login(trainer)
    assert client.get("/admin/").status_code == 200


def test_staff_login_through_allauth_asks_for_the_totp_code(client):
    officer = UserFactory(email="officer@example.jp")
    assign_role(user=officer, role=Role.OFFICER, is_national=True)
    give_totp(officer)
    response = client.post("/accounts/login/", {"login": "officer@example.jp", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate")
    assert "_auth_user_id" not in client.session  # the password alone does not sign in
    response = client.post("/accounts/2fa/authenticate/", {"code": current_totp_code()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_superuser_without_mfa_is_also_stopped(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 302


def test_restricted_pages_sign_in_through_allauth(settings):
    """Wagtail's own front-end login view (/_util/login/) would bypass allauth's rate limits and MFA."""
    assert settings.WAGTAIL_FRONTEND_LOGIN_URL == "/accounts/login/"
