"""The workshop journey of issue 5, in a real browser against the live server:

a trainer creates a workshop in the admin → two learners register (one waitlisted) → one cancels and the other is
promoted (by e-mail) → the trainer shows the check-in QR and the learner checks in by opening its URL on their
phone → the trainer closes the workshop → the learner finds a valid certificate in マイページ and its number
verifies. axe-core runs on every page visited."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from certificates import messages as certificate_messages
from certificates.enums import VerificationOutcome
from certificates.services import verify_certificate
from events.models import Registration, WorkshopIndexPage, WorkshopPage
from tests.accounts.factories import UserFactory
from tests.certificates.factories import make_course
from tests.conftest import current_totp_code
from tests.e2e.conftest import PHONE
from tests.events.factories import make_trainer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct-horse-battery"  # UserFactory's password
TITLE = "鳥取市つながりサポーター養成講座（E2E）"


def log_in(page, base, email, *, totp=False):
    page.goto(base + "/accounts/login/")
    page.get_by_label("メールアドレス").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    if totp:
        code = page.locator("input[name='code']")
        code.fill(current_totp_code())
        code.press("Enter")
    expect(page.get_by_role("heading", name="マイページ")).to_be_visible()


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def test_trainer_creates_learners_register_check_in_and_get_certificates(live_server, browser, axe_check):
    make_course()
    base = live_server.url
    trainer = make_trainer(email="trainer.e2e@example.jp")
    first = UserFactory(email="first@example.jp", profile__full_name="先着 一子")
    second = UserFactory(email="second@example.jp", profile__full_name="待機 二郎")
    index = WorkshopIndexPage.objects.get()

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP", timezone_id="Asia/Tokyo")
    trainer_page = desk.new_page()
    log_in(trainer_page, base, trainer.email, totp=True)

    # 1. The trainer creates a one-seat workshop in the admin; it is on now (so check-in is open).
    now = timezone.now()
    trainer_page.goto(f"{base}/admin/pages/add/events/workshoppage/{index.pk}/")
    axe_check(trainer_page, label="admin: new workshop")
    trainer_page.locator("#id_title").fill(TITLE)
    trainer_page.locator("[data-contentpath='description'] .DraftEditor-root, #panel-child-コンテンツ-child-description-section .DraftEditor-root").first.click()
    trainer_page.keyboard.type("孤独・孤立について学び、つながりサポーターになる講座です。")
    for field, value in (
        ("starts_at", local(now - dt.timedelta(minutes=10))),
        ("ends_at", local(now + dt.timedelta(hours=2))),
        ("registration_closes_at", local(now + dt.timedelta(hours=1))),
    ):
        trainer_page.locator(f"#id_{field}").fill(value)
        trainer_page.keyboard.press("Escape")
    expect(trainer_page.locator("#id_municipality")).to_have_value("312011")  # the trainer's only municipality
    trainer_page.locator("#id_venue_name").fill("鳥取市民会館")
    trainer_page.locator("#id_venue_address").fill("鳥取県鳥取市尚徳町116")
    trainer_page.locator("#id_capacity").fill("1")
    trainer_page.locator("#id_organiser").fill("鳥取市")
    trainer_page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    trainer_page.locator("button[name='action-publish']").click()
    expect(trainer_page.locator(".messages")).to_contain_text(TITLE)
    workshop = WorkshopPage.objects.get(title=TITLE)
    assert workshop.live and workshop.capacity == 1

    # 2. Two learners register on their phones: the first gets the seat, the second is waitlisted.
    learner_pages = {}
    for user in (first, second):
        context = browser.new_context(viewport=PHONE, locale="ja-JP", timezone_id="Asia/Tokyo", is_mobile=True)
        page = context.new_page()
        log_in(page, base, user.email)
        page.goto(base + "/workshops/")
        axe_check(page, label=f"listing ({user.email})")
        page.get_by_role("link", name=TITLE).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        axe_check(page, label=f"workshop ({user.email})")
        page.get_by_role("button", name=re.compile("申し込む")).click()
        learner_pages[user.email] = page
    first_page, second_page = learner_pages[first.email], learner_pages[second.email]
    expect(first_page.get_by_text("参加が確定しています。", exact=True)).to_be_visible()
    expect(second_page.get_by_text("キャンセル待ち（1番目）で受け付けました", exact=False)).to_be_visible()
    axe_check(second_page, label="waitlisted")

    # 3. The first cancels; the second is promoted and told by e-mail.
    mail.outbox.clear()
    first_page.get_by_role("button", name="申し込みを取り消す").click()
    expect(first_page.get_by_role("heading", name="申し込みを取り消しますか")).to_be_visible()  # confirm step
    assert mail.outbox == []  # nothing happened yet
    axe_check(first_page, label="confirm cancellation")
    first_page.get_by_role("button", name="申し込みを取り消す").click()
    expect(first_page.get_by_text("申し込みを取り消しました。")).to_be_visible()
    axe_check(first_page, label="cancelled")
    promoted = [m for m in mail.outbox if m.to == [second.email]]
    assert len(promoted) == 1 and "キャンセル待ちから参加が確定しました" in promoted[0].subject
    second_page.reload()
    expect(second_page.get_by_text("参加が確定しています。", exact=True)).to_be_visible()

    # 4. The trainer shows the check-in QR; the learner opens its URL on their phone.
    trainer_page.goto(base + "/trainer/")
    axe_check(trainer_page, label="trainer console")
    trainer_page.get_by_role("link", name=TITLE).click()
    expect(trainer_page.get_by_role("rowheader", name="待機 二郎")).to_be_visible()
    axe_check(trainer_page, label="roster")
    trainer_page.get_by_role("link", name="出席受付のQRコードを表示").click()
    expect(trainer_page.locator("#checkin-qr")).to_be_visible()
    axe_check(trainer_page, label="check-in QR")
    checkin_url = trainer_page.locator("#checkin-url").get_attribute("href")
    assert "/c/" in checkin_url and checkin_url.isascii()
    second_page.goto(base + checkin_url[checkin_url.index("/c/"):])
    expect(second_page.get_by_text("出席を記録しました。")).to_be_visible()
    axe_check(second_page, label="checked in")
    assert Registration.objects.get(workshop=workshop, user=second).status == "attended"

    # 5. The trainer closes the workshop: certificates for every attendee, with progress.
    back = trainer_page.get_by_role("link", name="名簿に戻る")  # the kiosk shows it only to the keyboard
    back.focus()
    back.press("Enter")
    trainer_page.get_by_role("button", name="講座を締めくくり、修了証を発行する").click()
    expect(trainer_page.locator("#closing-progress")).to_contain_text("完了")
    axe_check(trainer_page, label="closed")

    # 6. The learner finds a valid certificate in マイページ, and its number verifies.
    second_page.goto(base + "/mypage/")
    panel = second_page.locator("section", has=second_page.get_by_role("heading", name="申し込んだ講座・研修会"))
    expect(panel).to_contain_text("修了証（有効）")
    number = panel.locator(".certificate-number").inner_text()
    axe_check(second_page, label="mypage")
    # An employer types the number on the public verification page.
    employer_page = desk.new_page()
    employer_page.goto(base + "/verify/")
    employer_page.get_by_role("textbox", name="修了証番号").fill(number)
    employer_page.get_by_role("button", name="確認する").click()
    expect(employer_page.locator("main")).to_contain_text(str(certificate_messages.VALID))
    axe_check(employer_page, label="verify")
    result = verify_certificate(raw_number=number, channel="page", record=False)
    assert result.outcome == VerificationOutcome.VALID
    assert result.certificate.holder == second and result.certificate.workshop_id == workshop.pk
    assert not Registration.objects.filter(user=first, certificate__isnull=False).exists()
    desk.close()
