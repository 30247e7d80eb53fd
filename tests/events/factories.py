"""Workshops for tests, made through the real service (a published page under /workshops/), plus a bulk helper that
inserts thousands of workshop rows directly (for the listing's query-count test and the benchmark)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.db import connection
from django.utils import timezone

from events.enums import WorkshopFormat
from events.models import WorkshopIndexPage, WorkshopPage
from events.services import create_workshop
from lms.accounts.enums import EDITOR_GROUP, Role
from lms.accounts.services import assign_role
from lms.regions.models import Municipality
from tests.accounts.factories import KYOTO_CITY, TOTTORI_CITY, UserFactory
from tests.conftest import give_totp

_counter = itertools.count(1)


def make_workshop(
    *,
    municipality: str = TOTTORI_CITY,
    starts_in: dt.timedelta = dt.timedelta(days=7),
    duration: dt.timedelta = dt.timedelta(hours=2),
    capacity: int = 10,
    publish: bool = True,
    **fields,
) -> WorkshopPage:
    n = next(_counter)
    starts_at = fields.pop("starts_at", None) or timezone.now() + starts_in
    values = {
        "title": f"つながりサポーター養成講座 {n}",
        "slug": f"workshop-{n}",
        "description": "<p>孤独・孤立について学ぶ講座です。</p>",
        "municipality": Municipality.objects.get(code=municipality),
        "format": WorkshopFormat.IN_PERSON,
        "venue_name": "市民会館 第1会議室",
        "venue_address": "鳥取県鳥取市尚徳町116",
        "starts_at": starts_at,
        "ends_at": starts_at + duration,
        "capacity": capacity,
        "organiser": "鳥取市",
        "trainer_name": "講師 一郎",
    }
    values.update(fields)
    return create_workshop(publish=publish, **values)


def make_trainer(*, municipality: str = TOTTORI_CITY, totp: bool = True, **kwargs):
    user = UserFactory(**kwargs)
    assign_role(user=user, role=Role.TRAINER, municipality=Municipality.objects.get(code=municipality))
    if totp:
        give_totp(user)
    return user


def make_editor(*, totp: bool = True):
    from django.contrib.auth.models import Group

    user = UserFactory()
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    if totp:
        give_totp(user)
    return user


def bulk_workshops(count: int, *, municipalities: list[str] | None = None, start: dt.datetime | None = None) -> int:
    """Insert `count` published workshops under the index directly (Django cannot bulk_create a multi-table page
    model): wagtailcore_page rows with correct tree paths, then the workshop rows. For tests and benchmarks only."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    index = WorkshopIndexPage.objects.order_by("path").first()
    codes = municipalities or [TOTTORI_CITY, KYOTO_CITY, "431001", "102016", "012301", "313025"]
    start = start or timezone.now() + dt.timedelta(days=1)
    content_type = ContentType.objects.get_for_model(WorkshopPage)
    last = index.get_children().order_by("-path").first()
    first_number = int(last.path[-4:], 36) + 1 if last else 1
    pages = []
    for i in range(count):
        number = first_number + i
        step = ""
        for _ in range(4):
            number, digit = divmod(number, 36)
            step = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[digit] + step
        slug = f"bulk-{first_number + i}"
        pages.append(
            Page(
                title=f"養成講座 {first_number + i}",
                draft_title=f"養成講座 {first_number + i}",
                slug=slug,
                content_type=content_type,
                path=index.path + step,
                depth=index.depth + 1,
                numchild=0,
                url_path=f"{index.url_path}{slug}/",
                locale_id=index.locale_id,
                live=True,
                first_published_at=timezone.now(),
                last_published_at=timezone.now(),
            )
        )
    created = Page.objects.bulk_create(pages, batch_size=500)
    if not all(p.pk for p in created):  # SQLite before RETURNING support: look the ids up
        by_path = dict(Page.objects.filter(path__in=[p.path for p in pages]).values_list("path", "pk"))
        for page in created:
            page.pk = by_path[page.path]
    fields = list(WorkshopPage._meta.local_concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(WorkshopPage._meta.db_table)
    rows = []
    for i, page in enumerate(created):
        starts_at = start + dt.timedelta(hours=6 * i)
        values = {
            "page_ptr": page.pk,
            "description": "<p>孤独・孤立について学ぶ講座です。</p>",
            "municipality": codes[i % len(codes)],
            "format": WorkshopFormat.IN_PERSON.value,
            "venue_name": "市民会館",
            "venue_address": "（住所）",
            "online_url": "",
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(hours=2),
            "capacity": 30,
            "registration_opens_at": None,
            "registration_closes_at": None,
            "audience": "",
            "organiser": "主催団体",
            "trainer_name": "",
            "contact": "",
            "is_campaign_event": False,
            "status": "published",
            "cancellation_reason": "",
        }
        rows.append([f.get_db_prep_value(values[f.name], connection) for f in fields])
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608 (test helper, no user input)
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + count)
    return count
