"""A learner on a 360 px phone (part-way through the course: modules 1–5 passed, so module 6 is open to them)
types 相談 into the header search, submits with the keyboard, filters to the course and opens the consultation
module (第6章 相談窓口を知ろう) from the results. axe-core checks the results pages."""

import pytest
from playwright.sync_api import expect

from courses.models import ModulePage
from courses.seeding import seed_course
from home.services import seed_site
from search.services import rebuild_index
from tests.accounts.factories import UserFactory
from tests.courses.factories import pass_module
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_search_from_the_header_on_a_phone_and_open_the_consultation_module(live_server, page, axe_check):
    seed_site()
    seed_course()
    rebuild_index()
    learner = UserFactory(email="search-journey@example.jp")
    for module in ModulePage.objects.live().order_by("path")[:5]:
        pass_module(learner, module)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("メールアドレス").fill(learner.email)
    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()

    page.goto(live_server.url + "/about/")
    search_box = page.get_by_role("searchbox", name="サイト内検索")
    expect(search_box).to_be_visible()
    search_box.fill("相談")
    search_box.press("Enter")

    expect(page).to_have_url(live_server.url + "/search/?q=%E7%9B%B8%E8%AB%87")
    expect(page.get_by_role("heading", level=2, name="「相談」の検索結果")).to_contain_text("件")
    # The header box keeps the query; the page does not scroll sideways at 360 px.
    expect(page.get_by_role("searchbox", name="サイト内検索")).to_have_value("相談")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page, label="search results (phone)")

    page.get_by_role("navigation", name="種類で絞り込む").get_by_role("link", name="講座（").click()
    expect(page.get_by_role("link", name="講座（")).to_have_attribute("aria-current", "page")
    axe_check(page, label="search results filtered by kind (phone)")

    result = page.get_by_role("link", name="相談窓口を知ろう")
    expect(result.locator("mark")).to_have_text("相談")
    result.click()
    expect(page).to_have_url(live_server.url + "/course/consultation-windows/")
    expect(page.get_by_role("heading", level=1)).to_have_text("相談窓口を知ろう")


def test_bad_query_from_the_header_gives_a_normal_page(live_server, page, axe_check):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + '/search/?q=%22%00%E3%80%80*')
    expect(page.get_by_role("heading", level=1)).to_have_text("サイト内検索")
    expect(page.get_by_role("status")).to_contain_text("検索できる文字")
    axe_check(page, label="search page with an unusable query (phone)")
