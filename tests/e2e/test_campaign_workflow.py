"""Editors' journey: an editor (with TOTP) edits next year's campaign page in the Wagtail admin and submits it for
moderation; a moderator approves it; the published page shows the change. Then the public home and campaign pages
pass axe-core at 360 px and desktop widths, and the countdown works without JavaScript."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from home.services import create_campaign, seed_site
from lms.accounts.enums import EDITOR_GROUP, MODERATOR_GROUP
from tests.accounts.factories import UserFactory
from tests.conftest import current_totp_code, give_totp
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "correct-horse-battery"  # UserFactory's
EDITOR_SECRET = "JBSWY3DPEHPK3PXP"
MODERATOR_SECRET = "KRSXG5CTMVRXEZLU"


def _staff(email: str, group: str, secret: str):
    user = UserFactory(email=email)
    user.groups.add(Group.objects.get(name=group))
    give_totp(user, secret)
    return user


def _fresh_totp_code(secret: str) -> str:
    return current_totp_code(secret)  # waits out the last seconds of a window


def _log_in(context, base_url: str, email: str, secret: str, axe_check=None):
    page = context.new_page()
    page.goto(base_url + "/accounts/login/")
    if axe_check:
        axe_check(page, label="login")
    page.get_by_label("メールアドレス").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.locator("#id_code").fill(_fresh_totp_code(secret))
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="マイページ")).to_be_visible()
    return page


def _open_action_menu(page):
    page.locator("footer .w-dropdown__toggle.button").click()


def test_editor_submits_moderator_approves_and_the_page_shows_the_change(live_server, browser, axe_check):
    seed_site()
    today = timezone.localdate()
    running = create_campaign(
        year=today.year,
        title=f"{today.year}年の強化月間（開催中）",
        starts_on=today,
        ends_on=today + dt.timedelta(days=10),
        summary="いま開催中の強化月間です。",
    )
    campaign = create_campaign(
        year=today.year + 1,
        title=f"{today.year + 1}年の孤独・孤立対策強化月間",
        theme="声を上げやすい、声をかけやすい社会へ",
        summary="最初の概要です。",
    )
    _staff("editor-e2e@example.jp", EDITOR_GROUP, EDITOR_SECRET)
    _staff("moderator-e2e@example.jp", MODERATOR_GROUP, MODERATOR_SECRET)
    edit_path = f"/admin/pages/{campaign.pk}/edit/"
    new_summary = "全国各地の講座・研修会を紹介します（編集者が更新）。"

    # --- The editor edits and submits for moderation ------------------------------------------------------
    editor_context = browser.new_context(viewport=DESKTOP, locale="ja-JP", timezone_id="Asia/Tokyo")
    editor = _log_in(editor_context, live_server.url, "editor-e2e@example.jp", EDITOR_SECRET, axe_check)
    editor.goto(live_server.url + edit_path)
    axe_check(editor, label="admin: edit campaign (editor)")
    summary = editor.get_by_role("textbox", name="概要")
    expect(summary).to_have_value("最初の概要です。")
    summary.fill(new_summary)
    _open_action_menu(editor)
    expect(editor.locator('button[name="action-publish"]')).to_have_count(0)  # editors cannot publish
    editor.get_by_role("button", name="承認を申請（編集者の申請→モデレーターの承認）").click()
    expect(editor.locator(".messages")).to_contain_text("の承認を申請しました")
    editor_context.close()

    # Not live yet: the public page still shows the old text.
    public = browser.new_context(viewport=DESKTOP, locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    public.goto(live_server.url + campaign.url)
    expect(public.locator(".campaign-hero .lead")).to_have_text("最初の概要です。")
    axe_check(public, label="campaign page before approval")

    # --- The moderator approves ------------------------------------------------------------------------------
    moderator_context = browser.new_context(viewport=DESKTOP, locale="ja-JP", timezone_id="Asia/Tokyo")
    moderator = _log_in(moderator_context, live_server.url, "moderator-e2e@example.jp", MODERATOR_SECRET)
    moderator.goto(live_server.url + edit_path)
    axe_check(moderator, label="admin: review campaign (moderator)")
    expect(moderator.get_by_role("textbox", name="概要")).to_have_value(new_summary)
    _open_action_menu(moderator)
    moderator.get_by_role("button", name="承認して今すぐ公開", exact=True).click()  # no go-live time was set
    expect(moderator.locator(".messages")).to_contain_text("を承認し、公開しました")
    moderator_context.close()

    # --- The published page shows the change ------------------------------------------------------------------
    public.goto(live_server.url + campaign.url)
    expect(public.locator(".campaign-hero .lead")).to_have_text(new_summary)
    expect(public.get_by_role("heading", level=1)).to_have_text(campaign.title)
    expect(public.locator(".countdown")).to_contain_text(re.compile(r"開始まであと\d+日"))

    # --- Accessibility of the public pages at phone and desktop widths ---------------------------------------------
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        public.set_viewport_size(viewport)
        public.goto(live_server.url + "/")
        expect(public.locator(".campaign-banner")).to_contain_text(running.title)
        axe_check(public, label=f"home ({name})")
        public.goto(live_server.url + "/campaign/")
        expect(public.get_by_role("heading", name="開催予定")).to_be_visible()
        axe_check(public, label=f"campaign index ({name})")
        public.goto(live_server.url + campaign.url)
        axe_check(public, label=f"campaign page ({name})")
        public.goto(live_server.url + running.url)
        axe_check(public, label=f"running campaign page ({name})")
        for path in ("/about/", "/faq/", "/privacy/"):
            public.goto(live_server.url + path)
            axe_check(public, label=f"{path} ({name})")
    assert len(axe_check.checked) == 4 + 2 * 7


def test_countdown_and_consultation_windows_work_without_javascript(live_server, browser):
    seed_site()
    today = timezone.localdate()
    campaign = create_campaign(year=today.year + 1, title=f"{today.year + 1}年の孤独・孤立対策強化月間")
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="ja-JP")
    page = context.new_page()
    page.goto(live_server.url + campaign.url)
    days = (dt.date(today.year + 1, 5, 1) - today).days
    expect(page.locator(".countdown")).to_have_text(f"開始まであと{days}日")
    expect(page.locator(".site-footer")).to_contain_text("#9999")
    context.close()
