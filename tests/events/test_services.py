import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates.enums import CertificateSource
from certificates.models import Certificate
from courses.enums import Channel
from courses.models import Enrolment
from courses.services import complete_course
from events import messages, services
from events.enums import (
    CheckInMethod,
    ClosingStatus,
    NoticeKind,
    RegistrationSource,
    RegistrationStatus,
    WorkshopStatus,
)
from events.models import Registration, RegistrationNotice, WorkshopClosing
from tests.accounts.factories import KYOTO_CITY, UserFactory
from tests.certificates.factories import make_course

from .factories import make_trainer, make_workshop

pytestmark = pytest.mark.django_db


def ics_of(message) -> bytes:
    content = message.attachments[0][1]
    return content.encode() if isinstance(content, str) else content


def register(workshop, user=None):
    return services.register_for_workshop(workshop=workshop, user=user or UserFactory())


# --- Workshop rules -----------------------------------------------------------------------------------------------


def test_a_workshop_ending_before_it_starts_is_refused():
    with pytest.raises(ValidationError) as exc:
        make_workshop(duration=dt.timedelta(hours=-1))
    assert exc.value.message_dict["ends_at"] == [messages.END_BEFORE_START]


@pytest.mark.parametrize("capacity", [0, -5])
def test_a_workshop_without_a_positive_capacity_is_refused(capacity):
    with pytest.raises(ValidationError) as exc:
        make_workshop(capacity=capacity)
    assert exc.value.message_dict["capacity"] == [messages.CAPACITY_POSITIVE]


def test_registration_closing_after_the_end_is_refused():
    start = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        make_workshop(starts_at=start, registration_closes_at=start + dt.timedelta(days=1))
    assert exc.value.message_dict["registration_closes_at"] == [messages.REGISTRATION_CLOSES_AFTER_END]


def test_an_in_person_workshop_needs_a_venue_and_an_online_one_a_url():
    with pytest.raises(ValidationError) as exc:
        make_workshop(venue_name="", venue_address="")
    assert exc.value.message_dict["venue_name"] == [messages.VENUE_REQUIRED]
    with pytest.raises(ValidationError) as exc:
        make_workshop(format="online", venue_name="", venue_address="", online_url="")
    assert exc.value.message_dict["online_url"] == [messages.ONLINE_URL_REQUIRED]


# --- Registering --------------------------------------------------------------------------------------------------


def test_registering_takes_a_seat_and_sends_a_confirmation_with_a_calendar_file(django_capture_on_commit_callbacks):
    workshop = make_workshop(capacity=2, format="hybrid", online_url="https://meet.example.jp/abc")
    learner = UserFactory(email="hanako@example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(workshop, learner)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.confirmed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hanako@example.jp"]
    assert "参加が確定しました" in message.subject
    assert "https://meet.example.jp/abc" in message.body
    (name, _content, mimetype) = message.attachments[0]
    content = ics_of(message)
    assert name == "workshop.ics"
    assert mimetype.startswith("text/calendar")
    assert b"BEGIN:VEVENT" in content and f"workshop-{workshop.pk}@".encode() in content
    assert b"meet.example.jp/abc" in content


def test_a_full_workshop_puts_people_on_the_waitlist_in_arrival_order(django_capture_on_commit_callbacks):
    workshop = make_workshop(capacity=1)
    register(workshop)
    with django_capture_on_commit_callbacks(execute=True):
        second = register(workshop)
    third = register(workshop)

    assert second.status == third.status == RegistrationStatus.WAITLISTED
    assert services.waitlist_position(second) == 1
    assert services.waitlist_position(third) == 2
    assert "キャンセル待ち" in mail.outbox[-1].subject
    assert mail.outbox[-1].attachments == []  # no calendar entry for a seat they do not have


def test_registering_twice_is_refused_and_saves_nothing():
    workshop = make_workshop()
    learner = UserFactory()
    register(workshop, learner)
    with pytest.raises(services.WorkshopError) as exc:
        register(workshop, learner)
    assert exc.value.message == messages.ALREADY_REGISTERED
    assert Registration.objects.filter(workshop=workshop, user=learner).count() == 1


def test_registering_after_the_window_is_refused():
    workshop = make_workshop(registration_closes_at=timezone.now() + dt.timedelta(days=1))
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)), pytest.raises(services.WorkshopError) as exc:
        register(workshop)
    assert exc.value.message == messages.REGISTRATION_CLOSED
    assert not Registration.objects.exists()


