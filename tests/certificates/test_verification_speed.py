"""The verification page without a write per look-up (issue 20.1): one database read and one Redis round trip; the
answer reused only while the facts it shows are unchanged — in every process; counts written by an idempotent
flush; the rate limit with the cache up and down; unknown numbers all answered alike."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates import verifications
from certificates.enums import NameDisplay
from certificates.models import Certificate, CertificateVerification
from certificates.services import reissue_with_current_name, revoke_certificate, set_name_display
from certificates.verifications import counted_verifications, flush_verification_counts
from tests.accounts.factories import UserFactory

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
REDIS = bool(settings.CACHES["default"]["BACKEND"].endswith("FallbackRedisCache"))
needs_redis = pytest.mark.skipif(not REDIS, reason="needs the cache on Redis (REDIS_URL): the PostgreSQL + Redis leg")


def _cert(name="山田 太郎", furigana="やまだ たろう", **kwargs):
    return CertificateFactory(holder=UserFactory(profile__full_name=name, profile__furigana=furigana), **kwargs)


# --- What one look-up costs -------------------------------------------------------------------------------------


def test_a_repeated_look_up_reads_the_database_once_and_writes_nothing(client):
    certificate = _cert()
    path = f"/verify/{certificate.number}/?s={certificate.signature}"
    client.get("/verify/")  # warm, as on a running site
    client.get(path)  # first look-up of these facts: rendered and kept
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200 and "有効な修了証です" in response.content.decode()
    assert not response.templates  # the kept answer, not a new rendering
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 1 and sql[0].lstrip().upper().startswith("SELECT"), sql


@needs_redis
def test_a_repeated_look_up_is_one_redis_round_trip(client, monkeypatch):
    from redis.client import Pipeline, Redis

    certificate = _cert()
    path = f"/verify/{certificate.number}/"
    client.get("/verify/")
    client.get(path)
    client.get(path)  # the script is loaded into Redis by now
    calls = []
    real_command, real_pipeline = Redis.execute_command, Pipeline.execute

    def command(self, *args, **kwargs):
        calls.append(args[0])
        return real_command(self, *args, **kwargs)

    def pipeline(self, *args, **kwargs):
        calls.append("PIPELINE")
        return real_pipeline(self, *args, **kwargs)

    monkeypatch.setattr(Redis, "execute_command", command)
    monkeypatch.setattr(Pipeline, "execute", pipeline)
    assert client.get(path).status_code == 200
    assert calls == ["EVALSHA"], calls


# --- Every process sees a change on its next request -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


@pytest.fixture
def gunicorn():
    """A real gunicorn (2 sync worker processes) on this test's database and cache (committed data: the test is
    transactional), so "the next request" is served by processes that are not this one."""
    port = _free_port()
    env = dict(os.environ)
    env.update(
        {
            "BENCH_DATABASE_NAME": str(connection.settings_dict["NAME"]),
            "BENCH_SIGNING_KEY_FILE": str(settings.CERTIFICATE_SIGNING_KEY_FILE),
            "BENCH_CACHE_KEY_PREFIX": str(settings.CACHES["default"].get("KEY_PREFIX", "")),
            "PYTHONPATH": str(ROOT),
        }
    )
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "lms.wsgi", "--config", str(ROOT / "tests/bench/gunicorn_plain.py"),
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync",
         "--env", "DJANGO_SETTINGS_MODULE=tests.bench.child_settings"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.time() + 90
    while True:
        try:
            if _get(port, "/bench-hello/")[0] == 200:
                break
        except OSError:
            pass
        if server.poll() is not None or time.time() > deadline:
            server.kill()
            pytest.fail(f"gunicorn did not start: {server.stderr.read().decode()[-2000:]}")
        time.sleep(0.3)
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _answers(port: int, path: str, times: int = 8) -> list[str]:
    """The same look-up several times: sequential requests spread over both workers."""
    bodies = []
    for _ in range(times):
        status, body = _get(port, path)
        assert status == 200, body[:500]
        bodies.append(body)
    return bodies


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_revocation_a_name_choice_and_a_reissue_show_on_the_next_request_of_every_process(gunicorn):
    revoked = _cert()
    renamed = _cert(name="佐藤 花子", furigana="さとう はなこ")
    revoked_path = f"/verify/{revoked.number}/?s={revoked.signature}"
    renamed_path = f"/verify/{renamed.number}/"
    # Both workers answer (and keep the answer for these facts) before anything changes.
    assert all("有効な修了証です" in body for body in _answers(gunicorn, revoked_path))
    assert all("佐藤 花子" in body for body in _answers(gunicorn, renamed_path))

    revoke_certificate(certificate=revoked, reason="誤発行")
    after = _answers(gunicorn, revoked_path)
    assert all("失効した修了証です" in body and "有効な修了証です" not in body for body in after)

    set_name_display(certificate=renamed, holder=renamed.holder, name_display=NameDisplay.INITIALS)
    assert all("S. H." in body and "佐藤 花子" not in body for body in _answers(gunicorn, renamed_path))

    profile = renamed.holder.profile
    profile.full_name, profile.furigana = "鈴木 花子", "すずき はなこ"
    profile.save()
    reissue_with_current_name(certificate=Certificate.objects.get(pk=renamed.pk), holder=renamed.holder)
    assert all("再発行されました" in body for body in _answers(gunicorn, renamed_path))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_look_ups_served_by_other_processes_reach_the_holders_page_after_a_flush(gunicorn, client):
    certificate = _cert()
    _answers(gunicorn, f"/verify/{certificate.number}/", times=5)
    _answers(gunicorn, f"/verify/{certificate.number}/?s={certificate.signature}", times=2)
    # Without Redis each worker writes its own counts (at most a second late, and when it stops); with Redis the
    # counts wait there for the flush.
    deadline = time.time() + 10
    while counted_verifications(certificate) < 7 and time.time() < deadline:
        flush_verification_counts()
        if counted_verifications(certificate) < 7:
            _get(gunicorn, "/verify/0000-0000-0000-0000-0/")  # a request lets a worker write its buffer
            time.sleep(1.1)
    assert counted_verifications(certificate) == 7
    client.force_login(certificate.holder)
    body = client.get("/mypage/").content.decode()
    assert "<strong>7回</strong>" in body
    assert sum(certificate.verifications.filter(channel="qr").values_list("count", flat=True)) == 2


# --- Counts: written once however the flush goes -----------------------------------------------------------------


def _look_up(client, certificate, times=3):
    for _ in range(times):
        assert client.get(f"/verify/{certificate.number}/").status_code == 200


def test_counts_reach_the_holders_page_after_a_flush_and_a_second_flush_adds_nothing(client):
    certificate = _cert()
    with time_machine.travel(dt.datetime(2026, 12, 4, 9, 30, 5, tzinfo=dt.UTC)):  # all in one minute
        _look_up(client, certificate)
    assert flush_verification_counts() == 3
    assert flush_verification_counts() == 0
    client.force_login(certificate.holder)
    assert "<strong>3回</strong>" in client.get("/mypage/").content.decode()
    assert CertificateVerification.objects.filter(certificate=certificate).count() == 1  # one row for the minute
    assert "2026年12月4日 18:30（確認ページ・3回）" in client.get("/mypage/").content.decode()


@needs_redis
def test_a_flush_killed_after_its_commit_and_retried_does_not_count_twice(client, monkeypatch):
    certificate = _cert()
    _look_up(client, certificate)
    client_ = cache.client.get_client(write=True)
    real_delete = type(client_).delete

    def killed(self, *names):
        raise SystemExit("worker killed after the commit, before the batch was deleted")

    monkeypatch.setattr(type(client_), "delete", killed)
    with pytest.raises(SystemExit):
        flush_verification_counts()
    assert counted_verifications(certificate) == 3  # committed
    monkeypatch.setattr(type(client_), "delete", real_delete)
    _look_up(client, certificate, times=2)  # new look-ups meanwhile go to a new pending hash
    flush_verification_counts()  # the retry: the old batch again (nothing added), then the new look-ups
    assert counted_verifications(certificate) == 5
    flush_verification_counts()
    assert counted_verifications(certificate) == 5


@needs_redis
def test_a_flush_killed_before_its_commit_loses_nothing(client, monkeypatch):
    certificate = _cert()
    _look_up(client, certificate)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed before the commit")

    monkeypatch.setattr(CertificateVerification.objects, "bulk_create", killed)
    with pytest.raises(SystemExit):
        flush_verification_counts()
    assert counted_verifications(certificate) == 0
    monkeypatch.undo()
    flush_verification_counts()
    assert counted_verifications(certificate) == 3


@needs_redis
def test_two_flushes_of_the_same_batch_write_it_once(client):
    certificate = _cert()
    _look_up(client, certificate, times=4)
    redis = cache.client.get_client(write=True)
    name = cache.make_key(verifications.BATCH_PREFIX + "same")
    verifications._script(redis, verifications._LUA_TAKE)(
        keys=[cache.make_key(verifications.PENDING_KEY), name, cache.make_key(verifications.BATCHES_KEY)]
    )
    raw = redis.hgetall(name)
    verifications._write_batch(redis, name)
    redis.hset(name, mapping=raw)  # as if a second flush had read the batch before the first deleted it
    verifications._write_batch(redis, name)
    assert counted_verifications(certificate) == 4


# --- The cache down: pages answer, the limit holds, counts are kept -----------------------------------------------


@pytest.fixture
def cache_down(settings):
    """The production cache backend pointed at a Redis that is not there (nothing listens on the port)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "lms.cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:8119/1",
            "KEY_PREFIX": f"verify-down-{os.getpid()}",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5, "RETRY_AFTER": 5},
        }
    }
    yield
    cache.clear()


