import pytest
from django.urls import reverse

from lms.accounts.enums import Role
from lms.accounts.models import RoleAssignment
from tests.accounts.factories import UserFactory
from tests.conftest import give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    give_totp(admin)
    client.force_login(admin)
    return client


def test_administrator_grants_a_role_in_the_admin_by_email(admin_client):
    trainer = UserFactory(email="new.trainer@example.jp")
    response = admin_client.get(reverse("roleassignment:add"))
    assert response.status_code == 200
    assert "ユーザーのメールアドレス" in response.content.decode()
    response = admin_client.post(
        reverse("roleassignment:add"),
        {"user_email": "new.trainer@example.jp", "role": Role.TRAINER, "municipality": "312011"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assignment = RoleAssignment.objects.get(user=trainer)
    assert assignment.role == Role.TRAINER and assignment.municipality_id == "312011"
    assert trainer.groups.filter(name="講師").exists()  # the Wagtail group follows the role


def test_admin_refuses_an_unknown_email_and_a_scope_that_breaks_the_rules(admin_client):
    response = admin_client.post(
        reverse("roleassignment:add"), {"user_email": "nobody@example.jp", "role": Role.OFFICER, "is_national": "on"}
    )
    assert response.status_code == 200
    assert "このメールアドレスの有効なユーザーは見つかりません" in response.content.decode()
    UserFactory(email="officer@example.jp")
    response = admin_client.post(reverse("roleassignment:add"), {"user_email": "officer@example.jp", "role": Role.OFFICER})
    assert response.status_code == 200
    assert "いずれか一つだけを指定してください" in response.content.decode()
    assert RoleAssignment.objects.count() == 0


def test_a_trainer_cannot_open_the_role_admin(client):
    from lms.accounts.services import assign_role
    from lms.regions.models import Municipality

    trainer = UserFactory()
    assign_role(user=trainer, role=Role.TRAINER, municipality=Municipality.objects.get(code="312011"))
    give_totp(trainer)
    client.force_login(trainer)
    response = client.get(reverse("roleassignment:index"))
    # Wagtail refuses with a redirect to the admin home and a permission message; no list is shown.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    response = client.post(
        reverse("roleassignment:add"), {"user_email": trainer.email, "role": Role.OFFICER, "is_national": "on"}
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=trainer).count() == 1  # no national officer role was granted
