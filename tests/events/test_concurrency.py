"""Capacity under concurrency: 200 people register for 50 seats at the same moment, from real threads, each with its
own database connection. Exactly 50 get a seat, 150 wait, and the waitlist keeps the order in which places were
given (and is promoted in that order).

PostgreSQL serialises the registrations with a row lock on the workshop (SELECT … FOR UPDATE); SQLite with its
database write lock (the no-op UPDATE that starts the transaction) and the busy timeout. The test runs on both.

PostgreSQL allows 100 connections by default (shared with other test runs): at most CONNECTIONS threads hold a
connection at a time; all 200 are released together by a barrier and contend for the lock."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.utils import timezone

from events import services
from events.enums import RegistrationStatus
from events.models import Registration
from tests.accounts.factories import UserFactory

from .factories import make_workshop

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PEOPLE = 200
SEATS = 50
CONNECTIONS = 40


@pytest.fixture(autouse=True)
def _restore_celery_join_flag():
    """Eager tasks (the confirmation e-mails) run in these threads, and Celery keeps its "a join would block" flag in
    a process-wide global that each eager call sets and restores: concurrent calls can leave it set, which would
    break a later test's `result.get()`. Put it back (a test-only artefact: a real worker runs tasks elsewhere)."""
    from celery import _state

    before = _state.task_join_will_block()
    yield
    _state._set_task_join_will_block(before)


def test_200_concurrent_registrations_for_50_seats_confirm_exactly_50_and_queue_150_in_order():
    workshop = make_workshop(capacity=SEATS)
    users = [UserFactory() for _ in range(PEOPLE)]
    barrier = threading.Barrier(PEOPLE)
    slots = threading.BoundedSemaphore(CONNECTIONS)
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def register(user):
        try:
            barrier.wait(timeout=60)
            with slots:
                try:
                    registration = services.register_for_workshop(workshop=workshop, user=user)
                    results[user.pk] = registration.status
                finally:
                    connections.close_all()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=register, args=(user,)) for user in users]
    started = timezone.now()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert not errors, errors[:3]
    assert len(results) == PEOPLE
    registrations = list(Registration.objects.filter(workshop=workshop).order_by("id"))
    assert len(registrations) == PEOPLE
    statuses = [r.status for r in registrations]
    assert statuses.count(RegistrationStatus.CONFIRMED) == SEATS
    assert statuses.count(RegistrationStatus.WAITLISTED) == PEOPLE - SEATS
    # Arrival order: the first 50 places given are the confirmed ones, and ids follow the time each place was given.
    assert statuses == [RegistrationStatus.CONFIRMED] * SEATS + [RegistrationStatus.WAITLISTED] * (PEOPLE - SEATS)
    times = [r.registered_at for r in registrations]
    assert times == sorted(times) and times[0] >= started
    # Each caller was told what the database recorded.
    assert all(results[r.user_id] == r.status for r in registrations)
    # The waitlist is numbered 1…150 in that order.
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    assert [services.waitlist_position(r) for r in (waiting[0], waiting[1], waiting[-1])] == [1, 2, PEOPLE - SEATS]

    # A cancellation promotes the first in the queue, and only them.
    leaving = registrations[0]
    services.cancel_registration(registration=leaving, user=leaving.user)
    promoted = Registration.objects.get(pk=waiting[0].pk)
    assert promoted.status == RegistrationStatus.CONFIRMED
    assert Registration.objects.filter(workshop=workshop).seat_taking().count() == SEATS
    assert services.waitlist_position(Registration.objects.get(pk=waiting[1].pk)) == 1
