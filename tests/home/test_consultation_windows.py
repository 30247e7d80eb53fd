"""Issue 16 §1: nothing tells a person in need that help is closed when it is open.

A time-limited window (#9999) with no entered period covering the day is never called closed — on the home page, in
the footer of every page, in module 6 and in search — in Golden Week, at New Year, or any other day; 受付中 only inside
an entered period. Every phone number is a tel: link, every window links its official site or chat, and the pages say
「最新の情報は各窓口の公式サイトでご確認ください」. チャイルドライン's hours and yearly closure come from the reference
file. The seed brings existing windows up to date without overwriting an editor's changes."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
import time_machine

from home.models import ConsultationPeriod, ConsultationResource
from home.seed_resources import CONSULTATION_RESOURCES, PREVIOUS_SEED_VALUES
from home.services import load_consultation_resources
from tests.home.conftest import tokyo

pytestmark = pytest.mark.django_db

DIAL = "kodoku-koritsu-dial-9999"
CLOSED_WORDS = ("受付期間外", "実施期間ではありません", "受付を終了", "休止中")
CHECK = "最新の情報は各窓口の公式サイトでご確認ください"

GOLDEN_WEEK = tokyo(2027, 5, 3, 10, 0)
NEW_YEAR = tokyo(2027, 1, 2, 10, 0)
ORDINARY_DAY = tokyo(2027, 2, 10, 10, 0)


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


def _dial_item(footer_html: str) -> str:
    start = footer_html.index("<strong>孤独・孤立相談ダイヤル</strong>")
    return footer_html[start : footer_html.index("</li>", start)]


@pytest.fixture
def course_modules(db):
    from tests.courses.factories import make_course

    return make_course(modules=3, questions=3)[1]


def _module_with_dial(modules):
    dial = ConsultationResource.objects.get(key=DIAL)
    module = modules[0]
    module.body = [{"type": "resource", "value": {"resource": dial.pk, "note": ""}}]
    module.save_revision().publish()
    return module


@pytest.mark.parametrize("moment", [GOLDEN_WEEK, NEW_YEAR, ORDINARY_DAY], ids=["golden-week", "new-year", "february"])
def test_dial_without_periods_is_never_called_closed_anywhere(client, site_pages, moment):
    from search.selectors import search

    with time_machine.travel(moment, tick=False):
        pages = {path: client.get(path).content.decode() for path in ("/", "/about/", "/faq/", "/no-such-page/")}
        result = next(r for r in search(query="9999").results if r.document.kind == "consultation")
    for path, html in pages.items():
        text = _text(html)
        for word in CLOSED_WORDS:
            assert word not in text, (path, word)
        assert "受付中" not in text, path  # no entered period covers the day
        # says when the dial runs (the seeds' words) and where the dates are announced
        assert "ゴールデンウィーク、年末年始に実施" in text, path
        assert "「あなたはひとりじゃない」でお知らせされます" in text, path
        assert CHECK in text, path
    assert result.status == "期間限定"


def test_dial_in_module_six_without_periods_is_never_called_closed(client, course_modules):
    load_consultation_resources()
    module = _module_with_dial(course_modules)
    for moment in (GOLDEN_WEEK, NEW_YEAR):
        with time_machine.travel(moment, tick=False):
            text = _text(client.get(module.url).content.decode())
        assert not any(word in text for word in CLOSED_WORDS)
        assert "ただいま実施期間中です" not in text
        assert "ゴールデンウィーク、年末年始に実施" in text and CHECK in text
        assert 'href="tel:%239999"' in client.get(module.url).content.decode()


def test_dial_inside_an_entered_period_says_open_everywhere(client, site_pages, course_modules):
    from search.selectors import search

    dial = ConsultationResource.objects.get(key=DIAL)
    ConsultationPeriod.objects.create(resource=dial, starts_on=dt.date(2026, 12, 28), ends_on=dt.date(2027, 1, 4))
    module = _module_with_dial(course_modules)
    with time_machine.travel(NEW_YEAR, tick=False):
        footer = _footer(client.get("/about/").content.decode())
        home = _text(client.get("/").content.decode())
        module_text = _text(client.get(module.url).content.decode())
        result = next(r for r in search(query="9999").results if r.document.kind == "consultation")
    assert "受付中 （1月4日まで）" in _text(_dial_item(footer))
    assert "受付中 （1月4日まで）" in home
    assert "ただいま実施期間中です" in module_text
    assert result.status == "受付中"
    # The day after the period: still not "closed", and the seeds' words again.
    with time_machine.travel(tokyo(2027, 1, 5, 9, 0), tick=False):
        text = _text(client.get("/about/").content.decode())
    assert "受付中" not in text and not any(word in text for word in CLOSED_WORDS)
    assert "ゴールデンウィーク、年末年始に実施" in text


def test_every_phone_number_is_a_tel_link_and_every_window_links_its_site(client, site_pages):
    html = client.get("/about/").content.decode()
    footer = _footer(html)
    assert 'href="tel:%239999"' in footer  # the # percent-encoded (reference-links.md)
    assert 'href="tel:0120997777"' in footer
    for url in (
        "https://www.notalone-cao.go.jp/",
        "https://talkme.jp/",
        "https://childline.or.jp/",
        "https://childline.or.jp/chat/",
    ):
        assert f'href="{url}"' in footer, url
    for item in re.findall(r"<li>.*?</li>", footer[footer.index("footer-consultation__list") :], flags=re.S)[:4]:
        assert "consultation-link" in item  # every window has at least one link to tap


def test_only_addresses_from_the_reference_file_and_the_seeds_are_used():
    reference = open("/work/shared/reference-links.md", encoding="utf-8").read()
    for data in CONSULTATION_RESOURCES:
        for field in ("url", "chat_url"):
            if data.get(field):
                assert data[field] in reference, (data["key"], field)
        if data.get("phone") and data["phone"] != "#9999":
            assert data["phone"] in reference


def test_childline_hours_come_from_the_reference_file_and_it_closes_at_new_year(client, site_pages):
    childline = ConsultationResource.objects.get(key="childline-chat")
    assert "第1・3月、" not in childline.hours  # the garbled seed line
    assert "でんわ：毎日 16:00～21:00" in childline.hours
    assert "第1・第3月曜日と、毎週火曜日～土曜日の 16:00～21:00" in childline.hours
    for day in (tokyo(2026, 12, 29, 17, 0), tokyo(2027, 1, 1, 17, 0), tokyo(2027, 1, 3, 17, 0)):
        with time_machine.travel(day, tick=False):
            footer = _text(_footer(client.get("/about/").content.decode()))
        assert "本日はお休みです（毎年 12月29日～1月3日 は休み）" in footer, day
    for day in (tokyo(2026, 12, 28, 17, 0), tokyo(2027, 1, 4, 17, 0)):
        with time_machine.travel(day, tick=False):
            footer = _text(_footer(client.get("/about/").content.decode()))
        assert "本日はお休みです" not in footer, day


# --- Seeding existing databases -----------------------------------------------------------------------------


def _as_first_seed_left_it():
    """The rows as the first version of the seed created them (before seeded_values existed)."""
    for data in CONSULTATION_RESOURCES:
        old = {
            k: v
            for k, v in data.items()
            if k in ("name", "contact", "hours", "audience", "description", "always_available", "sort_order")
        }
        old.update(PREVIOUS_SEED_VALUES.get(data["key"], {}))
        ConsultationResource.objects.create(key=data["key"], **old)


def test_seed_updates_an_existing_database_and_keeps_editors_changes():
    _as_first_seed_left_it()
    edited = ConsultationResource.objects.get(key="anata-no-ibasho")
    edited.contact = "編集者が書いた連絡方法"
    edited.save()

    load_consultation_resources()

    childline = ConsultationResource.objects.get(key="childline-chat")
    assert childline.phone == "0120-99-7777" and childline.chat_url == "https://childline.or.jp/chat/"
    assert childline.annual_closure_start == "12-29" and childline.annual_closure_end == "01-03"
    dial = ConsultationResource.objects.get(key=DIAL)
    assert dial.phone == "#9999" and dial.url == "https://www.notalone-cao.go.jp/"
    ibasho = ConsultationResource.objects.get(key="anata-no-ibasho")
    assert ibasho.contact == "編集者が書いた連絡方法"  # the editor's value survives
    assert ibasho.chat_url == "https://talkme.jp/"  # the untouched new field is filled in

    # A later edit after the update survives further runs; running again changes nothing.
    childline.hours = "編集者が直した受付時間"
    childline.save()
    load_consultation_resources()
    load_consultation_resources()
    childline.refresh_from_db()
    assert childline.hours == "編集者が直した受付時間"
    assert ConsultationResource.objects.count() == len(CONSULTATION_RESOURCES)


def test_a_new_seed_value_replaces_only_the_value_the_seed_wrote(monkeypatch):
    load_consultation_resources()
    dial = ConsultationResource.objects.get(key=DIAL)
    dial.audience = "編集者の対象"
    dial.save()
    changed = [dict(d) for d in CONSULTATION_RESOURCES]
    changed[0].update(description="新しい説明", audience="新しい対象")
    monkeypatch.setattr("home.services.CONSULTATION_RESOURCES", changed)
    load_consultation_resources()
    dial.refresh_from_db()
    assert dial.description == "新しい説明"
    assert dial.audience == "編集者の対象"


# --- The editors' dashboard -------------------------------------------------------------------------------


def test_dashboard_warns_when_the_dial_has_no_period_for_its_next_season(client, site_pages, moderator):
    with time_machine.travel(tokyo(2027, 3, 1, 10, 0), tick=False):
        client.force_login(moderator)
        text = _text(client.get("/admin/").content.decode())
    assert "「孤独・孤立相談ダイヤル」に、これからの実施期間が入力されていません" in text
    dial = ConsultationResource.objects.get(key=DIAL)
    ConsultationPeriod.objects.create(resource=dial, starts_on=dt.date(2027, 4, 29), ends_on=dt.date(2027, 5, 5))
    with time_machine.travel(tokyo(2027, 3, 1, 10, 0), tick=False):
        text = _text(client.get("/admin/").content.decode())
    assert "これからの実施期間が入力されていません" not in text
    with time_machine.travel(tokyo(2027, 5, 6, 10, 0), tick=False):  # the season has passed: warn again
        client.force_login(moderator)
        text = _text(client.get("/admin/").content.decode())
    assert "これからの実施期間が入力されていません" in text


def test_editors_are_warned_too_and_told_who_enters_the_dates(client, site_pages, editor):
    with time_machine.travel(tokyo(2027, 3, 1, 10, 0), tick=False):
        client.force_login(editor)
        text = _text(client.get("/admin/").content.decode())
    assert "「孤独・孤立相談ダイヤル」に、これからの実施期間が入力されていません" in text
    assert "モデレーターに入力を依頼してください" in text


def test_phone_and_closure_fields_refuse_bad_input():
    from django.core.exceptions import ValidationError

    load_consultation_resources()
    dial = ConsultationResource.objects.get(key=DIAL)
    dial.phone = "電話してね"
    dial.annual_closure_start = "13-40"
    with pytest.raises(ValidationError) as error:
        dial.full_clean()
    assert set(error.value.message_dict) >= {"phone", "annual_closure_start"}
    dial.refresh_from_db()
    dial.annual_closure_start = "12-29"
    with pytest.raises(ValidationError) as error:
        dial.full_clean()
    assert "annual_closure_end" in error.value.message_dict
