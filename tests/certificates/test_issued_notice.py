"""The "修了証を発行しました" e-mail: sent once per certificate after commit, online and at a workshop, in Japanese
(text and HTML) with what to do next and how long the link is valid."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from certificates import services
from certificates.enums import CertificateSource
from certificates.models import Certificate
from certificates.tasks import send_certificate_issued_notice, send_pending_issued_notices
from tests.accounts.factories import UserFactory
from tests.certificates.factories import make_course

pytestmark = pytest.mark.django_db


def _issue(user, source=CertificateSource.ONLINE, workshop=None):
    return services.issue_certificate(holder=user, course=make_course(), source=source, workshop=workshop)


def test_online_issue_sends_one_japanese_email_after_commit(django_capture_on_commit_callbacks):
    user = UserFactory(email="holder@example.jp")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate = _issue(user)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    issued = [m for m in mail.outbox if "修了証を発行しました" in m.subject]
    assert len(issued) == 1
    message = issued[0]
    assert message.to == ["holder@example.jp"]
    assert message.subject.startswith("【つながりサポーター】")
    text = message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    for body in (text, html):
        assert certificate.number in body
        assert certificate.holder_name in body
        assert "オンライン講座の8つの章をすべて修了され" in body
        assert "/mypage/#certificates" in body
        assert f"/verify/{certificate.number}/?s=" in body
        assert "このリンクに期限はありません" in body
        assert "127.0.0.1" not in body or "127.0.0.1:8000" in body  # the configured SITE_URL, never the request host
        assert "Hello" not in body and "example.com" not in body
    assert '<html lang="ja">' in html
    certificate.refresh_from_db()
    assert certificate.issued_notice_sent_at is not None


def test_workshop_issue_says_it_came_from_the_workshop(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _issue(user, source=CertificateSource.WORKSHOP)
    message = next(m for m in mail.outbox if "修了証を発行しました" in m.subject)
    assert "養成講座" in message.body and "出席が記録され" in message.body
    assert "オンライン講座の8つの章" not in message.body


def test_a_second_run_or_a_second_call_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = _issue(UserFactory())
        services.notify_certificate_issued(certificate=certificate)  # e.g. the workshop closing calling it too
    assert send_certificate_issued_notice.delay(certificate.pk).get() is False
    assert len([m for m in mail.outbox if "修了証を発行しました" in m.subject]) == 1


def test_returning_the_existing_certificate_sends_no_second_email(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _issue(user)
    with django_capture_on_commit_callbacks(execute=True):
        _issue(user)  # idempotent issue returns the same certificate
    assert len([m for m in mail.outbox if "修了証を発行しました" in m.subject]) == 1


def test_a_failed_send_is_released_and_the_sweep_sends_it(monkeypatch, django_capture_on_commit_callbacks):
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = _issue(UserFactory())  # the completion itself never fails because the mail server is down
    certificate.refresh_from_db()
    assert certificate.issued_notice_sent_at is None  # released, not lost
    monkeypatch.undo()
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=certificate.issued_at - timedelta(minutes=10))
    assert send_pending_issued_notices.delay().get() == 1
    assert len([m for m in mail.outbox if "修了証を発行しました" in m.subject]) == 1
    assert send_pending_issued_notices.delay().get() == 0


def test_revoked_or_inactive_holder_gets_no_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        certificate = _issue(UserFactory())
    services.revoke_certificate(certificate=certificate, reason="誤って発行")
    assert services.send_issued_notice(certificate_id=certificate.pk) is False
    assert mail.outbox == []