def test_registering_before_the_window_opens_is_refused_with_the_opening_time():
    opens = timezone.now() + dt.timedelta(days=2)
    workshop = make_workshop(registration_opens_at=opens)
    with pytest.raises(services.WorkshopError) as exc:
        register(workshop)
    assert "受付開始" in str(exc.value.message)
    assert timezone.localtime(opens).strftime("%Y年") in str(exc.value.message)


def test_registering_for_a_cancelled_workshop_is_refused():
    workshop = make_workshop()
    services.cancel_workshop(workshop=workshop, by=None)
    workshop.refresh_from_db()
    with pytest.raises(services.WorkshopError) as exc:
        register(workshop)
    assert exc.value.message == messages.WORKSHOP_CANCELLED


def test_registering_for_a_past_workshop_is_refused():
    workshop = make_workshop(starts_in=dt.timedelta(days=-3))
    with pytest.raises(services.WorkshopError) as exc:
        register(workshop)
    assert exc.value.message == messages.WORKSHOP_ENDED


def test_registering_for_an_unpublished_workshop_is_refused():
    workshop = make_workshop(publish=False)
    workshop.live = False
    with pytest.raises(services.WorkshopError) as exc:
        register(workshop)
    assert exc.value.message == messages.WORKSHOP_NOT_AVAILABLE


def test_registering_needs_a_signed_in_learner_with_a_profile():
    from django.contrib.auth.models import AnonymousUser

    workshop = make_workshop()
    with pytest.raises(services.WorkshopError) as exc:
        services.register_for_workshop(workshop=workshop, user=AnonymousUser())
    assert exc.value.message == messages.LOGIN_TO_REGISTER
    with pytest.raises(services.WorkshopError) as exc:
        services.register_for_workshop(workshop=workshop, user=UserFactory(profile=False))
    assert exc.value.message == messages.PROFILE_REQUIRED


# --- Cancelling and the waitlist -------------------------------------------------------------------------------------


def test_cancelling_promotes_the_first_person_waiting_and_tells_them(django_capture_on_commit_callbacks):
    workshop = make_workshop(capacity=1)
    first = register(workshop)
    waiting_1 = register(workshop, UserFactory(email="waiting1@example.jp"))
    waiting_2 = register(workshop)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=first, user=first.user)

    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED and first.cancelled_at is not None
    assert waiting_1.status == RegistrationStatus.CONFIRMED
    assert waiting_2.status == RegistrationStatus.WAITLISTED
    assert services.waitlist_position(waiting_2) == 1
    promoted = [m for m in mail.outbox if m.to != [first.user.email]]
    assert [m.to for m in promoted] == [["waiting1@example.jp"]]
    assert "キャンセル待ちから参加が確定しました" in promoted[0].subject
    assert promoted[0].attachments[0][0] == "workshop.ics"


def test_a_learner_who_cancels_gets_one_confirmation_through_the_outbox(django_capture_on_commit_callbacks):
    """Issue 16 gap (issue 17 follow-up): the person who cancelled is told, once, with an .ics that removes the
    event from their calendar (same UID, METHOD:CANCEL, STATUS:CANCELLED); queued through the outbox."""
    from icalendar import Calendar

    from lms.outbox.models import OutboxMessage

    workshop = make_workshop(capacity=3, title="鳥取市つながりサポーター養成講座")
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(workshop, UserFactory(email="cancels@example.jp"))
    (confirmed_ics,) = [a for a in mail.outbox[-1].attachments if a[0] == "workshop.ics"]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks() as callbacks:
        services.cancel_registration(registration=registration, user=registration.user)
    # Recorded in the outbox with the cancellation (kept there if the broker is down), published after commit.
    assert OutboxMessage.objects.filter(key=f"notice:{registration.pk}:registration_cancelled").exists()
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == ["cancels@example.jp"]
    assert message.subject.endswith("申し込みの取り消しを受け付けました：鳥取市つながりサポーター養成講座")
    assert "申し込みを取り消しました" in message.body
    (name, content, mimetype) = message.attachments[0]
    assert name == "workshop.ics" and "method=CANCEL" in mimetype
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    (before,) = Calendar.from_ical(confirmed_ics[1]).walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(before["uid"])

    # Cancelling again, a redelivered task, or a retried send: no second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=registration, user=registration.user)
    assert services.send_registration_notice(registration_id=registration.pk, kind="registration_cancelled") is False
    assert len(mail.outbox) == 1


