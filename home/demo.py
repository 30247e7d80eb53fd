"""Demo data for `manage.py seed_demo` (DEMO_SEEDERS): next May's campaign page, with facts from the seeds (001)."""

from __future__ import annotations

from .blocks import CampaignBodyBlock
from .models import CampaignPage, ConsultationResource
from .models.campaigns import next_campaign_year, reiwa_label
from .services import create_campaign, seed_site, stream_value


def campaign_body() -> list[tuple[str, object]]:
    items: list[tuple[str, object]] = [
        (
            "text",
            "<h2>孤独・孤立対策強化月間とは</h2>"
            "<p>「孤独・孤立に至っても支援を求める声を上げやすい、声をかけやすい社会」に向けた取組として、"
            "毎年5月を「孤独・孤立対策強化月間」とし、集中的な広報・啓発活動を実施しています。"
            "これにより、社会全体で孤独・孤立対策に関する理解増進や機運醸成を図ります。</p>",
        ),
        ("quote", {"quote": "話してみた　こころが少し軽くなった", "source": "「孤独・孤立対策強化月間」の広報より"}),
        (
            "text",
            "<h2>月間の取組</h2>"
            "<ul>"
            "<li>孤独・孤立対策が目指す社会像について周知・啓発します（ポスター、月間特設Webページ）。</li>"
            "<li>全国の地方自治体、社会福祉等関係団体の協力を得て、情報を発信します。</li>"
            "<li>孤独・孤立相談ダイヤル（#9999）で、悩みを抱える方向けにテーマ別に相談を受け付けます。</li>"
            "<li>オンライン空間を活用して、孤独・孤立対策の周知啓発などを目的としたイベントを行います"
            "（令和7年度の例：オンラインを通じた音楽鑑賞、観光体験）。</li>"
            "</ul>",
        ),
        (
            "call_to_action",
            {
                "heading": "つながりサポーターになりませんか",
                "text": "孤独・孤立について正しく知り、身の回りの人に関心を持つための養成講座を、オンラインで受講できます。",
                "button_label": "養成講座を受講する",
                "page": None,
                "url": "/course/",
            },
        ),
    ]
    resource_ids = list(ConsultationResource.objects.values_list("pk", flat=True))
    if resource_ids:
        items.append(("consultation_resources", {"heading": "ひとりで悩まず、相談してください", "resources": resource_ids}))
    return items


def seed_campaign() -> list[str]:
    """The site's standing pages, and a published campaign page for the next May (its countdown shows until
    1 May). Idempotent: an existing page for that year is left as editors made it."""
    lines = seed_site()
    year = next_campaign_year()
    existing = CampaignPage.objects.filter(year=year).first()
    if existing is not None:
        lines.append(f"強化月間ページ（{year}年）はすでにあります: {existing.get_url()}")
        return lines
    page = create_campaign(
        year=year,
        title=f"{reiwa_label(year)}（{year}年）孤独・孤立対策強化月間",
        # The seeds give no theme for a month; this one is demo text and says so (the words are from 001:521).
        theme="（デモ用の例）声を上げやすい、声をかけやすい社会へ",
        summary=f"{year}年5月1日から31日まで、孤独・孤立対策に関する集中的な広報・啓発活動を行う月間です。",
        body=stream_value(CampaignBodyBlock(), campaign_body()),
    )
    lines.append(f"強化月間ページ（{year}年）を作成しました: {page.get_url()}")
    return lines
