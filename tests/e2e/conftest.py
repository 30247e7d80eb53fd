"""Browser journeys: Playwright driving Debian's chromium (never a downloaded browser) against pytest-django's
live server, with an axe-core check on every page visited."""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's database work happens in its own
# thread, but fixtures here touch the ORM from the test thread too.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium が見つかりません（{CHROMIUM}）。`make browser-deps` か apt-get install chromium を実行してください。")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--headless=new",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def phone_context_args():
    return {"viewport": PHONE, "locale": "ja-JP", "timezone_id": "Asia/Tokyo"}


class AccessibilityError(AssertionError):
    pass


def axe_results_path():
    """Where every axe run is appended (one JSON object a line), for `manage.py build_accessibility_report`, which
    writes the automated part of /accessibility/ (試験結果). Default var/axe-results.jsonl; AXE_RESULTS_FILE changes it."""
    from pathlib import Path

    from django.conf import settings

    return Path(os.environ.get("AXE_RESULTS_FILE") or Path(settings.BASE_DIR) / "var" / "axe-results.jsonl")


def record_axe_results(page, *, label: str, response: dict) -> None:
    import datetime as dt
    import json
    from urllib.parse import urlsplit

    def rules(key):
        return [
            {"id": r["id"], "impact": r.get("impact"), "tags": r.get("tags", []), "nodes": len(r.get("nodes", []))}
            for r in response.get(key, [])
        ]

    record = {
        "label": label,
        "path": urlsplit(page.url).path,
        "title": page.title(),
        "width": (page.viewport_size or {}).get("width"),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "axe_version": (response.get("testEngine") or {}).get("version", ""),
        "violations": rules("violations"),
        "passes": rules("passes"),
        "incomplete": rules("incomplete"),
    }
    path = axe_results_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


@pytest.fixture
def axe_check():
    """Call with a page: fails on serious or critical axe-core violations, listing them."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    checked: list[str] = []

    def check(page, *, label: str = ""):
        results = axe.run(page)
        record_axe_results(page, label=label, response=results.response)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        checked.append(label or page.url)
        if bad:
            lines = [
                f"- {v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes']][:5]}" for v in bad
            ]
            raise AccessibilityError(f"axe violations on {label or page.url}:\n" + "\n".join(lines))
        return results

    check.checked = checked
    return check
