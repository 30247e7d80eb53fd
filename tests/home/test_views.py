"""What visitors see: the home page, the campaign index and pages, the standard pages and the footer, on given
days in Asia/Tokyo."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from unittest import mock

import pytest
import time_machine
from wagtail.embeds.exceptions import EmbedNotFoundException

from home.blocks import CampaignBodyBlock
from home.models import ConsultationPeriod, ConsultationResource
from home.services import create_campaign, stream_value
from tests.home.conftest import tokyo
from tests.home.factories import ImageFactory

pytestmark = pytest.mark.django_db

DIAL = "kodoku-koritsu-dial-9999"


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def dial_new_year(site_pages):
    dial = ConsultationResource.objects.get(key=DIAL)
    ConsultationPeriod.objects.create(resource=dial, starts_on=dt.date(2026, 12, 28), ends_on=dt.date(2027, 1, 4))
    return dial


# --- Home page ---------------------------------------------------------------------------------------------


def test_home_page_leads_to_the_course(client, site_pages):
    html = client.get("/").content.decode()
    assert re.search(r'<a class="button button--primary" href="/course/">養成講座を受講する（無料）</a>', html)
    assert "つながりサポーター養成講座" in html


def test_home_page_shows_no_campaign_banner_when_none_is_running(client, site_pages):
    with time_machine.travel(tokyo(2027, 4, 30, 12, 0), tick=False):
        create_campaign(year=2027, title="令和9年（2027年）孤独・孤立対策強化月間")  # published, upcoming
        html = client.get("/").content.decode()
    assert "campaign-banner" not in html
    assert "令和9年（2027年）孤独・孤立対策強化月間" not in html


def test_home_page_shows_the_running_campaigns_banner(client, site_pages):
    with time_machine.travel(tokyo(2027, 5, 10, 12, 0), tick=False):
        create_campaign(year=2027, title="令和9年（2027年）孤独・孤立対策強化月間", theme="声をかけやすい社会へ")
        html = client.get("/").content.decode()
    banner = html[html.index('class="campaign-banner"') :]
    assert 'href="/campaign/2027/"' in banner
    assert "テーマ：声をかけやすい社会へ" in banner


def test_a_draft_campaign_never_shows_on_the_home_page(client, site_pages):
    with time_machine.travel(tokyo(2027, 5, 10, 12, 0), tick=False):
        create_campaign(year=2027, title="下書きの強化月間", publish=False)
        html = client.get("/").content.decode()
    assert "下書きの強化月間" not in html


def test_home_page_lists_the_consultation_windows_with_the_dial_outside_its_periods(client, dial_new_year):
    with time_machine.travel(tokyo(2027, 2, 1, 12, 0), tick=False):
        html = client.get("/").content.decode()
    main = _text(_main(html))
    assert "孤独・孤立相談ダイヤル" in main and "#9999" in main
    assert "ゴールデンウィーク、年末年始に実施" in main
    assert "受付中" not in main
    assert "あなたのいばしょ" in main and "24時間365日" in main
    # Shown in full on the page, so the footer does not repeat them.
    assert "footer-consultation" not in _footer(html)


def test_home_page_marks_the_dial_open_during_its_period(client, dial_new_year):
    with time_machine.travel(tokyo(2027, 1, 2, 12, 0), tick=False):
        html = client.get("/").content.decode()
    card = _text(html[html.index("<h3>孤独・孤立相談ダイヤル</h3>") :])
    assert card.startswith("孤独・孤立相談ダイヤル 受付中 （1月4日まで）")


def test_a_dial_period_ends_at_the_end_of_its_last_day_in_tokyo(client, dial_new_year):
    with time_machine.travel(tokyo(2027, 1, 4, 23, 59), tick=False):
        assert "受付中" in client.get("/").content.decode()
    with time_machine.travel(tokyo(2027, 1, 5, 0, 0), tick=False):
        assert "受付中" not in client.get("/").content.decode()


def test_home_page_shows_the_next_period_of_a_time_limited_window(client, dial_new_year):
    with time_machine.travel(tokyo(2026, 12, 1, 12, 0), tick=False):
        html = _text(client.get("/").content.decode())
    assert "次回の実施予定：12月28日〜1月4日" in html
    assert "受付期間外" not in html and "受付中" not in html


def test_home_page_without_consultation_windows_renders_no_empty_section(client, db):
    html = client.get("/").content.decode()
    assert "ひとりで悩まず、相談してください" not in html
    assert "footer-consultation" not in html


# --- Footer on every other page ------------------------------------------------------------------------------


def test_footer_keeps_the_dial_facts_outside_its_periods_without_saying_open(client, dial_new_year):
    with time_machine.travel(tokyo(2027, 2, 1, 12, 0), tick=False):
        footer = _text(_footer(client.get("/about/").content.decode()))
    assert "孤独・孤立相談ダイヤル" in footer and "#9999（フリーダイヤル）" in footer
    assert "ゴールデンウィーク、年末年始に実施" in footer
    assert "受付期間外" not in footer  # never "closed" from the absence of a period
    assert "受付中" not in footer


def test_footer_says_open_only_for_windows_active_today(client, dial_new_year):
    with time_machine.travel(tokyo(2027, 1, 1, 9, 0), tick=False):
        html = client.get("/privacy/").content.decode()
    footer = _footer(html)
    assert footer.count("受付中") == 1
    dial_item = footer[footer.index("<strong>孤独・孤立相談ダイヤル</strong>") :]
    assert dial_item.index("受付中") < dial_item.index("</li>")


def test_footer_is_on_the_404_page_too(client, site_pages):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "#9999" in _footer(response.content.decode())


# --- Campaign index and pages --------------------------------------------------------------------------------


def test_campaign_index_lists_running_upcoming_and_archived_campaigns(client, site_pages):
    with time_machine.travel(tokyo(2026, 5, 10, 9, 0), tick=False) as traveller:
        create_campaign(year=2025, title="2025年の強化月間", starts_on=dt.date(2025, 5, 1), ends_on=dt.date(2025, 5, 31))
        create_campaign(year=2026, title="2026年の強化月間")
        create_campaign(year=2027, title="2027年の強化月間")
        create_campaign(year=2028, title="2028年の下書き", publish=False)
        html = client.get("/campaign/").content.decode()
        running = html[html.index('id="running-title"') : html.index('id="upcoming-title"')]
        upcoming = html[html.index('id="upcoming-title"') : html.index('id="archive-title"')]
        archive = html[html.index('id="archive-title"') :]
        assert "2026年の強化月間" in running and "開催中" in running
        assert "2027年の強化月間" in upcoming and "開始まであと356日" in upcoming
        assert "2025年の強化月間" in archive and "この強化月間は終了しました" in archive
        assert "2028年の下書き" not in html

        traveller.move_to(tokyo(2026, 6, 1, 0, 0))
        html = client.get("/campaign/").content.decode()
        archive = html[html.index('id="archive-title"') :]
        assert archive.index("2026年の強化月間") < archive.index("2025年の強化月間")  # newest first
        assert 'id="running-title"' not in html


def test_campaign_page_counts_down_before_it_starts(client, site_pages):
    with time_machine.travel(tokyo(2027, 4, 30, 23, 59), tick=False):
        create_campaign(year=2027, title="2027年の強化月間")
        html = client.get("/campaign/2027/").content.decode()
    assert "開始まであと1日" in html
    assert '<time datetime="2027-05-01">2027年5月1日（土）</time>' in html


def test_campaign_page_says_running_then_ended(client, site_pages):
    with time_machine.travel(tokyo(2027, 5, 1, 0, 0), tick=False) as traveller:
        create_campaign(year=2027, title="2027年の強化月間")
        html = client.get("/campaign/2027/").content.decode()
        assert "開催中" in html and "開始まであと" not in html
        traveller.move_to(tokyo(2027, 6, 1, 0, 0))
        html = client.get("/campaign/2027/").content.decode()
        assert "この強化月間は終了しました" in html


def test_campaign_body_blocks_render_accessibly(client, site_pages):
    image = ImageFactory()
    dial = ConsultationResource.objects.get(key=DIAL)
    body = stream_value(
        CampaignBodyBlock(),
        [
            ("text", "<h2>月間の取組</h2><p>本文です。</p>"),
            ("image", {"image": image.pk, "alt_text": "ポスターの写真", "caption": "ポスター"}),
            ("quote", {"quote": "話してみた　こころが少し軽くなった", "source": "強化月間の広報より"}),
            (
                "call_to_action",
                {"heading": "受講しませんか", "text": "", "button_label": "養成講座へ", "page": None, "url": "/course/"},
            ),
            ("partners", {"heading": "協力団体", "partners": [{"name": "鳥取市", "url": ""}]}),
            ("consultation_resources", {"heading": "相談窓口", "resources": [dial.pk]}),
            (
                "video",
                {
                    "title": "強化月間の紹介",
                    "video": "https://www.youtube.com/watch?v=example",
                    "transcript": "<p>こんにちは。5月は強化月間です。</p>",
                },
            ),
        ],
    )
    with mock.patch("wagtail.embeds.embeds.get_embed", side_effect=EmbedNotFoundException):
        create_campaign(year=2027, title="2027年の強化月間", body=body)
        html = client.get("/campaign/2027/").content.decode()
    assert re.search(r'<img alt="ポスターの写真"[^>]*>', html)
    assert "<figcaption>ポスター</figcaption>" in html
    assert "<blockquote><p>話してみた　こころが少し軽くなった</p></blockquote>" in html
    assert '<a class="button button--primary" href="/course/">養成講座へ</a>' in html
    assert "<li>鳥取市</li>" in html
    assert "<h3>孤独・孤立相談ダイヤル</h3>" in html
    assert "<summary>文字起こしを読む" in html and "こんにちは。5月は強化月間です。" in html
    assert 'href="https://www.youtube.com/watch?v=example"' in html


def test_campaign_page_shows_its_hero_image_with_its_alt_text(client, site_pages):
    page = create_campaign(year=2027, title="2027年の強化月間")
    page.hero_image = ImageFactory()
    page.hero_image_alt = "研修会で話し合う参加者"
    page.save_revision().publish()
    html = client.get("/campaign/2027/").content.decode()
    assert re.search(r'<img alt="研修会で話し合う参加者" class="campaign-hero__image"', html)


def test_campaign_page_renders_registered_sections_and_skips_empty_ones(client, site_pages):
    """Other apps (e.g. workshops) add sections through home.sections; a section with nothing to show adds nothing."""
    from django.template import Template

    from home import sections

    section_template = Template('<section class="test-section"><h2>{{ section.text }}</h2></section>')

    def workshops(request, page):
        return (section_template, {"text": f"{page.starts_on.month}月{page.starts_on.day}日からの講座"})

    def nothing(request, page):
        return None

    sections.register_section(sections.CAMPAIGN_MAIN, "test-workshops", order=10, func=workshops)
    sections.register_section(sections.CAMPAIGN_MAIN, "test-nothing", order=5, func=nothing)
    try:
        create_campaign(year=2027, title="2027年の強化月間")
        html = client.get("/campaign/2027/").content.decode()
    finally:
        sections.unregister_section(sections.CAMPAIGN_MAIN, "test-workshops")
        sections.unregister_section(sections.CAMPAIGN_MAIN, "test-nothing")
    assert html.count('class="test-section"') == 1
    assert "<h2>5月1日からの講座</h2>" in html
    assert "<h2>5月1日からの講座</h2>" not in client.get("/campaign/2027/").content.decode()


def test_home_page_renders_sections_in_the_course_slot(client, site_pages):
    from django.template import Template

    from home import sections

    def count(request, page):
        return (Template('<p class="test-count">{{ section.n }}人</p>'), {"n": 3})

    sections.register_section(sections.HOME_COURSE, "test-count", order=10, func=count)
    try:
        html = client.get("/").content.decode()
    finally:
        sections.unregister_section(sections.HOME_COURSE, "test-count")
    course = html[html.index('class="course-cta"') : html.index("</section>", html.index('class="course-cta"'))]
    assert '<p class="test-count">3人</p>' in course


def test_an_unknown_section_slot_is_refused():
    from home import sections

    with pytest.raises(ValueError):
        sections.register_section("sidebar", "x", order=1, func=lambda request, page: None)


# --- Standard pages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "title"),
    [("/about/", "このサイトについて"), ("/faq/", "よくある質問"), ("/terms/", "利用規約"), ("/privacy/", "プライバシーポリシー")],
)
def test_standard_pages_linked_from_the_footer_exist(client, site_pages, path, title):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert f'href="{path}"' in _footer(html)


def test_privacy_policy_names_what_the_sign_up_form_collects(client, site_pages):
    """If a field is added to the learner's profile, this fails until the privacy policy says so."""
    from lms.accounts.models import LearnerProfile

    said = {
        "full_name": "氏名",
        "furigana": "ふりがな",
        "municipality": "市区町村",
        "age_band": "年代",
        "occupation": "職業分野",
        "employer": "所属団体との連携",
        "consent_terms_at": "同意した日時",
        "consent_statistics": "地域の統計に含めることへの同意",
        "consent_employer_share": "所属団体に修了状況を共有することへの同意",
    }
    bookkeeping = {"id", "user", "created_at", "updated_at"}
    fields = {f.name for f in LearnerProfile._meta.concrete_fields} - bookkeeping
    assert fields == set(said), "LearnerProfile changed: update the privacy policy (home/seed_pages.py) and this test"
    text = _text(client.get("/privacy/").content.decode())
    for phrase in [*said.values(), "メールアドレス", "パスワード", "確認問題の回答", "発行時点の氏名", "照会", "出席", "<10", "退会"]:
        assert phrase in text, phrase


def test_faq_lists_the_consultation_windows(client, site_pages):
    html = client.get("/faq/").content.decode()
    assert "<h3>孤独・孤立相談ダイヤル</h3>" in _main(html)
