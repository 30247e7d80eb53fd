"""The cache's Redis stops (a real redis-server of this test's own): every public page, login and マイページ still
answer 200, and rate limits stay in force (issue 15). With Django's plain Redis backend the same requests were 500:
Wagtail's site root paths, the footer and the rate limits all read the cache."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from certificates.services import issue_certificate
from courses.models import CoursePage
from tests.accounts.factories import UserFactory
from tests.events.factories import make_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_content():
    call_command("seed_site", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_course", stdout=open("/dev/null", "w"))  # noqa: SIM115
    course = CoursePage.objects.live().first()
    module = course.get_children().live().first()
    workshop = make_workshop()
    holder = UserFactory()
    certificate = issue_certificate(holder=holder, course=course, source="online")
    return {
        "home": "/",
        "course": course.url,
        "module": module.url,
        "workshops": "/workshops/",
        "workshop": workshop.url,
        "campaign": "/campaign/",
        "search": "/search/?q=孤立",
        "verify form": "/verify/",
        "verify": f"/verify/{certificate.number}/",
        "verify api": f"/api/v1/certificates/{certificate.number}",
        "jwks": "/.well-known/jwks.json",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "password reset": "/accounts/password/reset/",
    }


def _get_all(client, urls):
    return {name: client.get(url).status_code for name, url in urls.items()}


def test_every_public_page_login_and_mypage_answer_200_with_the_cache_down(redis_server, cache_on, site_content):
    cache_on(redis_server.url(0))
    client = Client(raise_request_exception=False)
    assert set(_get_all(client, site_content).values()) == {200}  # warm, with Redis up
    assert cache.ping_redis() is None

    redis_server.stop()
    started = time.monotonic()
    statuses = _get_all(client, site_content)
    assert statuses == dict.fromkeys(site_content, 200), statuses

    # Signing in (allauth reads and writes its rate-limit counters) and マイページ.
    learner = UserFactory(email="outage@example.jp")
    response = client.post("/accounts/login/", {"login": learner.email, "password": "correct-horse-battery"})
    assert response.status_code == 302, response.content.decode()[:500]
    mypage = client.get("/mypage/")
    assert mypage.status_code == 200
    assert "マイページ" in mypage.content.decode()
    elapsed = time.monotonic() - started
    assert elapsed < 20, f"{len(site_content) + 2} requests took {elapsed:.1f} s with the cache down"

    # /healthz tells the operator (503, cache not ok) although every page works.
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["cache"]["ok"] is False

    # Redis back: used again (after the retry interval), health 200 again.
    redis_server.start()
    cache._down_until = 0.0  # skip the 5 s retry interval
    assert client.get("/").status_code == 200
    assert client.get("/healthz").json()["cache"]["ok"] is True


def test_rate_limits_stay_in_force_while_the_cache_is_down(redis_server, cache_on, settings):
    """A limit that is never stored never trips: IGNORE_EXCEPTIONS alone would switch every limit off."""
    cache_on(redis_server.url(0))
    settings.CERTIFICATE_VERIFY_RATE = "3/m"
    redis_server.stop()
    client = Client(raise_request_exception=False)
    statuses = [client.get("/verify/", {"number": f"TSN-XXXX-XXXX-XXX{i}"}).status_code for i in range(5)]
    assert statuses[:3] == [404, 404, 404] and statuses[3:] == [429, 429], statuses  # unknown numbers: 404

    # allauth's failed-login limit (5 per 5 minutes per address) holds too.
    from allauth.account.adapter import get_adapter

    refused = str(get_adapter().error_messages["too_many_login_attempts"])
    user = UserFactory(email="limited@example.jp")
    pages = [
        client.post("/accounts/login/", {"login": user.email, "password": "wrong-password-123"}).content.decode()
        for _ in range(6)
    ]
    assert [refused in page for page in pages] == [False] * 5 + [True]
    # …and it refuses the right password too while the limit holds.
    page = client.post("/accounts/login/", {"login": user.email, "password": "correct-horse-battery"})
    assert page.status_code == 200 and refused in page.content.decode()


def test_a_cache_that_never_answers_costs_one_timeout_per_interval(cache_on):
    """An address where nothing listens: the first call fails fast, then the fallback answers without trying again."""
    cache_on("redis://127.0.0.1:6399/0")
    from django.core.cache import caches

    backend = caches["default"]
    started = time.monotonic()
    backend.set("k", "v")
    assert backend.get("k") == "v"  # answered by the per-process fallback
    for _ in range(200):
        backend.get("missing")
    assert time.monotonic() - started < 2
    assert backend.redis_available is False
