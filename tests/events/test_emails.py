"""Workshop e-mails (confirmation, waitlist, promotion, reminder, cancellation) read as the person receives them:
Japanese, a plain-text and an HTML part with the same facts, what to do next, and the service's footer."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail

from events import services
from events.emails import send_notice_email
from events.enums import NoticeKind
from tests.accounts.factories import UserFactory

from .factories import make_workshop

pytestmark = pytest.mark.django_db

WHAT_TO_DO = {
    NoticeKind.CONFIRMED: ["参加が確定しています", "QRコード", "取り消して"],
    NoticeKind.WAITLISTED: ["キャンセル待ち", "メールでお知らせします"],
    NoticeKind.PROMOTED: ["参加が確定しました", "取り消して"],
    NoticeKind.REMINDER: ["明日開催", "QRコード", "ログインしてください"],
    NoticeKind.WORKSHOP_CANCELLED: ["中止になりました", "講座・研修会の一覧"],
    NoticeKind.OFFERED: ["空きが出ました", "参加する", "次にお待ちの方"],
    NoticeKind.REGISTRATION_CANCELLED: ["申し込みを取り消しました", "カレンダーの予定が取り消されます", "改めて申し込めます"],
}


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_each_workshop_email_has_japanese_text_and_html(kind):
    workshop = make_workshop(capacity=5, title="鳥取市つながりサポーター養成講座")
    user = UserFactory(email="reader@example.jp", profile__full_name="読者 花子")
    registration = services.register_for_workshop(workshop=workshop, user=user)
    mail.outbox.clear()
    send_notice_email(registration=registration, kind=kind)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="ja">' in html
    assert message.subject.startswith("【つながりサポーター】")
    for body in (message.body, _plain(html)):
        assert "読者 花子 様" in body
        assert "鳥取市つながりサポーター養成講座" in body
        for phrase in WHAT_TO_DO[kind]:
            assert phrase in body, (kind, phrase)
        assert settings.SITE_URL in body or settings.SITE_URL in html
        assert "/contact/" in body or "/contact/" in html
        assert not re.search(r"\b(Hello|Your|Please|Dear)\b", body)
