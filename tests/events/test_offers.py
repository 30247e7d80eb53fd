"""Issue 17.10: a seat freed within 24 hours of the start is an offer the person confirms by a deadline (else it
passes to the next), so nobody is booked the night before without knowing; further ahead, promotion is as before."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events import messages, selectors, services
from events.enums import RegistrationStatus
from tests.accounts.factories import UserFactory

from .factories import make_workshop

pytestmark = pytest.mark.django_db


def full_workshop(starts_in):
    workshop = make_workshop(capacity=1, starts_in=starts_in)
    seated = services.register_for_workshop(workshop=workshop, user=UserFactory())
    first = services.register_for_workshop(workshop=workshop, user=UserFactory())
    second = services.register_for_workshop(workshop=workshop, user=UserFactory())
    return workshop, seated, first, second


def test_a_seat_freed_the_evening_before_is_offered_with_a_deadline(django_capture_on_commit_callbacks):
    workshop, seated, first, second = full_workshop(dt.timedelta(hours=14))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=seated, user=seated.user)
    first.refresh_from_db()
    assert first.status == RegistrationStatus.OFFERED
    assert first.offer_expires_at == min(first.offer_expires_at, workshop.starts_at)
    assert timezone.now() < first.offer_expires_at <= timezone.now() + services.OFFER_CONFIRM_WITHIN
    cancelled, notice = sorted(mail.outbox, key=lambda m: m.to != [seated.user.email])
    assert cancelled.to == [seated.user.email] and "申し込みの取り消しを受け付けました" in cancelled.subject
    assert notice.to == [first.user.email] and "期限までにご確認ください" in notice.subject
    assert "参加する" in notice.body and not [a for a in notice.attachments if a[0] == "workshop.ics"]
    with django_capture_on_commit_callbacks(execute=True):
        accepted = services.accept_offer(registration=first, user=first.user)
    assert accepted.status == RegistrationStatus.CONFIRMED
    assert "参加が確定しました" in mail.outbox[-1].subject
    second.refresh_from_db()
    assert second.status == RegistrationStatus.WAITLISTED


def test_an_offer_not_confirmed_in_time_passes_to_the_next_person(django_capture_on_commit_callbacks):
    workshop, seated, first, second = full_workshop(dt.timedelta(hours=10))
    services.cancel_registration(registration=seated, user=seated.user)
    first.refresh_from_db()
    with time_machine.travel(first.offer_expires_at + dt.timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.expire_waitlist_offers() == 1
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == RegistrationStatus.CANCELLED
        assert second.status == RegistrationStatus.OFFERED
        with pytest.raises(services.WorkshopError) as exc:
            services.accept_offer(registration=first, user=first.user)
    assert exc.value.message == messages.OFFER_NOT_FOUND
    assert selectors.seats_taken(workshop) == 1  # the offer holds the seat: never over capacity


def test_accepting_after_the_deadline_is_refused_and_passes_the_seat_on():
    workshop, seated, first, second = full_workshop(dt.timedelta(hours=10))
    services.cancel_registration(registration=seated, user=seated.user)
    first.refresh_from_db()
    with time_machine.travel(first.offer_expires_at + dt.timedelta(seconds=1)):
        with pytest.raises(services.WorkshopError) as exc:
            services.accept_offer(registration=first, user=first.user)
    assert exc.value.message == messages.OFFER_EXPIRED
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (RegistrationStatus.CANCELLED, RegistrationStatus.OFFERED)


def test_further_ahead_the_first_waiting_is_confirmed_at_once():
    _workshop, seated, first, _second = full_workshop(dt.timedelta(days=5))
    services.cancel_registration(registration=seated, user=seated.user)
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED and first.offer_expires_at is None


def test_an_offered_person_accepts_on_the_workshop_page(client):
    workshop, seated, first, _second = full_workshop(dt.timedelta(hours=5))
    services.cancel_registration(registration=seated, user=seated.user)
    client.force_login(first.user)
    body = client.get(workshop.url).content.decode()
    assert "空きが出ました" in body and "参加する" in body
    response = client.post(workshop.url + "accept-offer/", follow=True)
    assert str(messages.OFFER_ACCEPTED) in response.content.decode()
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED
    client.force_login(UserFactory())
    client.post(workshop.url + "accept-offer/")
    assert selectors.seats_taken(workshop) == 1


def test_once_the_session_is_on_a_freed_seat_is_confirmed_at_once():
    workshop, seated, first, _second = full_workshop(dt.timedelta(hours=2))
    with time_machine.travel(workshop.starts_at + dt.timedelta(minutes=10)):
        services.cancel_registration(registration=seated, user=seated.user)
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED and first.offer_expires_at is None
