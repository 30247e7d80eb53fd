"""HTTP load (issue 15): the public pages served by gunicorn with the repository's `gunicorn.conf.py` (gthread workers,
production-like: DEBUG off, WhiteNoise serving collected, hashed, compressed files) against the benchmark's
throw-away database, driven by wrk over the loopback.

For every row of TARGETS: requests per second, p50 / p99 latency, responses with a bad status (wrk counts ≥ 400 only;
every target is first checked to answer exactly 200 without redirects) and socket errors, with C connections for S
seconds; and each page's throughput as a ratio to the static file measured in the same run (ratios are the figures
to compare across runs on this shared machine). Then a spike: SPIKE_C connections on the home page. Figures are
prefixed `http_`; the load average before and after is recorded beside them.

Environment: BENCH_HTTP_SECONDS (12), BENCH_HTTP_CONNECTIONS (20), BENCH_HTTP_SPIKE_SECONDS (10),
BENCH_HTTP_SPIKE_CONNECTIONS (100), BENCH_HTTP_WARM_SECONDS (1), BENCH_HTTP_PORT (a free port), GUNICORN_WORKERS /
GUNICORN_THREADS (gunicorn.conf.py's defaults), BENCH_HTTP_MAX_REQUESTS (unset: gunicorn.conf.py's recycling; 0: none),
BENCH_HTTP_TARGETS=home,static (only those rows).

To add a page: add a Target row (and, if it needs data, seed it in `seed()` and read it from the dict)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import http.client
import json
import os
import runpy
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
WRK = shutil.which("wrk") or "/usr/bin/wrk"
SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", 12))
CONNECTIONS = int(os.environ.get("BENCH_HTTP_CONNECTIONS", 20))
SPIKE_SECONDS = float(os.environ.get("BENCH_HTTP_SPIKE_SECONDS", 10))
SPIKE_CONNECTIONS = int(os.environ.get("BENCH_HTTP_SPIKE_CONNECTIONS", 100))
WARM_SECONDS = float(os.environ.get("BENCH_HTTP_WARM_SECONDS", 1))
WRK_THREADS = 2
# Browsers ask for compressed files; WhiteNoise then serves the .gz it wrote at collectstatic.
HEADERS = {"Accept-Encoding": "gzip"}


@dataclasses.dataclass(frozen=True)
class Target:
    """One row: `name` becomes the figure names (http_<name>_rps, …); `path` is a URL path or a function of the
    seeded dict returning one; `headers` are sent with every request (e.g. a cookie)."""

    name: str
    path: str | Callable[[dict], str]
    headers: dict = dataclasses.field(default_factory=dict)

    def url_path(self, seeded: dict) -> str:
        return self.path(seeded) if callable(self.path) else self.path


# The static file first: every page's ratio is to it.
TARGETS: list[Target] = [
    Target("static", lambda s: s["static"]),
    Target("bare_view", "/bench-hello/"),  # a Django view that only answers "hello": the framework's floor
    Target("home", "/"),
    Target("campaign", lambda s: s["campaign"]),
    Target("course", lambda s: s["course"]),
    Target("module_1", lambda s: s["module_1"]),
    Target("verify", lambda s: s["verify"]),
    Target("workshops", "/workshops/"),
    Target("search", "/search/?q=" + quote("孤立")),
    Target("ical", "/workshops/ical/"),
    Target("ical_filtered", "/workshops/ical/?prefecture=31"),  # what a calendar app polls (issue 20.4)
]
# Issue 20.3's aim for these rows (rps ÷ the static file's, same run); the page cache serves them to wrk's anonymous
# requests, and each row's `http_<name>_page_cache` says what the page cache answered after the warm-up.
PAGE_CACHE_AIM = {"home": 0.5, "campaign": 0.5, "course": 0.5, "module_1": 0.5}

# wrk prints this line at the end of a run (Lua `done`): one JSON object, microseconds.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def seed() -> dict:
    """What the pages need, created only when missing (earlier bench modules may have made it already)."""
    from django.utils import timezone

    from certificates.services import verification_url
    from courses.models import CoursePage
    from courses.seeding import seed_course
    from events.models import WorkshopPage
    from home.blocks import CampaignBodyBlock
    from home.demo import campaign_body
    from home.models.campaigns import CampaignPage
    from home.services import create_campaign, seed_site, stream_value
    from search.services import rebuild_index
    from tests.accounts.factories import UserFactory
    from tests.certificates.factories import CertificateFactory
    from tests.events.factories import bulk_workshops, make_workshop

    seed_site()
    seed_course()
    today = timezone.localdate()
    campaign = CampaignPage.objects.filter(year=today.year).first()
    if campaign is None:
        campaign = create_campaign(
            year=today.year, title=f"{today.year}年の強化月間", starts_on=today, ends_on=today + dt.timedelta(days=5),
            body=stream_value(CampaignBodyBlock(), campaign_body()),
        )
    # The seeded course (one with its modules): an earlier bench module in the same run may have made bare courses
    # with factories (bench_20's certificates), and the first live course is then one without a module.
    course = next(c for c in CoursePage.objects.live().order_by("path") if c.get_children().live().exists())
    module = course.get_children().live().first()
    if WorkshopPage.objects.upcoming().count() < 30:
        for n in range(5):
            make_workshop(starts_in=dt.timedelta(days=3 + n))
        bulk_workshops(25)
    certificate = CertificateFactory(
        course=course, holder=UserFactory(profile__full_name="山田 花子", profile__furigana="やまだ はなこ")
    )
    rebuild_index()
    return {
        "campaign": campaign.url,
        "course": course.url,
        "module_1": module.url,
        "verify": verification_url(certificate, absolute=False),
        "workshops_upcoming": WorkshopPage.objects.upcoming().count(),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _child_env(static_root: str, port: int) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.bench.http_settings",
            "BENCH_DATABASE_NAME": str(connection.settings_dict["NAME"]),
            "BENCH_SIGNING_KEY_FILE": str(settings.CERTIFICATE_SIGNING_KEY_FILE),
            "BENCH_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "BENCH_CERTIFICATE_FILES_ROOT": str(settings.STORAGES["certificates"]["OPTIONS"]["location"]),
            "BENCH_STATIC_ROOT": static_root,
            "BENCH_CACHE_KEY_PREFIX": f"tsunagari-bench-http-{os.getpid()}",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _get(port: int, path: str, headers: dict) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _page_cache_state(port: int, path: str, headers: dict) -> str:
    """The page cache's answer (X-Page-Cache: hit / miss / skip) to one more request like wrk's (the same Host, so the
    same cache key), "none" where it is not used."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}", **headers})
        response = conn.getresponse()
        response.read()
        return response.getheader("X-Page-Cache") or "none"
    finally:
        conn.close()


