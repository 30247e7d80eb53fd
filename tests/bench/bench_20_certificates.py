"""Certificates: PDF render time (first and warm) and size beside WeasyPrint's floor (a one-page Latin-only
document) in the same run; verification page throughput under gunicorn against a bare "hello" view in the same server
and run; N certificates (default 1,000) rendered by a real Celery worker (`celery worker -c 2`, prefork, against the
bench database and Redis) — only when REDIS_URL is set (null otherwise).

Switches (environment):
- BENCH_CERTIFICATES_BULK: how many certificates the worker renders (default 1000; 0 leaves the worker run out).
- BENCH_CERTIFICATES_BULK_MODES: "batch" (tasks of certificates.services.RENDER_BATCH_SIZE, what a workshop
  closing queues), "single" (one task per certificate, what one online completion queues), or both (default
  "batch,single": the ratio of the two is measured in the same run).
- BENCH_CERTIFICATES_PARTS: which parts run, of "pdf,verify,gunicorn,bulk" (default all).
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
WARM_RUNS = 10
LOAD_SECONDS = 6.0
LOAD_THREADS = 4
BULK_TIMEOUT = 600


def _bulk_count() -> int:
    return int(os.environ.get("BENCH_CERTIFICATES_BULK", "1000") or 0)


def _parts() -> set[str]:
    return {p.strip() for p in os.environ.get("BENCH_CERTIFICATES_PARTS", "pdf,verify,gunicorn,bulk").split(",") if p.strip()}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _time(func):
    t0 = time.perf_counter()
    result = func()
    return time.perf_counter() - t0, result


def _make_certificate(name="山田 花子", furigana="やまだ はなこ"):
    from tests.accounts.factories import UserFactory
    from tests.certificates.factories import CertificateFactory

    return CertificateFactory(holder=UserFactory(profile__full_name=name, profile__furigana=furigana))


def bench_pdf() -> dict:
    from weasyprint import HTML

    from certificates import rendering

    certificate = _make_certificate()
    first, pdf = _time(lambda: rendering.render_certificate_pdf(certificate))
    warm = [_time(lambda: rendering.render_certificate_pdf(certificate))[0] for _ in range(WARM_RUNS)]
    card_first, card = _time(lambda: rendering.render_card_pdf(certificate))
    card_warm = [_time(lambda: rendering.render_card_pdf(certificate))[0] for _ in range(WARM_RUNS)]
    floor_html = "<!DOCTYPE html><html lang='en'><body><h1>Certificate</h1><p>Hello, world.</p></body></html>"
    floor_first, floor_pdf = _time(lambda: HTML(string=floor_html).write_pdf())
    floor_warm = [_time(lambda: HTML(string=floor_html).write_pdf())[0] for _ in range(WARM_RUNS)]
    yoshi = _make_certificate("\U00020bb7川 花子", "よしかわ はなこ")
    yoshi_warm = [_time(lambda: rendering.render_certificate_pdf(yoshi))[0] for _ in range(3)]
    yoshi_pdf = rendering.render_certificate_pdf(yoshi)
    warm_ms = statistics.median(warm)
    floor_ms = statistics.median(floor_warm)
    return {
        "certificate_pdf_first_ms": _ms(first),
        "certificate_pdf_warm_median_ms": _ms(warm_ms),
        "certificate_pdf_bytes": len(pdf),
        "certificate_card_first_ms": _ms(card_first),
        "certificate_card_warm_median_ms": _ms(statistics.median(card_warm)),
        "certificate_card_bytes": len(card),
        "weasyprint_floor_first_ms": _ms(floor_first),
        "weasyprint_floor_warm_median_ms": _ms(floor_ms),
        "weasyprint_floor_pdf_bytes": len(floor_pdf),
        "certificate_pdf_warm_over_floor": round(warm_ms / floor_ms, 2),
        # A name with 𠮷 (U+20BB7) pulls in the Noto CJK fallback font: larger and slower.
        "certificate_pdf_noto_fallback_warm_median_ms": _ms(statistics.median(yoshi_warm)),
        "certificate_pdf_noto_fallback_bytes": len(yoshi_pdf),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _child_env() -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.bench.child_settings",
            "BENCH_DATABASE_NAME": str(connection.settings_dict["NAME"]),
            "BENCH_SIGNING_KEY_FILE": str(settings.CERTIFICATE_SIGNING_KEY_FILE),
            "BENCH_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "BENCH_CERTIFICATE_FILES_ROOT": str(settings.STORAGES["certificates"]["OPTIONS"]["location"]),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _load(port: int, path: str, seconds: float) -> dict:
    """Closed-loop load from LOAD_THREADS threads for `seconds`; requests per second and the median latency."""
    stop = time.perf_counter() + seconds
    counts = []
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()

    def worker():
        done = 0
        mine = []
        while time.perf_counter() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(response.status)
            except OSError as exc:
                errors.append(str(exc))
            finally:
                conn.close()
            mine.append(time.perf_counter() - t0)
            done += 1
        with lock:
            counts.append(done)
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(LOAD_THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{path}: {len(errors)} failed requests, e.g. {errors[:3]}")
    return {"rps": round(sum(counts) / elapsed, 1), "median_ms": _ms(statistics.median(latencies))}


def bench_gunicorn() -> dict:
    from certificates.services import verification_url

    certificate = _make_certificate()
    path = verification_url(certificate, absolute=False)
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--env", "DJANGO_SETTINGS_MODULE=tests.bench.child_settings"],
        cwd=ROOT, env=_child_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/bench-hello/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise RuntimeError(f"gunicorn did not start; see {log.name}")
            time.sleep(0.3)
        _load(port, path, 1.0)  # warm both workers
        _load(port, "/bench-hello/", 1.0)
        hello = _load(port, "/bench-hello/", LOAD_SECONDS)
        verify = _load(port, path, LOAD_SECONDS)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "gunicorn_workers": 2,
        "gunicorn_load_threads": LOAD_THREADS,
        "hello_view_rps": hello["rps"],
        "hello_view_median_ms": hello["median_ms"],
        "verify_page_rps": verify["rps"],
        "verify_page_median_ms": verify["median_ms"],
        "verify_over_hello_rps_ratio": round(verify["rps"] / hello["rps"], 2),
    }


def _issue_for_bulk(count: int, tag: str) -> list[int]:
    """`count` learners with profiles and a certificate each, issued through issue_certificate (its render queueing
    left out: the benchmark queues the renders itself, to its own worker's queue)."""
    from unittest import mock

    from django.utils import timezone

    from certificates import services
    from lms.accounts.enums import AgeBand
    from lms.accounts.models import LearnerProfile, User
    from lms.regions.models import Municipality
    from tests.certificates.factories import make_course

    course = make_course(slug="bench-bulk-course")
    municipality = Municipality.objects.get(code="312011")
    stamp = f"{int(time.time())}-{tag}"
    users = User.objects.bulk_create([User(email=f"bulk-{stamp}-{i}@example.jp", password="!") for i in range(count)])
    LearnerProfile.objects.bulk_create(
        [
            LearnerProfile(user=u, full_name=f"一括 {i}郎", furigana="いっかつ", municipality=municipality,
                           age_band=AgeBand.AGE_30S, consent_terms_at=timezone.now())
            for i, u in enumerate(users)
        ]
    )
    with mock.patch.object(services, "_queue_render", lambda certificate_id: None), \
            mock.patch.object(services, "notify_certificate_issued", lambda certificate: None):
        return [
            services.issue_certificate(holder=User.objects.select_related("profile").get(pk=u.pk), course=course,
                                       source="online").pk
            for u in users
        ]


def _worker_run(ids: list[int], mode: str, queue: str, log_name: str) -> float:
    """Queue the renders of `ids` to the worker and wait until every PDF is stored; seconds from the first task."""
    from certificates.enums import RenderStatus
    from certificates.models import Certificate
    from certificates.services import RENDER_BATCH_SIZE
    from certificates.tasks import render_certificate_batch, render_certificate_files

    started = time.perf_counter()
    if mode == "batch":
        for i in range(0, len(ids), RENDER_BATCH_SIZE):
            render_certificate_batch.apply_async((ids[i : i + RENDER_BATCH_SIZE],), queue=queue)
    else:
        for certificate_id in ids:
            render_certificate_files.apply_async((certificate_id,), queue=queue)
    pending = Certificate.objects.filter(pk__in=ids).exclude(render_status__in=[RenderStatus.DONE, RenderStatus.FAILED])
    while pending.exists():
        if time.perf_counter() - started > BULK_TIMEOUT:
            raise RuntimeError(f"bulk render ({mode}) not finished after {BULK_TIMEOUT} s; see {log_name}")
        time.sleep(0.2)
    return time.perf_counter() - started


INPROCESS_BATCH = 40


def _inprocess_reference() -> dict:
    """Measured just before the worker run, in this one process: WeasyPrint's floor and `render_batch` of
    INPROCESS_BATCH certificates (render, store, record) — what one worker process would spend per certificate
    with the machine as loaded as it is now."""
    from weasyprint import HTML

    from certificates import services

    floor_html = "<!DOCTYPE html><html lang='en'><body><h1>Certificate</h1><p>Hello, world.</p></body></html>"
    HTML(string=floor_html).write_pdf()
    floor = statistics.median(_time(lambda: HTML(string=floor_html).write_pdf())[0] for _ in range(WARM_RUNS))
    ids = _issue_for_bulk(INPROCESS_BATCH, "inprocess")
    services.render_batch(certificate_ids=ids[:2])  # warm
    seconds, _result = _time(lambda: services.render_batch(certificate_ids=ids[2:]))
    per_cert = seconds / (INPROCESS_BATCH - 2)
    return {
        "bulk_reference_weasyprint_floor_ms": _ms(floor),
        "bulk_reference_inprocess_batch_ms_per_certificate": _ms(per_cert),
        "bulk_reference_inprocess_batch_over_floor": round(per_cert / floor, 2),
    }


def bench_bulk_render(floor_warm_ms: float | None = None, pdf_warm_ms: float | None = None) -> dict:
    """N certificates' 修了証 PDFs rendered by a real Celery worker with two processes on Redis and the bench
    database (the card is on demand since 20.2), timed from the first task queued until every PDF is stored."""
    count = _bulk_count()
    if not count:
        return {"bulk_render_note": "BENCH_CERTIFICATES_BULK=0: the worker run was left out"}
    if not settings.REDIS_URL:
        return {
            "bulk_render_1000_seconds": None,
            "bulk_render_note": "REDIS_URL not set: no real Celery worker, so the bulk figure is not measured",
        }
    from certificates.enums import RenderStatus
    from certificates.models import Certificate
    from certificates.services import RENDER_BATCH_SIZE
    from lms.celery import app

    modes = [m.strip() for m in os.environ.get("BENCH_CERTIFICATES_BULK_MODES", "batch,single").split(",") if m.strip()]
    figures: dict = {"bulk_render_count": count, "bulk_render_worker_processes": 2, "bulk_render_batch_size": RENDER_BATCH_SIZE}
    issue_started = time.perf_counter()
    batches = {mode: _issue_for_bulk(count, mode) for mode in modes}
    figures["bulk_issue_seconds_per_1000"] = round((time.perf_counter() - issue_started) / (count * len(modes)) * 1000, 1)
    figures.update(_inprocess_reference())
    queue = f"bench-{os.getpid()}"
    log = tempfile.NamedTemporaryFile(prefix="bench-celery-", suffix=".log", delete=False)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool", "prefork", "--concurrency", "2",
         "-Q", queue, "--loglevel", "WARNING", "-n", f"{queue}@%h", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=_child_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    try:
        deadline = time.time() + 60
        while not app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=1.0):
            if time.time() > deadline or worker.poll() is not None:
                raise RuntimeError(f"Celery worker did not start; see {log.name}")
        load_before = os.getloadavg()[0]
        for mode in modes:
            ids = batches[mode]
            elapsed = _worker_run(ids, mode, queue, log.name)
            failed = Certificate.objects.filter(pk__in=ids, render_status=RenderStatus.FAILED).count()
            per_cert_ms = elapsed / count * 1000
            figures.update({
                f"bulk_render_{mode}_seconds": round(elapsed, 1),
                f"bulk_render_{mode}_seconds_per_1000": round(elapsed / count * 1000, 1),
                f"bulk_render_{mode}_per_certificate_ms": round(per_cert_ms, 1),
                # Each of the 2 processes spends this long per certificate (the wall time × processes ÷ N).
                f"bulk_render_{mode}_process_ms_per_certificate": round(per_cert_ms * 2, 1),
                f"bulk_render_{mode}_failed": failed,
            })
            if floor_warm_ms:
                figures[f"bulk_render_{mode}_process_ms_over_weasyprint_floor"] = round(per_cert_ms * 2 / floor_warm_ms, 2)
            if pdf_warm_ms:
                figures[f"bulk_render_{mode}_process_ms_over_inprocess_pdf"] = round(per_cert_ms * 2 / pdf_warm_ms, 2)
            reference = figures["bulk_reference_inprocess_batch_ms_per_certificate"]
            figures[f"bulk_render_{mode}_process_ms_over_inprocess_batch"] = round(per_cert_ms * 2 / reference, 2)
        figures["bulk_render_load_average_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=60)
    if "batch" in modes and "single" in modes:
        figures["bulk_render_batch_over_single"] = round(
            figures["bulk_render_batch_seconds"] / figures["bulk_render_single_seconds"], 2
        )
    # The issue's figure: the path a bulk issue takes (batches) when measured, else one task per certificate.
    main = "batch" if "batch" in modes else modes[0]
    figures["bulk_render_1000_seconds"] = figures[f"bulk_render_{main}_seconds_per_1000"]
    return figures


def run(ctx) -> dict:
    parts = _parts()
    figures = {}
    if "pdf" in parts:
        figures.update(bench_pdf())
    if "verify" in parts:
        figures.update(ctx.measure(ctx.client(), "GET", "/verify/").as_dict("verify_form_page"))
    if "gunicorn" in parts:
        figures.update(bench_gunicorn())
    if "bulk" in parts:
        figures.update(
            bench_bulk_render(figures.get("weasyprint_floor_warm_median_ms"), figures.get("certificate_pdf_warm_median_ms"))
        )
    return figures
