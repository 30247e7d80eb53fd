"""Demo workshops for `make run` (seed_demo): sessions in several prefectures, some in next May's strengthening
month. The municipalities are ones the seeds name as running supporter training (鳥取市, 京都市, 熊本市, 群馬県,
登別市); venues, times and capacities are demo values, marked （デモ）. Idempotent (matched by slug)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from lms.regions.models import Municipality

from .enums import WorkshopFormat
from .models import WorkshopIndexPage, WorkshopPage
from .services import create_workshop

CAMPAIGN_MONTH = 5


def next_campaign_year(today: dt.date) -> int:
    return today.year if today < dt.date(today.year, CAMPAIGN_MONTH, 1) else today.year + 1


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


DESCRIPTION = (
    "<p>孤独・孤立の問題について知識を身につけ、身の回りの人に関心をもち、できる範囲で困っている人をサポートする"
    "「つながりサポーター」の養成講座です（デモデータ）。</p>"
    "<p>受講すると、つながりサポーターの修了証が発行されます。</p>"
)


def _plans(today: dt.date) -> list[dict]:
    may = next_campaign_year(today)
    soon = today + dt.timedelta(days=10)
    return [
        {
            "slug": "demo-tottori-city",
            "title": "つながりサポーター養成講座（鳥取市・デモ）",
            "municipality": "312011",
            "day": soon,
            "venue_name": "鳥取市内の公民館（デモ）",
            "venue_address": "鳥取県鳥取市（デモ会場）",
            "organiser": "鳥取市（デモ）",
            "capacity": 30,
        },
        {
            "slug": "demo-tottori-iwami",
            "title": "つながりサポーター養成講座（岩美町・デモ）",
            "municipality": "313025",
            "day": soon + dt.timedelta(days=7),
            "venue_name": "岩美町内の集会所（デモ）",
            "venue_address": "鳥取県岩美郡岩美町（デモ会場）",
            "organiser": "鳥取市・岩美町（連携中枢都市圏・デモ）",
            "capacity": 20,
        },
        {
            "slug": "demo-kyoto-city",
            "title": "つながりサポーター養成講座（京都市・デモ）",
            "municipality": "261009",
            "day": soon + dt.timedelta(days=3),
            "venue_name": "京都市内の会議室（デモ）",
            "venue_address": "京都府京都市（デモ会場）",
            "organiser": "京都市（デモ）",
            "capacity": 40,
        },
        {
            "slug": "demo-kumamoto-city-online",
            "title": "つながりサポーター養成講座 オンライン（熊本市・デモ）",
            "municipality": "431001",
            "day": soon + dt.timedelta(days=5),
            "format": WorkshopFormat.ONLINE,
            "online_url": "https://meet.example.jp/demo-kumamoto",
            "organiser": "熊本市（デモ）",
            "capacity": 100,
        },
        {
            "slug": "demo-gunma-maebashi",
            "title": "つながりサポーター養成講座（群馬県・デモ）",
            "municipality": "102016",
            "day": soon + dt.timedelta(days=12),
            "format": WorkshopFormat.HYBRID,
            "venue_name": "前橋市内の研修室（デモ）",
            "venue_address": "群馬県前橋市（デモ会場）",
            "online_url": "https://meet.example.jp/demo-gunma",
            "organiser": "群馬県（デモ）",
            "capacity": 50,
        },
        {
            "slug": f"demo-{may}-may-tottori",
            "title": f"強化月間 つながりサポーター養成講座（鳥取市・{may}年5月・デモ）",
            "municipality": "312011",
            "day": dt.date(may, 5, 16),
            "venue_name": "鳥取市内の公民館（デモ）",
            "venue_address": "鳥取県鳥取市（デモ会場）",
            "organiser": "鳥取市（デモ）",
            "capacity": 30,
            "is_campaign_event": True,
        },
        {
            "slug": f"demo-{may}-may-kyoto",
            "title": f"強化月間 つながりサポーター養成講座（京都市・{may}年5月・デモ）",
            "municipality": "261009",
            "day": dt.date(may, 5, 23),
            "venue_name": "京都市内の会議室（デモ）",
            "venue_address": "京都府京都市（デモ会場）",
            "organiser": "京都市（デモ）",
            "capacity": 40,
            "is_campaign_event": True,
        },
        {
            "slug": f"demo-{may}-may-noboribetsu",
            "title": f"強化月間 つながりサポーター養成講座（登別市・{may}年5月・デモ）",
            "municipality": "012301",
            "day": dt.date(may, 5, 30),
            "venue_name": "登別市内の集会施設（デモ）",
            "venue_address": "北海道登別市（デモ会場）",
            "organiser": "登別市（デモ）",
            "capacity": 25,
            "is_campaign_event": True,
        },
    ]


@transaction.atomic
def seed_workshops() -> list[str]:
    index = WorkshopIndexPage.objects.order_by("path").first()
    if index is None:
        return ["講座・研修会の一覧ページ（/workshops/）がないため、デモの講座は作成しませんでした。"]
    today = timezone.localdate()
    created = 0
    for plan in _plans(today):
        if WorkshopPage.objects.filter(slug=plan["slug"]).exists():
            continue
        day = plan.pop("day")
        create_workshop(
            index=index,
            slug=plan.pop("slug"),
            title=plan.pop("title"),
            municipality=Municipality.objects.get(code=plan.pop("municipality")),
            description=DESCRIPTION,
            starts_at=_at(day, 13, 30),
            ends_at=_at(day, 15, 30),
            audience="どなたでも（デモ）",
            trainer_name="講師 一郎（デモ）",
            **plan,
        )
        created += 1
    total = WorkshopPage.objects.filter(slug__startswith="demo-").count()
    return [f"デモの講座: {created} 件を作成（合計 {total} 件、/workshops/）"]
