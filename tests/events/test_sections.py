"""Workshops on the home page (upcoming, near the learner first) and on campaign pages (the period's workshops by
prefecture, with a grid of the 47 prefectures)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services
from home.services import create_campaign
from lms.regions.models import Municipality
from tests.accounts.factories import KYOTO_CITY, TOTTORI_CITY, UserFactory

from .factories import make_workshop

pytestmark = pytest.mark.django_db

KUMAMOTO_CITY = "431001"


def section(html: str, css_class: str) -> str:
    match = re.search(rf'<section class="{css_class}".*?</section>\s*(?=<|$)', html, re.S)
    return match.group(0) if match else ""


def card_titles(html: str) -> list[str]:
    return re.findall(r'class="workshop-card__title"><a href="[^"]+">([^<]+)</a>', html)


def test_the_home_page_lists_upcoming_workshops_near_the_learner_first(client):
    kumamoto = make_workshop(title="熊本市の講座", municipality=KUMAMOTO_CITY, starts_in=dt.timedelta(days=1))
    tottori = make_workshop(title="鳥取市の講座", municipality=TOTTORI_CITY, starts_in=dt.timedelta(days=5))
    make_workshop(title="終わった講座", starts_in=dt.timedelta(days=-3))

    html = client.get("/").content.decode()
    assert "開催予定の講座・研修会" in html
    assert card_titles(html) == [kumamoto.title, tottori.title]

    client.force_login(UserFactory(profile__municipality=Municipality.objects.get(code=TOTTORI_CITY)))
    html = client.get("/").content.decode()
    assert "鳥取市とその近くの講座・研修会" in html
    assert card_titles(html) == [tottori.title, kumamoto.title]


def test_the_home_page_has_no_empty_workshop_section(client):
    html = client.get("/").content.decode()
    assert 'class="home-workshops"' not in html


def test_a_campaign_page_lists_the_periods_workshops_by_prefecture(client):
    tz = timezone.get_current_timezone()
    year = timezone.localdate().year + 1
    kyoto = make_workshop(title="京都市・5月の講座", municipality=KYOTO_CITY, starts_at=dt.datetime(year, 5, 20, 13, tzinfo=tz))
    tottori_1 = make_workshop(title="鳥取市・5月1日の講座", starts_at=dt.datetime(year, 5, 1, 10, tzinfo=tz), is_campaign_event=True)
    tottori_2 = make_workshop(title="鳥取市・5月31日の講座", starts_at=dt.datetime(year, 5, 31, 18, tzinfo=tz))
    make_workshop(title="4月の講座", starts_at=dt.datetime(year, 4, 30, 13, tzinfo=tz))
    make_workshop(title="6月の講座", starts_at=dt.datetime(year, 6, 1, 9, tzinfo=tz))
    cancelled = make_workshop(title="中止の講座", starts_at=dt.datetime(year, 5, 10, 13, tzinfo=tz))
    services.cancel_workshop(workshop=cancelled, by=None)
    campaign = create_campaign(year=year, title=f"{year}年の強化月間")

    client.get(campaign.url)  # warm the site root cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(campaign.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "期間中の講座・研修会（全国3件）" in html
    # Grouped by prefecture in code order (京都府 26, then 鳥取県 31), by date inside each.
    assert card_titles(html) == [kyoto.title, tottori_1.title, tottori_2.title]
    assert '<a href="#campaign-pref-31">鳥取県 2件</a>' in html
    assert '<a href="#campaign-pref-26">京都府 1件</a>' in html
    assert "北海道 0件" in html
    assert html.count("<li") >= 47
    assert "強化月間の取組" in html
    first_query_count = len(queries)

    for day in range(2, 12):
        make_workshop(starts_at=dt.datetime(year, 5, day, 13, tzinfo=tz), municipality=KUMAMOTO_CITY)
    with CaptureQueriesContext(connection) as more:
        client.get(campaign.url)
    assert len(more) == first_query_count  # the list costs the same queries however long it is


def test_a_campaign_without_workshops_says_so(client):
    campaign = create_campaign(year=timezone.localdate().year + 2, title="強化月間")
    html = client.get(campaign.url).content.decode()
    assert "期間中の講座・研修会（全国0件）" in html
    assert "この期間の講座・研修会はまだ登録されていません。" in html