def test_cancelling_twice_changes_nothing_and_promotes_once():
    workshop = make_workshop(capacity=1)
    first = register(workshop)
    waiting = [register(workshop) for _ in range(2)]
    services.cancel_registration(registration=first, user=first.user)
    services.cancel_registration(registration=first, user=first.user)
    statuses = list(Registration.objects.filter(pk__in=[w.pk for w in waiting]).order_by("pk").values_list("status", flat=True))
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]


def test_someone_else_cannot_cancel_a_registration():
    workshop = make_workshop()
    registration = register(workshop)
    with pytest.raises(services.WorkshopError):
        services.cancel_registration(registration=registration, user=UserFactory())
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_an_attended_registration_cannot_be_cancelled():
    workshop = make_workshop()
    registration = register(workshop)
    with time_machine.travel(workshop.starts_at + dt.timedelta(minutes=5)):
        services.set_attendance(registration=registration, attended=True, by=None)
        with pytest.raises(services.WorkshopError) as exc:
            services.cancel_registration(registration=registration, user=registration.user)
    assert exc.value.message == messages.CANNOT_CANCEL_ATTENDED


def test_registering_again_after_cancelling_goes_to_the_back_of_the_queue():
    workshop = make_workshop(capacity=1)
    learner = UserFactory()
    mine = register(workshop, learner)
    other = register(workshop)
    services.cancel_registration(registration=mine, user=learner)
    again = register(workshop, learner)
    other.refresh_from_db()
    assert other.status == RegistrationStatus.CONFIRMED
    assert again.status == RegistrationStatus.WAITLISTED


def test_raising_the_capacity_and_publishing_promotes_the_waitlist(django_capture_on_commit_callbacks):
    workshop = make_workshop(capacity=1)
    register(workshop)
    waiting = [register(workshop) for _ in range(3)]
    workshop.capacity = 3
    with django_capture_on_commit_callbacks(execute=True):
        workshop.save_revision().publish()
    statuses = [Registration.objects.get(pk=w.pk).status for w in waiting]
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    assert RegistrationNotice.objects.filter(kind=NoticeKind.PROMOTED).count() == 2


# --- Notices ------------------------------------------------------------------------------------------------------


def test_a_notice_is_sent_once_even_if_the_task_runs_twice():
    workshop = make_workshop()
    registration = register(workshop)
    assert services.send_registration_notice(registration_id=registration.pk, kind=NoticeKind.CONFIRMED) is True
    assert services.send_registration_notice(registration_id=registration.pk, kind=NoticeKind.CONFIRMED) is False
    assert len(mail.outbox) == 1


def test_a_notice_that_fails_to_send_is_released_so_the_retry_sends_it(monkeypatch):
    workshop = make_workshop()
    registration = register(workshop)

    def broken(**kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("events.emails.send_notice_email", broken)
    with pytest.raises(ConnectionError):
        services.send_registration_notice(registration_id=registration.pk, kind=NoticeKind.CONFIRMED)
    assert not RegistrationNotice.objects.exists()
    monkeypatch.undo()
    assert services.send_registration_notice(registration_id=registration.pk, kind=NoticeKind.CONFIRMED) is True
    assert len(mail.outbox) == 1


def test_the_day_before_reminder_goes_once_to_confirmed_people_with_a_calendar_file(django_capture_on_commit_callbacks):
    tz = timezone.get_current_timezone()
    now = dt.datetime(2026, 12, 1, 10, 0, tzinfo=tz)
    with time_machine.travel(now, tick=False):
        tomorrow = make_workshop(starts_at=dt.datetime(2026, 12, 2, 14, 0, tzinfo=tz), capacity=1)
        later = make_workshop(starts_at=dt.datetime(2026, 12, 5, 14, 0, tzinfo=tz))
        confirmed = register(tomorrow, UserFactory(email="remind-me@example.jp"))
        register(tomorrow)  # waitlisted: no reminder
        register(later)
        mail.outbox.clear()

        with django_capture_on_commit_callbacks(execute=True):  # queued through the outbox, after commit
            assert services.queue_due_reminders(now=now) == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert services.queue_due_reminders(now=now) == 0
    assert [m.to for m in mail.outbox] == [["remind-me@example.jp"]]
    assert "明日開催" in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0] == "workshop.ics"
    assert RegistrationNotice.objects.get(kind=NoticeKind.REMINDER).registration == confirmed


def test_no_reminders_are_sent_at_night():
    tz = timezone.get_current_timezone()
    night = dt.datetime(2026, 12, 1, 3, 0, tzinfo=tz)
    with time_machine.travel(night, tick=False):
        workshop = make_workshop(starts_at=dt.datetime(2026, 12, 2, 14, 0, tzinfo=tz))
        register(workshop)
        assert services.queue_due_reminders(now=night) == 0


