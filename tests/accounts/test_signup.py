import pytest
from django.core import mail

from lms.accounts import messages as msg
from lms.accounts.models import LearnerProfile, User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/signup/"


def valid_data(**overrides):
    data = {
        "email": "new.learner@example.jp",
        "password1": "tsunagari-pass-2026",
        "password2": "tsunagari-pass-2026",
        "full_name": "𠮷川 花子",
        "furigana": "よしかわ はなこ",
        "prefecture": "31",
        "municipality": "312011",
        "age_band": "30s",
        "occupation": "medical_welfare",
        "consent_statistics": "on",
        "consent_terms": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_signup_page_is_japanese_and_labelled(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    for label in ("メールアドレス", "氏名", "ふりがな", "お住まいの都道府県", "お住まいの市区町村", "年代"):
        assert label in html
    assert str(msg.PREFECTURE_FIRST) in html  # no municipality list before a prefecture is chosen


def test_signup_creates_user_profile_and_sends_japanese_verification_mail(client):
    response = client.post(URL, valid_data())
    assert response.status_code == 302
    user = User.objects.get(email="new.learner@example.jp")
    profile = user.profile
    assert profile.full_name == "𠮷川 花子"
    assert profile.furigana == "よしかわ はなこ"
    assert profile.municipality_id == "312011"
    assert profile.consent_statistics is True and profile.consent_employer_share is False
    assert profile.consent_terms_at is not None
    assert len(mail.outbox) == 1
    assert "【つながりサポーター】" in mail.outbox[0].subject
    # Verification is mandatory: not logged in until the address is confirmed.
    assert "_auth_user_id" not in client.session


def test_half_width_katakana_furigana_is_normalised(client):
    client.post(URL, valid_data(furigana="ﾖｼｶﾜ ﾊﾅｺ"))
    assert LearnerProfile.objects.get().furigana == "ヨシカワ ハナコ"


def _assert_refused(client, data, field, message):
    response = client.post(URL, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert str(message) in [str(e) for e in form.errors.get(field, [])], form.errors
    assert str(message) in response.content.decode()
    assert not User.objects.filter(email=data["email"]).exists()
    assert LearnerProfile.objects.count() == 0
    assert len(mail.outbox) == 0


def test_municipality_outside_the_prefecture_is_refused(client):
    # 京都市 with 鳥取県
    _assert_refused(client, valid_data(municipality="261009"), "municipality", msg.MUNICIPALITY_NOT_IN_PREFECTURE)


def test_non_kana_furigana_is_refused(client):
    _assert_refused(client, valid_data(furigana="Yoshikawa"), "furigana", msg.FURIGANA_NOT_KANA)
    _assert_refused(client, valid_data(furigana="吉川はなこ"), "furigana", msg.FURIGANA_NOT_KANA)


def test_missing_consent_is_refused(client):
    _assert_refused(client, valid_data(consent_terms=None), "consent_terms", msg.TERMS_REQUIRED)


def test_too_short_password_is_refused(client):
    response = client.post(URL, valid_data(password1="short1", password2="short1"))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("password1", []))
    assert "短すぎ" in errors
    assert not User.objects.filter(email="new.learner@example.jp").exists()


def test_duplicate_email_is_refused_with_a_message(client):
    UserFactory(email="taken@example.jp")
    response = client.post(URL, valid_data(email="taken@example.jp"))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("email", []))
    assert "このメールアドレスでアカウント登録済み" in errors
    assert User.objects.filter(email="taken@example.jp").count() == 1
    assert len(mail.outbox) == 0


def test_unknown_municipality_code_is_refused(client):
    _assert_refused(client, valid_data(municipality="999999"), "municipality", msg.MUNICIPALITY_REQUIRED)


def test_inactive_municipality_cannot_be_chosen(client):
    from lms.regions.models import Municipality

    Municipality.objects.filter(code="312011").update(is_active=False)
    _assert_refused(client, valid_data(), "municipality", msg.MUNICIPALITY_REQUIRED)


def test_without_javascript_the_update_button_lists_the_prefectures_municipalities(client):
    data = valid_data(municipality=None, _update_municipalities="1")
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="312011">鳥取市</option>' in html
    assert "京都市" not in html
    assert not response.context["form"].is_bound  # no error messages yet
    assert 'value="new.learner@example.jp"' in html  # what was typed is kept
    assert not User.objects.exists()


def test_without_javascript_showing_the_list_keeps_what_was_typed_and_asks_for_the_passwords_again(client):
    data = valid_data(municipality=None, _update_municipalities="1")
    html = client.post(URL, data).content.decode()
    assert str(msg.PASSWORDS_RETYPE) in html
    assert 'value="𠮷川 花子"' in html and 'value="よしかわ はなこ"' in html
    assert "tsunagari-pass-2026" not in html  # never sent back in the page
    assert 'data-prefecture="31"' in html  # the list says whose it is (region-select.js rebuilds it otherwise)
    untyped = valid_data(municipality=None, password1=None, password2=None, _update_municipalities="1")
    assert str(msg.PASSWORDS_RETYPE) not in client.post(URL, untyped).content.decode()


def test_consents_are_not_pre_ticked_and_nothing_is_assumed(client):
    form = client.get(URL).context["form"]
    html = client.get(URL).content.decode()
    assert "consent_employer_share" not in form.fields  # asked when linking to an organisation, with its name
    for name in ("consent_statistics", "consent_terms"):
        assert not form[name].value()
        assert f'name="{name}" id="id_{name}" checked' not in html and "checked" not in str(form[name])
    client.post(URL, valid_data(consent_statistics=None))
    profile = LearnerProfile.objects.get()
    assert profile.consent_statistics is False and profile.consent_employer_share is False


def test_an_optional_field_is_never_labelled_required(client):
    import re

    html = client.get(URL).content.decode()
    form = client.get(URL).context["form"]
    for name, field in form.fields.items():
        match = re.search(rf'<label for="id_{name}">(.*?)</label>', html, re.S)
        assert match, name
        assert ("（必須）" in match.group(1)) == field.required, (name, match.group(1))
        assert not ("（任意）" in match.group(1) and field.required), name
