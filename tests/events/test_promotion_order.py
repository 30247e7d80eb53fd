"""20 confirmed people cancel at the same moment: the first 20 on the waitlist are promoted in waitlist order, and
their confirmation times follow that order (issue 15: `confirmed_at` was taken before the workshop lock, so a
cancellation that waited for the lock stamped its promotion earlier than the one promoted before it)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from events import services
from events.enums import RegistrationStatus
from events.models import Registration
from tests.accounts.factories import UserFactory

from .factories import make_workshop

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SEATS = 20


@pytest.fixture(autouse=True)
def _restore_celery_join_flag():
    from celery import _state

    before = _state.task_join_will_block()
    yield
    _state._set_task_join_will_block(before)


def test_concurrent_cancellations_promote_in_order_with_stamps_in_promotion_order():
    workshop = make_workshop(capacity=SEATS)
    confirmed = [services.register_for_workshop(workshop=workshop, user=UserFactory()) for _ in range(SEATS)]
    waiting = [services.register_for_workshop(workshop=workshop, user=UserFactory()) for _ in range(SEATS + 5)]
    assert all(r.status == RegistrationStatus.WAITLISTED for r in waiting)
    barrier = threading.Barrier(SEATS)
    errors: list[BaseException] = []

    def cancel(registration):
        try:
            barrier.wait(timeout=60)
            services.cancel_registration(registration=registration, user=registration.user)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel, args=(r,)) for r in confirmed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert not errors, errors[:3]
    after = list(Registration.objects.filter(pk__in=[r.pk for r in waiting]).order_by("id"))
    assert [r.status for r in after] == [RegistrationStatus.CONFIRMED] * SEATS + [RegistrationStatus.WAITLISTED] * 5
    stamps = [r.confirmed_at for r in after[:SEATS]]
    assert stamps == sorted(stamps), "promotion stamps out of waitlist order"
    assert Registration.objects.filter(workshop=workshop).seat_taking().count() == SEATS
