"""The background work of workshops through Celery: with REDIS_URL set, a real worker on the real broker runs the
closing and the e-mails (eagerly otherwise)."""

import datetime as dt
import time

import pytest
from django.core import mail
from django.utils import timezone

from certificates.models import Certificate
from events import services, tasks
from events.enums import CheckInMethod, ClosingStatus, NoticeKind, RegistrationStatus
from events.models import Registration, RegistrationNotice, WorkshopClosing
from tests.accounts.factories import UserFactory
from tests.certificates.factories import make_course

from .factories import make_trainer, make_workshop


def wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_closing_runs_in_the_worker_and_a_second_run_issues_nothing_twice(celery_worker_live):
    make_course()
    workshop = make_workshop(starts_in=dt.timedelta(minutes=-30))
    trainer = make_trainer()
    for _ in range(5):
        Registration.objects.create(
            workshop=workshop,
            user=UserFactory(),
            status=RegistrationStatus.ATTENDED,
            registered_at=timezone.now(),
            checked_in_at=timezone.now(),
            check_in_method=CheckInMethod.QR,
        )

    closing = services.request_workshop_closing(workshop=workshop, by=trainer)
    assert wait_for(lambda: WorkshopClosing.objects.get(pk=closing.pk).status == ClosingStatus.DONE), (
        WorkshopClosing.objects.get(pk=closing.pk).__dict__
    )
    closing.refresh_from_db()
    assert (closing.total, closing.issued, closing.failed) == (5, 5, 0)

    tasks.close_workshop.delay(closing.pk)  # a duplicate delivery of the same task: nothing happens
    services.request_workshop_closing(workshop=workshop, by=trainer)  # closing again: nothing new to issue
    assert wait_for(lambda: WorkshopClosing.objects.get(pk=closing.pk).runs == 2
                    and WorkshopClosing.objects.get(pk=closing.pk).status == ClosingStatus.DONE)
    closing.refresh_from_db()
    assert (closing.issued, closing.already_certified) == (0, 5)
    assert Certificate.objects.filter(workshop_id=workshop.pk).count() == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_confirmation_is_sent_by_the_worker_once(celery_worker_live):
    workshop = make_workshop()
    mail.outbox.clear()
    registration = services.register_for_workshop(workshop=workshop, user=UserFactory(email="worker@example.jp"))
    assert wait_for(lambda: RegistrationNotice.objects.filter(registration=registration).exists())
    tasks.send_registration_notice.delay(registration.pk, NoticeKind.CONFIRMED.value)  # redelivered
    time.sleep(1)
    assert RegistrationNotice.objects.filter(registration=registration, kind=NoticeKind.CONFIRMED).count() == 1
    assert wait_for(lambda: len(mail.outbox) == 1)
    time.sleep(0.5)
    assert [m.to for m in mail.outbox] == [["worker@example.jp"]]


@pytest.mark.django_db
def test_the_reminder_task_is_on_the_beat_schedule():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["workshop-reminders"]
    assert entry["task"] == tasks.send_workshop_reminders.name
    assert entry["schedule"] <= 3600