def _wrk(port: int, path: str, *, connections: int, seconds: float, headers: dict, script: str) -> dict:
    command = [WRK, f"-t{min(WRK_THREADS, connections)}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--timeout", "30s", "-s", script]
    for key, value in {**HEADERS, **headers}.items():
        command += ["-H", f"{key}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)  # noqa: S603
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary for {path}: {out.stdout[-500:]} {out.stderr[-500:]}")
    raw = json.loads(line[len("WRKJSON "):])
    seconds_run = raw["duration_us"] / 1e6
    return {
        "rps": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "requests": raw["requests"],
        "bad_status": raw["status"],
        "socket_errors": raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
    }


def _wait_until_up(port: int, server: subprocess.Popen, log_name: str) -> None:
    deadline = time.time() + 90
    while True:
        try:
            if _get(port, "/bench-hello/", {})[0] == 200:
                return
        except OSError:
            pass
        if time.time() > deadline or server.poll() is not None:
            raise RuntimeError(f"gunicorn did not start; see {log_name}")
        time.sleep(0.3)


def run(ctx) -> dict:
    if not os.path.exists(WRK):
        return {"http_note": "wrk is not installed (Debian package wrk; `make bench` installs it): not measured"}
    only = [w.strip() for w in os.environ.get("BENCH_HTTP_TARGETS", "").split(",") if w.strip()]
    targets = [t for t in TARGETS if not only or t.name in only or t.name == "static"]
    t0 = time.perf_counter()
    seeded = seed()
    figures: dict = {"http_seed_seconds": round(time.perf_counter() - t0, 1)}

    static_root = tempfile.mkdtemp(prefix="bench-http-static-")
    port = int(os.environ.get("BENCH_HTTP_PORT") or _free_port())
    env = _child_env(static_root, port)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,  # noqa: S603
                   check=True)
    figures["http_collectstatic_seconds"] = round(time.perf_counter() - t0, 1)
    manifest = json.loads((Path(static_root) / "staticfiles.json").read_text())
    seeded["static"] = settings.STATIC_URL + manifest["paths"]["css/site.css"]

    script = tempfile.NamedTemporaryFile("w", prefix="bench-wrk-", suffix=".lua", delete=False)  # noqa: SIM115
    script.write(WRK_SCRIPT)
    script.close()
    log = tempfile.NamedTemporaryFile(prefix="bench-http-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    # BENCH_HTTP_MAX_REQUESTS overrides gunicorn.conf.py's worker recycling (after 2,000–4,000 requests; workers are
    # forked from the preloaded application, so a recycled worker is back at once).
    recycle = ["--max-requests", os.environ["BENCH_HTTP_MAX_REQUESTS"]] if os.environ.get("BENCH_HTTP_MAX_REQUESTS") else []
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), *recycle, "lms.wsgi"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # the values gunicorn reads, with this environment
    figures.update(
        {
            "http_gunicorn_workers": conf["workers"],
            "http_gunicorn_threads": conf["threads"],
            "http_gunicorn_max_requests": int(os.environ.get("BENCH_HTTP_MAX_REQUESTS") or conf["max_requests"]),
            "http_gunicorn_worker_class": conf["worker_class"],
            "http_connections": CONNECTIONS,
            "http_seconds_each": SECONDS,
            "http_workshops_upcoming": seeded["workshops_upcoming"],
            "http_loadavg_1m_before": round(os.getloadavg()[0], 2),
        }
    )
    try:
        _wait_until_up(port, server, log.name)
        for target in targets:
            path = target.url_path(seeded)
            try:
                status, body = _get(port, path, {**HEADERS, **target.headers})
                if status != 200:
                    raise RuntimeError(f"{path} → {status} (expected 200): {body[:300]!r}")
                if WARM_SECONDS > 0:
                    _wrk(port, path, connections=min(CONNECTIONS, 10), seconds=WARM_SECONDS, headers=target.headers,
                         script=script.name)
                result = _wrk(port, path, connections=CONNECTIONS, seconds=SECONDS, headers=target.headers,
                              script=script.name)
            except (OSError, RuntimeError) as exc:  # one target failing (e.g. no answer in 30 s) is a figure too
                figures[f"http_{target.name}_error"] = f"{type(exc).__name__}: {exc}"[:300]
                print(f"bench: http {target.name}: {exc!r}", file=sys.stderr, flush=True)
                continue
            print(f"bench: http {target.name}: {result}", file=sys.stderr, flush=True)
            for key in ("rps", "p50_ms", "p99_ms", "bad_status", "socket_errors"):
                figures[f"http_{target.name}_{key}"] = result[key]
            if target.name != "static":
                figures[f"http_{target.name}_page_cache"] = _page_cache_state(port, path, {**HEADERS, **target.headers})
        static_rps = figures.get("http_static_rps")
        for target in targets:
            if target.name != "static" and static_rps and f"http_{target.name}_rps" in figures:
                figures[f"http_{target.name}_rps_over_static"] = round(figures[f"http_{target.name}_rps"] / static_rps, 3)
            if target.name in PAGE_CACHE_AIM:
                figures[f"http_{target.name}_rps_over_static_aim"] = PAGE_CACHE_AIM[target.name]
        spike = _wrk(port, "/", connections=SPIKE_CONNECTIONS, seconds=SPIKE_SECONDS, headers={}, script=script.name)
        print(f"bench: http spike: {spike}", file=sys.stderr, flush=True)
        figures.update(
            {
                "http_spike_connections": SPIKE_CONNECTIONS,
                "http_spike_seconds": SPIKE_SECONDS,
                "http_spike_home_rps": spike["rps"],
                "http_spike_home_p50_ms": spike["p50_ms"],
                "http_spike_home_p99_ms": spike["p99_ms"],
                "http_spike_home_max_ms": spike["max_ms"],
                "http_spike_home_bad_status": spike["bad_status"],
                "http_spike_home_socket_errors": spike["socket_errors"],
            }
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        os.unlink(script.name)
        shutil.rmtree(static_root, ignore_errors=True)
    figures["http_loadavg_1m_after"] = round(os.getloadavg()[0], 2)
    # Workers booted after the first ones (recycled at max_requests, or killed by the timeout).
    boots = Path(log.name).read_text(errors="replace").count("Booting worker")
    figures["http_gunicorn_worker_reboots"] = max(0, boots - conf["workers"])
    return figures
