import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


PASSWORD = "tsunagari-pass-2026"


def fill_sign_up(page, *, email, name, furigana, age_band, password=PASSWORD):
    """The sign-up form as a person fills it in (鳥取県鳥取市), then 登録する."""
    page.get_by_label("メールアドレス").fill(email)
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    page.get_by_label("氏名").fill(name)
    page.get_by_label("ふりがな").fill(furigana)
    page.get_by_label("お住まいの都道府県").select_option(label="鳥取県")
    municipality = page.get_by_label("お住まいの市区町村")
    expect(municipality.locator("option", has_text="鳥取市")).to_have_count(1)  # loaded by JavaScript
    municipality.select_option(label="鳥取市")
    page.get_by_label("年代").select_option(label=age_band)
    page.get_by_label("利用規約とプライバシーポリシーに同意します").check()
    page.get_by_role("button", name="登録する").click()


def confirm_from_mail(page, base, *, axe_check=None):
    """Open the one confirmation e-mail's link and confirm: allauth signs the person in (マイページ)."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("メールアドレスを確認してください")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(base + link[link.index("/accounts/"):])
    if axe_check:
        axe_check(page, label="confirm e-mail")
    page.get_by_role("button", name="確認", exact=True).click()
    expect(page.get_by_role("heading", name="マイページ")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "desktop"])
def test_sign_up_confirm_log_in_and_see_mypage(live_server, page, axe_check, viewport):
    page.set_viewport_size(viewport)
    mail.outbox.clear()

    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile("つながりサポーター"))
    axe_check(page, label="home")

    page.get_by_role("link", name="新規登録").click()
    expect(page.get_by_role("heading", name="新規登録")).to_be_visible()
    axe_check(page, label="signup")

    fill_sign_up(page, email="journey@example.jp", name="𠮷川 花子", furigana="よしかわ はなこ", age_band="30代")
    expect(page.get_by_role("heading", level=1)).to_contain_text("メールアドレスを確認してください")
    axe_check(page, label="verification sent")
    confirm_from_mail(page, live_server.url, axe_check=axe_check)

    # Signed in by the confirmation; sign out and in again as a returning learner would.
    expect(page.get_by_role("heading", name="マイページ")).to_be_visible()
    page.get_by_role("button", name="ログアウト").click()
    page.goto(live_server.url + "/accounts/login/")
    axe_check(page, label="login")
    page.get_by_label("メールアドレス").fill("journey@example.jp")
    page.locator("#id_password").fill("tsunagari-pass-2026")
    page.get_by_role("button", name="ログイン").click()

    expect(page.get_by_role("heading", name="マイページ")).to_be_visible()
    expect(page.get_by_text("𠮷川 花子 さん（鳥取県鳥取市）")).to_be_visible()
    axe_check(page, label="mypage")
    assert len(axe_check.checked) == 6


def test_region_select_works_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="ja-JP")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("お住まいの都道府県").select_option(label="京都府")
    page.get_by_role("button", name="市区町村の一覧を表示").click()
    municipality = page.get_by_label("お住まいの市区町村")
    expect(municipality.locator("option", has_text="京都市")).to_have_count(1)
    expect(municipality.locator("option", has_text="鳥取市")).to_have_count(0)
    context.close()
