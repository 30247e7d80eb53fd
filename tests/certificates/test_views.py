import jwt
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates import messages
from certificates.enums import NameDisplay
from certificates.models import Certificate, CertificateVerification
from certificates.services import render_certificate_files, revoke_certificate, set_name_display
from certificates.signing import get_signing_key
from certificates.verifications import counted_verifications, flush_verification_counts
from lms.accounts.services import delete_account
from tests.accounts.factories import UserFactory
from tests.conftest import give_totp

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db


def _cert(name="山田 太郎", furigana="やまだ たろう", **kwargs):
    return CertificateFactory(holder=UserFactory(profile__full_name=name, profile__furigana=furigana), **kwargs)


def test_verify_form_page_renders_a_labelled_form(client):
    response = client.get("/verify/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<label for="id_number">修了証番号' in body
    assert "noindex" in body


def test_typed_number_in_lower_case_without_hyphens_is_found(client):
    certificate = _cert()
    response = client.get("/verify/", {"number": certificate.number.lower().replace("-", "")})
    assert response.status_code == 200
    assert "有効な修了証です" in response.content.decode()


def test_empty_form_submission_asks_for_a_number(client):
    response = client.get("/verify/", {"number": ""})
    assert response.status_code == 400
    assert str(messages.NUMBER_REQUIRED) in response.content.decode()


def test_valid_page_shows_the_recorded_facts_and_not_more(client):
    certificate = _cert()
    response = client.get(f"/verify/{certificate.number}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    from certificates.dates import both

    shown = (
        "山田 太郎",
        certificate.course_title,
        "つながりサポーター養成事業 事務局",
        certificate.number,
        str(messages.VALID),
        both(certificate.issued_at),  # 令和…年…月…日（20…年…月…日）
    )
    for expected in shown:
        assert expected in body
    assert "やまだ たろう" not in body  # furigana is not needed by a verifier
    assert certificate.holder.email not in body


def test_holder_can_show_initials_instead_of_the_full_name(client):
    certificate = _cert()
    set_name_display(certificate=certificate, holder=certificate.holder, name_display=NameDisplay.INITIALS)
    body = client.get(f"/verify/{certificate.number}/").content.decode()
    assert "Y. T." in body
    assert "山田" not in body


def test_revoked_certificate_says_when_and_that_it_is_not_valid(client):
    certificate = _cert(revoked=True)
    body = client.get(f"/verify/{certificate.number}/").content.decode()
    assert "失効した修了証です" in body
    assert str(messages.REVOKED) in body
    assert "有効な修了証です" not in body


def test_html_in_a_name_is_shown_as_text(client):
    certificate = _cert(name="<script>alert(1)</script>")
    body = client.get(f"/verify/{certificate.number}/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_every_well_formed_unknown_number_gets_the_same_answer_with_the_same_queries(client):
    from certificates.numbering import format_number

    unknown_number = "0000-0000-0000-0000-0"
    other_unknown = format_number("7K3MQ9RT2VXBH4ND")
    client.get("/verify/")  # warm, as on a running site (the footer's consultation windows are then cached)
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown = client.get(f"/verify/{unknown_number}/")
    with CaptureQueriesContext(connection) as other_queries:
        other = client.get(f"/verify/{other_unknown}/")
    assert unknown.status_code == other.status_code == 404
    assert unknown.content.decode().replace(unknown_number, "N") == other.content.decode().replace(other_unknown, "N")
    assert str(messages.NOT_FOUND) in unknown.content.decode()
    assert len(unknown_queries) == len(other_queries)


@pytest.mark.parametrize(
    ("typed", "message", "not_said"),
    [
        ("ZZZZ-ZZZZ-ZZZZ-ZZZZ-Q", messages.MISTYPED, "見つかりませんでした"),  # wrong check symbol
        ("7K3M-Q9RT-2VXB-H4DN-U", messages.MISTYPED, "見つかりませんでした"),  # two neighbours swapped
        ("山田太郎", messages.MALFORMED, "見つかりませんでした"),
        ("https://example.com/", messages.MALFORMED, "見つかりませんでした"),
    ],
)
def test_typing_mistakes_and_non_numbers_are_told_apart_with_the_same_queries(client, typed, message, not_said):
    client.get("/verify/")
    with CaptureQueriesContext(connection) as unknown_queries:
        client.get("/verify/", {"number": "0000-0000-0000-0000-0"})
    with CaptureQueriesContext(connection) as typed_queries:
        response = client.get("/verify/", {"number": typed})
    body = response.content.decode()
    assert response.status_code == 404
    assert str(message) in body and not_said not in body
    def certificate_lookups(queries):
        return [q["sql"] for q in queries.captured_queries if "certificates_certificate" in q["sql"]]

    # the same look-up as an unknown number (Wagtail's redirect middleware adds its own on a 404 with a query string)
    assert len(certificate_lookups(typed_queries)) == len(certificate_lookups(unknown_queries)) == 1


def test_forged_signature_says_plainly_it_was_not_issued_here(client):
    certificate = _cert()
    other = _cert(name="別人 花子")
    body = client.get(f"/verify/{certificate.number}/?s={other.signature}").content.decode()
    assert str(messages.FORGED) in body
    assert "山田 太郎" not in body
    garbage = client.get(f"/verify/{certificate.number}/?s=<b>x</b>").content.decode()
    assert str(messages.FORGED) in garbage


def test_lookups_are_rate_limited_per_client_with_a_japanese_429_page(client, settings):
    settings.CERTIFICATE_VERIFY_RATE = "3/m"
    certificate = _cert()
    for _ in range(3):
        assert client.get(f"/verify/{certificate.number}/").status_code == 200
    limited = client.get(f"/verify/{certificate.number}/")
    assert limited.status_code == 429
    assert "しばらくしてからお試しください" in limited.content.decode()
    other_client = client.get(f"/verify/{certificate.number}/", REMOTE_ADDR="10.0.0.2")
    assert other_client.status_code == 200


def test_lookups_are_recorded_with_time_and_channel_only(client):
    certificate = _cert()
    client.get(f"/verify/{certificate.number}/?s={certificate.signature}")
    client.get(f"/verify/{certificate.number}/")
    flush_verification_counts()  # counted in Redis (or this process), written by the beat task
    rows = CertificateVerification.objects.values_list("channel", "count").order_by("channel")
    assert list(rows) == [("page", 1), ("qr", 1)]


# --- Downloads ---------------------------------------------------------------------------------------------


def test_holder_downloads_pdf_and_card(client):
    certificate = _cert()
    client.force_login(certificate.holder)
    for kind in ("pdf", "card"):
        response = client.get(f"/certificates/{certificate.number}/{kind}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_users_certificate_cannot_be_downloaded(client):
    certificate = _cert()
    render_certificate_files(certificate_id=certificate.pk)
    client.force_login(UserFactory())
    for path in ("pdf/", "card/", "credential/"):
        assert client.get(f"/certificates/{certificate.number}/{path}").status_code == 404


def test_anonymous_download_goes_to_login(client):
    certificate = _cert()
    response = client.get(f"/certificates/{certificate.number}/pdf/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_staff_with_permission_and_mfa_can_download(client):
    from django.contrib.auth.models import Permission

    certificate = _cert()
    staff = UserFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_certificate"))
    client.force_login(staff)
    response = client.get(f"/certificates/{certificate.number}/pdf/")  # no TOTP yet: set it up first
    assert response.status_code == 302 and response["Location"].startswith("/mypage/security/enrol/")
    give_totp(staff)
    staff = type(staff).objects.get(pk=staff.pk)
    client.force_login(staff)
    assert client.get(f"/certificates/{certificate.number}/pdf/").status_code == 200


def test_credential_is_an_open_badge_signed_as_a_jwt_with_the_published_key(client):
    certificate = _cert()
    client.force_login(certificate.holder)
    response = client.get(f"/certificates/{certificate.number}/credential/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    token = response.content.decode()
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    jwks = client.get("/.well-known/jwks.json").json()
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    public = jwt.PyJWK(key).key
    claims = jwt.decode(token, public, algorithms=["EdDSA"])
    assert "OpenBadgeCredential" in claims["type"]
    assert "name" not in claims["credentialSubject"]  # not in the OB 3.0 AchievementSubject (issue 16)
    assert claims["credentialSubject"]["identifier"][0]["identityHash"] == certificate.number
    assert claims["credentialSubject"]["achievement"]["version"] == certificate.curriculum_version
    assert claims["validFrom"].endswith("Z")
    tampered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tampered, public, algorithms=["EdDSA"])

    as_json = client.get(f"/certificates/{certificate.number}/credential/?format=json").json()
    assert as_json["@context"][0] == "https://www.w3.org/ns/credentials/v2"


def test_holder_chooses_name_display_and_others_cannot(client):
    certificate = _cert()
    other = UserFactory()
    client.force_login(other)
    assert client.post(f"/certificates/{certificate.number}/name-display/", {"name_display": "initials"}).status_code == 404
    client.force_login(certificate.holder)
    response = client.post(f"/certificates/{certificate.number}/name-display/", {"name_display": "initials"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.name_display == NameDisplay.INITIALS
    client.post(f"/certificates/{certificate.number}/name-display/", {"name_display": "<bad>"})
    certificate.refresh_from_db()
    assert certificate.name_display == NameDisplay.INITIALS


def test_mypage_lists_certificates_with_links_and_verification_count(client):
    certificate = _cert()
    client.get(f"/verify/{certificate.number}/")
    client.get(f"/verify/{certificate.number}/")
    flush_verification_counts()
    client.force_login(certificate.holder)
    body = client.get("/mypage/").content.decode()
    assert certificate.number in body
    assert f"/certificates/{certificate.number}/pdf/" in body
    assert f"/certificates/{certificate.number}/card/" in body
    assert f"/certificates/{certificate.number}/credential/" in body
    assert f"/verify/{certificate.number}/?s={certificate.signature}" in body
    assert "<strong>2回</strong>" in body


def test_mypage_shows_no_certificate_panel_to_someone_without_one(client):
    _cert()
    client.force_login(UserFactory())
    body = client.get("/mypage/").content.decode()
    # (the employer-link consent now names 修了証番号 too, so look for the panel itself)
    assert 'id="certificates-panel-title"' not in body and 'class="certificate-card' not in body


def test_home_page_shows_the_number_of_certified_supporters(client):
    _cert()
    _cert()
    revoked = _cert(revoked=True)
    CertificateFactory(holder=revoked.holder, course=revoked.course)  # re-issued: still one person
    body = client.get("/").content.decode()
    assert "このサイトで修了したつながりサポーター" in body and "全国のつながりサポーター" not in body
    assert "<strong>3</strong>人が、このサイトの養成講座を修了しています" in body
    assert "全国の自治体などの講座で養成された人の数は含みません" in body  # it is not a national total


# --- Account deletion ----------------------------------------------------------------------------------------


def test_deleting_the_account_revokes_and_erases_the_name(client):
    certificate = _cert()
    render_certificate_files(certificate_id=certificate.pk)
    pdf_file = Certificate.objects.get(pk=certificate.pk).pdf_file
    delete_account(user=certificate.holder)
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoked_reason == "退会"
    assert certificate.holder_name == "" and certificate.holder_furigana == ""
    from certificates.storage import certificate_storage

    assert not certificate_storage().exists(pdf_file)
    body = client.get(f"/verify/{certificate.number}/").content.decode()
    assert "失効した修了証です" in body
    assert "山田" not in body


def test_revoking_flips_the_page_everywhere(client):
    certificate = _cert()
    assert "有効な修了証です" in client.get(f"/verify/{certificate.number}/").content.decode()
    revoke_certificate(certificate=certificate, reason="誤発行")
    assert "失効した修了証です" in client.get(f"/verify/{certificate.number}/").content.decode()
    assert client.get(f"/api/v1/certificates/{certificate.number}").json()["status"] == "revoked"
    assert get_signing_key()  # the key is unaffected


def test_a_reused_answer_never_hides_a_change(client):
    """Answers for anonymous verifiers are reused from the cache; any change to what they show makes a new one."""
    certificate = _cert()
    first = client.get(f"/verify/{certificate.number}/").content
    assert client.get(f"/verify/{certificate.number}/").content == first
    set_name_display(certificate=certificate, holder=certificate.holder, name_display=NameDisplay.INITIALS)
    assert "Y. T." in client.get(f"/verify/{certificate.number}/").content.decode()
    revoke_certificate(certificate=certificate, reason="テスト")
    assert "失効した修了証です" in client.get(f"/verify/{certificate.number}/").content.decode()
    flush_verification_counts()
    assert counted_verifications(certificate) == 4  # every look-up counted, the reused answers too


def test_signed_in_users_get_their_own_rendering(client):
    certificate = _cert()
    anonymous = client.get(f"/verify/{certificate.number}/").content.decode()
    client.force_login(certificate.holder)
    signed_in = client.get(f"/verify/{certificate.number}/").content.decode()
    assert signed_in != anonymous
    assert "有効な修了証です" in signed_in
