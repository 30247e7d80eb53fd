"""A report rebuild killed mid-way (SIGKILL, OOM, a lost machine) leaves its "rebuilding" mark behind. On PostgreSQL
whether a rebuild is alive is the advisory lock its own connection holds, so the mark of a dead one is taken over at
once — the next refresh deletes its marks again and the next rebuild runs — instead of after a three-hour lease
(issue 15: leases of minutes, not hours). A live rebuild in another process is still respected."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

from lms.reports import refresh
from lms.reports.models import RollupState

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the rebuild's liveness is a PostgreSQL advisory lock; SQLite (one process) keeps the lease")


def _holder() -> subprocess.Popen:
    """Another process that connects to this test database and holds the rebuild's lock, like a running rebuild."""
    settings = connection.settings_dict
    dsn = f"dbname={settings['NAME']} host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432} " \
          f"user={settings['USER'] or 'postgres'}"  # fmt: skip
    code = (
        "import psycopg, sys, time\n"
        f"c = psycopg.connect({dsn!r}, autocommit=True)\n"
        f"c.execute('SELECT pg_advisory_lock({refresh.REBUILD_LOCK_KEY})')\n"
        "print('locked', flush=True)\n"
        "time.sleep(600)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "locked"
    return process


def _mark_rebuilding() -> None:
    RollupState.objects.update_or_create(key=refresh.REBUILDING, defaults={"value": timezone.now()})


@pytest.mark.django_db
def test_the_mark_of_a_killed_rebuild_is_taken_over_at_once():
    _mark_rebuilding()  # a rebuild started a minute ago and its process died: no connection holds the lock
    assert refresh.rebuild_in_progress() is False
    result = refresh.rebuild_all()
    assert result.get("skipped") is not True
    assert RollupState.objects.get(key=refresh.REBUILDING).value is None


@pytest.mark.django_db
def test_a_live_rebuild_elsewhere_is_respected_until_its_process_dies():
    _mark_rebuilding()
    holder = _holder()
    try:
        assert refresh.rebuild_in_progress() is True
        assert refresh.rebuild_all() == {"skipped": True}
    finally:
        holder.kill()  # SIGKILL: the process cannot release anything itself
        holder.wait()
    deadline = time.monotonic() + 10
    while refresh.rebuild_in_progress() and time.monotonic() < deadline:
        time.sleep(0.1)  # the server notices the closed connection
    assert refresh.rebuild_in_progress() is False
    assert refresh.rebuild_all().get("skipped") is not True
