"""Issue 17.3: paper participants (no account, no e-mail) — recorded on the roster or imported from the sign-in sheet
(all rows or none, a Japanese report per row), counted in the workshop's numbers and the reports' selector, printed
修了証 with a one-time claim code that attaches a certificate to an account later, deleted on request."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from certificates.models import Certificate
from events import messages, selectors, services
from events.imports import HEADER, ImportRefused, read_sign_in_sheet
from events.models import PaperParticipant
from lms.accounts.enums import AgeBand
from lms.regions.models import Municipality
from tests.accounts.factories import TOTTORI_CITY, UserFactory
from tests.certificates.factories import make_course

from .factories import make_trainer, make_workshop

pytestmark = pytest.mark.django_db


def in_session(**kwargs):
    return make_workshop(starts_in=dt.timedelta(minutes=-10), **kwargs)


def paper(workshop, name="紙野 ハナ", furigana="かみの はな", consent=True):
    return services.add_paper_participant(
        workshop=workshop, by=None, full_name=name, furigana=furigana,
        municipality=Municipality.objects.get(code=TOTTORI_CITY), age_band=AgeBand.OVER_80, occupation="",
        consent_statistics=consent,
    )


def csv_upload(rows, header=HEADER, encoding="utf-8-sig"):
    text = "\r\n".join(",".join(r) for r in [header, *rows]) + "\r\n"
    return SimpleUploadedFile("sheet.csv", text.encode(encoding), content_type="text/csv")


def xlsx_upload(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("sheet.xlsx", buffer.getvalue())


@pytest.fixture
def trainer(client):
    user = make_trainer()
    client.force_login(user)
    return user


def url(name, workshop, *args):
    return reverse(f"events_trainer:{name}", args=[workshop.pk, *args])


GOOD_ROWS = [["鳥取 一郎", "とっとり いちろう", "鳥取県鳥取市", "70代", "", "はい"], ["米子 二三", "よなご ふみ", "米子市", "80歳以上", "その他", "いいえ"]]


def test_the_trainer_records_a_paper_participant_on_the_roster(client, trainer):
    workshop = in_session()
    response = client.post(url("paper_add", workshop), {
        "full_name": "紙野 ハナ", "furigana": "かみの はな", "municipality": "鳥取県鳥取市", "age_band": "80plus",
        "occupation": "", "consent_statistics": "yes",
    }, follow=True)
    assert "紙野 ハナ さんを紙の名簿の参加者として登録しました" in response.content.decode()
    participant = PaperParticipant.objects.get()
    assert participant.municipality_id == TOTTORI_CITY and participant.consent_statistics is True
    assert "紙の名簿で参加 <strong>1</strong>人" in response.content.decode()


def test_paper_participants_are_refused_on_a_cancelled_or_far_off_workshop():
    far = make_workshop(starts_in=dt.timedelta(days=60))
    with pytest.raises(services.WorkshopError):
        paper(far)
    cancelled = in_session()
    services.cancel_workshop(workshop=cancelled, by=None)
    cancelled.refresh_from_db()
    with pytest.raises(services.WorkshopError):
        paper(cancelled)
    assert not PaperParticipant.objects.exists()


def test_a_two_row_sign_in_sheet_is_imported_from_csv_in_shift_jis_or_from_xlsx(client, trainer):
    workshop = in_session()
    response = client.post(url("paper_import", workshop), {"file": csv_upload(GOOD_ROWS, encoding="cp932")}, follow=True)
    assert "2人を紙の名簿の参加者として取り込みました" in response.content.decode()
    assert PaperParticipant.objects.filter(workshop=workshop).count() == 2
    other = in_session()
    client.post(url("paper_import", other), {"file": xlsx_upload(GOOD_ROWS)})
    names = set(PaperParticipant.objects.filter(workshop=other).values_list("full_name", "municipality__name"))
    assert names == {("鳥取 一郎", "鳥取市"), ("米子 二三", "米子市")}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([GOOD_ROWS[0], ["架空 太郎", "かくう たろう", "架空県架空市", "70代", "", "はい"]], "3行目: 市区町村「架空県架空市」が見つかりません"),
        ([GOOD_ROWS[0], GOOD_ROWS[0]], "3行目: 2行目と同じ方です"),
        ([GOOD_ROWS[0], ["年代 不明", "ねんだい", "鳥取市", "七十代", "", "はい"]], "3行目: 年代「七十代」は使えません"),
        ([GOOD_ROWS[0], ["同意 空欄", "どうい", "鳥取市", "70代", "", ""]], "3行目: 統計への同意は「はい」か「いいえ」"),
    ],
)
def test_a_sheet_with_a_bad_row_is_reported_row_by_row_and_nothing_is_saved(client, trainer, rows, expected):
    workshop = in_session()
    response = client.post(url("paper_import", workshop), {"file": csv_upload(rows)})
    assert response.status_code == 400
    body = response.content.decode()
    assert expected in body and "1行も保存していません" in body
    assert not PaperParticipant.objects.exists()


def test_a_sheet_with_wrong_columns_is_refused():
    with pytest.raises(ImportRefused) as exc:
        read_sign_in_sheet(csv_upload(GOOD_ROWS, header=["名前", "住所", "年齢"]))
    assert "1行目の見出しがひな形と違います" in exc.value.errors[0]


def test_a_sheet_with_wrong_columns_is_reported_in_the_console_and_nothing_is_saved(client, trainer):
    workshop = in_session()
    for upload in (csv_upload(GOOD_ROWS, header=["名前", "住所", "年齢"]), xlsx_upload(GOOD_ROWS, header=["名前", "住所", "年齢"])):
        response = client.post(url("paper_import", workshop), {"file": upload})
        body = response.content.decode()
        assert response.status_code == 400 and "1行目の見出しがひな形と違います" in body and "1行も保存していません" in body
    assert not PaperParticipant.objects.exists()


def test_a_row_already_on_the_roster_is_a_duplicate(client, trainer):
    workshop = in_session()
    paper(workshop, name="鳥取 一郎", furigana="とっとり いちろう")
    response = client.post(url("paper_import", workshop), {"file": csv_upload(GOOD_ROWS)})
    assert response.status_code == 400 and "2行目: 同じ氏名・ふりがなの方がすでに登録されています" in response.content.decode()
    assert PaperParticipant.objects.count() == 1


def test_the_console_offers_the_import_templates(client, trainer):
    workshop = in_session()
    csv_response = client.get(url("paper_template", workshop, "csv"))
    assert csv_response.content.decode("utf-8-sig").strip() == ",".join(HEADER)
    sheet = load_workbook(io.BytesIO(client.get(url("paper_template", workshop, "xlsx")).content)).active
    assert [c.value for c in sheet[1]] == HEADER


def test_paper_participants_count_in_the_report_and_the_reports_selector(client, trainer):
    workshop = in_session()
    paper(workshop, consent=True)
    paper(workshop, name="統計 不可", furigana="とうけい ふか", consent=False)
    sheet = load_workbook(io.BytesIO(client.get(url("report_xlsx", workshop)).content))["実施報告"]
    values = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["参加者数（出席）"][0] == 2 and values["うち紙の名簿で参加"][0] == 2
    assert values["80歳以上"][-1] == 2
    rows = list(selectors.paper_attendance_for_reports())
    assert rows == [{"workshop_id": workshop.pk, "workshop__municipality_id": TOTTORI_CITY, "municipality_id": TOTTORI_CITY,
                     "age_band": "80plus", "occupation": "", "n": 1}]  # only the one who agreed on the sheet


def test_the_printed_certificate_names_the_workshop_and_carries_the_claim_code(client, trainer):
    workshop = in_session(title="鳥取市つながりサポーター養成講座")
    participant = paper(workshop)
    body = client.get(url("paper_certificates", workshop)).content.decode()
    assert "修了証" in body and "紙野 ハナ" in body and "鳥取市つながりサポーター養成講座" in body
    assert participant.claim_code in body and "/c/claim/" in body
    assert "<header" not in body  # a print page, without the site's header


def test_a_paper_participant_claims_their_certificate_into_a_new_account_once(client):
    make_course()
    workshop = in_session()
    participant = paper(workshop)
    owner = UserFactory(profile__full_name="紙野 ハナ", profile__furigana="カミノ ハナ")
    client.force_login(owner)
    typed = participant.claim_code.lower().replace("-", " ")
    response = client.post(reverse("events_short:claim"), {"code": typed})
    assert response.status_code == 302
    participant.refresh_from_db()
    certificate = Certificate.objects.valid().get(holder=owner)
    assert participant.claimed_by == owner and participant.certificate == certificate
    assert certificate.workshop_id == workshop.pk
    response = client.post(reverse("events_short:claim"), {"code": participant.claim_code})
    assert response.status_code == 400 and str(messages.CLAIM_ALREADY_USED) in response.content.decode()
    assert Certificate.objects.count() == 1


def test_a_claim_code_used_by_another_person_changes_nothing(client):
    make_course()
    participant = paper(in_session())
    client.force_login(UserFactory(profile__full_name="別人 太郎", profile__furigana="べつじん たろう"))
    response = client.post(reverse("events_short:claim"), {"code": participant.claim_code})
    assert response.status_code == 400 and str(messages.CLAIM_OTHER_PERSON) in response.content.decode()
    participant.refresh_from_db()
    assert not participant.is_claimed and not Certificate.objects.exists()
    response = client.post(reverse("events_short:claim"), {"code": "AAAA-BBBB-CCCC"})
    assert str(messages.CLAIM_CODE_INVALID) in response.content.decode()


def test_a_paper_participant_is_deleted_on_request_and_only_within_the_trainers_scope(client, trainer):
    from tests.accounts.factories import KYOTO_CITY

    workshop = in_session()
    participant = paper(workshop)
    foreign = paper(make_workshop(municipality=KYOTO_CITY, starts_in=dt.timedelta(minutes=-10)), name="京都 人", furigana="きょうと ひと")
    assert client.post(url("paper_delete", foreign.workshop, foreign.pk)).status_code == 404
    assert client.get(url("paper_certificates", foreign.workshop)).status_code == 404
    assert client.post(url("paper_delete", workshop, foreign.pk)).status_code == 404
    client.post(url("paper_delete", workshop, participant.pk))
    assert list(PaperParticipant.objects.all()) == [foreign]


def test_a_workshop_certificate_names_the_workshop_on_the_pdf_and_the_verify_page(client):
    """Issue 17.9: certificates from a workshop name it, its date and organiser."""
    from django.template.loader import render_to_string

    from certificates.rendering import certificate_context

    make_course()
    workshop = in_session(title="鳥取市つながりサポーター養成講座（第2回）", organiser="鳥取市社会福祉協議会")
    participant = paper(workshop)
    client.force_login(UserFactory(profile__full_name="紙野 ハナ", profile__furigana="かみの はな"))
    client.post(reverse("events_short:claim"), {"code": participant.claim_code})
    certificate = Certificate.objects.get()
    html = render_to_string("certificates/pdf/certificate.html", certificate_context(certificate))
    assert "鳥取市つながりサポーター養成講座（第2回）" in html and "鳥取市社会福祉協議会" in html
    import pypdfium2

    from certificates.rendering import render_certificate_pdf

    pdf = pypdfium2.PdfDocument(render_certificate_pdf(certificate))
    assert len(pdf) == 1  # the extra line still fits the A4 sheet
    assert "鳥取市社会福祉協議会" in pdf[0].get_textpage().get_text_range()
    body = client.get(f"/verify/{certificate.number}/").content.decode()
    assert "受講した養成講座" in body and "鳥取市つながりサポーター養成講座（第2回）" in body and "鳥取市社会福祉協議会" in body


def test_mypage_does_not_say_all_eight_chapters_for_a_workshop_completion(client):
    from courses.enums import Channel
    from courses.services import complete_course

    course = make_course()
    workshop = in_session()
    learner = UserFactory()
    complete_course(user=learner, course=course, channel=Channel.WORKSHOP, workshop=workshop)
    client.force_login(learner)
    body = client.get("/mypage/").content.decode()
    assert "養成講座への参加で修了しました" in body and "修了しました（全" not in body
