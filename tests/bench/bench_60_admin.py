"""The staff admin on the seeded course and site (issue 19.4).

Server side (in-process, with SQL queries): the module edit page; a campaign page submitted for approval (editor),
approved (moderator); a workshop published by its trainer. Work queued through the outbox (the moderation
e-mails) is not run inside the timed request — with a broker the request only hands it over — but timed after it
(`…_background_median_ms`).

Browser (if Chromium and Playwright are installed, else `admin_browser_skipped` says why): the module edit page
opened by a moderator in Debian's chromium against a live server that serves static files as production does
(WhiteNoise, compressed manifest storage: hashed names, gzip/brotli, far-future caching). `cold` is the first visit
in a new browser profile, `warm` the median of later visits. `ready` is the later of the load event and the end of
the last request (the page has loaded and nothing is still coming); Playwright's own "networkidle" adds 500 ms of
silence on top of that, reported as `…_networkidle_wall_ms`."""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from courses.models import ModulePage
from courses.seeding import seed_course
from home.services import create_campaign, seed_site
from lms.accounts.enums import EDITOR_GROUP, MODERATOR_GROUP
from tests.accounts.factories import UserFactory
from tests.conftest import give_totp

REPEAT = 10
BROWSER_VISITS = 6


def _form(html: str, **overrides) -> dict:
    data = querydict_from_html(html, form_id="page-edit-form")
    flat = {key: values[-1] for key, values in data.lists()}
    flat = {key: value.lstrip("\n") if isinstance(value, str) else value for key, value in flat.items()}
    flat.update(overrides)
    return flat


def _staff(group: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group))
    give_totp(user)
    return user


class _Broker:
    """Stands in for the broker while a request is timed: what the outbox publishes after commit is kept, not run
    (a real broker takes it in a millisecond); `run()` then executes it, timed, as a worker would."""

    def __init__(self):
        self.taken: list[tuple[str, list, dict]] = []

    def __enter__(self):
        from lms.outbox import services

        self._services, self._original = services, services._publish
        services._publish = lambda name, args, kwargs: self.taken.append((name, args, kwargs))
        return self

    def __exit__(self, *exc):
        self._services._publish = self._original

    def run(self) -> float:
        from lms.celery import app

        t0 = time.perf_counter()
        for name, args, kwargs in self.taken:
            app.tasks[name].apply(args=args, kwargs=kwargs)
        self.taken.clear()
        return (time.perf_counter() - t0) * 1000


def _timed(call):
    with _Broker() as broker, CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - t0) * 1000
    background = broker.run()
    return response, elapsed, len(ctx.captured_queries), background


def _summary(prefix: str, samples: list[tuple[float, int, float]]) -> dict:
    times = sorted(ms for ms, _, _ in samples)
    return {
        f"{prefix}_median_ms": round(statistics.median(times), 1),
        f"{prefix}_max_ms": round(times[-1], 1),
        f"{prefix}_queries": samples[-1][1],
        f"{prefix}_background_median_ms": round(statistics.median(bg for _, _, bg in samples), 1),
    }


def run(ctx) -> dict:
    seed_site()
    seed_course()
    figures: dict = {}
    editor, moderator = _staff(EDITOR_GROUP), _staff(MODERATOR_GROUP)

    module = ModulePage.objects.live().order_by("path")[1]
    edit_url = reverse("wagtailadmin_pages:edit", args=(module.pk,))
    figures.update(ctx.measure(ctx.client(moderator), "GET", edit_url, repeat=REPEAT).as_dict("admin_module_edit_page"))

    campaign = create_campaign(year=2031, title="令和13年の強化月間", summary="概要", publish=False)
    campaign_url = reverse("wagtailadmin_pages:edit", args=(campaign.pk,))
    editor_client, moderator_client = ctx.client(editor), ctx.client(moderator)
    submits, approvals = [], []
    for n in range(REPEAT):
        data = _form(editor_client.get(campaign_url).content.decode(), summary=f"概要 {n}", **{"action-submit": "1"})
        data.setdefault("body-count", "0")
        response, ms, queries, background = _timed(lambda data=data: editor_client.post(campaign_url, data))
        assert response.status_code == 302, response.status_code
        submits.append((ms, queries, background))
        state = WorkflowState.objects.get(object_id=str(campaign.pk), status=WorkflowState.STATUS_IN_PROGRESS)
        approve = reverse("wagtailadmin_pages:workflow_action", args=(campaign.pk, "approve", state.current_task_state.pk))
        response, ms, queries, background = _timed(lambda approve=approve: moderator_client.post(approve, {}))
        assert response.status_code == 302, response.status_code
        approvals.append((ms, queries, background))
    figures.update(_summary("admin_submit_for_approval", submits))
    figures.update(_summary("admin_approve_and_publish", approvals))

    from events.models import WorkshopPage
    from tests.events.factories import make_trainer, make_workshop

    trainer = make_trainer()
    workshop = make_workshop()
    trainer_client = ctx.client(trainer)
    workshop_url = reverse("wagtailadmin_pages:edit", args=(workshop.pk,))
    publishes = []
    for n in range(REPEAT):
        data = _form(trainer_client.get(workshop_url).content.decode(), title=f"鳥取市の養成講座 {n}",
                     **{"action-publish": "action-publish"})
        response, ms, queries, background = _timed(lambda data=data: trainer_client.post(workshop_url, data))
        assert response.status_code == 302, response.status_code
        publishes.append((ms, queries, background))
    assert WorkshopPage.objects.get(pk=workshop.pk).title == f"鳥取市の養成講座 {REPEAT - 1}"
    figures.update(_summary("admin_publish_workshop", publishes))

    figures.update(browser_figures(ctx, moderator, edit_url))
    return figures


