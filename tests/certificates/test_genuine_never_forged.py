"""Issue 16 §2: a genuine certificate never looks forged — initials mode and the printed-name check (page, bulk,
API), reissue after a name change, and the LinkedIn link."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certificates import messages
from certificates.enums import CertificateStatus, NameDisplay
from certificates.models import Certificate
from certificates.services import reissue_with_current_name, revoke_certificate, set_name_display
from tests.accounts.factories import UserFactory

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def _initials_cert(name="鈴木 美咲", furigana="すずき みさき"):
    certificate = CertificateFactory(holder=UserFactory(profile__full_name=name, profile__furigana=furigana))
    return set_name_display(certificate=certificate, holder=certificate.holder, name_display=NameDisplay.INITIALS)


# --- Initials mode and the printed-name check ----------------------------------------------------------------


def test_initials_mode_says_the_holder_chose_initials_and_never_calls_the_pdf_altered(client):
    certificate = _initials_cert()
    text = _text(client.get(f"/verify/{certificate.number}/").content.decode())
    assert "S. M." in text and "鈴木" not in text
    assert "イニシャルだけ表示することを選んでいます" in text
    assert "修了証に印字された氏名で照合" in text
    # no sentence saying any difference from the PDF (which shows the full name) means it was altered
    assert "違う箇所があれば、修了証が書き換えられています" not in text


@pytest.mark.parametrize("typed", ["鈴木 美咲", "鈴木美咲", "鈴木　美咲", " 鈴木  美咲 "])
def test_the_printed_name_matches_however_it_is_spaced(client, typed):
    certificate = _initials_cert()
    response = client.post(f"/verify/{certificate.number}/name-check/", {"holder_name": typed})
    assert response.status_code == 200
    body = response.content.decode()
    assert str(messages.NAME_CHECK_MATCH) in body
    assert "鈴木" not in body  # the page never shows the name, nor echoes what was typed


@pytest.mark.parametrize("typed", ["鈴木 美香", "佐藤 美咲", "S. M.", "すずき みさき"])
def test_another_name_does_not_match_and_the_real_one_is_never_shown(client, typed):
    certificate = _initials_cert()
    body = client.post(f"/verify/{certificate.number}/name-check/", {"holder_name": typed}).content.decode()
    assert str(messages.NAME_CHECK_MISMATCH) in body
    assert "鈴木 美咲" not in body and "鈴木美咲" not in body


def test_a_name_check_without_a_name_is_refused_in_japanese(client):
    certificate = _initials_cert()
    response = client.post(f"/verify/{certificate.number}/name-check/", {"holder_name": "  "})
    assert response.status_code == 400
    assert str(messages.NAME_CHECK_REQUIRED) in response.content.decode()


def test_a_tampered_record_never_matches(client):
    """The answer rests on the signed digest: a name changed in the database behind the signature does not match."""
    certificate = _initials_cert()
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="別人 次郎")
    body = client.post(f"/verify/{certificate.number}/name-check/", {"holder_name": "別人 次郎"}).content.decode()
    assert str(messages.NAME_CHECK_MISMATCH) in body


def test_name_checks_are_rate_limited(client, settings):
    settings.CERTIFICATE_NAME_CHECK_RATE = "3/m"
    certificate = _initials_cert()
    for _ in range(3):
        assert client.post(f"/verify/{certificate.number}/name-check/", {"holder_name": "x"}).status_code == 200
    limited = client.post(f"/verify/{certificate.number}/name-check/", {"holder_name": "鈴木 美咲"})
    assert limited.status_code == 429
    assert "一致" not in _text(limited.content.decode())


def test_name_check_through_the_api(client, settings):
    certificate = _initials_cert()
    url = f"/api/v1/certificates/{certificate.number}/name-check"
    match = client.post(url, {"name": "鈴木　美咲"}, content_type="application/json")
    assert match.status_code == 200 and match.json() == {"number": certificate.number, "match": True, "result": "一致"}
    mismatch = client.post(url, {"name": "鈴木 美香"}, content_type="application/json").json()
    assert mismatch["match"] is False and mismatch["result"] == "不一致"
    assert "鈴木" not in match.content.decode() + str(mismatch)
    unknown = client.post("/api/v1/certificates/0000-0000-0000-0000-0/name-check", {"name": "x"}, content_type="application/json")
    assert unknown.status_code == 404
    settings.CERTIFICATE_NAME_CHECK_RATE = "1/m"
    client.post(url, {"name": "x"}, content_type="application/json")
    limited = client.post(url, {"name": "x"}, content_type="application/json")
    assert limited.status_code == 429 and limited["Retry-After"] == "60"


def test_bulk_api_checks_names_once_per_certificate(client):
    certificate = _initials_cert()
    body = client.post(
        "/api/v1/certificates/verify",
        {"numbers": [certificate.number, certificate.number, "0000-0000-0000-0000-0"], "names": ["鈴木美咲", "x", "y"]},
        content_type="application/json",
    ).json()
    assert [r["name_check"] for r in body["results"]] == ["一致", "照合は1回の確認につき1件1回まで", None]
    mismatched = client.post(
        "/api/v1/certificates/verify", {"numbers": [certificate.number], "names": ["a", "b"]}, content_type="application/json"
    )
    assert mismatched.status_code == 422


def test_bulk_csv_with_a_name_column_answers_match_or_mismatch(client):
    certificate = _initials_cert()
    other = _initials_cert(name="田中 一郎", furigana="たなか いちろう")
    source = f"社員番号,氏名,修了証番号\r\nE001,鈴木 美咲,{certificate.number}\r\nE002,田中 次郎,{other.number}\r\n"
    upload = SimpleUploadedFile("staff.csv", source.encode("cp932"), content_type="text/csv")
    page = client.post("/verify/bulk/", {"file": upload})
    response = client.post("/verify/bulk/", {"carried": page.context["carried"], "carried_kind": "csv", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "行番号", "社員番号", "氏名", "修了証番号", "修了証番号（正規化）", "結果", "要確認", "氏名照合",
        "氏名（本人が選んだ表示）", "講座", "発行日", "失効日",
    ]
    assert [(r[0], r[1], r[7]) for r in rows[1:]] == [("2", "E001", "一致"), ("3", "E002", "不一致")]
    assert rows[1][8] == "S. M."  # the holder's choice, not the printed name


# --- Reissue after a name change -----------------------------------------------------------------------------


@pytest.fixture
def renamed_holder():
    holder = UserFactory(profile__full_name="山田 花子", profile__furigana="やまだ はなこ")
    certificate = CertificateFactory(holder=holder)
    holder.profile.full_name = "佐藤 花子"
    holder.profile.furigana = "さとう はなこ"
    holder.profile.save()
    return holder, certificate


def test_profile_says_issued_certificates_keep_the_name_at_issue(client, renamed_holder):
    holder, _ = renamed_holder
    client.force_login(holder)
    text = _text(client.get("/mypage/profile/").content.decode())
    assert "発行済みの修了証の氏名は、発行したときのまま変わりません" in text
    assert "現在の氏名で再発行を申請できます" in text


def test_holder_reissues_with_the_current_name_and_the_old_number_says_reissued(client, renamed_holder):
    holder, old = renamed_holder
    client.force_login(holder)
    mypage = _text(client.get("/mypage/").content.decode())
    assert "現在の氏名で再発行する" in mypage
    response = client.post(f"/certificates/{old.number}/reissue/")
    assert response.status_code == 302
    old.refresh_from_db()
    new = Certificate.objects.get(holder=holder, status=CertificateStatus.VALID)
    assert new.number != old.number and new.holder_name == "佐藤 花子" and new.holder_furigana == "さとう はなこ"
    assert old.status == CertificateStatus.REISSUED and old.reissued_as == new and old.revoked_at is None
    assert new.course_title == old.course_title and new.curriculum_version == old.curriculum_version

    client.logout()
    page = client.get(f"/verify/{old.number}/")
    text = _text(page.content.decode())
    assert page.status_code == 200
    assert "再発行されました（新しい修了証があります）" in text
    assert "失効" not in text
    assert "佐藤" not in text and new.number not in text  # never the new name or number
    api = client.get(f"/api/v1/certificates/{old.number}").json()
    assert api["status"] == "reissued" and "佐藤" not in str(api) and new.number not in str(api)
    bulk = client.post("/verify/bulk/", {"numbers": old.number})
    assert "再発行済み（新しい修了証があります）" in _text(bulk.content.decode())
    assert _text(client.get(f"/verify/{new.number}/").content.decode()).count("有効な修了証です") == 1


def test_reissue_is_refused_for_others_unchanged_names_and_revoked_certificates(client, renamed_holder):
    holder, certificate = renamed_holder
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.post(f"/certificates/{certificate.number}/reissue/").status_code == 404
    certificate.refresh_from_db()
    assert certificate.is_valid

    same = CertificateFactory()
    client.force_login(same.holder)
    client.post(f"/certificates/{same.number}/reissue/", follow=True)
    assert Certificate.objects.filter(holder=same.holder).count() == 1
    from certificates.services import CertificateError

    with pytest.raises(CertificateError) as error:
        reissue_with_current_name(certificate=same, holder=same.holder)
    assert error.value.message == messages.REISSUE_SAME_NAME

    revoke_certificate(certificate=certificate, reason="テスト")
    certificate.refresh_from_db()
    with pytest.raises(CertificateError) as error:
        reissue_with_current_name(certificate=certificate, holder=holder)
    assert error.value.message == messages.REISSUE_NOT_VALID
    assert Certificate.objects.filter(holder=holder).count() == 1


def test_reissue_twice_in_a_row_makes_one_new_certificate(client, renamed_holder):
    holder, old = renamed_holder
    client.force_login(holder)
    client.post(f"/certificates/{old.number}/reissue/")
    client.post(f"/certificates/{old.number}/reissue/")  # a double click / a retry
    assert Certificate.objects.filter(holder=holder).count() == 2
    assert Certificate.objects.filter(holder=holder, status=CertificateStatus.VALID).count() == 1


# --- LinkedIn -------------------------------------------------------------------------------------------------


def test_mypage_offers_linkedin_add_to_profile(client):
    from urllib.parse import parse_qs, urlsplit

    certificate = CertificateFactory()
    client.force_login(certificate.holder)
    html = client.get("/mypage/").content.decode()
    href = unescape(re.search(r'<a href="([^"]+)"[^>]*class="linkedin-add">LinkedInに追加</a>', html).group(1))
    url = urlsplit(href)
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["startTask"] == "CERTIFICATION_NAME"
    assert query["name"] == f"{certificate.course_title} 修了証"
    assert query["organizationName"]
    assert query["certId"] == certificate.number
    assert query["certUrl"].endswith(f"/verify/{certificate.number}/?s={certificate.signature}")
    from certificates.dates import local_date

    issued = local_date(certificate.issued_at)
    assert (query["issueYear"], query["issueMonth"]) == (str(issued.year), str(issued.month))
