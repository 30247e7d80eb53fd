"""The broker's Redis stops (a real redis-server of this test's own, started and stopped by the test).

A learner passes module 8 of 8 while the broker is down: the submit answers within 2 s (it blocked ~19 s behind the
result backend before), the completion and the certificate are there, and the PDF render that could not be queued
waits in the outbox; when the broker is back, beat's drain publishes it and a real worker renders the PDF. A
registration made during the outage gets its e-mail afterwards, exactly once, however often the outbox is drained."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.test import Client

from certificates.enums import RenderStatus
from certificates.models import Certificate
from lms.outbox.models import OutboxMessage
from lms.outbox.services import drain
from tests.accounts.factories import UserFactory
from tests.courses.factories import correct_answers, make_course, pass_module

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _wait_for(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_module_8_submit_with_the_broker_down_answers_fast_and_renders_after_it_is_back(redis_server, celery_on):
    celery_on.use(redis_server.url(1))
    course, modules = make_course(modules=8, questions=3)
    learner = UserFactory()
    for module in modules[:-1]:
        pass_module(learner, module, course)
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    last = modules[-1]
    html = client.get(last.url).content.decode()
    data = {"module": str(last.pk), "token": re.search(r'name="token" value="([^"]+)"', html).group(1)}
    data.update({f"q-{qid}": cids for qid, cids in correct_answers(last).items()})

    redis_server.stop()
    started = time.monotonic()
    response = client.post(last.url + "answer/", data)
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 2.0, f"the submit took {elapsed:.2f} s with the broker down"

    certificate = Certificate.objects.valid().get(holder=learner, course=course)
    assert certificate.render_status == RenderStatus.PENDING
    mypage = client.get("/mypage/")
    assert mypage.status_code == 200 and certificate.number in mypage.content.decode()
    kept = set(OutboxMessage.objects.values_list("key", flat=True))
    assert f"certificate-render:{certificate.pk}" in kept

    # Still down: the drain keeps everything and stops at the first failure.
    assert drain(min_age=dt_zero())["published"] == 0
    assert OutboxMessage.objects.count() == len(kept)

    redis_server.start()
    celery_on.reset()
    celery_on.worker()
    result = drain(min_age=dt_zero())
    assert result == {"published": len(kept), "left": 0}, list(OutboxMessage.objects.values_list("last_error", flat=True))
    _wait_for(
        lambda: Certificate.objects.get(pk=certificate.pk).render_status == RenderStatus.DONE,
        what="the PDF rendered by the worker",
    )


def dt_zero():
    import datetime as dt

    return dt.timedelta(0)


def test_a_registration_during_the_outage_gets_its_e_mail_once_after_it(redis_server, celery_on):
    from events import services
    from events.models import RegistrationNotice
    from tests.events.factories import make_workshop

    celery_on.use(redis_server.url(1))
    workshop = make_workshop(capacity=5)
    person = UserFactory(email="outage-registrant@example.jp")
    redis_server.stop()
    started = time.monotonic()
    registration = services.register_for_workshop(workshop=workshop, user=person)
    assert time.monotonic() - started < 2.0
    assert registration.is_confirmed
    assert OutboxMessage.objects.filter(key=f"notice:{registration.pk}:confirmed").exists()
    assert mail.outbox == []

    redis_server.start()
    celery_on.reset()
    celery_on.worker()
    drain(min_age=dt_zero())
    _wait_for(lambda: RegistrationNotice.objects.filter(registration=registration).exists(), what="the notice")
    # The same work published again (a crash between publishing and deleting the row) sends nothing twice.
    OutboxMessage.objects.create(
        key=f"notice:{registration.pk}:confirmed",
        task="events.tasks.send_registration_notice",
        args=[registration.pk, "confirmed"],
    )
    drain(min_age=dt_zero())
    _wait_for(lambda: not OutboxMessage.objects.exists(), what="the outbox to empty")
    time.sleep(1)
    assert RegistrationNotice.objects.filter(registration=registration).count() == 1
    sent = [m for m in mail.outbox if person.email in m.to]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
