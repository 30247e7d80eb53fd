"""Browser journeys for certificates: an employer on a phone types a number and sees the answer; scans a QR link;
checks a list; the holder finds their certificate in マイページ, copies the link and hides their name. axe-core on
every page."""

import pytest
from playwright.sync_api import expect

from certificates.services import revoke_certificate, verification_url
from tests.accounts.factories import UserFactory
from tests.certificates.factories import CertificateFactory
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_employer_verifies_on_a_phone(live_server, page, axe_check):
    page.set_viewport_size(PHONE)
    certificate = CertificateFactory(holder=UserFactory(profile__full_name="𠮷川 花子", profile__furigana="よしかわ はなこ"))
    revoked = CertificateFactory(revoked=True)

    page.goto(live_server.url + "/verify/")
    expect(page.get_by_role("heading", name="修了証の確認", level=1)).to_be_visible()
    axe_check(page, label="verify form")

    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("alert")).to_contain_text("修了証番号を入力してください")
    axe_check(page, label="verify form error")

    page.get_by_role("textbox", name="修了証番号").fill(certificate.number.lower().replace("-", ""))
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("heading", name="有効な修了証です")).to_be_visible()
    expect(page.get_by_text("𠮷川 花子")).to_be_visible()
    axe_check(page, label="valid")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.goto(live_server.url + verification_url(certificate, absolute=False))  # what the QR opens
    expect(page.get_by_role("heading", name="有効な修了証です")).to_be_visible()

    tampered = verification_url(certificate, absolute=False)[:-1] + ("A" if not verification_url(certificate).endswith("A") else "B")
    page.goto(live_server.url + tampered)
    expect(page.get_by_role("heading", name="本サイトが発行したものではありません")).to_be_visible()
    axe_check(page, label="forged")

    page.goto(live_server.url + f"/verify/{revoked.number}/")
    expect(page.get_by_role("heading", name="失効した修了証です")).to_be_visible()
    axe_check(page, label="revoked")

    page.goto(live_server.url + "/verify/0000-0000-0000-0000-0/")
    expect(page.get_by_role("heading", name="修了証が見つかりません")).to_be_visible()
    axe_check(page, label="not found")

    page.goto(live_server.url + "/verify/bulk/")
    page.get_by_label("修了証番号（1行に1件、1,000件まで）").fill(f"{certificate.number}\n{revoked.number}\nxxxx")
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_text("有効 1件・失効 1件・再発行済み 0件・見つからない番号 0件・入力ミスがあるようです 0件・番号の形式ではありません 1件", exact=False)).to_be_visible()
    axe_check(page, label="bulk result")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="結果をCSVでダウンロード").click()
    assert download_info.value.suggested_filename == "certificate-verification.csv"

    revoke_certificate(certificate=certificate, reason="テスト")
    page.goto(live_server.url + verification_url(certificate, absolute=False))
    expect(page.get_by_role("heading", name="失効した修了証です")).to_be_visible()
    assert len(axe_check.checked) == 7


def test_holder_finds_downloads_and_hides_their_name(live_server, page, axe_check):
    page.set_viewport_size(PHONE)
    holder = UserFactory(profile__full_name="山田 太郎", profile__furigana="やまだ たろう")
    certificate = CertificateFactory(holder=holder)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("メールアドレス").fill(holder.email)
    page.locator("#id_password").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="修了証", exact=True)).to_be_visible()
    axe_check(page, label="mypage with certificate")

    link = page.get_by_label("確認用リンク（企業・団体などに伝えるとき）")
    expect(link).to_have_value(verification_url(certificate))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="修了証（PDF・A4）をダウンロード").click()
    safe_number = "".join(ch if ch.isalnum() or ch == "-" else "_" for ch in certificate.number)
    assert download_info.value.suggested_filename == f"shuryosho-{safe_number}.pdf"

    page.get_by_label("イニシャルだけを表示する（Y. T.）").check()
    page.get_by_role("button", name="表示を保存する").click()
    expect(page.get_by_text("確認ページでの氏名の表示を変更しました。")).to_be_visible()
    page.goto(live_server.url + f"/verify/{certificate.number}/")
    expect(page.get_by_text("Y. T.")).to_be_visible()
    expect(page.get_by_text("山田 太郎")).to_have_count(0)
