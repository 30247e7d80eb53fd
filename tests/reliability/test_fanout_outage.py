"""The broker's Redis stops in the middle of a fan-out inside the worker (a real redis-server of this test's own).

A cancelled workshop's e-mails to its 10 registrants: the broker takes 3, then it is gone. Before issue 15's fix the
fan-out called `.delay` per person, so the 4th raised and the other 7 were never queued. Now every e-mail is an outbox
row written in one transaction: the fan-out finishes, the 7 wait in the outbox, and when the broker is back the drain
publishes them — each person gets exactly one e-mail, also when the fan-out task itself is run a second time (a
redelivery) while the broker is down. The same holds for the day-before reminders."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.enums import NoticeKind, RegistrationStatus, WorkshopStatus
from events.models import Registration, RegistrationNotice, WorkshopPage
from events.tasks import send_registration_notice
from lms.outbox.models import OutboxMessage
from lms.outbox.services import drain
from tests.accounts.factories import UserFactory
from tests.events.factories import make_workshop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PEOPLE = 10
TAKEN_BEFORE_THE_OUTAGE = 3


def _wait_for(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _sent(kind):
    return RegistrationNotice.objects.filter(kind=kind, sent_at__isnull=False)


def _outage_after(monkeypatch, redis_server, kind, taken: int):
    """The broker takes `taken` notices of `kind` (the worker sends them), then stops: the next publish of that task
    meets a refused connection, whichever way it is published (`.delay` or the outbox)."""
    task_class = type(send_registration_notice._get_current_object())  # shared_task gives a proxy
    original = task_class.apply_async
    calls = {"n": 0}

    def apply_async(self, *args, **kwargs):
        if self.name == send_registration_notice.name:
            calls["n"] += 1
            if calls["n"] == taken + 1:
                _wait_for(lambda: _sent(kind).count() == taken, what="the first e-mails sent by the worker")
                redis_server.stop()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(task_class, "apply_async", apply_async)
    return calls


def _people(workshop, status=RegistrationStatus.CONFIRMED):
    return [
        Registration.objects.create(
            workshop=workshop, user=UserFactory(email=f"fanout-{n}@example.jp"), status=status,
            registered_at=timezone.now(), confirmed_at=timezone.now(),
        )
        for n in range(PEOPLE)
    ]


def _each_got_one(people, kind):
    for registration in people:
        sent = [m for m in mail.outbox if m.to == [registration.user.email]]
        assert len(sent) == 1, (registration.user.email, [m.subject for m in sent])
    assert _sent(kind).count() == PEOPLE
    assert not RegistrationNotice.objects.filter(kind=kind, sent_at__isnull=True).exists()


def test_a_broker_outage_mid_cancellation_fanout_loses_no_e_mail_and_sends_none_twice(
    redis_server, celery_on, monkeypatch
):
    celery_on.use(redis_server.url(1))
    celery_on.worker()
    workshop = make_workshop(capacity=PEOPLE)
    people = _people(workshop)
    WorkshopPage.objects.filter(pk=workshop.pk).update(status=WorkshopStatus.CANCELLED)
    mail.outbox.clear()
    calls = _outage_after(monkeypatch, redis_server, NoticeKind.WORKSHOP_CANCELLED, TAKEN_BEFORE_THE_OUTAGE)

    # The fan-out (the body of the notify_workshop_cancelled task, as the worker runs it) finishes despite the outage.
    started = time.monotonic()
    assert services.queue_cancellation_notices(workshop_id=workshop.pk) == PEOPLE
    assert time.monotonic() - started < 30
    kept = OutboxMessage.objects.filter(key__endswith=":workshop_cancelled")
    assert kept.count() == PEOPLE - TAKEN_BEFORE_THE_OUTAGE
    assert calls["n"] == TAKEN_BEFORE_THE_OUTAGE + 1  # the broker was tried once; the rest waited without trying

    # The task is delivered again (e.g. its worker died after the fan-out): still nothing sent twice, nothing lost.
    assert services.queue_cancellation_notices(workshop_id=workshop.pk) == PEOPLE
    assert kept.count() == PEOPLE
    assert drain(min_age=dt.timedelta(0))["published"] == 0  # still down: kept

    redis_server.start()
    celery_on.reset()
    assert drain(min_age=dt.timedelta(0)) == {"published": PEOPLE, "left": 0}
    _wait_for(lambda: _sent(NoticeKind.WORKSHOP_CANCELLED).count() == PEOPLE, what="every cancellation e-mail")
    time.sleep(1)  # the three re-published for people already told must send nothing
    _each_got_one(people, NoticeKind.WORKSHOP_CANCELLED)
    assert all("中止" in m.subject for m in mail.outbox)


def test_a_broker_outage_mid_reminder_fanout_loses_no_reminder(redis_server, celery_on, monkeypatch):
    tz = timezone.get_current_timezone()
    now = timezone.localtime()
    if now.hour < services.REMINDER_FROM_HOUR:
        now = now.replace(hour=services.REMINDER_FROM_HOUR, minute=5)
    celery_on.use(redis_server.url(1))
    celery_on.worker()
    starts = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(14, 0), tzinfo=tz)
    workshop = make_workshop(starts_at=starts, capacity=PEOPLE)
    people = _people(workshop)
    mail.outbox.clear()
    _outage_after(monkeypatch, redis_server, NoticeKind.REMINDER, TAKEN_BEFORE_THE_OUTAGE)

    assert services.queue_due_reminders(now=now) == PEOPLE
    assert OutboxMessage.objects.filter(key__endswith=":reminder").count() == PEOPLE - TAKEN_BEFORE_THE_OUTAGE

    redis_server.start()
    celery_on.reset()
    drain(min_age=dt.timedelta(0))
    _wait_for(lambda: _sent(NoticeKind.REMINDER).count() == PEOPLE, what="every reminder")
    # The hourly run after that queues nobody again.
    assert services.queue_due_reminders(now=now) == 0
    time.sleep(0.5)
    _each_got_one(people, NoticeKind.REMINDER)
