"""Every admin screen a demo role can reach, opened in Chromium as that role (issue 19): no English word outside
the allow-list in what the screen shows (innerText) and no JavaScript error on the console.

The crawl starts at /admin/ and follows every link the role is shown, one page per URL pattern (the resolver's
route), skipping actions that change data (delete, unpublish, move, …). A link the role is offered that answers 403
or 404 fails too: menus must show each role only what it may use."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import expect

from tests.conftest import current_totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DEMO_PASSWORD = "tsunagari-demo-2026"  # noqa: S105 (demo data, README)
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105
# The superuser reaches ~70 URL patterns (groups, sites, users, workflows, collections…); every one is opened.
MAX_SCREENS = 90

# Changes data or leaves the admin: never opened by the crawl.
SKIP = re.compile(
    r"logout|delete|unpublish|/lock/|/unlock/|/move/|/copy/|/revert|/cancel|/disable/|/enable/|convert_alias"
    r"|/workflow/|\.csv|\.xlsx|export|download|/preview|/jsi18n|/api/|/bulk/|/history/.*\?|/reports/regions/.+/"
)
# Words that are Japanese usage, proper nouns or file formats.
ALLOWED = set(
    "PDF CSV XLSX TSV QR TOTP ID URL HTML JPEG JPG PNG GIF WEBP SVG OK iCal ics JIS Excel API MFA NPO CSRF YouTube IP "
    "HTTPS HTTP MB KB GB Wagtail JavaScript LinkedIn Open Badges Google SNS LINE Web Cookie Ctrl Alt Shift Enter Esc "
    "Tab Cmd Option Space Delete Backspace Windows Mac DV Noto BIZ UD SEO alt "
    "localhost".split()  # localhost: the demo site's hostname (data, like an address)
)
ENGLISH = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z'’]+(?![\w-])")
# Dotted identifiers (courses.modulepage in the page-types report) are code names, not English words.
NOT_WORDS = re.compile(r"https?://\S+|\b[a-z_]+\.[a-z_]+\b|[\w.+-]+@[\w-]+\.[\w.-]+|#\w+|\b[\w-]+\.(?:jpg|png|pdf|csv|xlsx|ics)\b", re.I)


def _log_in(page, base_url: str, email: str):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("メールアドレス").fill(email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.locator("#id_code").fill(current_totp_code(DEMO_TOTP_SECRET))
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="マイページ")).to_be_visible()


def _pattern(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.route}|{match.url_name}"


def _english_words(text: str) -> set[str]:
    text = NOT_WORDS.sub(" ", text)
    return {word for word in ENGLISH.findall(text) if word not in ALLOWED}


@pytest.fixture
def demo_site(db):
    call_command("seed_site", verbosity=0)
    call_command("seed_course", verbosity=0)
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize(
    "email",
    ["editor@example.jp", "moderator@example.jp", "trainer@example.jp", "officer-tottori@example.jp", "admin@example.jp"],
)
def test_every_admin_screen_a_role_can_open_is_japanese_and_error_free(demo_site, live_server, browser, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    _log_in(page, live_server.url, email)
    errors.clear()  # the public pages have their own tests; this one is about the admin

    queue, seen_patterns, problems = ["/admin/"], set(), []
    english: dict[str, set[str]] = {}
    while queue and len(seen_patterns) < MAX_SCREENS:
        url = queue.pop(0)
        path = urlsplit(url).path
        pattern = _pattern(path)
        if pattern is None or pattern in seen_patterns or SKIP.search(url):
            continue
        seen_patterns.add(pattern)
        response = page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        if response is None or response.status >= 400:
            problems.append(f"{url} → {response.status if response else 'no response'}")
            continue
        for word in _english_words(page.locator("body").inner_text()):
            english.setdefault(word, set()).add(url)
        for href in page.eval_on_selector_all("a[href^='/admin/']", "els => els.map(e => e.getAttribute('href'))"):
            if href not in queue:
                queue.append(href.split("#")[0])
    context.close()

    assert len(seen_patterns) >= 3, seen_patterns
    assert len(seen_patterns) < MAX_SCREENS, f"{email}: the crawl stopped at {MAX_SCREENS} screens with more to open"
    assert not problems, f"{email}: links answering an error: {problems}"
    assert not errors, f"{email}: console errors: {errors[:10]}"
    assert not english, f"{email}: English on screen: " + "; ".join(
        f"{word} ({sorted(urls)[0]})" for word, urls in sorted(english.items())
    )
