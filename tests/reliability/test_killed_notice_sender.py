"""A real worker process (started by this test, on this test's own redis-server) is killed with SIGKILL after it
claimed a notice and while the SMTP server has not answered yet. Before the lease the claim meant "sent": the e-mail
was never sent. Now the claim is a lease (NOTICE_LEASE_SECONDS, here 10 s): while it is fresh nobody else sends,
after it the every-minute sweep queues the notice again and a new worker sends it — once, with the notice's stable
Message-ID; later sweeps and a redelivered task send nothing more."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from events import services
from events.enums import NoticeKind, RegistrationStatus
from events.models import Registration, RegistrationNotice
from events.tasks import send_registration_notice
from lms.emails import stable_message_id
from lms.outbox.services import enqueue
from tests.accounts.factories import UserFactory
from tests.events.factories import make_workshop
from tests.reliability.test_killed_worker import _database_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LEASE = 10


def _start_worker(broker_url: str, mail_dir, backend: str) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "REDIS_URL": "",
        "CACHE_URL": "",
        "NOTICE_LEASE_SECONDS": str(LEASE),
        "EMAIL_BACKEND": f"tests.reliability.mail_backends.{backend}",
        "TEST_MAIL_DIR": str(mail_dir),
    }
    name = f"notice-test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    return subprocess.Popen(  # noqa: S603  (our own command)
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo", "-l", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", name],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ), name


def _wait_until_ready(worker: subprocess.Popen, name: str) -> None:
    from lms.celery import app

    deadline = time.monotonic() + 180
    while not app.control.ping(destination=[name], timeout=1.0):
        assert worker.poll() is None, "the worker exited"
        assert time.monotonic() < deadline, "the worker did not start in 180 s"


def _wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _sent(mail_dir) -> list[dict]:
    path = mail_dir / "sent.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_worker_killed_between_claiming_and_sending_a_notice_sends_it_once_after_the_lease(
    redis_server, celery_on, settings, tmp_path
):
    if connection.vendor == "sqlite" and not connection.settings_dict["NAME"].startswith("/"):
        pytest.skip("the worker process needs the test database in a file")
    settings.NOTICE_LEASE_SECONDS = LEASE
    broker = redis_server.url(2)
    celery_on.use(broker)
    workshop = make_workshop(capacity=5)
    person = UserFactory(email="killed-sender@example.jp")
    registration = Registration.objects.create(
        workshop=workshop, user=person, status=RegistrationStatus.CONFIRMED, registered_at=timezone.now(),
        confirmed_at=timezone.now(),
    )
    key = f"notice:{registration.pk}:{NoticeKind.CONFIRMED.value}"
    notice = RegistrationNotice.objects.filter(registration=registration, kind=NoticeKind.CONFIRMED)
    first, name = _start_worker(broker, tmp_path, "HangingBackend")
    workers = [first]
    try:
        enqueue(send_registration_notice, registration.pk, NoticeKind.CONFIRMED.value, key=key)
        _wait_for(lambda: any(tmp_path.glob("sending-*")), 120, "the first worker to claim and start sending")
        assert notice.get().sent_at is None  # claimed, not sent
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=10)

        # While the claim is fresh nothing is sent again (a live sender must not be doubled): neither the sweep nor a
        # redelivered task (run here, in this process).
        assert timezone.now() - notice.get().claimed_at < dt.timedelta(seconds=LEASE), "the machine was too slow"
        assert services.retry_unsent_notices() == 0
        assert services.send_registration_notice(registration_id=registration.pk, kind=NoticeKind.CONFIRMED) is False
        assert mail.outbox == [] and notice.get().sent_at is None
        second, name = _start_worker(broker, tmp_path, "RecordingBackend")
        workers.append(second)
        _wait_until_ready(second, name)

        # … after the lease the sweep queues it again and the new worker sends it.
        _wait_for(lambda: timezone.now() - notice.get().claimed_at > dt.timedelta(seconds=LEASE), LEASE + 5,
                  "the lease to expire")
        assert services.retry_unsent_notices() == 1
        _wait_for(lambda: notice.get().sent_at is not None, 60, "the notice sent by the second worker")

        # Later sweeps and another delivery of the task send nothing more.
        assert services.retry_unsent_notices() == 0
        enqueue(send_registration_notice, registration.pk, NoticeKind.CONFIRMED.value, key=key)
        time.sleep(2)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()

    sent = _sent(tmp_path)
    assert [m["to"] for m in sent] == [[person.email]], sent
    assert sent[0]["message_id"] == stable_message_id(f"notice.{registration.pk}.confirmed")
    assert "参加が確定しました" in sent[0]["subject"]
    assert RegistrationNotice.objects.filter(registration=registration).count() == 1
