"""The scheduled go-live through the page cache with the every-minute job in **another process** (as Celery beat's
worker is): the purge travels through Redis only, so the web process here serves the new page at 00:01.
Needs Redis (REDIS_URL) and a test database another process can open (PostgreSQL, or SQLite in a file)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection

from home.models import CampaignPage
from home.services import create_campaign, get_operator_settings, seed_site
from tests.home.conftest import tokyo

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not django_settings.CACHE_URL, reason="needs Redis (REDIS_URL): the purge crosses processes"),
]

TITLE = "令和9年（2027年）孤独・孤立対策強化月間"

JOB = """
import django, time_machine, datetime as dt
from zoneinfo import ZoneInfo
django.setup()
from lms.tasks import publish_scheduled_pages
with time_machine.travel(dt.datetime(2027, 5, 1, 0, 1, tzinfo=ZoneInfo("Asia/Tokyo")), tick=False):
    publish_scheduled_pages()
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def test_a_scheduled_publish_by_the_job_in_another_process_is_served_at_0001(client, settings):
    if connection.vendor == "sqlite" and not connection.settings_dict["NAME"].startswith("/"):
        pytest.skip("the job's process needs the test database in a file")
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    with time_machine.travel(tokyo(2027, 4, 20, 10, 0), tick=False) as traveller:
        seed_site()
        get_operator_settings()
        page = create_campaign(year=2027, title=TITLE, go_live_at=tokyo(2027, 5, 1, 0, 0))
        traveller.move_to(tokyo(2027, 5, 1, 0, 0, 20))
        client.get("/")
        before = client.get("/")
        assert before.headers["X-Page-Cache"] == "hit" and TITLE not in before.content.decode()

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "DATABASE_URL": _database_url(),
            "TEST_CACHE_KEY_PREFIX": django_settings.CACHES["default"]["KEY_PREFIX"],
            "PYTHONPATH": str(django_settings.BASE_DIR),
        }
        done = subprocess.run(  # noqa: S603  (our own command)
            [sys.executable, "-c", JOB], cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True,
            timeout=300, check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert CampaignPage.objects.get(pk=page.pk).live

        traveller.move_to(tokyo(2027, 5, 1, 0, 1, 1))
        after = client.get("/")
        assert after.headers["X-Page-Cache"] == "miss"
        assert 'class="campaign-banner"' in after.content.decode() and TITLE in after.content.decode()
        assert client.get("/campaign/2027/").status_code == 200
    cache.clear()
