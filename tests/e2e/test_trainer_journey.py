"""Issue 17 "Done when", in a real browser against the live server: a trainer creates a workshop from the console,
two learners register (one waitlisted), the trainer moves the time (both get the change with a new .ics), records a
paper participant and imports a two-row sign-in sheet, shows the kiosk check-in screen and a learner checks in by
scanning its QR code (decoded from the kiosk's screenshot), the trainer closes the workshop and prints the paper
participants' certificates, an employer verifies one by scanning the QR code on the printed sheet, and she later signs
up (the real sign-up form and e-mail confirmation) and claims it into her new account. axe-core runs on the pages
visited."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from certificates.models import Certificate
from events.models import PaperParticipant, Registration, WorkshopPage
from tests.accounts.factories import UserFactory
from tests.certificates.factories import make_course
from tests.e2e.conftest import PHONE
from tests.e2e.test_signup_journey import confirm_from_mail, fill_sign_up
from tests.e2e.test_workshop_journey import local, log_in
from tests.events.factories import make_trainer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "鳥取市つながりサポーター養成講座（講師の一日）"


def ics(message):
    (attachment,) = [a for a in message.attachments if a[0] == "workshop.ics"]
    (event,) = Calendar.from_ical(attachment[1]).walk("VEVENT")
    return event


def scan(locator) -> str:
    """What a phone's camera reads from the QR code on the screen or the sheet."""
    import zxingcpp
    from PIL import Image

    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(locator.screenshot())))
    return decoded.text