def test_the_rate_limit_holds_with_the_cache_up(client, settings):
    settings.CERTIFICATE_VERIFY_RATE = "3/m"
    certificate = _cert()
    assert [client.get(f"/verify/{certificate.number}/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get("/verify/0000-0000-0000-0000-0/").status_code == 429  # unknown numbers spend the same budget
    assert client.get(f"/api/v1/certificates/{certificate.number}").status_code == 429  # and so does the API
    assert client.get(f"/verify/{certificate.number}/", REMOTE_ADDR="10.0.0.2").status_code == 200
    flush_verification_counts()
    assert counted_verifications(certificate) == 4  # refused look-ups are not counted


def test_with_the_cache_down_pages_answer_the_limit_holds_and_counts_are_kept(client, settings, cache_down):
    settings.CERTIFICATE_VERIFY_RATE = "3/m"
    certificate = _cert()
    statuses = [client.get(f"/verify/{certificate.number}/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "有効な修了証です" in client.get(f"/verify/{certificate.number}/", REMOTE_ADDR="10.0.0.3").content.decode()
    revoke_certificate(certificate=certificate, reason="誤発行")
    assert "失効した修了証です" in client.get(f"/verify/{certificate.number}/", REMOTE_ADDR="10.0.0.3").content.decode()
    flush_verification_counts()
    assert counted_verifications(certificate) == 5


# --- Unknown numbers ---------------------------------------------------------------------------------------------


def test_unknown_numbers_are_answered_alike_never_kept_and_never_counted(client):
    from certificates.numbering import format_number

    client.get("/verify/")
    typed = ["0000-0000-0000-0000-0", format_number("7K3MQ9RT2VXBH4ND"), format_number("AAAAAAAAAAAAAAAA")]
    pages = []
    for number in typed:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/verify/{number}/")
        assert response.status_code == 404
        pages.append((response.content.decode().replace(number, "N"), len(queries)))
        assert response.templates  # rendered every time: nothing about unknown numbers is kept
        assert client.get(f"/verify/{number}/").templates
    assert len(set(pages)) == 1, "every unknown number gets the same page after the same queries"
    assert flush_verification_counts() == 0
    assert not CertificateVerification.objects.exists()
