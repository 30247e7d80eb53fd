"""Bad input never gives a 500 (issue 13, item 6): each test sends what an attacker would and expects a clear 4xx."""

from __future__ import annotations

import time

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

from tests.accounts.factories import UserFactory
from tests.conftest import give_totp
from tests.security.resolver import fill, int_routes

pytestmark = pytest.mark.django_db

HUGE = [2**63, 10**30]


def mfa_login(client, user):
    """Sign `user` in with a session in which both the password and TOTP were used (as allauth records them)."""
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        give_totp(user)
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now - 1, "email": user.email},
        {"method": "mfa", "at": now, "id": 1, "type": "totp"},
    ]
    session.save()


ROUTES = int_routes()


def test_the_resolver_walk_finds_the_int_routes():
    routes = {route for route, _name in ROUTES}
    assert "certificates/achievements/<int:course_id>/" in routes
    assert "trainer/workshops/<int:pk>/attendance/" in routes
    assert any(route.startswith("admin/pages/<int:") for route in routes)
    assert len(routes) > 50


@pytest.mark.parametrize("value", HUGE, ids=["2**63", "10**30"])
def test_every_int_route_answers_404_for_integers_beyond_64_bits(client, value):
    """As a superuser with MFA (who passes every guard), GET and POST to every `<int:…>` route with an id of 2**63
    and 10**30: each answers 404 (or 400/405), never a 500."""
    mfa_login(client, UserFactory(is_superuser=True, is_staff=True))
    client.raise_request_exception = False
    failures = []
    for route, name in ROUTES:
        url = fill(route, value)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code not in (400, 404, 405):
                failures.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("value", HUGE, ids=["2**63", "10**30"])
def test_huge_registration_ids_in_the_attendance_form_change_nothing(client, value):
    """The trainer console's attendance form takes registration ids as form fields: huge ones are ignored, the
    known ones are still saved, and nothing gives a 500."""
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from events.enums import RegistrationStatus
    from events.models import Registration
    from tests.accounts.factories import TOTTORI_CITY
    from tests.events.factories import make_trainer, make_workshop

    trainer = make_trainer(municipality=TOTTORI_CITY)
    mfa_login(client, trainer)
    workshop = make_workshop(starts_in=dt.timedelta(minutes=-10))
    registration = Registration.objects.create(
        workshop=workshop, user=UserFactory(), status=RegistrationStatus.CONFIRMED, registered_at=timezone.now()
    )
    url = reverse("events_trainer:attendance", args=[workshop.pk])
    response = client.post(url, {"shown": [str(value), registration.pk], "attended": [str(value), registration.pk]})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ATTENDED
    assert Registration.objects.filter(workshop=workshop).count() == 1
