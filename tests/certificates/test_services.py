import pytest
from django.db import IntegrityError, transaction

from certificates import messages, signing
from certificates.enums import CertificateSource, CertificateStatus, VerificationOutcome
from certificates.models import Certificate
from certificates.numbering import parse_number
from certificates.services import (
    CertificateError,
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
    signature_is_genuine,
    signed_payload,
    verify_certificate,
)
from certificates.verifications import flush_verification_counts
from courses.enums import Channel
from courses.services import complete_course
from tests.accounts.factories import UserFactory

from .factories import CertificateFactory, make_course

pytestmark = pytest.mark.django_db


def test_completing_the_course_issues_one_signed_certificate_in_the_same_transaction():
    user = UserFactory(profile__full_name="山田 太郎", profile__furigana="やまだ たろう")
    course = make_course()
    complete_course(user=user, course=course, channel=Channel.ONLINE)
    certificate = Certificate.objects.get(holder=user)
    assert certificate.status == CertificateStatus.VALID
    assert certificate.holder_name == "山田 太郎"
    assert certificate.holder_furigana == "やまだ たろう"
    assert certificate.course_title == course.title
    assert certificate.curriculum_version == "2026.1"
    assert certificate.source == CertificateSource.ONLINE
    assert parse_number(certificate.number) == certificate.number
    assert signature_is_genuine(certificate)


def test_completing_twice_issues_nothing_twice():
    user = UserFactory()
    course = make_course()
    complete_course(user=user, course=course, channel=Channel.ONLINE)
    complete_course(user=user, course=course, channel=Channel.ONLINE)
    assert Certificate.objects.filter(holder=user).count() == 1


def test_a_failure_after_issuing_rolls_the_certificate_back_with_the_completion():
    user = UserFactory()
    course = make_course()
    with pytest.raises(RuntimeError), transaction.atomic():
        complete_course(user=user, course=course, channel=Channel.ONLINE)
        raise RuntimeError("boom")
    assert not Certificate.objects.filter(holder=user).exists()
    assert not user.enrolments.completed().exists()


def test_workshop_completion_records_the_workshop_and_the_source():
    user = UserFactory()
    course = make_course()
    complete_course(user=user, course=course, channel=Channel.WORKSHOP, workshop=course)
    certificate = Certificate.objects.get(holder=user)
    assert certificate.source == CertificateSource.WORKSHOP
    assert certificate.workshop_id == course.pk


def test_issue_certificate_is_idempotent_for_a_holder_and_course():
    user = UserFactory()
    course = make_course()
    first = issue_certificate(holder=user, course=course, source="online")
    second = issue_certificate(holder=user, course=course, source="online")
    assert first.pk == second.pk


def test_database_refuses_a_second_valid_certificate_for_the_same_holder_and_course():
    certificate = CertificateFactory()
    duplicate = Certificate(
        number="0000-0000-0000-0000-0",
        holder=certificate.holder,
        holder_name="x",
        course=certificate.course,
        course_title="x",
        source="online",
        issued_at=certificate.issued_at,
        key_id="k",
        signature="s",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_numbers_are_random_and_never_follow_the_id():
    numbers = {CertificateFactory().number for _ in range(5)}
    assert len(numbers) == 5
    assert all(len(n) == 21 and n.count("-") == 4 for n in numbers)


def test_revoking_requires_a_reason_and_keeps_who_and_when():
    certificate = CertificateFactory()
    staff = UserFactory()
    with pytest.raises(CertificateError) as excinfo:
        revoke_certificate(certificate=certificate, reason="   ", revoked_by=staff)
    assert excinfo.value.message == messages.REVOKE_REASON_REQUIRED
    certificate.refresh_from_db()
    assert certificate.is_valid

    revoked = revoke_certificate(certificate=certificate, reason="不正な受講", revoked_by=staff)
    assert revoked.status == CertificateStatus.REVOKED
    assert revoked.revoked_by == staff
    assert revoked.revoked_at is not None
    assert revoked.revoked_reason == "不正な受講"


def test_revoking_twice_is_refused():
    certificate = CertificateFactory(revoked=True)
    with pytest.raises(CertificateError) as excinfo:
        revoke_certificate(certificate=certificate, reason="again")
    assert excinfo.value.message == messages.ALREADY_REVOKED


def test_a_new_certificate_can_be_issued_after_revocation():
    revoked = CertificateFactory(revoked=True)
    new = reissue_certificate(certificate=revoked)
    assert new.pk != revoked.pk
    assert new.is_valid
    assert new.number != revoked.number
    revoked.refresh_from_db()
    assert revoked.is_revoked
    with pytest.raises(CertificateError):
        reissue_certificate(certificate=revoked)


def test_a_changed_fact_breaks_the_signature():
    certificate = CertificateFactory()
    certificate.holder_name = "別人 次郎"
    assert not signature_is_genuine(certificate)


def test_signature_covers_the_canonical_payload_with_the_published_key():
    certificate = CertificateFactory()
    public = signing.public_keys()[certificate.key_id]
    public.verify(signing.b64url_decode(certificate.signature), signed_payload(certificate))
    assert b'"number":"' + certificate.number.encode() + b'"' in signed_payload(certificate)


def test_verify_finds_valid_revoked_and_not_found_and_forged():
    valid = CertificateFactory()
    revoked = CertificateFactory(revoked=True)
    assert verify_certificate(raw_number=valid.number, channel="page").outcome == VerificationOutcome.VALID
    assert verify_certificate(raw_number=revoked.number, channel="page").outcome == VerificationOutcome.REVOKED
    assert verify_certificate(raw_number="0000-0000-0000-0000-0", channel="page").outcome == VerificationOutcome.NOT_FOUND
    assert verify_certificate(raw_number="<script>", channel="page").outcome == VerificationOutcome.MALFORMED
    tampered = valid.signature[:-2] + ("A" if valid.signature[-2] != "A" else "B") + valid.signature[-1]
    assert verify_certificate(raw_number=valid.number, signature=tampered, channel="qr").outcome == VerificationOutcome.FORGED
    assert (
        verify_certificate(raw_number=valid.number, signature=valid.signature, channel="qr").outcome
        == VerificationOutcome.VALID
    )


def test_verifications_are_recorded_without_who():
    certificate = CertificateFactory()
    verify_certificate(raw_number=certificate.number.lower().replace("-", ""), channel="page")
    verify_certificate(raw_number=certificate.number, channel="api")
    flush_verification_counts()
    rows = list(certificate.verifications.values())
    assert sorted((row["channel"], row["count"]) for row in rows) == [("api", 1), ("page", 1)]
    # when (to the minute), how and how many; `batch` names the flush that wrote the row. Nothing about who.
    assert set(rows[0]) == {"id", "certificate_id", "verified_at", "channel", "count", "batch"}
    assert all(row["verified_at"].second == 0 for row in rows)