def test_a_trainers_day_from_creating_to_a_claimed_paper_certificate(live_server, browser, axe_check, tmp_path):
    make_course()
    base = live_server.url
    trainer = make_trainer(email="trainer.day@example.jp")
    first = UserFactory(email="day1@example.jp", profile__full_name="先着 一子")
    second = UserFactory(email="day2@example.jp", profile__full_name="待機 二郎")
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP", timezone_id="Asia/Tokyo")
    page = desk.new_page()
    log_in(page, base, trainer.email, totp=True)

    # 1. From the console: 新しい講座を作成 → the add form; starts in 20 minutes, one seat.
    page.goto(base + "/trainer/")
    page.get_by_role("link", name="新しい講座を作成").click()
    now = timezone.now()
    page.locator("#id_title").fill(TITLE)
    page.locator("[data-contentpath='description'] .DraftEditor-root").first.click()
    page.keyboard.type("孤独・孤立について学ぶ講座です。")
    for field, value in (("starts_at", local(now + dt.timedelta(minutes=20))), ("ends_at", local(now + dt.timedelta(hours=2)))):
        page.locator(f"#id_{field}").fill(value)
        page.keyboard.press("Escape")
    page.locator("#id_venue_name").fill("鳥取市民会館")
    page.locator("#id_venue_address").fill("鳥取県鳥取市尚徳町116")
    page.locator("#id_capacity").fill("1")
    page.locator("#id_organiser").fill("鳥取市")
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    page.locator("button[name='action-publish']").click()
    expect(page.locator(".messages")).to_contain_text(TITLE)
    workshop = WorkshopPage.objects.get(title=TITLE)

    # 2. Two learners register on their phones: one seat, one waitlisted.
    phones = {}
    for user in (first, second):
        phone = browser.new_context(viewport=PHONE, locale="ja-JP", timezone_id="Asia/Tokyo", is_mobile=True).new_page()
        log_in(phone, base, user.email)
        phone.goto(base + workshop.url)
        phone.get_by_role("button", name=re.compile("申し込む")).click()
        phones[user.email] = phone
    expect(phones[second.email].get_by_text("キャンセル待ち（1番目）で申し込んでいます", exact=False)).to_be_visible()
    (before,) = Calendar.from_ical(live_ics := page.request.get(base + workshop.url + "ical/").body()).walk("VEVENT")
    assert live_ics

    # 3. The trainer moves the time, sees who will be told, then saves: both get the change and a new .ics.
    mail.outbox.clear()
    page.goto(f"{base}/trainer/workshops/{workshop.pk}/")
    page.get_by_role("link", name=re.compile("日時・場所・定員を変更する")).click()
    new_start = timezone.localtime(now + dt.timedelta(minutes=15))
    page.locator("#id_starts_at").fill(new_start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="変更点とお知らせする方を確認する").click()
    expect(page.locator("#preview-title")).to_be_visible()
    expect(page.get_by_text("お知らせする方（2人）")).to_be_visible()
    expect(page.get_by_text("先着 一子", exact=False)).to_be_visible()
    axe_check(page, label="change preview")
    page.get_by_role("button", name="この内容で保存し、お知らせする").click()
    expect(page.locator(".messages")).to_contain_text("2人にメール")
    changed = [m for m in mail.outbox if "変更になりました" in m.subject]
    assert sorted(m.to[0] for m in changed) == [first.email, second.email]
    for message in changed:
        event = ics(message)
        assert str(event["uid"]) == str(before["uid"]) and int(event["sequence"]) > int(before["sequence"])
        assert timezone.localtime(event.decoded("dtstart")).strftime("%H:%M") == new_start.strftime("%H:%M")

    # 4. A paper participant on the roster, then a two-row sign-in sheet.
    page.get_by_text("1人ずつ登録する").click()
    page.locator("#id_full_name").fill("紙野 ハナ")
    page.locator("#id_furigana").fill("かみの はな")
    page.locator("#id_municipality").fill("鳥取県鳥取市")
    page.locator("#id_age_band").select_option("80plus")
    page.locator("input[name='consent_statistics'][value='yes']").check()
    page.get_by_role("button", name="登録する").click()
    expect(page.locator(".messages")).to_contain_text("紙野 ハナ さんを紙の名簿の参加者として登録しました")
    sheet = tmp_path / "sign-in.csv"
    sheet.write_bytes("氏名,ふりがな,お住まいの市区町村,年代,職業分野,統計への同意\r\n鳥取 一郎,とっとり いちろう,鳥取県鳥取市,70代,,はい\r\n米子 二三,よなご ふみ,米子市,80歳以上,その他,いいえ\r\n".encode("cp932"))
    page.get_by_text("紙の名簿を取り込む（CSV・Excel）").click()
    page.locator("#id_file").set_input_files(str(sheet))
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator(".messages")).to_contain_text("2人を紙の名簿の参加者として取り込みました")
    assert PaperParticipant.objects.filter(workshop=workshop).count() == 3
    axe_check(page, label="roster with paper participants")

    # 5. The kiosk; the confirmed learner opens its short URL on her phone.
    page.get_by_role("link", name="出席受付のQRコードを表示").click()
    expect(page.locator("#checkin-qr")).to_be_visible()
    axe_check(page, label="kiosk")
    url = scan(page.locator("#checkin-qr"))
    assert url == page.locator("#checkin-url").get_attribute("href")
    assert "/c/" in url and url.isascii() and len(url) < 80
    phones[first.email].goto(base + url[url.index("/c/"):])
    expect(phones[first.email].get_by_text("出席を記録しました。")).to_be_visible()
    assert Registration.objects.get(workshop=workshop, user=first).status == "attended"

    # 6. After the start, the trainer closes the workshop and prints the paper participants' certificates.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=30), tick=True):
        page.goto(f"{base}/trainer/workshops/{workshop.pk}/")
        page.get_by_role("button", name="講座を締めくくり、修了証を発行する").click()
        expect(page.locator("#closing-progress")).to_contain_text("完了")
        page.get_by_role("link", name="全員の修了証とカードを印刷する").click()
        expect(page.locator("article.sheet")).to_have_count(3)
        hana = PaperParticipant.objects.get(full_name="紙野 ハナ")
        expect(page.locator("article.sheet", has_text="紙野 ハナ")).to_contain_text(hana.claim_code)
        expect(page.locator("article.sheet", has_text="紙野 ハナ")).to_contain_text(TITLE)
        hana_sheet = page.locator("article.sheet", has_text="紙野 ハナ")
        expect(hana_sheet).to_contain_text(hana.printed_number)
        printed_qr = scan(hana_sheet.locator("img.sheet__qr"))
    assert Certificate.objects.filter(holder=first).exists()

    # 7. An employer scans the printed sheet's QR code: valid, initials only, the printed name checks out.
    employer = browser.new_context(viewport=PHONE, locale="ja-JP", timezone_id="Asia/Tokyo", is_mobile=True).new_page()
    assert printed_qr.endswith(f"/verify/paper/{hana.printed_number}/?s={hana.printed_signature}")
    employer.goto(base + printed_qr[printed_qr.index("/verify/"):])
    expect(employer.get_by_role("heading", name="有効な修了証です")).to_be_visible()
    expect(employer.locator(".verify-facts")).to_contain_text("K. H.")
    expect(employer.locator(".verify-facts")).not_to_contain_text("紙野")
    axe_check(employer, label="printed certificate verified")
    employer.get_by_role("textbox", name=re.compile("修了証に印字された氏名で照合")).fill("紙野 ハナ")
    employer.get_by_role("button", name="氏名を照合する").click()
    expect(employer.locator(".name-check-result")).to_contain_text("一致")

    # 8. Later, 紙野 ハナ opens the address on her card, signs up (new account, e-mail confirmed) and types the code.
    mail.outbox.clear()
    phone = browser.new_context(viewport=PHONE, locale="ja-JP", timezone_id="Asia/Tokyo", is_mobile=True).new_page()
    phone.goto(base + "/c/claim/")
    expect(phone.get_by_text("修了証を受け取るには、ログインしてください", exact=False)).to_be_visible()
    phone.get_by_role("link", name="新規登録").first.click()
    fill_sign_up(phone, email="hana@example.jp", name="紙野 ハナ", furigana="かみの はな", age_band="80歳以上")
    confirm_from_mail(phone, base)
    hana_account = PaperParticipant._meta.get_field("claimed_by").related_model.objects.get(email="hana@example.jp")
    assert not hana_account.certificates.exists()
    phone.goto(base + "/c/claim/")
    axe_check(phone, label="claim")
    phone.get_by_label(re.compile("受け取りコード")).fill(hana.claim_code.lower())
    phone.get_by_role("button", name="受け取る").click()
    expect(phone.get_by_text("修了証をアカウントに登録しました", exact=False)).to_be_visible()
    hana.refresh_from_db()
    assert hana.claimed_by == hana_account and hana.certificate.holder == hana_account
    assert hana.certificate.workshop_id == workshop.pk
    employer.reload()
    expect(employer.get_by_role("heading", name="有効な修了証です")).to_be_visible()
    expect(employer.locator(".verify-facts")).to_contain_text("アカウントに受け取り済み")
    desk.close()
