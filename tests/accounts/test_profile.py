import pytest
from allauth.account.models import EmailAddress

from lms.accounts import messages as msg
from lms.accounts.enums import Role
from lms.accounts.models import LearnerProfile, User
from lms.accounts.services import assign_role
from lms.regions.models import Municipality
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def reauthenticate(client, password="correct-horse-battery"):
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content.decode()[:500]


def test_mypage_needs_login(client):
    response = client.get("/mypage/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_mypage_shows_only_my_own_profile(client):
    me = UserFactory(profile__full_name="自分 太郎")
    UserFactory(profile__full_name="他人 次郎")
    client.force_login(me)
    html = client.get("/mypage/").content.decode()
    assert "自分 太郎" in html
    assert "他人 次郎" not in html


def test_profile_edit_updates_and_validates(client):
    me = UserFactory()
    client.force_login(me)
    response = client.post(
        "/mypage/profile/",
        {
            "full_name": "新しい 名前",
            "furigana": "あたらしい なまえ",
            "prefecture": "26",
            "municipality": "261009",
            "age_band": "40s",
            "occupation": "",
        },
    )
    assert response.status_code == 302
    me.profile.refresh_from_db()
    assert me.profile.full_name == "新しい 名前" and me.profile.municipality_id == "261009"
    assert me.profile.consent_statistics is False  # unticked box = withdrawn consent

    response = client.post(
        "/mypage/profile/",
        {"full_name": "x", "furigana": "あ", "prefecture": "31", "municipality": "261009", "age_band": "40s"},
    )
    assert response.status_code == 200
    assert str(msg.MUNICIPALITY_NOT_IN_PREFECTURE) in response.content.decode()
    me.profile.refresh_from_db()
    assert me.profile.full_name == "新しい 名前"  # nothing changed


def test_account_deletion_removes_personal_data_and_keeps_counts(client):
    me = UserFactory(email="leaving@example.jp", profile__full_name="退会 予定")
    assign_role(user=me, role=Role.TRAINER, municipality=Municipality.objects.get(code="312011"))
    UserFactory()
    before = LearnerProfile.objects.filter(municipality_id="312011").count()
    client.force_login(me)
    # A destructive action asks for the password again first (allauth reauthentication).
    response = client.post("/mypage/delete/", {"confirm": "退会する"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.get(pk=me.pk).is_active
    reauthenticate(client)
    response = client.post("/mypage/delete/", {"confirm": "退会する"})
    assert response.status_code == 302

    me.refresh_from_db()
    assert me.is_active is False and me.deleted_at is not None
    assert me.email.endswith("@deleted.invalid") and not me.has_usable_password()
    assert not EmailAddress.objects.filter(email="leaving@example.jp").exists()
    assert not User.objects.filter(email="leaving@example.jp").exists()
    assert me.role_assignments.count() == 0 and me.groups.count() == 0
    me.profile.refresh_from_db()
    assert me.profile.full_name == "" and me.profile.furigana == ""
    # Aggregates stay right: the anonymised profile still counts for its municipality.
    assert LearnerProfile.objects.filter(municipality_id="312011").count() == before
    assert "_auth_user_id" not in client.session


def test_account_deletion_needs_the_confirmation_word(client):
    me = UserFactory()
    client.force_login(me)
    reauthenticate(client)
    response = client.post("/mypage/delete/", {"confirm": "はい"})
    assert response.status_code == 200
    assert str(msg.DELETE_CONFIRM_MISMATCH) in response.content.decode()
    me.refresh_from_db()
    assert me.is_active
