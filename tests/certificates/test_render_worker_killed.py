"""Issue 20.2 with a real worker: a Celery worker process rendering a batch of certificates is killed with SIGKILL
part-way. The certificates it finished stay DONE with their file, the rest stay `running` until their lease ends; the
sweep then hands them to a new worker, and in the end every certificate has exactly one stored file — nothing lost,
nothing rendered or stored twice. Needs PostgreSQL and REDIS_URL (the worker is another process on the same database
and broker); skipped otherwise."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

from certificates.enums import RenderStatus
from certificates.models import Certificate
from certificates.storage import certificate_storage

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COUNT = 24
LEASE = 3
ROOT = Path(__file__).resolve().parents[2]


def _start_worker(queue: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.child_settings",
        "BENCH_DATABASE_NAME": str(connection.settings_dict["NAME"]),
        "BENCH_SIGNING_KEY_FILE": str(settings.CERTIFICATE_SIGNING_KEY_FILE),
        "BENCH_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "BENCH_CERTIFICATE_FILES_ROOT": str(certificate_storage().location),
        "WORK_LEASE_SECONDS": str(LEASE),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(  # noqa: S603  (our own command)
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo", "-Q", queue, "-l", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _files() -> set[str]:
    root = Path(certificate_storage().location)
    return {str(p.relative_to(root)) for p in root.rglob("*.pdf")} if root.exists() else set()


def _statuses(ids):
    return list(Certificate.objects.filter(pk__in=ids).order_by("pk").values_list("render_status", flat=True))


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(settings):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL and REDIS_URL: the worker is a separate process on the same database and broker")
    from certificates.tasks import (
        render_certificate_batch,
        render_certificate_files,
        render_pending_certificates,
    )
    from lms.celery import app

    settings.WORK_LEASE_SECONDS = LEASE
    from certificates import services

    with mock.patch.object(services, "_queue_render", lambda certificate_id: None):  # rendered by the worker below
        ids = [CertificateFactory().pk for _ in range(COUNT)]
    assert set(_statuses(ids)) == {RenderStatus.PENDING}
    before = _files()
    queue = f"render-kill-{uuid.uuid4().hex[:8]}"
    workers = [_start_worker(queue)]
    app.conf.task_always_eager = False
    try:
        render_certificate_batch.apply_async((ids,), queue=queue)
        _wait_for(lambda: _statuses(ids).count(RenderStatus.DONE) >= 3, 180, "the worker to render a few")
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=10)
        statuses = _statuses(ids)
        done = statuses.count(RenderStatus.DONE)
        assert 3 <= done < COUNT and RenderStatus.FAILED not in statuses
        assert set(statuses) <= {RenderStatus.DONE, RenderStatus.RUNNING}  # the rest: running, with their lease
        recorded = set(Certificate.objects.filter(pk__in=ids, render_status=RenderStatus.DONE).values_list("pdf_file", flat=True))
        assert recorded <= _files() - before and len(_files() - before) <= done + 1  # at most the one being written

        # Within the lease the sweep leaves them alone; after it, it hands them to a new worker.
        with_lease = Certificate.objects.filter(pk__in=ids, render_status=RenderStatus.RUNNING).count()
        time.sleep(LEASE + 0.5)
        workers.append(_start_worker(queue))
        queued = []

        def to_our_worker(pk):  # the sweep's .delay, sent to this test's own queue
            queued.append(pk)
            return render_certificate_files.apply_async((pk,), queue=queue)

        with mock.patch.object(render_certificate_files, "delay", to_our_worker):
            render_pending_certificates()
        assert len(queued) == with_lease and set(queued) == set(ids) - set(
            Certificate.objects.filter(pk__in=ids, render_status=RenderStatus.DONE).values_list("pk", flat=True)
        )
        _wait_for(lambda: set(_statuses(ids)) == {RenderStatus.DONE}, 180, "every certificate to be rendered")
        # A redelivered batch renders nothing again.
        render_certificate_batch.apply_async((ids,), queue=queue)
        time.sleep(2)
    finally:
        app.conf.task_always_eager = True
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()

    names = set(Certificate.objects.filter(pk__in=ids).values_list("pdf_file", flat=True))
    assert len(names) == COUNT and all(certificate_storage().exists(name) for name in names)
    new_files = _files() - before
    assert names <= new_files and len(new_files - names) <= 1  # at most the file the kill cut off before its UPDATE