# --- The edit page in the browser -------------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def _production_static() -> Path:
    """collectstatic with the production storage (hashed names, .gz/.br beside each file, Wagtail's admin bundles
    included: they are what the edit page loads) into var/bench-static. Collecting and compressing takes minutes on
    the shared machine, so it is skipped while the manifest is newer than every source file."""
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    root = Path(settings.BASE_DIR) / "var" / "bench-static"
    manifest = root / "staticfiles.json"
    if manifest.exists():
        built = manifest.stat().st_mtime
        newest = max(
            (storage.path(path) and os.path.getmtime(storage.path(path)))
            for finder in get_finders() for path, storage in finder.list([])
        )
        if newest < built:
            return root
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(STORAGES=storages, STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def _navigation(page) -> dict:
    return page.evaluate(
        """() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const resources = performance.getEntriesByType('resource');
          const lastEnd = Math.max(0, ...resources.map(r => r.responseEnd));
          return {ttfb: nav.responseStart, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                  ready: Math.max(nav.loadEventEnd, lastEnd), requests: resources.length + 1,
                  transferred: nav.transferSize + resources.reduce((n, r) => n + (r.transferSize || 0), 0)};
        }"""
    )


def _visit(page, url: str) -> dict:
    t0 = time.perf_counter()
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    figures = _navigation(page)
    figures["networkidle_wall"] = (time.perf_counter() - t0) * 1000
    return figures


def browser_figures(ctx, user, path: str) -> dict:
    if not os.path.exists(CHROMIUM):
        return {"admin_browser_skipped": f"Chromium が見つかりません（{CHROMIUM}）"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"admin_browser_skipped": "Playwright がインストールされていません（make install-dev）"}
    from django.test.testcases import LiveServerThread

    static_root = _production_static()
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    client = ctx.client(user)  # a staff session that completed TOTP, handed to the browser as its cookie
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    with override_settings(STORAGES=storages, STATIC_ROOT=static_root, WHITENOISE_USE_FINDERS=False,
                           WHITENOISE_AUTOREFRESH=False, ALLOWED_HOSTS=["*"]):
        # WhiteNoise in the middleware serves /static/, as in production (not Django's static handler).
        server = LiveServerThread("127.0.0.1", static_handler=lambda handler: handler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        base = f"http://127.0.0.1:{server.port}"
        try:
            with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
                browser = p.chromium.launch_persistent_context(
                    profile, executable_path=CHROMIUM, headless=True, viewport={"width": 1280, "height": 900},
                    locale="ja-JP", timezone_id="Asia/Tokyo",
                    args=["--no-sandbox", "--headless=new", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync"],
                )
                browser.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base}])
                page = browser.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                cold = _visit(page, base + path)
                assert "/admin/pages/" in page.url and page.locator("form#page-edit-form").count() == 1, page.url
                warm = [_visit(page, base + path) for _ in range(BROWSER_VISITS)]
                browser.close()
        finally:
            server.terminate()
    figures = {}
    for key in ("ttfb", "dcl", "load", "ready", "networkidle_wall"):
        figures[f"admin_module_edit_browser_cold_{key}_ms"] = round(cold[key])
        figures[f"admin_module_edit_browser_warm_{key}_ms"] = round(statistics.median(v[key] for v in warm))
    figures["admin_module_edit_browser_requests"] = cold["requests"]
    figures["admin_module_edit_browser_cold_transferred_kb"] = round(cold["transferred"] / 1024)
    figures["admin_module_edit_browser_warm_transferred_kb"] = round(statistics.median(v["transferred"] for v in warm) / 1024)
    figures["admin_module_edit_browser_console_errors"] = len(errors)
    return figures
