"""Notices are claimed with a lease (lms/leases.py): a claim whose sender died is sent after NOTICE_LEASE_SECONDS,
never while it is fresh, and `sent_at` is written after the SMTP call. The window that is left is tested as it is: a
sender dying after the SMTP server took the message and before `sent_at` means a second copy after the lease, with
the same Message-ID. The real-worker version (SIGKILL) is tests/reliability/test_killed_notice_sender.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from certificates import services as certificate_services
from certificates.models import Certificate
from certificates.tasks import send_certificate_issued_notice
from events import services
from events.enums import NoticeKind, RegistrationStatus
from events.models import Registration, RegistrationNotice
from events.tasks import send_change_notice, send_registration_notice
from lms.leases import NOTICE_TASK_TIME_LIMIT
from tests.accounts.factories import UserFactory
from tests.certificates.factories import make_course
from tests.events.factories import make_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration():
    return Registration.objects.create(
        workshop=make_workshop(capacity=5), user=UserFactory(email="lease@example.jp"),
        status=RegistrationStatus.CONFIRMED, registered_at=timezone.now(), confirmed_at=timezone.now(),
    )


def _claim(registration, age: dt.timedelta):
    """A claim left by a sender that died `age` ago, before the SMTP call."""
    return RegistrationNotice.objects.create(registration=registration, kind=NoticeKind.CONFIRMED,
                                             claimed_at=timezone.now() - age)


def test_a_fresh_claim_is_not_sent_again_an_expired_one_is_sent_once(registration, settings, django_capture_on_commit_callbacks):
    settings.NOTICE_LEASE_SECONDS = 300
    notice = _claim(registration, dt.timedelta(seconds=100))
    assert services.send_registration_notice(registration_id=registration.pk, kind=NoticeKind.CONFIRMED) is False
    assert services.retry_unsent_notices() == 0
    assert mail.outbox == []

    RegistrationNotice.objects.filter(pk=notice.pk).update(claimed_at=timezone.now() - dt.timedelta(seconds=301))
    with django_capture_on_commit_callbacks(execute=True):  # the sweep queues it through the outbox
        assert services.retry_unsent_notices() == 1
    assert [m.to for m in mail.outbox] == [["lease@example.jp"]]
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.sent_at >= notice.claimed_at
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retry_unsent_notices() == 0
    assert services.send_registration_notice(registration_id=registration.pk, kind=NoticeKind.CONFIRMED) is False
    assert len(mail.outbox) == 1


def test_sent_is_recorded_after_the_smtp_call_so_a_crash_before_it_means_a_second_copy_with_the_same_message_id(
    registration, settings, monkeypatch
):
    settings.NOTICE_LEASE_SECONDS = 300
    monkeypatch.setattr(services, "mark_notice_sent", lambda row: None)  # the sender dies right after the SMTP call
    assert services.send_registration_notice(registration_id=registration.pk, kind=NoticeKind.CONFIRMED) is True
    notice = RegistrationNotice.objects.get(registration=registration)
    assert notice.sent_at is None
    monkeypatch.undo()
    RegistrationNotice.objects.filter(pk=notice.pk).update(claimed_at=timezone.now() - dt.timedelta(seconds=301))
    assert services.send_registration_notice(registration_id=registration.pk, kind=NoticeKind.CONFIRMED) is True
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"] == (
        f"<notice.{registration.pk}.confirmed@127.0.0.1>"
    )


def test_a_failed_send_releases_the_claim_at_once(registration, monkeypatch):
    def broken(**kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("events.emails.send_notice_email", broken)
    with pytest.raises(ConnectionError):
        services.send_registration_notice(registration_id=registration.pk, kind=NoticeKind.CONFIRMED)
    assert not RegistrationNotice.objects.exists()


def test_send_tasks_are_killed_before_their_claim_can_be_retaken(settings):

    from lms.settings import base

    assert NOTICE_TASK_TIME_LIMIT < base.NOTICE_LEASE_SECONDS
    for task in (send_registration_notice, send_change_notice, send_certificate_issued_notice):
        assert task.time_limit == NOTICE_TASK_TIME_LIMIT, task.name
    assert base.EMAIL_TIMEOUT < NOTICE_TASK_TIME_LIMIT


def test_a_certificate_e_mail_claimed_by_a_dead_sender_is_sent_after_the_lease(settings):
    settings.NOTICE_LEASE_SECONDS = 300
    certificate = certificate_services.issue_certificate(holder=UserFactory(email="c@example.jp"), course=make_course(),
                                                         source="online")
    issued = timezone.now() - dt.timedelta(hours=1)
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=issued, issued_notice_claimed_at=timezone.now() - dt.timedelta(seconds=100), issued_notice_sent_at=None
    )
    mail.outbox.clear()
    assert certificate_services.pending_issued_notice_ids() == []  # fresh claim: its sender may still be sending
    assert certificate_services.send_issued_notice(certificate_id=certificate.pk) is False

    Certificate.objects.filter(pk=certificate.pk).update(issued_notice_claimed_at=timezone.now() - dt.timedelta(seconds=301))
    assert certificate_services.pending_issued_notice_ids() == [certificate.pk]
    assert certificate_services.send_issued_notice(certificate_id=certificate.pk) is True
    assert certificate_services.send_issued_notice(certificate_id=certificate.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<certificate-issued.{certificate.pk}@127.0.0.1>"
    certificate.refresh_from_db()
    assert certificate.issued_notice_sent_at is not None
