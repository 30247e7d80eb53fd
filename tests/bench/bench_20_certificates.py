"""Certificates: PDF render time (first and warm) and size beside WeasyPrint's floor (a one-page Latin-only
document) in the same run; verification page throughput under gunicorn against a bare "hello" view in the same server
and run; N certificates (default 1,000) rendered by a real Celery worker (`celery worker -c 2`, prefork, against the
bench database and Redis) — only when REDIS_URL is set (null otherwise).

Switches (environment):
- BENCH_CERTIFICATES_BULK: how many certificates the worker renders (default 1000; 0 leaves the worker run out).
- BENCH_CERTIFICATES_BULK_MODES: "batch" (tasks of certificates.services.RENDER_BATCH_SIZE, what a workshop
  closing queues), "single" (one task per certificate, what one online completion queues), or both (default
  "batch,single": the ratio of the two is measured in the same run).
- BENCH_CERTIFICATES_PARTS: which parts run, of "pdf,verify,gunicorn,bulk" (default all; "gunicorn" is the
  verification page against the bare view).

The throughput is measured with wrk (Debian package `wrk`, which `make bench` installs) and, without it, with Python
threads (which then take much of the CPU the server needs). BENCH_VERIFY_SECONDS (12, for each target),
BENCH_VERIFY_ROUNDS (3: hello and verify alternate), BENCH_VERIFY_CONNECTIONS (8), BENCH_VERIFY_PORT (a free port)
tune it. The server runs 2 sync workers with tests/bench/gunicorn_plain.py (not the repository's gunicorn.conf.py,
whose gthread workers and access log would be measured too).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
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
            "BENCH_CACHE_KEY_PREFIX": str(settings.CACHES["default"].get("KEY_PREFIX", "")),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


WRK = shutil.which("wrk") or "/usr/bin/wrk"
WRK_SECONDS = float(os.environ.get("BENCH_VERIFY_SECONDS", 12))
WRK_CONNECTIONS = int(os.environ.get("BENCH_VERIFY_CONNECTIONS", 8))
WRK_THREADS = 1
ROUNDS = int(os.environ.get("BENCH_VERIFY_ROUNDS", 3))
# wrk prints this line at the end of a run (Lua `done`): one JSON object, microseconds. `status` counts responses
# of 400 or more (wrk's own rule); the verify and hello paths are first checked to answer exactly 200.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def _wrk(port: int, path: str, seconds: float, script: str) -> dict:
    """wrk (WRK_THREADS threads, WRK_CONNECTIONS connections) against `path` for `seconds`."""
    command = [WRK, f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", script, f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)  # noqa: S603
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary for {path}: {out.stdout[-500:]} {out.stderr[-500:]}")
    raw = json.loads(line[len("WRKJSON "):])
    return {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "requests": raw["requests"],
        "errors": raw["status"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
    }


def _load(port: int, path: str, seconds: float) -> dict:
    """Without wrk: closed-loop load from LOAD_THREADS Python threads for `seconds` (the load generator then takes a
    good part of the CPU the server needs, so only the ratio means anything)."""
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
    latencies.sort()
    return {
        "rps": round(sum(counts) / elapsed, 1),
        "p50_ms": _ms(statistics.median(latencies)),
        "p99_ms": _ms(latencies[max(0, int(len(latencies) * 0.99) - 1)]),
        "requests": sum(counts),
        "errors": len(errors),
    }


def _combine(runs: list[dict]) -> dict:
    """Rounds of the same target as one figure: requests over time, the median p50 and the worst p99."""
    seconds = sum(r["requests"] / r["rps"] for r in runs if r["rps"])
    return {
        "rps": round(sum(r["requests"] for r in runs) / seconds, 1) if seconds else 0.0,
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": max(r["p99_ms"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "rounds_rps": [r["rps"] for r in runs],
    }


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def bench_gunicorn() -> dict:
    """The verification page (a valid certificate, QR link with signature) and an unknown number against a bare
    "hello" view, all in the same gunicorn (2 sync workers) and the same run, driven by wrk; then the look-ups the
    page counted (flushed to the database) against the requests wrk saw answered."""
    from certificates.services import verification_url
    from certificates.verifications import counted_verifications, flush_verification_counts

    certificate = _make_certificate()
    path = verification_url(certificate, absolute=False)
    unknown_path = "/verify/0000-0000-0000-0000-0/"
    port = int(os.environ.get("BENCH_VERIFY_PORT") or _free_port())
    use_wrk = os.path.exists(WRK)
    script = tempfile.NamedTemporaryFile("w", prefix="bench-wrk-", suffix=".lua", delete=False)  # noqa: SIM115
    script.write(WRK_SCRIPT)
    script.close()
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603
        # Not the repository's gunicorn.conf.py (gthread, access log): 2 sync workers as in the issue's figures.
        [sys.executable, "-m", "gunicorn", "lms.wsgi", "--config", str(ROOT / "tests/bench/gunicorn_plain.py"), "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--worker-class", "sync", "--env", "DJANGO_SETTINGS_MODULE=tests.bench.child_settings"],
        cwd=ROOT, env=_child_env(), stdout=log, stderr=subprocess.STDOUT,
    )

    def load(target: str, seconds: float) -> dict:
        return _wrk(port, target, seconds, script.name) if use_wrk else _load(port, target, seconds)

    loadavg_before = os.getloadavg()[0]
    try:
        deadline = time.time() + 60
        while True:
            try:
                if _get(port, "/bench-hello/")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise RuntimeError(f"gunicorn did not start; see {log.name}")
            time.sleep(0.3)
        for target, expected in ((path, 200), ("/bench-hello/", 200), (unknown_path, 404)):
            status, body = _get(port, target)
            if status != expected:
                raise RuntimeError(f"{target} answered {status}, expected {expected}: {body[:300]!r}")
        before = counted_verifications(certificate)
        warm = load(path, 1.0)  # warm both workers
        load("/bench-hello/", 1.0)
        # Alternating rounds, so a change in the machine's load (it is shared) falls on both alike.
        hellos, verifies = [], []
        for _ in range(ROUNDS):
            hellos.append(load("/bench-hello/", WRK_SECONDS / ROUNDS))
            verifies.append(load(path, WRK_SECONDS / ROUNDS))
        hello, verify = _combine(hellos), _combine(verifies)
        unknown = load(unknown_path, WRK_SECONDS / ROUNDS) if use_wrk else None
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.unlink(script.name)
    flush_verification_counts()
    counted = counted_verifications(certificate) - before
    figures = {
        "verify_load_generator": "wrk" if use_wrk else "python threads (wrk not installed)",
        "gunicorn_workers": 2,
        "verify_wrk_connections": WRK_CONNECTIONS if use_wrk else LOAD_THREADS,
        "verify_wrk_seconds": WRK_SECONDS,  # each of hello and verify, in BENCH_VERIFY_ROUNDS alternating rounds
        "verify_rounds": ROUNDS,
        "verify_loadavg_1m_before": round(loadavg_before, 2),
        "verify_loadavg_1m_after": round(os.getloadavg()[0], 2),
        "hello_view_rps": hello["rps"],
        "hello_view_p50_ms": hello["p50_ms"],
        "hello_view_p99_ms": hello["p99_ms"],
        "hello_view_errors": hello["errors"],
        "verify_page_rps": verify["rps"],
        "verify_page_p50_ms": verify["p50_ms"],
        "verify_page_p99_ms": verify["p99_ms"],
        "verify_page_errors": verify["errors"],
        "verify_over_hello_rps_ratio": round(verify["rps"] / hello["rps"], 2),
        "verify_over_hello_rps_ratio_by_round": [
            round(v / h, 2) for v, h in zip(verify["rounds_rps"], hello["rounds_rps"], strict=True) if h
        ],
        # Every answered look-up is counted once: the check, the warm-up and the measured run (wrk does not count the
        # few requests in flight when it stops, the server does, so counted may exceed answered by a few).
        "verify_page_answered": 1 + warm["requests"] + verify["requests"],
        "verify_counted_after_flush": counted,
    }
    if unknown is not None:
        figures.update(
            {
                "verify_unknown_rps": unknown["rps"],
                "verify_unknown_p50_ms": unknown["p50_ms"],
                "verify_unknown_p99_ms": unknown["p99_ms"],
                "verify_unknown_over_hello_rps_ratio": round(unknown["rps"] / hello["rps"], 2),
            }
        )
    return figures


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
