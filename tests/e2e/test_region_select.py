"""The municipality list of the sign-up form with JavaScript: choosing the prefecture with the arrow keys lists only
the chosen prefecture's municipalities (earlier answers arriving late are dropped), and coming back from 利用規約
keeps the list and the choice."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from lms.regions.models import Municipality, Prefecture
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _tokyo():
    names = list(Municipality.objects.selectable().in_prefecture("13").values_list("name", flat=True))
    assert "新宿区" in names and len(names) > 40
    return names


def _slow_answers_for_earlier_prefectures(page):
    """Make every prefecture before 東京都 answer late (as a slow network would), so a script that appends whatever
    arrives, or keeps the last answer to arrive, shows the wrong list."""

    def handle(route, request):
        code = request.url.rstrip("/").split("/")[-2]
        if code != "13":
            time.sleep(0.15)
        route.continue_()

    page.route("**/regions/prefectures/*/municipalities/", handle)


def test_arrow_key_choice_of_tokyo_lists_only_tokyo(live_server, page, axe_check):
    page.set_viewport_size(PHONE)
    tokyo = _tokyo()
    _slow_answers_for_earlier_prefectures(page)
    page.goto(live_server.url + "/accounts/signup/")
    prefecture = page.get_by_label("お住まいの都道府県")
    prefecture.focus()
    order = list(Prefecture.objects.order_by("code").values_list("code", flat=True))
    for _ in range(order.index("13") + 1):  # from 「選んでください」 down to 東京都, one key at a time
        page.keyboard.press("ArrowDown")
    expect(prefecture).to_have_value("13")
    municipality = page.get_by_label("お住まいの市区町村")
    expect(municipality.locator("option", has_text="新宿区")).to_have_count(1)
    page.wait_for_timeout(3000)  # let every late answer for 北海道…神奈川 arrive
    options = municipality.locator("option").all_inner_texts()
    assert options[0] == "選んでください"
    assert sorted(options[1:]) == sorted(tokyo)
    assert municipality.get_attribute("data-prefecture") == "13"
    axe_check(page, label="signup with Tokyo chosen")


def test_back_from_the_terms_keeps_the_list_and_the_choice(live_server, page):
    page.set_viewport_size(PHONE)
    from home.services import ensure_standard_pages

    ensure_standard_pages()
    tokyo = _tokyo()
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("氏名").fill("戻る 太郎")
    page.get_by_label("お住まいの都道府県").select_option(label="東京都")
    municipality = page.get_by_label("お住まいの市区町村")
    expect(municipality.locator("option", has_text="新宿区")).to_have_count(1)
    municipality.select_option(label="新宿区")

    page.get_by_role("link", name="利用規約", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("利用規約")
    page.go_back()

    expect(page.get_by_label("お住まいの都道府県")).to_have_value("13")
    expect(municipality.locator("option", has_text="新宿区")).to_have_count(1)
    expect(municipality).to_have_value(Municipality.objects.get(prefecture_id="13", name="新宿区").code)
    options = municipality.locator("option").all_inner_texts()
    assert sorted(options[1:]) == sorted(tokyo)
