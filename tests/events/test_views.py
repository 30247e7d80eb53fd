import datetime as dt
import json
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from events import messages, services
from events.enums import RegistrationStatus
from events.models import Registration
from lms.regions.models import Municipality
from tests.accounts.factories import KYOTO_CITY, TOTTORI_CITY, UserFactory

from .factories import bulk_workshops, make_workshop

pytestmark = pytest.mark.django_db

KUMAMOTO_CITY = "431001"
IWAMI_TOWN = "313025"  # 鳥取県岩美町
KYOTO_NAKAGYO = "261041"  # a ward of 京都市


def titles(response) -> list[str]:
    return re.findall(r'class="workshop-card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


# --- Listing ------------------------------------------------------------------------------------------------------


def test_listing_shows_upcoming_published_workshops_in_date_order(client):
    later = make_workshop(title="後の講座", starts_in=dt.timedelta(days=9))
    sooner = make_workshop(title="先の講座", starts_in=dt.timedelta(days=2))
    make_workshop(title="終わった講座", starts_in=dt.timedelta(days=-2))
    make_workshop(title="下書きの講座", publish=False)
    cancelled = make_workshop(title="中止の講座")
    services.cancel_workshop(workshop=cancelled, by=None)

    response = client.get("/workshops/")

    assert response.status_code == 200
    assert titles(response) == [sooner.title, later.title]


def test_a_signed_in_learner_sees_workshops_near_them_first(client):
    far = make_workshop(title="熊本の講座", municipality=KUMAMOTO_CITY, starts_in=dt.timedelta(days=1))
    prefecture = make_workshop(title="岩美町の講座", municipality=IWAMI_TOWN, starts_in=dt.timedelta(days=2))
    own = make_workshop(title="鳥取市の講座", municipality=TOTTORI_CITY, starts_in=dt.timedelta(days=3))
    assert titles(client.get("/workshops/")) == [far.title, prefecture.title, own.title]

    client.force_login(UserFactory(profile__municipality=Municipality.objects.get(code=TOTTORI_CITY)))
    response = client.get("/workshops/")
    assert titles(response) == [own.title, prefecture.title, far.title]
    assert "鳥取県鳥取市とその近くの講座を先に表示しています" in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_listing_filters_by_prefecture_municipality_month_format_and_keyword(client):
    tottori = make_workshop(title="鳥取市の講座", municipality=TOTTORI_CITY, starts_in=dt.timedelta(days=3))
    kyoto_ward = make_workshop(
        title="中京区の講座", municipality=KYOTO_NAKAGYO, starts_in=dt.timedelta(days=40), venue_name="京都市中京区の交流センター",
        venue_address="京都府京都市中京区", organiser="京都市",
    )
    online = make_workshop(
        title="オンライン講座",
        municipality=KUMAMOTO_CITY,
        format="online",
        venue_name="",
        venue_address="",
        online_url="https://meet.example.jp/x",
        starts_in=dt.timedelta(days=5),
        organiser="熊本市",
    )

    assert titles(client.get("/workshops/", {"prefecture": "31"})) == [tottori.title]
    # A designated city includes its wards.
    assert titles(client.get("/workshops/", {"prefecture": "26", "municipality": KYOTO_CITY})) == [kyoto_ward.title]
    month = timezone.localtime(kyoto_ward.starts_at).strftime("%Y-%m")  # 37 days after the other: another month
    assert titles(client.get("/workshops/", {"month": month})) == [kyoto_ward.title]
    assert titles(client.get("/workshops/", {"format": "online"})) == [online.title]
    assert titles(client.get("/workshops/", {"q": "交流センター"})) == [kyoto_ward.title]
    assert titles(client.get("/workshops/", {"q": "鳥取"})) == [tottori.title]


def test_an_invalid_filter_is_reported_and_ignored(client):
    make_workshop(title="鳥取市の講座")
    response = client.get("/workshops/", {"prefecture": "31", "municipality": KYOTO_CITY, "month": "1999-01"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "入力内容を確認してください" in body
    assert titles(response) == ["鳥取市の講座"]


def test_hostile_filter_values_do_not_break_the_listing(client):
    make_workshop(title="鳥取市の講座")
    for params in ({"q": 'a"b\x00c'}, {"prefecture": "' OR 1=1 --"}, {"format": "<script>"}, {"page": "-1"}):
        assert client.get("/workshops/", params).status_code == 200


def test_listing_is_paginated_and_keeps_the_filters_in_the_links(client):
    for i in range(23):
        make_workshop(title=f"講座{i:02d}", starts_in=dt.timedelta(days=1, hours=i))
    first = client.get("/workshops/", {"prefecture": "31"})
    assert len(titles(first)) == 20
    assert "prefecture=31&amp;page=2" in first.content.decode()
    second = client.get("/workshops/", {"prefecture": "31", "page": 2})
    assert len(titles(second)) == 3


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "learner"])
def test_listing_runs_a_constant_number_of_queries_with_5000_workshops(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    bulk_workshops(10)
    client.get("/workshops/")  # warm the site root cache
    with CaptureQueriesContext(connection) as few:
        assert client.get("/workshops/").status_code == 200
    bulk_workshops(4990)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/workshops/", {"prefecture": "31"})
    assert response.status_code == 200
    assert len(titles(response)) == 20
    with CaptureQueriesContext(connection) as many_unfiltered:
        client.get("/workshops/")
    assert len(many_unfiltered) == len(few) <= 15
    assert len(many) <= 15


def test_the_filtered_list_has_an_ical_feed(client):
    make_workshop(title="鳥取市の講座", municipality=TOTTORI_CITY)
    make_workshop(title="京都市の講座", municipality=KYOTO_CITY)
    response = client.get("/workshops/ical/", {"prefecture": "31"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["鳥取市の講座"]


def test_polling_the_feed_gets_304_until_a_workshop_changes(client):
    """Calendar apps poll feeds: unchanged data answers 304 with no body (ETag of the bytes, Last-Modified of the
    newest change); a change to a listed workshop gives 200 and a new ETag."""
    workshop = make_workshop(title="鳥取市の講座", municipality=TOTTORI_CITY)
    first = client.get("/workshops/ical/", {"prefecture": "31"})
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]
    again = client.get("/workshops/ical/", {"prefecture": "31"}, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content) == (304, b"")
    assert client.get("/workshops/ical/", {"prefecture": "31"}, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get(workshop.url + "ical/", HTTP_IF_NONE_MATCH=client.get(workshop.url + "ical/")["ETag"]).status_code == 304

    workshop.title = "鳥取市の講座（会場変更）"
    workshop.save_revision().publish()
    changed = client.get("/workshops/ical/", {"prefecture": "31"}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "会場変更" in changed.content.decode()


# --- One workshop -------------------------------------------------------------------------------------------------


def test_workshop_page_has_schema_org_event_data(client):
    workshop = make_workshop(title="養成講座 <テスト>", capacity=5)
    Registration.objects.create(
        workshop=workshop, user=UserFactory(), status=RegistrationStatus.CONFIRMED, registered_at=timezone.now()
    )
    response = client.get(workshop.url)
    assert response.status_code == 200
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S).group(1)
    assert "<テスト>" not in raw  # escaped inside <script>
    data = json.loads(raw)
    assert data["@type"] == "Event"
    assert data["name"] == "養成講座 <テスト>"
    assert data["startDate"].endswith("+09:00")
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["address"]["addressLocality"] == "鳥取市"
    assert data["remainingAttendeeCapacity"] == 4
    assert data["organizer"]["name"] == "鳥取市"


def test_one_workshop_ical(client):
    workshop = make_workshop(title="鳥取市の講座", format="hybrid", online_url="https://meet.example.jp/secret")
    response = client.get(workshop.url + "ical/")
    assert response.status_code == 200
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "鳥取市の講座"
    assert event.decoded("DTSTART") == workshop.starts_at.replace(microsecond=0)
    assert b"meet.example.jp/secret" not in response.content  # the join URL is for confirmed attendees only


def test_the_online_url_is_shown_only_to_confirmed_attendees(client):
    workshop = make_workshop(capacity=1, format="hybrid", online_url="https://meet.example.jp/secret")
    confirmed = UserFactory()
    waiting = UserFactory()
    services.register_for_workshop(workshop=workshop, user=confirmed)
    services.register_for_workshop(workshop=workshop, user=waiting)

    assert "meet.example.jp/secret" not in client.get(workshop.url).content.decode()
    client.force_login(waiting)
    body = client.get(workshop.url).content.decode()
    assert "meet.example.jp/secret" not in body
    assert "キャンセル待ち（1番目）" in body
    client.force_login(confirmed)
    body = client.get(workshop.url).content.decode()
    assert "meet.example.jp/secret" in body
    assert "参加が確定しています" in body


def test_anonymous_visitors_are_asked_to_log_in_to_register(client):
    workshop = make_workshop()
    body = client.get(workshop.url).content.decode()
    assert "ログインして申し込む" in body
    response = client.post(workshop.url + "register/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Registration.objects.exists()


def test_registering_and_cancelling_through_the_page(client):
    workshop = make_workshop(capacity=1)
    learner = UserFactory()
    client.force_login(learner)
    assert client.get(workshop.url + "register/").status_code == 302  # GET never registers
    assert not Registration.objects.exists()

    response = client.post(workshop.url + "register/", follow=True)
    assert str(messages.REGISTERED_CONFIRMED) in response.content.decode()
    response = client.post(workshop.url + "register/", follow=True)
    assert str(messages.ALREADY_REGISTERED) in response.content.decode()
    assert Registration.objects.filter(user=learner).count() == 1

    confirm = client.post(workshop.url + "cancel/")
    assert confirm.status_code == 200 and "申し込みを取り消しますか" in confirm.content.decode()
    assert 'name="confirm" value="yes"' in confirm.content.decode()
    assert Registration.objects.get(user=learner).status == RegistrationStatus.CONFIRMED  # nothing changed yet
    response = client.post(workshop.url + "cancel/", {"confirm": "yes"}, follow=True)
    assert str(messages.REGISTRATION_CANCELLED) in response.content.decode()
    assert Registration.objects.get(user=learner).status == RegistrationStatus.CANCELLED


def test_the_waitlisted_message_gives_the_position(client):
    workshop = make_workshop(capacity=1)
    services.register_for_workshop(workshop=workshop, user=UserFactory())
    client.force_login(UserFactory())
    body = client.post(workshop.url + "register/", follow=True).content.decode()
    assert "キャンセル待ち（1番目）で受け付けました" in body


def test_the_page_of_a_cancelled_workshop_says_so(client):
    workshop = services.cancel_workshop(workshop=make_workshop(), by=None)
    body = client.get(workshop.url).content.decode()
    assert "この講座は中止になりました" in body
    assert "この講座に申し込む" not in body
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', body, re.S).group(1))
    assert data["eventStatus"] == "https://schema.org/EventCancelled"


# --- Check-in -----------------------------------------------------------------------------------------------------


def in_session():
    return make_workshop(starts_in=dt.timedelta(minutes=-5))


def test_an_attendee_checks_in_by_opening_the_codes_url(client):
    workshop = in_session()
    learner = UserFactory()
    registration = Registration.objects.create(
        workshop=workshop, user=learner, status=RegistrationStatus.CONFIRMED, registered_at=timezone.now()
    )
    client.force_login(learner)
    token = services.make_checkin_token(workshop=workshop)
    response = client.get(workshop.url + "checkin/", {"t": token})
    assert response.status_code == 200
    assert str(messages.CHECKIN_DONE) in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ATTENDED


def test_an_expired_code_is_refused_with_a_clear_message(client):
    workshop = in_session()
    learner = UserFactory()
    Registration.objects.create(workshop=workshop, user=learner, status=RegistrationStatus.CONFIRMED, registered_at=timezone.now())
    client.force_login(learner)
    token = services.make_checkin_token(workshop=workshop)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        response = client.get(workshop.url + "checkin/", {"t": token})
    assert response.status_code == 400
    assert str(messages.CHECKIN_CODE_EXPIRED) in response.content.decode()
    assert not Registration.objects.filter(status=RegistrationStatus.ATTENDED).exists()


def test_someone_not_signed_in_logs_in_and_is_then_checked_in_with_the_code_they_scanned(client):
    workshop = in_session()
    learner = UserFactory()
    Registration.objects.create(workshop=workshop, user=learner, status=RegistrationStatus.CONFIRMED, registered_at=timezone.now())
    token = services.make_checkin_token(workshop=workshop)
    url = workshop.url + "checkin/?t=" + token
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):  # logging in took a while: the code expired
        client.post("/accounts/login/", {"login": learner.email, "password": "correct-horse-battery"})
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()
    assert Registration.objects.get(user=learner).status == RegistrationStatus.ATTENDED


def test_the_short_check_in_url_is_ascii_and_its_qr_code_is_version_6_or_less(client, settings):
    """Issue 17.5: the URL was 273 characters of %-escaped Japanese slug (QR version 11)."""
    import qrcode

    settings.SITE_URL = "https://tsunagari-supporter.example.lg.jp"
    workshop = make_workshop(starts_in=dt.timedelta(minutes=-5), slug="とても長い日本語のスラッグ" * 4)
    for pk in (workshop.pk, 10**9):  # a billion workshops later, still small
        workshop.pk = pk
        url = settings.SITE_URL + "/c/" + services.make_checkin_token(workshop=workshop) + "/"
        assert url.isascii() and len(url) <= 80
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
        code.add_data(url)
        code.make(fit=True)
        assert code.version <= 6, (url, code.version)


def test_an_attendee_checks_in_through_the_short_url(client):
    workshop = in_session()
    learner = UserFactory()
    Registration.objects.create(workshop=workshop, user=learner, status=RegistrationStatus.CONFIRMED, registered_at=timezone.now())
    client.force_login(learner)
    response = client.get(f"/c/{services.make_checkin_token(workshop=workshop)}/")
    assert response.status_code == 200 and str(messages.CHECKIN_DONE) in response.content.decode()
    assert Registration.objects.get(user=learner).status == RegistrationStatus.ATTENDED


@pytest.mark.parametrize("token", ["x", "1.2.3", "zzzzzzzzzzzzzzzzzzzzz.1.abc", "1.1.AAAAAAAAAAAA"])
def test_a_forged_short_url_is_a_404_that_changes_nothing(client, token):
    in_session()
    client.force_login(UserFactory())
    response = client.get(f"/c/{token}/")
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_a_walk_in_of_an_unregistered_account_confirms_themselves_on_their_own_phone(client):
    """Issue 13.5 "Done when": someone with no registration scans the QR code; nothing is recorded until they press
    the button, and then only for themselves."""
    workshop = in_session()
    walker = UserFactory()
    client.force_login(walker)
    short = f"/c/{services.make_checkin_token(workshop=workshop)}/"
    response = client.get(short)
    assert response.status_code == 200 and "当日参加として出席する" in response.content.decode()
    assert not Registration.objects.exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):  # the code on the screen moved on meanwhile
        response = client.post(short)
    assert response.status_code == 200 and str(messages.WALK_IN_RECORDED) in response.content.decode()
    registration = Registration.objects.get()
    assert registration.user == walker and registration.status == RegistrationStatus.ATTENDED
    assert registration.checked_in_by is None


def test_someone_who_never_scanned_cannot_post_a_walk_in(client):
    workshop = in_session()
    client.force_login(UserFactory())
    token = services.make_checkin_token(workshop=workshop)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        response = client.post(f"/c/{token}/")
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_the_walk_in_code_page_asks_to_log_in_and_limits_attempts(client):
    workshop = in_session()
    response = client.get("/c/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    statuses = [client.post("/c/", {"code": f"{n:06d}"}).status_code for n in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429
    code = services.issue_walk_in_code(workshop=workshop, by=None)
    response = client.post("/c/", {"code": code.code})  # even the right code waits: guessing is what is limited
    assert response.status_code == 429 and str(messages.WALK_IN_CODE_TOO_MANY) in response.content.decode()
    assert not Registration.objects.exists()


def test_a_walk_in_code_in_full_width_digits_is_accepted(client):
    workshop = in_session()
    code = services.issue_walk_in_code(workshop=workshop, by=None)
    client.force_login(UserFactory())
    full_width = code.code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.post("/c/", {"code": full_width}).status_code == 200
    assert Registration.objects.get().check_in_method == "code"


# --- マイページ ---------------------------------------------------------------------------------------------------


def test_mypage_lists_the_learners_registrations_only(client):
    mine = make_workshop(title="私の講座")
    other = make_workshop(title="他の人の講座")
    learner = UserFactory()
    services.register_for_workshop(workshop=mine, user=learner)
    services.register_for_workshop(workshop=other, user=UserFactory())
    client.force_login(learner)
    body = client.get("/mypage/").content.decode()
    assert "申し込んだ講座・研修会" in body
    assert "私の講座" in body and "参加確定" in body
    assert "他の人の講座" not in body
