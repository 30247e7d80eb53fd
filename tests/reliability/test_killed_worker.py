"""A real Celery worker process (started by this test, on this test's own redis-server) is killed with SIGKILL in
the middle of a workshop closing. Before issue 15 the row stayed `running` (41 %, no message) and the sweep never took
it: now the trainer sees 「中断しました。再開します」 once the lease (here 3 s) has passed, the sweep hands it to a
new worker, which resumes after the last attendee done — nothing is left `running`, nothing is issued twice."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from certificates.enums import RenderStatus
from certificates.models import Certificate
from certificates.tasks import render_pending_certificates
from events import services
from events.enums import CheckInMethod, ClosingStatus, RegistrationStatus
from events.models import Registration, WorkshopClosing
from tests.accounts.factories import UserFactory
from tests.certificates.factories import make_course
from tests.events.factories import make_trainer, make_workshop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ATTENDEES = 30
LEASE = 3


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def _start_worker(broker_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "REDIS_URL": "",
        "CACHE_URL": "",
        "WORK_LEASE_SECONDS": str(LEASE),
    }
    return subprocess.Popen(  # noqa: S603  (our own command)
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo", "-l", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"lease-test-{uuid.uuid4().hex[:8]}@%h"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _closing(pk):
    return WorkshopClosing.objects.get(pk=pk)


def test_a_worker_killed_mid_closing_leaves_nothing_running_after_one_lease(redis_server, celery_on, settings):
    if connection.vendor == "sqlite" and not connection.settings_dict["NAME"].startswith("/"):
        pytest.skip("the worker process needs the test database in a file")
    settings.WORK_LEASE_SECONDS = LEASE
    broker = redis_server.url(2)
    celery_on.use(broker)
    make_course()
    workshop = make_workshop(starts_in=dt.timedelta(minutes=-30))
    trainer = make_trainer()
    for _ in range(ATTENDEES):
        Registration.objects.create(
            workshop=workshop,
            user=UserFactory(),
            status=RegistrationStatus.ATTENDED,
            registered_at=timezone.now(),
            checked_in_at=timezone.now(),
            check_in_method=CheckInMethod.QR,
        )
    workers = [_start_worker(broker)]
    try:
        closing = services.request_workshop_closing(workshop=workshop, by=trainer)
        _wait_for(lambda: _closing(closing.pk).processed >= 3, 120, "the first worker to get going")
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=10)
        killed_at = _closing(closing.pk)
        assert killed_at.status == ClosingStatus.RUNNING and killed_at.processed < ATTENDEES

        # Within one lease the trainer is told, and may press 再開 (the sweep does it anyway).
        _wait_for(lambda: _closing(closing.pk).interrupted, LEASE + 2, "the lease to expire")
        assert _closing(closing.pk).status_label == "中断しました。再開します"
        assert services.resume_interrupted_closings() == 1

        workers.append(_start_worker(broker))
        _wait_for(lambda: _closing(closing.pk).status == ClosingStatus.DONE, 180, "the closing to be resumed")
        # A render the killed worker left half done is taken over by the render sweep after its lease.
        time.sleep(LEASE + 0.5)
        render_pending_certificates()
        _wait_for(
            lambda: not Certificate.objects.filter(render_status=RenderStatus.RUNNING).exists(), 60, "no render running"
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()

    done = _closing(closing.pk)
    assert (done.total, done.processed, done.issued, done.already_certified, done.failed) == (
        ATTENDEES, ATTENDEES, ATTENDEES, 0, 0
    ), "resumed where it stopped: nobody processed twice"
    assert done.runs == 2
    assert not WorkshopClosing.objects.filter(status=ClosingStatus.RUNNING).exists()
    assert Certificate.objects.valid().filter(workshop_id=workshop.pk).count() == ATTENDEES
    assert not Registration.objects.filter(workshop=workshop, certificate__isnull=True).exists()
