"""Issue 17.5: the check-in kiosk for a projector or a tablet — only the QR code, the title, the time left on the code
and the count checked in; no site header, footer or admin bar; nothing cut off at 1280×720 or on a tablet."""

import datetime as dt

import pytest

from tests.e2e.test_workshop_journey import log_in
from tests.events.factories import make_trainer, make_workshop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LONG_TITLE = "鳥取市つながりサポーター養成講座（地域の居場所づくりと孤独・孤立の予防を考える回・第3期）"


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 720}, {"width": 768, "height": 1024}, {"width": 1024, "height": 768}],
    ids=["projector", "tablet-portrait", "tablet-landscape"],
)
def test_the_kiosk_fits_the_screen_with_only_what_the_hall_needs(live_server, browser, axe_check, viewport):
    trainer = make_trainer(email=f"kiosk{viewport['width']}@example.jp")
    workshop = make_workshop(starts_in=dt.timedelta(minutes=-5), title=LONG_TITLE)
    context = browser.new_context(viewport=viewport, locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    log_in(page, live_server.url, trainer.email, totp=True)
    page.goto(f"{live_server.url}/trainer/workshops/{workshop.pk}/check-in/")
    assert page.locator("header, footer, .wagtail-userbar, [data-wagtail-userbar]").count() == 0
    for selector in ("#checkin-title", "#checkin-qr", "#checkin-timeleft", "#checkin-attended-count"):
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["x"] >= 0 and box["y"] >= 0, selector
        assert box["x"] + box["width"] <= viewport["width"] + 1 and box["y"] + box["height"] <= viewport["height"] + 1, (selector, box)
    overflow = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert overflow[0] <= viewport["width"] and overflow[1] <= viewport["height"], overflow
    qr = page.locator("#checkin-qr").bounding_box()
    assert qr["width"] >= 0.45 * min(viewport["width"], viewport["height"])  # big enough for the back of a hall
    left = int(page.locator("#checkin-timeleft").inner_text())
    assert 0 <= left <= 30
    page.wait_for_timeout(2100)
    assert int(page.locator("#checkin-timeleft").inner_text()) != left or left == 0  # it counts down
    axe_check(page, label=f"kiosk {viewport}")
    context.close()
