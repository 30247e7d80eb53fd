"""Helpers for benchmark modules: timing requests through Django's test client, in-process (server time without
network), with the SQL query count of each request."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def staff_client(user, secret: str = "JBSWY3DPEHPK3PXP") -> Client:
    """A client signed in as `user` with the session records allauth writes after the password and the TOTP step
    (as tests/conftest.py's force_login does; the staff gate asks for both). Gives the user a TOTP device if needed."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    device = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if device is None:
        device = TOTP.activate(user, secret).instance
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    now = time.time()
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "id": device.pk, "type": device.type},
    ]
    session["account_authentication_methods_user"] = user_id_to_str(user)
    session.save()
    return client


@dataclass
class Measured:
    median_ms: float
    p90_ms: float
    queries: int
    status: int

    def as_dict(self, prefix: str) -> dict:
        return {
            f"{prefix}_median_ms": round(self.median_ms, 2),
            f"{prefix}_p90_ms": round(self.p90_ms, 2),
            f"{prefix}_queries": self.queries,
        }


@dataclass
class Context:
    repeat: int = 30
    extra: dict = field(default_factory=dict)

    def client(self, user=None) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        if user is not None:
            # As the tests' force_login: the session records allauth's password and TOTP steps, without which
            # every staff URL answers 302 to the TOTP step (lms.accounts.mfa.staff_session_response).
            from tests.conftest import _original_force_login, _record_steps

            _original_force_login(client, user)
            _record_steps(client, user, totp=True)
        return client

    def measure(self, client: Client, method: str, path: str, data=None, *, repeat: int | None = None,
                expect: int | tuple = 200, before=None) -> Measured:
        """Warm once, then time `repeat` requests; returns the median, p90 and the query count of the last one."""
        repeat = repeat or self.repeat
        call = getattr(client, method.lower())
        if before:
            before()
        response = call(path, data) if data is not None else call(path)
        expected = expect if isinstance(expect, tuple) else (expect,)
        if response.status_code not in expected:
            raise RuntimeError(f"{method} {path} → {response.status_code}, expected {expected}")
        times = []
        queries = 0
        for _ in range(repeat):
            if before:
                before()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = call(path, data) if data is not None else call(path)
                times.append((time.perf_counter() - t0) * 1000)
            queries = len(ctx.captured_queries)
        times.sort()
        return Measured(
            median_ms=statistics.median(times),
            p90_ms=times[max(0, int(len(times) * 0.9) - 1)],
            queries=queries,
            status=response.status_code,
        )
