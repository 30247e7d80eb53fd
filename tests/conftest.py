"""Shared fixtures.

The test database is migrated once and the regions are loaded once (then re-serialised, so transactional tests
with `serialized_rollback=True` get them back). Tasks run eagerly unless a test asks for `celery_worker_live`,
which, when REDIS_URL is set, starts a real Celery worker on the real Redis broker."""

from __future__ import annotations

import os
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.db import connections
from django.test import Client

from tests.accounts.factories import UserFactory

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105  (tests only)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from lms.regions.services import load_packaged_regions

    with django_db_blocker.unblock():
        load_packaged_regions()
        for alias in connections:
            connection = connections[alias]
            contents = connection.creation.serialize_db_to_string()
            connection._test_serialized_contents = contents
            # Also on the class: Playwright's sync API switches context, and Django's per-context connection
            # registry then hands out a fresh connection object without the instance attribute, so serialized
            # rollback silently did nothing in browser tests.
            type(connection)._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from certificates.verifications import discard_local_counts
    from lms.reports.plans import forget_cached_plans

    cache.clear()
    # Each test's data is rolled back, and a frozen clock can give two tests the same data version.
    forget_cached_plans()
    # Verification counts a test left unwritten (no Redis) must not land on the next test's certificate ids.
    discard_local_counts()
    yield
    discard_local_counts()


def current_totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    """A valid code with a few seconds of validity left: allauth accepts only the current 30-second window
    (tolerance 0), so a code read just before the window turns would be refused by the time the form arrives."""
    remaining = 30 - time.time() % 30
    if remaining < 4:
        time.sleep(remaining + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def give_totp(user, secret: str = TEST_TOTP_SECRET):
    """Give a staff user a real TOTP device. A device alone opens no staff screen: the session must also have
    completed TOTP (see `_force_login_records_allauth_steps`)."""
    return TOTP.activate(user, secret)


_original_force_login = Client.force_login


def _record_steps(client, user, *, totp: bool) -> None:
    """Write the session's authentication records exactly as allauth does when someone signs in: the password step
    (allauth.account.internal.flows.login.perform_password_login), then, with `totp`, the TOTP step
    (allauth.mfa.base.internal.flows.post_authentication) with the user's own device."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str
    from allauth.mfa.models import Authenticator

    now = time.time()
    records = [{"method": "password", "at": now, "email": user.email}]
    device = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first() if totp else None
    if device is not None:
        records.append({"method": "mfa", "at": now, "id": device.pk, "type": device.type})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = user_id_to_str(user)
    session.save()


def force_login_password_only(client, user) -> None:
    """A session signed in with the password alone (what Wagtail's /_util/login/ used to give): no TOTP step."""
    _original_force_login(client, user)
    _record_steps(client, user, totp=False)


@pytest.fixture(autouse=True)
def _force_login_records_allauth_steps(monkeypatch):
    """`client.force_login(user)` stands for signing in through allauth: a user with a TOTP device has completed the
    TOTP step in that session (the only way allauth lets them in), a user without one only the password step.
    Tests of password-only sessions use `force_login_password_only`."""

    def force_login(self, user, backend=None):
        _original_force_login(self, user, backend)
        _record_steps(self, user, totp=True)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture
def celery_worker_live():
    """A real Celery worker on the real Redis broker when REDIS_URL is set; eager execution otherwise.

    Yields "worker" or "eager" so a test can say which path it took. Tests using it must be
    `@pytest.mark.django_db(transaction=True, serialized_rollback=True)`: the worker runs in other threads."""
    from lms.celery import app

    if settings.CELERY_BROKER_URL == "memory://":
        yield "eager"
        return
    from celery.contrib.testing.worker import start_worker

    app.loader.import_default_modules()
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30):
            yield "worker"
    finally:
        app.conf.task_always_eager = True


def pytest_report_header(config):
    db = os.environ.get("DATABASE_URL", "sqlite (embedded default)")
    redis = (
        os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL") or "none (eager Celery, local-memory cache)"
    )
    return [f"database: {db.split('@')[-1]}", f"redis: {redis}"]
