"""Issue 16 journeys at 360 px: initials mode + the printed-name check → 一致; reissue after a name change; #9999 with
no periods never says closed; the bulk result keeps 1,000 rows with line numbers. axe-core on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from certificates.enums import NameDisplay
from certificates.services import set_name_display
from home.services import seed_site
from tests.accounts.factories import UserFactory
from tests.certificates.factories import CertificateFactory
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLOSED_WORDS = ("受付期間外", "実施期間ではありません")


def _log_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("メールアドレス").fill(user.email)
    page.locator("#id_password").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_initials_mode_and_the_printed_name_check_say_match(live_server, page, axe_check):
    page.set_viewport_size(PHONE)
    certificate = CertificateFactory(holder=UserFactory(profile__full_name="鈴木 美咲", profile__furigana="すずき みさき"))
    set_name_display(certificate=certificate, holder=certificate.holder, name_display=NameDisplay.INITIALS)
    page.goto(live_server.url + f"/verify/{certificate.number}/")
    expect(page.get_by_role("heading", name="有効な修了証です")).to_be_visible()
    expect(page.get_by_text("S. M.", exact=False).first).to_be_visible()
    expect(page.get_by_text("イニシャルだけ表示することを選んでいます", exact=False)).to_be_visible()
    axe_check(page, label="initials")
    _fits(page)
    page.get_by_role("textbox", name="修了証に印字された氏名で照合").fill("鈴木　美咲")
    page.get_by_role("button", name="氏名を照合する").click()
    expect(page.locator(".name-check-result")).to_contain_text("一致")
    expect(page.locator(".name-check-result")).not_to_contain_text("不一致")
    assert "鈴木" not in page.content()
    axe_check(page, label="name check match")
    page.get_by_role("textbox", name="修了証に印字された氏名で照合").fill("鈴木 美香")
    page.get_by_role("button", name="氏名を照合する").click()
    expect(page.locator(".name-check-result")).to_contain_text("不一致")


def test_reissue_after_a_name_change(live_server, page, axe_check):
    page.set_viewport_size(PHONE)
    holder = UserFactory(profile__full_name="山田 花子", profile__furigana="やまだ はなこ")
    old = CertificateFactory(holder=holder)
    holder.profile.full_name = "佐藤 花子"
    holder.profile.furigana = "さとう はなこ"
    holder.profile.save()
    _log_in(page, live_server, holder)
    expect(page.get_by_role("button", name="現在の氏名で再発行する")).to_be_visible()
    expect(page.get_by_role("link", name="LinkedInに追加")).to_be_visible()
    axe_check(page, label="mypage with a reissue offer")
    page.get_by_role("button", name="現在の氏名で再発行する").click()
    expect(page.get_by_text("現在の氏名で修了証を再発行しました", exact=False)).to_be_visible()
    expect(page.get_by_text("佐藤 花子").first).to_be_visible()
    axe_check(page, label="mypage after reissue")

    page.context.clear_cookies()
    page.goto(live_server.url + f"/verify/{old.number}/")
    expect(page.get_by_role("heading", name="再発行されました（新しい修了証があります）")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "失効" not in body and "佐藤" not in body
    axe_check(page, label="old number after reissue")
    _fits(page)


def test_dial_with_no_periods_never_says_closed(live_server, page, axe_check):
    page.set_viewport_size(PHONE)
    seed_site()
    # No period entered, on whatever day the test runs (Golden Week and New Year themselves are travelled to with
    # time_machine in tests/home/test_consultation_windows.py; the live server's thread is not travelled)
    for path in ("/", "/about/", "/faq/"):
        page.goto(live_server.url + path)
        text = page.locator("body").inner_text()
        for word in CLOSED_WORDS:
            assert word not in text, (path, word)
        assert "ゴールデンウィーク、年末年始に実施" in text
        assert "最新の情報は各窓口の公式サイトでご確認ください" in text
        _fits(page)
    tel = page.locator('a[href="tel:%239999"]').first
    expect(tel).to_be_visible()
    box = tel.bounding_box()
    assert box["height"] >= 24  # WCAG 2.2 target size
    axe_check(page, label="faq with the windows")


def test_bulk_result_keeps_a_thousand_rows_with_line_numbers(live_server, page, axe_check):
    page.set_viewport_size(PHONE)
    valid = CertificateFactory()
    lines = [valid.number] * 997 + ["", "ZZZZ-ZZZZ-ZZZZ-ZZZZ-Q", ""]
    page.goto(live_server.url + "/verify/bulk/")
    page.get_by_label("修了証番号（1行に1件、1,000件まで）").fill("\n".join(lines) + "\n")
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("heading", name="確認結果（1000行）")).to_be_visible()
    rows = page.locator(".bulk-table tbody tr")
    expect(rows).to_have_count(1000)
    first = rows.first
    expect(first.locator("th")).to_have_text("999")  # the problem row first, with its line number
    expect(first).to_contain_text("番号に入力ミスがあるようです")
    expect(page.locator('textarea[name="carried"], textarea[name="numbers"][hidden]')).to_have_count(0)
    _fits(page)
    axe_check(page, label="bulk 1000 rows at 360 px")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="結果をCSVでダウンロード").click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read().splitlines()
    assert len(content) == 1001
    assert [line.split(",")[0] for line in content[1:]] == [str(n) for n in range(1, 1001)]
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.locator(".bulk-table thead")).to_be_visible()
