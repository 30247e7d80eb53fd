"""Issue 17.1: a change of date, time, place or online URL reaches every confirmed and waitlisted person, with what
changed and an updated .ics (same UID, higher SEQUENCE); the trainer sees who will be told before saving; bad
changes (into the past, before the registration window, capacity below the seats given) are refused."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import messages, services
from events.calendar import build_calendar
from events.enums import RegistrationStatus, WorkshopFormat
from events.models import Registration, WorkshopChange, WorkshopChangeNotice, WorkshopPage
from tests.accounts.factories import UserFactory

from .factories import make_trainer, make_workshop

pytestmark = pytest.mark.django_db

JST = dt.timezone(dt.timedelta(hours=9))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=JST)


@pytest.fixture
def workshop():
    day = timezone.localdate() + dt.timedelta(days=10)
    return make_workshop(starts_at=at(day, 13, 30), duration=dt.timedelta(hours=2), capacity=1)


def registered(workshop, status, name):
    return Registration.objects.create(
        workshop=workshop, user=UserFactory(profile__full_name=name), status=status, registered_at=timezone.now(),
        confirmed_at=timezone.now() if status == RegistrationStatus.CONFIRMED else None,
    )


def ics_event(message):
    (attachment,) = [a for a in message.attachments if a[0] == "workshop.ics"]
    (event,) = Calendar.from_ical(attachment[1]).walk("VEVENT")
    return event


def test_moving_the_time_and_venue_tells_the_confirmed_and_the_waitlisted_with_a_new_ics(
    workshop, django_capture_on_commit_callbacks
):
    seated = registered(workshop, RegistrationStatus.CONFIRMED, "確定 花子")
    waiting = registered(workshop, RegistrationStatus.WAITLISTED, "待機 二郎")
    gone = registered(workshop, RegistrationStatus.CANCELLED, "取消 三郎")
    (old_ics,) = Calendar.from_ical(build_calendar([WorkshopPage.objects.get(pk=workshop.pk)])).walk("VEVENT")
    day = timezone.localtime(workshop.starts_at).date()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        with django_capture_on_commit_callbacks(execute=True):
            services.change_workshop(
                workshop=workshop, by=None, starts_at=at(day, 10), ends_at=at(day, 12), venue_name="中央公民館 大ホール"
            )
    to = {tuple(m.to) for m in mail.outbox}
    assert to == {(seated.user.email,), (waiting.user.email,)}
    assert (gone.user.email,) not in to
    for message in mail.outbox:
        assert "変更になりました" in message.subject
        assert "13:30〜15:30" in message.body and "10:00〜12:00" in message.body  # before and after
        assert "中央公民館 大ホール" in message.body and "市民会館 第1会議室" in message.body
        event = ics_event(message)
        assert str(event["uid"]) == str(old_ics["uid"])
        assert int(event["sequence"]) > int(old_ics["sequence"])
        assert event.decoded("dtstart") == at(day, 10)
    assert WorkshopChange.objects.count() == 1


def test_a_publish_from_the_admin_is_announced_too_and_a_retry_sends_nothing_twice(
    workshop, django_capture_on_commit_callbacks
):
    seated = registered(workshop, RegistrationStatus.CONFIRMED, "確定 花子")
    live = WorkshopPage.objects.get(pk=workshop.pk)
    live.venue_address = "鳥取県鳥取市幸町151"
    with django_capture_on_commit_callbacks(execute=True):
        live.save_revision().publish()
    assert [m.to for m in mail.outbox] == [[seated.user.email]]
    change = WorkshopChange.objects.get()
    assert services.send_change_notice(change_id=change.pk, registration_id=seated.pk) is False
    assert len(mail.outbox) == 1 and WorkshopChangeNotice.objects.count() == 1


def test_an_edit_that_changes_no_date_or_place_sends_nothing(workshop, django_capture_on_commit_callbacks):
    registered(workshop, RegistrationStatus.CONFIRMED, "確定 花子")
    live = WorkshopPage.objects.get(pk=workshop.pk)
    live.description = "<p>内容を少し詳しくしました。</p>"
    with django_capture_on_commit_callbacks(execute=True):
        live.save_revision().publish()
    assert mail.outbox == [] and not WorkshopChange.objects.exists()


def test_the_waitlisted_are_not_given_a_new_online_url(django_capture_on_commit_callbacks):
    workshop = make_workshop(format=WorkshopFormat.ONLINE, venue_name="", venue_address="", online_url="https://meet.example.jp/a", capacity=1)
    seated = registered(workshop, RegistrationStatus.CONFIRMED, "確定 花子")
    registered(workshop, RegistrationStatus.WAITLISTED, "待機 二郎")
    with django_capture_on_commit_callbacks(execute=True):
        services.change_workshop(workshop=workshop, by=None, online_url="https://meet.example.jp/new-room")
    by_person = {m.to[0]: m for m in mail.outbox}
    assert "https://meet.example.jp/new-room" in by_person[seated.user.email].body
    (other,) = [m for email, m in by_person.items() if email != seated.user.email]
    assert "new-room" not in other.body and "new-room" not in ics_event(other).to_ical().decode()


def test_a_workshop_cannot_be_moved_into_the_past(workshop):
    day = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.change_workshop(workshop=workshop, by=None, starts_at=at(day, 10), ends_at=at(day, 12))
    assert str(messages.MOVED_INTO_THE_PAST) in str(exc.value)
    assert WorkshopPage.objects.get(pk=workshop.pk).starts_at == workshop.starts_at
    assert mail.outbox == []


def test_a_workshop_cannot_start_before_its_registration_opens():
    day = timezone.localdate() + dt.timedelta(days=20)
    workshop = make_workshop(starts_at=at(day, 10), registration_opens_at=at(day - dt.timedelta(days=5), 9))
    earlier = day - dt.timedelta(days=7)
    with pytest.raises(ValidationError) as exc:
        services.change_workshop(workshop=workshop, by=None, starts_at=at(earlier, 10), ends_at=at(earlier, 12))
    assert str(messages.START_BEFORE_REGISTRATION_OPENS) in str(exc.value)
    assert WorkshopPage.objects.get(pk=workshop.pk).starts_at == at(day, 10)


def test_capacity_below_the_confirmed_count_is_refused_naming_who_would_lose_their_seat():
    workshop = make_workshop(capacity=3)
    first = registered(workshop, RegistrationStatus.CONFIRMED, "一番 早子")
    registered(workshop, RegistrationStatus.CONFIRMED, "二番 中子")
    last = registered(workshop, RegistrationStatus.CONFIRMED, "三番 遅子")
    _changes, _people, errors = services.preview_workshop_change(workshop=workshop, capacity=2)
    text = " ".join(errors["capacity"])
    assert "3人の参加が確定" in text and "三番 遅子" in text and "一番 早子" not in text
    with pytest.raises(ValidationError):
        services.change_workshop(workshop=workshop, by=None, capacity=2)
    live = WorkshopPage.objects.get(pk=workshop.pk)
    live.capacity = 1
    with pytest.raises(ValidationError):  # the admin's way: the page's own rule
        live.save_revision().publish()
    assert WorkshopPage.objects.get(pk=workshop.pk).capacity == 3
    assert set(Registration.objects.values_list("status", flat=True)) == {RegistrationStatus.CONFIRMED}
    assert first.pk and last.pk


def test_the_trainer_sees_who_will_be_told_before_saving(client, workshop, django_capture_on_commit_callbacks):
    client.force_login(make_trainer())
    registered(workshop, RegistrationStatus.CONFIRMED, "確定 花子")
    registered(workshop, RegistrationStatus.WAITLISTED, "待機 二郎")
    url = reverse("events_trainer:change", args=[workshop.pk])
    day = timezone.localtime(workshop.starts_at).date()
    data = {
        "starts_at": f"{day:%Y-%m-%d}T10:00", "ends_at": f"{day:%Y-%m-%d}T12:00", "venue_name": workshop.venue_name,
        "venue_address": workshop.venue_address, "online_url": "", "capacity": "1",
    }
    body = client.post(url, data).content.decode()
    assert "確定 花子" in body and "待機 二郎" in body and "お知らせする方（2人）" in body
    assert mail.outbox == [] and WorkshopPage.objects.get(pk=workshop.pk).starts_at == workshop.starts_at
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "confirm": "1"}, follow=True)
    assert "2人にメール" in response.content.decode()
    assert len(mail.outbox) == 2
    assert timezone.localtime(WorkshopPage.objects.get(pk=workshop.pk).starts_at).hour == 10


def test_the_console_shows_a_bad_change_and_saves_nothing(client, workshop):
    client.force_login(make_trainer())
    registered(workshop, RegistrationStatus.CONFIRMED, "確定 花子")
    day = timezone.localdate() - dt.timedelta(days=2)
    response = client.post(
        reverse("events_trainer:change", args=[workshop.pk]),
        {"starts_at": f"{day:%Y-%m-%d}T10:00", "ends_at": f"{day:%Y-%m-%d}T12:00", "venue_name": "会場",
         "venue_address": "住所", "capacity": "0", "confirm": "1"},
    )
    assert response.status_code == 400
    assert WorkshopPage.objects.get(pk=workshop.pk).starts_at == workshop.starts_at and mail.outbox == []


def test_the_admin_edit_form_says_how_many_people_a_change_will_reach(client, workshop):
    client.force_login(make_trainer())
    registered(workshop, RegistrationStatus.CONFIRMED, "確定 花子")
    registered(workshop, RegistrationStatus.WAITLISTED, "待機 二郎")
    body = client.get(reverse("wagtailadmin_pages:edit", args=[workshop.pk])).content.decode()
    assert "参加確定 1人・キャンセル待ち 1人の計2人" in body