def test_cancelling_a_workshop_tells_everyone_registered_once(django_capture_on_commit_callbacks):
    workshop = make_workshop(capacity=1)
    registrations = [register(workshop) for _ in range(3)]
    services.cancel_registration(registration=registrations[2], user=registrations[2].user)  # already cancelled
    mail.outbox.clear()
    trainer = make_trainer()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_workshop(workshop=workshop, by=trainer)
    with pytest.raises(services.WorkshopError) as exc:
        services.cancel_workshop(workshop=workshop, by=trainer)
    assert exc.value.message == messages.ALREADY_CANCELLED

    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.user.email for r in registrations[:2])
    assert all("中止" in m.subject for m in mail.outbox)
    assert b"METHOD:CANCEL" in ics_of(mail.outbox[0])
    assert b"STATUS:CANCELLED" in ics_of(mail.outbox[0])
    assert workshop.get_latest_revision().user == trainer


# --- Check-in -----------------------------------------------------------------------------------------------------


def in_session(**kwargs):
    return make_workshop(starts_in=dt.timedelta(minutes=-10), duration=dt.timedelta(hours=2), **kwargs)


def test_a_registered_attendee_checks_in_with_the_current_code():
    workshop = in_session()
    registration = Registration.objects.create(
        workshop=workshop, user=UserFactory(), status=RegistrationStatus.CONFIRMED, registered_at=timezone.now()
    )
    token = services.make_checkin_token(workshop=workshop)
    checked, newly = services.check_in(workshop=workshop, user=registration.user, token=token)
    assert newly is True
    assert checked.status == RegistrationStatus.ATTENDED
    assert checked.check_in_method == CheckInMethod.QR
    again, newly = services.check_in(workshop=workshop, user=registration.user, token=token)
    assert newly is False and again.checked_in_at == checked.checked_in_at


def confirmed(workshop, user=None):
    return Registration.objects.create(
        workshop=workshop, user=user or UserFactory(), status=RegistrationStatus.CONFIRMED, registered_at=timezone.now()
    )


def test_an_old_code_is_refused():
    workshop = in_session()
    registration = confirmed(workshop)
    token = services.make_checkin_token(workshop=workshop)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=2 * services.CHECKIN_ROTATE_SECONDS + 1)):
        with pytest.raises(services.WorkshopError) as exc:
            services.check_in(workshop=workshop, user=registration.user, token=token)
    assert exc.value.message == messages.CHECKIN_CODE_EXPIRED
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_code_stays_valid_for_the_next_rotation():
    workshop = in_session()
    registration = confirmed(workshop)
    token = services.make_checkin_token(workshop=workshop)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=services.CHECKIN_ROTATE_SECONDS)):
        _checked, newly = services.check_in(workshop=workshop, user=registration.user, token=token)
    assert newly


@pytest.mark.parametrize("token", ["", "garbage", "123.456:forged-signature"])
def test_a_forged_code_is_refused(token):
    workshop = in_session()
    registration = confirmed(workshop)
    with pytest.raises(services.WorkshopError) as exc:
        services.check_in(workshop=workshop, user=registration.user, token=token)
    assert exc.value.message == messages.CHECKIN_CODE_INVALID


def test_another_workshops_code_is_refused():
    workshop = in_session()
    other = in_session()
    registration = confirmed(workshop)
    with pytest.raises(services.WorkshopError) as exc:
        services.check_in(workshop=workshop, user=registration.user, token=services.make_checkin_token(workshop=other))
    assert exc.value.message == messages.CHECKIN_CODE_INVALID


def test_check_in_outside_the_session_window_is_refused():
    workshop = make_workshop(starts_in=dt.timedelta(hours=3))
    registration = confirmed(workshop)
    with pytest.raises(services.WorkshopError) as exc:
        services.check_in(workshop=workshop, user=registration.user, token=services.make_checkin_token(workshop=workshop))
    assert exc.value.message == messages.CHECKIN_OUTSIDE_WINDOW


def test_only_confirmed_registrations_can_check_in():
    workshop = in_session()
    waitlisted = Registration.objects.create(
        workshop=workshop, user=UserFactory(), status=RegistrationStatus.WAITLISTED, registered_at=timezone.now()
    )
    token = services.make_checkin_token(workshop=workshop)
    for user in (waitlisted.user, UserFactory()):
        with pytest.raises(services.WorkshopError) as exc:
            services.check_in(workshop=workshop, user=user, token=token)
        assert exc.value.message == messages.CHECKIN_NOT_REGISTERED
    assert not Registration.objects.filter(status=RegistrationStatus.ATTENDED).exists()


