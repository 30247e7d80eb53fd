"""The trainer console (/trainer/): access, roster, attendance, walk-ins, exports, check-in QR, closing, cancelling."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certificates.models import Certificate
from events import messages, services
from events.enums import ClosingStatus, RegistrationStatus, WorkshopStatus
from events.models import Registration, WorkshopClosing
from lms.accounts.enums import AgeBand, OccupationField
from tests.accounts.factories import KYOTO_CITY, TOTTORI_CITY, UserFactory
from tests.certificates.factories import make_course

from .factories import make_trainer, make_workshop

pytestmark = pytest.mark.django_db


def url(name, workshop):
    return reverse(f"events_trainer:{name}", args=[workshop.pk])


def in_session(**kwargs):
    return make_workshop(starts_in=dt.timedelta(minutes=-10), **kwargs)


def confirmed(workshop, **profile):
    user = UserFactory(**{f"profile__{k}": v for k, v in profile.items()})
    return Registration.objects.create(
        workshop=workshop, user=user, status=RegistrationStatus.CONFIRMED, registered_at=timezone.now()
    )


@pytest.fixture
def trainer(client):
    user = make_trainer(municipality=TOTTORI_CITY)
    client.force_login(user)
    return user


# --- Access -------------------------------------------------------------------------------------------------------

ROUTES = [
    ("get", "workshop"),
    ("post", "attendance"),
    ("post", "walk_in"),
    ("get", "roster_csv"),
    ("get", "plan_xlsx"),
    ("get", "report_xlsx"),
    ("get", "check_in"),
    ("get", "check_in_code"),
    ("post", "close"),
    ("get", "closing_status"),
    ("get", "cancel"),
    ("post", "cancel"),
]


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/trainer/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_learners_are_refused(client):
    client.force_login(UserFactory())
    assert client.get("/trainer/").status_code == 403


def test_trainers_without_two_factor_authentication_must_set_it_up(client):
    client.force_login(make_trainer(totp=False))
    response = client.get("/trainer/")
    assert response.status_code == 302 and response["Location"].startswith("/mypage/security/enrol/")


def test_a_trainer_sees_only_their_regions_workshops(client, trainer):
    own = make_workshop(title="鳥取市の講座")
    other = make_workshop(title="京都市の講座", municipality=KYOTO_CITY)
    body = client.get("/trainer/").content.decode()
    assert own.title in body
    assert other.title not in body


@pytest.mark.parametrize(("method", "name"), ROUTES)
def test_another_regions_workshop_is_not_found_on_every_console_route(client, trainer, method, name):
    other = in_session(municipality=KYOTO_CITY)
    registration = confirmed(other)
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.ATTENDED)
    data = {"shown": [registration.pk], "email": registration.user.email, "confirm": "on"}
    response = getattr(client, method)(url(name, other), data)
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == WorkshopStatus.PUBLISHED
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.ATTENDED
    assert not WorkshopClosing.objects.exists()
    assert registration.user.profile.full_name not in response.content.decode()


# --- Roster and attendance ------------------------------------------------------------------------------------------


def test_the_roster_lists_name_furigana_municipality_and_status(client, trainer):
    workshop = make_workshop()
    registration = confirmed(workshop, full_name="鳥取 花子", furigana="とっとり はなこ")
    body = client.get(url("workshop", workshop)).content.decode()
    assert "鳥取 花子" in body and "とっとり はなこ" in body and "鳥取県鳥取市" in body and "参加確定" in body
    assert f'name="attended" value="{registration.pk}"' in body


def test_ticking_the_roster_records_attendance_and_unticking_removes_it(client, trainer):
    workshop = in_session()
    a, b = confirmed(workshop), confirmed(workshop)
    response = client.post(url("attendance", workshop), {"shown": [a.pk, b.pk], "attended": [a.pk]}, follow=True)
    assert str(messages.ATTENDANCE_SAVED) in response.content.decode()
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == RegistrationStatus.ATTENDED and a.checked_in_by == trainer
    assert b.status == RegistrationStatus.CONFIRMED
    client.post(url("attendance", workshop), {"shown": [a.pk, b.pk], "attended": []})
    a.refresh_from_db()
    assert a.status == RegistrationStatus.CONFIRMED


def test_ids_from_another_workshop_are_ignored_by_the_attendance_form(client, trainer):
    workshop = in_session()
    other = in_session()
    foreign = confirmed(other)
    client.post(url("attendance", workshop), {"shown": [foreign.pk], "attended": [foreign.pk]})
    foreign.refresh_from_db()
    assert foreign.status == RegistrationStatus.CONFIRMED


def test_the_walk_in_form_looks_up_no_account_and_shows_no_account_data(client, trainer):
    """Issue 13.5: the console looked up any account nationwide by e-mail and showed its profile."""
    workshop = in_session()
    UserFactory(email="walker@example.jp", profile__full_name="歩 太郎", profile__furigana="あゆみ たろう")
    for email in ("walker@example.jp", "nobody@example.jp"):
        response = client.post(url("walk_in", workshop), {"email": email}, follow=True)
        body = response.content.decode()
        assert "歩 太郎" not in body and "あゆみ たろう" not in body
        assert "見つかりませんでした" not in body  # nothing tells whether an address has an account
    assert not Registration.objects.exists()
    assert 'type="email"' not in client.get(url("workshop", workshop)).content.decode()


def test_the_walk_in_button_issues_a_one_time_code_that_the_person_types_on_their_phone(client, trainer):
    workshop = in_session()
    response = client.post(url("walk_in", workshop), follow=True)
    code = services.active_walk_in_codes(workshop)[0].code
    assert code in response.content.decode()
    walker = UserFactory(profile__full_name="歩 太郎")
    client.force_login(walker)
    response = client.post(reverse("events_short:walk_in_code"), {"code": code})
    assert response.status_code == 200 and str(messages.WALK_IN_RECORDED) in response.content.decode()
    registration = Registration.objects.get(workshop=workshop, user=walker)
    assert registration.status == RegistrationStatus.ATTENDED and registration.check_in_method == "code"
    response = client.post(reverse("events_short:walk_in_code"), {"code": code})
    assert response.status_code == 400 and str(messages.WALK_IN_CODE_INVALID) in response.content.decode()


def test_no_walk_in_codes_or_ticks_after_cancelling(client, trainer):
    workshop = in_session()
    registration = confirmed(workshop)
    services.cancel_workshop(workshop=workshop, by=trainer)
    client.post(url("walk_in", workshop))
    client.post(url("attendance", workshop), {"shown": [registration.pk], "attended": [registration.pk]})
    assert not services.WalkInCode.objects.exists()
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED
    body = client.get(url("workshop", workshop)).content.decode()
    assert "当日参加コードを発行する" not in body and "出席を保存する" not in body and "出席受付のQRコードを表示" not in body


# --- Exports ------------------------------------------------------------------------------------------------------


def test_the_roster_csv_opens_in_excel_and_neutralises_formulas(client, trainer):
    workshop = make_workshop()
    confirmed(workshop, full_name="=HYPERLINK(\"http://evil\")", furigana="あ")
    confirmed(workshop, full_name="山田 太郎", furigana="やまだ たろう")
    response = client.get(url("roster_csv", workshop))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["No.", "氏名", "ふりがな", "お住まいの市区町村"]
    names = [row[1] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\")" in names and "山田 太郎" in names


def test_the_attendance_report_counts_attendees_by_age_band_and_occupation(client, trainer):
    workshop = in_session(title="実施報告の講座")
    for band, occupation in [
        (AgeBand.AGE_30S, OccupationField.MEDICAL_WELFARE),
        (AgeBand.AGE_30S, OccupationField.MEDICAL_WELFARE),
        (AgeBand.AGE_60S, ""),
    ]:
        registration = confirmed(workshop, age_band=band, occupation=occupation)
        services.set_attendance(registration=registration, attended=True, by=trainer)
    confirmed(workshop, age_band=AgeBand.AGE_20S)  # registered but absent
    response = client.get(url("report_xlsx", workshop))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["実施報告"]
    values = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["講座名"][0] == "実施報告の講座"
    assert values["主催"][0] == "鳥取市" and values["担当者（講師）"][0] == "講師 一郎"
    assert values["参加者数（出席）"][0] == 3
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "年代＼職業分野")
    medical = header.index("医療・福祉")
    unanswered = header.index("未回答")
    assert values["30代"][medical - 1] == 2
    assert values["60代"][unanswered - 1] == 1
    assert values["20代"][-1] == 0
    assert values["計"][header.index("計") - 1] == 3
    assert workbook["出席者名簿"].max_row == 4  # header + three attendees


def test_the_plan_lists_the_session_and_the_registrations_so_far(client, trainer):
    workshop = make_workshop(title="開催計画の講座", capacity=1)
    services.register_for_workshop(workshop=workshop, user=UserFactory())
    services.register_for_workshop(workshop=workshop, user=UserFactory())
    response = client.get(url("plan_xlsx", workshop))
    sheet = load_workbook(io.BytesIO(response.content))["開催計画"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["講座名"] == "開催計画の講座"
    assert values["定員（人）"] == 1
    assert values["申込者数"] == 2
    assert values["うち参加確定"] == 1
    assert values["うちキャンセル待ち"] == 1


# --- Check-in QR --------------------------------------------------------------------------------------------------


def test_the_check_in_screen_shows_a_qr_code_whose_url_checks_an_attendee_in(client, trainer):
    workshop = in_session()
    registration = confirmed(workshop)
    body = client.get(url("check_in", workshop)).content.decode()
    assert 'src="data:image/png;base64,' in body
    checkin_url = re.search(r'id="checkin-url" href="([^"]+)"', body).group(1).replace("&amp;", "&")
    path = checkin_url[checkin_url.index("/c/"):]
    assert checkin_url.isascii()

    client.force_login(registration.user)
    assert client.get(path).status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ATTENDED


def test_the_qr_code_decodes_to_the_check_in_url(client, trainer):
    import base64

    import zxingcpp
    from PIL import Image

    workshop = in_session()
    data = client.get(url("check_in_code", workshop)).json()
    image = Image.open(io.BytesIO(base64.b64decode(data["image"].split(",", 1)[1])))
    (decoded,) = zxingcpp.read_barcodes(image)
    assert decoded.text == data["url"]
    assert data["open"] is True and data["rotate_seconds"] == services.CHECKIN_ROTATE_SECONDS


def test_the_check_in_screen_says_when_it_is_outside_the_session(client, trainer):
    workshop = make_workshop(starts_in=dt.timedelta(days=1))
    body = client.get(url("check_in", workshop)).content.decode()
    assert "出席の受付時間外です" in body
    assert "data:image/png" not in body


# --- Closing and cancelling ---------------------------------------------------------------------------------------


def test_closing_issues_certificates_and_shows_progress(client, trainer, django_capture_on_commit_callbacks):
    make_course()
    workshop = in_session()
    for _ in range(2):
        services.set_attendance(registration=confirmed(workshop), attended=True, by=trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("close", workshop), follow=True)
    assert str(messages.CLOSE_QUEUED) in response.content.decode()
    status = client.get(url("closing_status", workshop)).json()
    assert status["status"] == ClosingStatus.DONE
    assert (status["total"], status["processed"], status["issued"], status["percent"]) == (2, 2, 2, 100)
    assert Certificate.objects.filter(workshop_id=workshop.pk).count() == 2
    body = client.get(url("workshop", workshop)).content.decode()
    for certificate in Certificate.objects.all():
        assert certificate.number in body


def test_closing_refusals_are_shown_to_the_trainer(client, trainer):
    workshop = in_session()
    response = client.post(url("close", workshop), follow=True)
    assert str(messages.CLOSE_NO_ATTENDEES) in response.content.decode()


def test_cancelling_needs_confirmation_then_notifies_everyone(client, trainer, django_capture_on_commit_callbacks):
    workshop = make_workshop()
    services.register_for_workshop(workshop=workshop, user=UserFactory(email="a@example.jp"))
    mail.outbox.clear()
    response = client.post(url("cancel", workshop), {})
    body = response.content.decode()
    assert str(messages.CANCEL_CONFIRM_REQUIRED) in body and str(messages.CANCEL_REASON_REQUIRED) in body
    response = client.post(url("cancel", workshop), {"confirm": "on", "reason": "  "})
    assert str(messages.CANCEL_REASON_REQUIRED) in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.PUBLISHED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("cancel", workshop), {"confirm": "on", "reason": "台風の接近により、会場が閉館となるため。"})
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.CANCELLED
    (notice,) = mail.outbox
    assert notice.to == ["a@example.jp"]
    html = notice.alternatives[0][0]
    for text in (notice.body, html):
        assert "台風の接近により、会場が閉館となるため。" in text
        assert "取り消しは" not in text and "取り消してください" not in text  # never how to cancel a registration
    body = client.get(url("workshop", workshop)).content.decode()
    assert "出席を保存する" not in body and "当日参加コードを発行する" not in body


def test_an_admin_cancellation_needs_a_reason(trainer):
    from django.core.exceptions import ValidationError

    workshop = make_workshop()
    live = type(workshop).objects.get(pk=workshop.pk)
    live.status = WorkshopStatus.CANCELLED
    with pytest.raises(ValidationError) as exc:
        live.save_revision().publish()
    assert str(messages.CANCEL_REASON_REQUIRED) in str(exc.value)
    assert type(workshop).objects.get(pk=workshop.pk).status == WorkshopStatus.PUBLISHED


def test_the_console_offers_new_workshop_and_it_opens_the_add_form(client, trainer):
    body = client.get("/trainer/").content.decode()
    add = re.search(r'href="([^"]+)">新しい講座を作成<', body).group(1)
    response = client.get(add)
    assert response.status_code == 200 and 'name="starts_at"' in response.content.decode()


def test_mypage_links_trainers_to_the_console_and_no_one_else(client, trainer):
    assert "講師コンソールを開く" in client.get("/mypage/").content.decode()
    client.force_login(UserFactory())
    assert "講師コンソールを開く" not in client.get("/mypage/").content.decode()


def test_the_roster_keeps_its_order_when_people_are_ticked_and_can_be_searched(client, trainer):
    workshop = in_session()
    late = confirmed(workshop, full_name="相田 後子", furigana="あいだ のちこ")
    early = confirmed(workshop, full_name="和田 先子", furigana="わだ さきこ")
    gone = confirmed(workshop, full_name="取消 三郎", furigana="とりけし さぶろう")
    Registration.objects.filter(pk=late.pk).update(registered_at=timezone.now() + dt.timedelta(minutes=5))
    gone.status, gone.cancelled_at = RegistrationStatus.CANCELLED, timezone.now()
    gone.save()

    def rows(**params):
        body = client.get(url("workshop", workshop), params).content.decode()
        roster = body[body.index("<tbody>"):body.index("</tbody>")]
        return re.findall(r'<th scope="row">([^<]+)</th>', roster), body

    before, body = rows()
    assert before == ["相田 後子", "和田 先子"]  # 50音順
    assert "取消 三郎（とりけし さぶろう）" in body  # cancelled people are listed by name
    assert early.user.email in body  # contact column
    client.post(url("attendance", workshop), {"shown": [late.pk, early.pk], "attended": [early.pk]})
    assert rows()[0] == before  # a tick never moves a row
    assert rows(order="registered")[0] == ["和田 先子", "相田 後子"]
    assert rows(q="わだ")[0] == ["和田 先子"]


def test_the_roster_csv_in_shift_jis_with_a_file_name_naming_workshop_and_date(client, trainer):
    from urllib.parse import unquote

    workshop = make_workshop(title="鳥取市つながりサポーター養成講座")
    confirmed(workshop, full_name="𠮷田 花子", furigana="よしだ はなこ")
    response = client.get(url("roster_csv", workshop), {"encoding": "sjis"})
    text = response.content.decode("cp932")
    assert not response.content.startswith(b"\xef\xbb\xbf")
    assert "〓田 花子" in text and "よしだ はなこ" in text
    disposition = unquote(response["Content-Disposition"])
    day = timezone.localtime(workshop.starts_at).strftime("%Y%m%d")
    assert f"{day}_鳥取市つながりサポーター養成講座_名簿.csv" in disposition


def test_plan_report_and_roster_agree_cell_by_cell(client, trainer):
    """Issue 17.7: 開催計画 counted a walk-in as a registrant (申込者数 3 for capacity 2) while 実施報告 said 2."""
    from events.models import PaperParticipant
    from lms.regions.models import Municipality

    workshop = in_session(capacity=2)
    came = confirmed(workshop, full_name="出席 一子", furigana="しゅっせき いちこ", age_band=AgeBand.AGE_30S)
    absent = confirmed(workshop, full_name="欠席 二子", furigana="けっせき にこ", age_band=AgeBand.AGE_40S, municipality_id=KYOTO_CITY)
    waiting = confirmed(workshop, full_name="待機 三子", furigana="たいき みこ")
    Registration.objects.filter(pk=waiting.pk).update(status=RegistrationStatus.WAITLISTED)
    gone = confirmed(workshop, full_name="取消 四子", furigana="とりけし よんこ")
    Registration.objects.filter(pk=gone.pk).update(status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now())
    services.set_attendance(registration=came, attended=True, by=trainer)
    walker = UserFactory(profile__full_name="当日 五子", profile__furigana="とうじつ いつこ", profile__age_band=AgeBand.AGE_60S)
    services.redeem_walk_in_code(code=services.issue_walk_in_code(workshop=workshop, by=trainer).code, user=walker)
    PaperParticipant.objects.create(
        workshop=workshop, full_name="紙野 六子", furigana="かみの むつこ", municipality=Municipality.objects.get(code=TOTTORI_CITY),
        age_band=AgeBand.OVER_80, consent_statistics=True, created_at=timezone.now(), claim_code="AAAA-BBBB-CCCC",
    )

    def cells(name, sheet_name):
        sheet = load_workbook(io.BytesIO(client.get(url(name, workshop)).content))[sheet_name]
        return sheet, {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}

    plan_sheet, plan = cells("plan_xlsx", "開催計画")
    report_sheet, report = cells("report_xlsx", "実施報告")
    for label in ("講座名", "開催日", "時間", "開催形式", "開催地", "会場", "主催", "担当者（講師）", "定員（人）", "申込期間", "プログラム"):
        assert plan[label] == report[label], label
    assert plan["定員（人）"] == 2 and isinstance(plan["定員（人）"], int)
    assert plan["開催日"].startswith("令和") and f"（{timezone.localtime(workshop.starts_at).year}年" in plan["開催日"]
    assert (plan["申込者数"], plan["うち参加確定"], plan["うちキャンセル待ち"], plan["申し込みの取り消し"]) == (3, 2, 1, 1)
    assert report["申込者数"] == plan["申込者数"] == 3  # the walk-in is not a registrant in either
    assert (report["参加者数（出席）"], report["うち申し込みの方"], report["うち当日参加"], report["うち紙の名簿で参加"]) == (3, 1, 1, 1)
    assert (report["欠席（参加確定で出席なし）"], report["申し込みの取り消し"]) == (1, 1)
    assert (report["参加者のうち市内"], report["参加者のうち市外"]) == (3, 0)
    # the breakdown agrees with the attendee count
    header = next(row for row in report_sheet.iter_rows(values_only=True) if row[0] == "年代＼職業分野")
    totals = [row for row in report_sheet.iter_rows(values_only=True) if row[0] == "計"][-1]
    assert totals[len(header) - 1] == report["参加者数（出席）"]
    # and both agree with the roster
    roster = list(csv.reader(io.StringIO(client.get(url("roster_csv", workshop)).content.decode("utf-8-sig"))))[1:]
    statuses = [row[6] for row in roster]
    assert statuses.count("出席") + 1 == report["参加者数（出席）"]  # + the paper participant, not on the account roster
    assert statuses.count("取り消し") == report["申し込みの取り消し"]
    assert len([r for r in roster if r[7] == "申し込み" and r[6] != "取り消し"]) == plan["申込者数"]
    names = [row[1] for row in load_workbook(io.BytesIO(client.get(url("report_xlsx", workshop)).content))["出席者名簿"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(["出席 一子", "当日 五子", "紙野 六子"]) and absent.pk
    # printable on A4, one page wide, with a print area
    for sheet in (plan_sheet, report_sheet):
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4) == 9 and int(sheet.page_setup.fitToWidth) == 1
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_area


def test_the_console_reminds_the_trainer_of_the_plan_and_report_dates(client, trainer):
    workshop = make_workshop(starts_in=dt.timedelta(days=40))
    body = client.get(url("workshop", workshop)).content.decode()
    plan_due = timezone.localtime(workshop.starts_at - dt.timedelta(days=30)).date()
    report_due = timezone.localtime(workshop.ends_at + dt.timedelta(days=14)).date()
    assert f"開催計画 <strong>{plan_due.year}年{plan_due.month}月{plan_due.day}日</strong>" in body
    assert f"実施報告 <strong>{report_due.year}年{report_due.month}月{report_due.day}日</strong>" in body
    assert "開始の30日前まで、実施報告は終了後14日以内" in body


def test_the_paperwork_dates_follow_the_settings(client, trainer, settings):
    settings.EVENTS_PLAN_DUE_DAYS_BEFORE = 21
    settings.EVENTS_REPORT_DUE_DAYS_AFTER = 7
    workshop = make_workshop(starts_in=dt.timedelta(days=40))
    body = client.get(url("workshop", workshop)).content.decode()
    plan_due = timezone.localtime(workshop.starts_at - dt.timedelta(days=21)).date()
    report_due = timezone.localtime(workshop.ends_at + dt.timedelta(days=7)).date()
    assert f"開催計画 <strong>{plan_due.year}年{plan_due.month}月{plan_due.day}日</strong>" in body
    assert f"実施報告 <strong>{report_due.year}年{report_due.month}月{report_due.day}日</strong>" in body
    assert "開始の21日前まで、実施報告は終了後7日以内" in body