def test_a_code_scanned_before_signing_in_is_honoured_for_a_few_minutes():
    workshop = in_session()
    registration = confirmed(workshop)
    token = services.make_checkin_token(workshop=workshop)
    scanned = timezone.now()
    with time_machine.travel(scanned + dt.timedelta(minutes=3)):
        _r, newly = services.check_in(workshop=workshop, user=registration.user, token=token, scanned_at=scanned)
    assert newly
    other = confirmed(workshop)
    with time_machine.travel(scanned + services.CHECKIN_LOGIN_GRACE + dt.timedelta(minutes=1)):
        with pytest.raises(services.WorkshopError):
            services.check_in(workshop=workshop, user=other.user, token=token, scanned_at=scanned)


# --- Attendance and walk-ins ----------------------------------------------------------------------------------------


def test_a_trainer_ticks_and_unticks_attendance():
    workshop = in_session()
    trainer = make_trainer()
    registration = confirmed(workshop)
    ticked = services.set_attendance(registration=registration, attended=True, by=trainer)
    assert ticked.status == RegistrationStatus.ATTENDED
    assert ticked.check_in_method == CheckInMethod.MANUAL and ticked.checked_in_by == trainer
    unticked = services.set_attendance(registration=registration, attended=False, by=trainer)
    assert unticked.status == RegistrationStatus.CONFIRMED and unticked.checked_in_at is None


def test_a_waitlisted_person_who_came_can_be_ticked():
    workshop = in_session(capacity=1)
    confirmed(workshop)
    waiting = Registration.objects.create(
        workshop=workshop, user=UserFactory(), status=RegistrationStatus.WAITLISTED, registered_at=timezone.now()
    )
    assert services.set_attendance(registration=waiting, attended=True, by=None).status == RegistrationStatus.ATTENDED


def test_a_cancelled_registration_cannot_be_ticked():
    workshop = in_session()
    registration = Registration.objects.create(
        workshop=workshop, user=UserFactory(), status=RegistrationStatus.CANCELLED, registered_at=timezone.now()
    )
    with pytest.raises(services.WorkshopError) as exc:
        services.set_attendance(registration=registration, attended=True, by=None)
    assert exc.value.message == messages.ATTENDANCE_CANCELLED_REGISTRATION


def test_ticks_are_refused_long_before_the_start_and_on_a_cancelled_workshop():
    """Issue 17.2: a tick five months early, or on a 中止 workshop, was accepted (the learner lost the cancel button)."""
    trainer = make_trainer()
    early = make_workshop(starts_in=dt.timedelta(days=150))
    registration = confirmed(early)
    with pytest.raises(services.WorkshopError) as exc:
        services.set_attendance(registration=registration, attended=True, by=trainer)
    assert exc.value.message == messages.ATTENDANCE_OUTSIDE_WINDOW
    cancelled = in_session()
    on_cancelled = confirmed(cancelled)
    services.cancel_workshop(workshop=cancelled, by=trainer)
    with pytest.raises(services.WorkshopError) as exc:
        services.set_attendance(registration=on_cancelled, attended=True, by=trainer)
    assert exc.value.message == messages.ATTENDANCE_WORKSHOP_CANCELLED
    assert not Registration.objects.filter(status=RegistrationStatus.ATTENDED).exists()


def test_ticks_are_taken_from_shortly_before_the_start_until_the_set_time_after_the_end():
    from events.models import CHECK_IN_OPENS_BEFORE, TICKS_CLOSE_AFTER

    workshop = make_workshop(starts_in=dt.timedelta(days=1))
    registration = confirmed(workshop)
    with time_machine.travel(workshop.starts_at - CHECK_IN_OPENS_BEFORE - dt.timedelta(minutes=1)):
        with pytest.raises(services.WorkshopError):
            services.set_attendance(registration=registration, attended=True, by=None)
    with time_machine.travel(workshop.starts_at - CHECK_IN_OPENS_BEFORE + dt.timedelta(minutes=1)):
        assert services.set_attendance(registration=registration, attended=True, by=None).is_attended
    with time_machine.travel(workshop.ends_at + TICKS_CLOSE_AFTER + dt.timedelta(minutes=1)):
        with pytest.raises(services.WorkshopError) as exc:
            services.set_attendance(registration=registration, attended=False, by=None)
    assert exc.value.message == messages.ATTENDANCE_OUTSIDE_WINDOW
    assert Registration.objects.get(pk=registration.pk).is_attended


def test_a_tick_can_be_undone_until_the_workshop_is_closed(django_capture_on_commit_callbacks):
    make_course()
    workshop = in_session()
    first, second = confirmed(workshop), confirmed(workshop)
    services.set_attendance(registration=first, attended=True, by=None)
    services.set_attendance(registration=first, attended=False, by=None)  # a mistake, undone
    services.set_attendance(registration=second, attended=True, by=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_workshop_closing(workshop=workshop, by=None)
    services.set_attendance(registration=first, attended=True, by=None)  # late, ticked after closing: allowed
    with pytest.raises(services.WorkshopError) as exc:
        services.set_attendance(registration=first, attended=False, by=None)
    assert exc.value.message == messages.ATTENDANCE_LOCKED_BY_CLOSING
    assert Registration.objects.get(pk=first.pk).is_attended


# --- Walk-ins confirm themselves (issue 13.5) -------------------------------------------------------------------


def test_the_console_can_no_longer_add_a_walk_in_by_email_address():
    assert not hasattr(services, "add_walk_in") and not hasattr(services, "find_user_by_email")


def test_someone_without_a_registration_confirms_themselves_after_scanning_the_qr_code():
    workshop = in_session()
    walker = UserFactory()
    token = services.make_checkin_token(workshop=workshop)
    with pytest.raises(services.NotRegisteredForCheckIn):
        services.check_in(workshop=workshop, user=walker, token=token)
    assert not Registration.objects.exists()  # scanning alone records nothing: the person confirms
    registration = services.check_in_as_walk_in(workshop=workshop, user=walker, token=token)
    assert (registration.user, registration.status, registration.source, registration.check_in_method) == (
        walker, RegistrationStatus.ATTENDED, RegistrationSource.WALK_IN, CheckInMethod.QR
    )
    assert registration.checked_in_by is None
    again = services.check_in_as_walk_in(workshop=workshop, user=walker, token=token)
    assert again.pk == registration.pk and Registration.objects.count() == 1


def test_a_walk_in_confirmation_needs_a_genuine_current_code_in_the_window():
    workshop = in_session()
    walker = UserFactory()
    with pytest.raises(services.WorkshopError):
        services.check_in_as_walk_in(workshop=workshop, user=walker, token="1.2.forgedsignatu")
    future = make_workshop(starts_in=dt.timedelta(days=3))
    with pytest.raises(services.WorkshopError) as exc:
        services.check_in_as_walk_in(workshop=future, user=walker, token=services.make_checkin_token(workshop=future))
    assert exc.value.message == messages.CHECKIN_OUTSIDE_WINDOW
    assert not Registration.objects.exists()


def test_a_walk_in_code_records_the_attendance_of_whoever_types_it_once():
    workshop = in_session()
    trainer = make_trainer()
    code = services.issue_walk_in_code(workshop=workshop, by=trainer)
    assert len(code.code) == 6 and code.code.isdigit()
    walker, other = UserFactory(), UserFactory()
    registration = services.redeem_walk_in_code(code=code.code, user=walker)
    assert registration.user == walker and registration.check_in_method == CheckInMethod.CODE
    assert registration.status == RegistrationStatus.ATTENDED
    with pytest.raises(services.WorkshopError) as exc:
        services.redeem_walk_in_code(code=code.code, user=other)
    assert exc.value.message == messages.WALK_IN_CODE_INVALID
    assert not Registration.objects.filter(user=other).exists()


@pytest.mark.parametrize("typed", ["", "12345", "abcdef", "1234567"])
def test_a_malformed_or_unknown_walk_in_code_changes_nothing(typed):
    workshop = in_session()
    services.issue_walk_in_code(workshop=workshop, by=None)
    with pytest.raises(services.WorkshopError) as exc:
        services.redeem_walk_in_code(code=typed, user=UserFactory())
    assert exc.value.message == messages.WALK_IN_CODE_INVALID
    assert not Registration.objects.exists()


def test_an_expired_walk_in_code_is_refused_with_the_same_message():
    workshop = in_session()
    code = services.issue_walk_in_code(workshop=workshop, by=None)
    with time_machine.travel(timezone.now() + services.WALK_IN_CODE_LIFETIME + dt.timedelta(seconds=1)):
        with pytest.raises(services.WorkshopError) as exc:
            services.redeem_walk_in_code(code=code.code, user=UserFactory())
    assert exc.value.message == messages.WALK_IN_CODE_INVALID
    assert not Registration.objects.exists()


def test_no_walk_in_code_for_a_cancelled_or_far_away_workshop():
    far = make_workshop(starts_in=dt.timedelta(days=30))
    with pytest.raises(services.WorkshopError):
        services.issue_walk_in_code(workshop=far, by=None)
    cancelled = in_session()
    services.cancel_workshop(workshop=cancelled, by=None)
    cancelled.refresh_from_db()
    with pytest.raises(services.WorkshopError):
        services.issue_walk_in_code(workshop=cancelled, by=None)
    assert not services.WalkInCode.objects.exists()


def test_closing_never_certifies_an_old_trainer_added_walk_in(django_capture_on_commit_callbacks):
    """Walk-ins used to be added by e-mail address and were certified even if absent: such rows stay unconfirmed."""
    make_course()
    workshop = in_session()
    came = attended(workshop)
    unconfirmed = Registration.objects.create(
        workshop=workshop, user=UserFactory(), status=RegistrationStatus.ATTENDED, source=RegistrationSource.WALK_IN,
        registered_at=timezone.now(), checked_in_at=timezone.now(), check_in_method=CheckInMethod.WALK_IN,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_workshop_closing(workshop=workshop, by=None)
    assert Certificate.objects.filter(holder=came.user).exists()
    assert not Certificate.objects.filter(holder=unconfirmed.user).exists()


# --- Closing ------------------------------------------------------------------------------------------------------


def attended(workshop, user=None):
    return Registration.objects.create(
        workshop=workshop,
        user=user or UserFactory(),
        status=RegistrationStatus.ATTENDED,
        registered_at=timezone.now(),
        checked_in_at=timezone.now(),
        check_in_method=CheckInMethod.QR,
    )


def test_closing_renders_the_attendees_pdfs_in_one_batch(django_capture_on_commit_callbacks, monkeypatch):
    """Issue 20.2: the closing queues its certificates' PDFs as batch tasks (certificates.services.batched_renders),
    not one render task per attendee; every PDF is rendered."""
    from certificates import services as certificate_services
    from certificates import tasks as certificate_tasks
    from certificates.enums import RenderStatus

    make_course()
    workshop = in_session()
    came = [attended(workshop) for _ in range(3)]
    batches, singles = [], []
    real_batch = certificate_services.render_batch
    monkeypatch.setattr(certificate_services, "render_batch", lambda **kw: batches.append(kw["certificate_ids"]) or real_batch(**kw))
    monkeypatch.setattr(certificate_tasks, "_render_one", lambda *args: singles.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        services.request_workshop_closing(workshop=workshop, by=make_trainer())
    certificates = Certificate.objects.filter(holder__in=[r.user for r in came])
    assert batches == [sorted(certificates.values_list("pk", flat=True))] and singles == []
    assert set(certificates.values_list("render_status", flat=True)) == {RenderStatus.DONE}


def test_closing_issues_completion_and_a_certificate_to_every_attendee_once(django_capture_on_commit_callbacks):
    course = make_course()
    workshop = in_session()
    trainer = make_trainer()
    came = [attended(workshop) for _ in range(3)]
    absent = confirmed(workshop)

    with django_capture_on_commit_callbacks(execute=True):
        closing = services.request_workshop_closing(workshop=workshop, by=trainer)
    closing.refresh_from_db()

    assert closing.status == ClosingStatus.DONE
    assert (closing.total, closing.processed, closing.issued, closing.already_certified, closing.failed) == (3, 3, 3, 0, 0)
    for registration in came:
        certificate = Certificate.objects.valid().get(holder=registration.user, course=course)
        assert certificate.source == CertificateSource.WORKSHOP
        assert certificate.workshop_id == workshop.pk
        enrolment = Enrolment.objects.get(user=registration.user, course=course)
        assert enrolment.channel == Channel.WORKSHOP and enrolment.workshop_id == workshop.pk
        registration.refresh_from_db()
        assert registration.certificate == certificate
    assert not Certificate.objects.filter(holder=absent.user).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.request_workshop_closing(workshop=workshop, by=trainer)
    closing.refresh_from_db()
    assert closing.status == ClosingStatus.DONE and closing.issued == 0 and closing.already_certified == 3
    assert closing.runs == 2
    assert Certificate.objects.filter(course=course).count() == 3


def test_closing_again_after_a_late_walk_in_issues_only_the_new_certificate(django_capture_on_commit_callbacks):
    make_course()
    workshop = in_session()
    attended(workshop)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_workshop_closing(workshop=workshop, by=None)
    services.redeem_walk_in_code(code=services.issue_walk_in_code(workshop=workshop, by=None).code, user=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        closing = services.request_workshop_closing(workshop=workshop, by=None)
    closing.refresh_from_db()
    assert (closing.issued, closing.already_certified) == (1, 1)
    assert Certificate.objects.count() == 2


def test_someone_already_certified_online_keeps_their_certificate():
    course = make_course()
    workshop = in_session()
    registration = attended(workshop)
    complete_course(user=registration.user, course=course, channel=Channel.ONLINE)
    before = Certificate.objects.get(holder=registration.user)

    closing = services.request_workshop_closing(workshop=workshop, by=None)
    closing = services.run_workshop_closing(closing_id=closing.pk)

    assert (closing.issued, closing.already_certified) == (0, 1)
    assert list(Certificate.objects.filter(holder=registration.user)) == [before]
    registration.refresh_from_db()
    assert registration.certificate == before


def test_a_run_already_done_is_not_run_again_by_a_duplicate_task():
    make_course()
    workshop = in_session()
    attended(workshop)
    closing = services.request_workshop_closing(workshop=workshop, by=None)
    services.run_workshop_closing(closing_id=closing.pk)
    again = services.run_workshop_closing(closing_id=closing.pk)  # a redelivered task
    assert again.runs == 1 and again.status == ClosingStatus.DONE


def test_unticking_a_certified_attendee_is_refused():
    make_course()
    workshop = in_session()
    registration = attended(workshop)
    closing = services.request_workshop_closing(workshop=workshop, by=None)
    services.run_workshop_closing(closing_id=closing.pk)
    registration.refresh_from_db()
    with pytest.raises(services.WorkshopError) as exc:
        services.set_attendance(registration=registration, attended=False, by=None)
    assert exc.value.message == messages.ATTENDANCE_LOCKED_BY_CERTIFICATE


def test_closing_is_refused_before_the_start_when_cancelled_or_without_attendees():
    make_course()
    future = make_workshop(starts_in=dt.timedelta(days=2))
    attended(future)
    with pytest.raises(services.WorkshopError) as exc:
        services.request_workshop_closing(workshop=future, by=None)
    assert exc.value.message == messages.CLOSE_NOT_STARTED

    empty = in_session()
    confirmed(empty)
    with pytest.raises(services.WorkshopError) as exc:
        services.request_workshop_closing(workshop=empty, by=None)
    assert exc.value.message == messages.CLOSE_NO_ATTENDEES

    cancelled = in_session()
    attended(cancelled)
    cancelled = services.cancel_workshop(workshop=cancelled, by=None)
    with pytest.raises(services.WorkshopError) as exc:
        services.request_workshop_closing(workshop=cancelled, by=None)
    assert exc.value.message == messages.CLOSE_CANCELLED
    assert not WorkshopClosing.objects.exists()


def test_closing_is_refused_while_a_run_is_in_progress():
    make_course()
    workshop = in_session()
    attended(workshop)
    services.request_workshop_closing(workshop=workshop, by=None)  # queued, not yet run (on_commit not executed)
    with pytest.raises(services.WorkshopError) as exc:
        services.request_workshop_closing(workshop=workshop, by=None)
    assert exc.value.message == messages.CLOSE_IN_PROGRESS


def test_one_attendee_failing_is_reported_and_the_others_are_certified(monkeypatch):
    make_course()
    workshop = in_session()
    good = attended(workshop)
    bad = attended(workshop)
    import courses.services

    real = courses.services.complete_course

    def flaky(*, user, **kwargs):
        if user.pk == bad.user_id:
            raise ValueError("profile cannot be certified")
        return real(user=user, **kwargs)

    monkeypatch.setattr(courses.services, "complete_course", flaky)
    closing = services.request_workshop_closing(workshop=workshop, by=None)
    closing = services.run_workshop_closing(closing_id=closing.pk)

    assert closing.status == ClosingStatus.FAILED
    assert (closing.issued, closing.failed) == (1, 1)
    assert "ValueError" in closing.error
    assert Certificate.objects.filter(holder=good.user).exists()
    monkeypatch.setattr(courses.services, "complete_course", real)
    closing = services.request_workshop_closing(workshop=workshop, by=None)
    closing = services.run_workshop_closing(closing_id=closing.pk)
    assert closing.status == ClosingStatus.DONE and (closing.issued, closing.already_certified) == (1, 1)


def test_trainer_region_does_not_matter_for_learners_from_elsewhere():
    """Anyone may register for any region's workshop (only staff actions are region-scoped)."""
    workshop = make_workshop(municipality=KYOTO_CITY)
    registration = register(workshop)  # the learner lives in 鳥取市
    assert registration.status == RegistrationStatus.CONFIRMED
