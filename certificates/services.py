"""Domain rules of certificates: issuing (numbered and signed), revoking, verifying, erasing personal data,
linking staff to organisations, rendering the files.

Everything that changes a certificate goes through these functions; views, the admin, tasks, signal receivers and
other apps (courses.services.complete_course) call them."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from . import messages, signing
from .enums import (
    REVOCATION_REASON_ACCOUNT_DELETED,
    CertificateSource,
    CertificateStatus,
    NameDisplay,
    RenderStatus,
    VerificationChannel,
    VerificationOutcome,
)
from .models import Certificate, OrganisationInvite
from .numbering import ALPHABET, classify_number, generate_number

logger = logging.getLogger(__name__)

PAYLOAD_VERSION = 1


class CertificateError(Exception):
    """A request that is refused and changes nothing; `message` is shown to the person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- Issuing ---------------------------------------------------------------------------------------------------


def signed_payload(certificate: Certificate) -> bytes:
    """The canonical bytes the signature covers: the certificate's facts as issued, as compact JSON with sorted
    keys (UTF-8). A verifier rebuilds them from the verification API's `signed_payload` (docs/certificate-signing.md)."""
    return json.dumps(signed_fields(certificate), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def holder_digest(*, number: str, name: str, furigana: str) -> str:
    """SHA-256 (hex) of the number, name and furigana as printed, one per line. The signed payload carries this
    instead of the name, so the public API never reveals a name the holder chose to hide (initials), while anyone
    holding the PDF can recompute it from what is printed on it."""
    return hashlib.sha256(f"{number}\n{name}\n{furigana}".encode()).hexdigest()


def signed_fields(certificate: Certificate) -> dict:
    issued = certificate.issued_at.astimezone(UTC).replace(microsecond=0)
    return {
        "v": PAYLOAD_VERSION,
        "number": certificate.number,
        "holder": holder_digest(
            number=certificate.number, name=certificate.holder_name, furigana=certificate.holder_furigana
        ),
        "course": certificate.course_title,
        "course_id": certificate.course_id,
        "curriculum_version": certificate.curriculum_version,
        "source": certificate.source,
        "issued_at": issued.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _holder_names(holder) -> tuple[str, str]:
    profile = getattr(holder, "profile", None)
    if profile is not None and profile.full_name:
        return profile.full_name, profile.furigana
    return holder.get_full_name(), ""


def issue_certificate(
    *, holder, course, source: CertificateSource | str, workshop=None, _reissue_of: Certificate | None = None
) -> Certificate:
    """Issue the holder's certificate for `course`, or return the valid one they already have.

    Called by courses.services.complete_course inside its transaction, so the certificate exists exactly when the
    completion does. Idempotent and safe under concurrency: the partial unique constraint allows one valid
    certificate per holder and course, and a concurrent second issue returns the first. The PDF and card are
    rendered by a Celery task queued after commit (and again on demand if that never happens)."""
    source = CertificateSource(source)
    if workshop is not None and source != CertificateSource.WORKSHOP:
        raise ValueError("A workshop can only be given with source=workshop.")
    # No savepoint of its own: inside complete_course's transaction an error here must roll the completion back too.
    with transaction.atomic(savepoint=False):
        existing = Certificate.objects.valid().filter(holder=holder, course=course).first()
        if existing is not None:
            return existing
        name, furigana = _holder_names(holder)
        key = signing.get_signing_key()
        for _attempt in range(3):
            certificate = Certificate(
                number=generate_number(),
                holder=holder,
                holder_name=name,
                holder_furigana=furigana,
                course=course,
                course_title=_reissue_of.course_title if _reissue_of else course.title,
                curriculum_version=(
                    _reissue_of.curriculum_version if _reissue_of else getattr(course, "curriculum_version", "") or ""
                ),
                name_display=_reissue_of.name_display if _reissue_of else NameDisplay.FULL,
                source=source,
                workshop=workshop,
                issued_at=timezone.now().replace(microsecond=0),
                key_id=key.kid,
                signature="-",
            )
            certificate.signature = key.sign(signed_payload(certificate))
            certificate.full_clean(exclude=["holder", "course", "workshop"], validate_unique=False, validate_constraints=False)
            try:
                with transaction.atomic():
                    certificate.save()
            except IntegrityError:
                existing = Certificate.objects.valid().filter(holder=holder, course=course).first()
                if existing is not None:  # issued concurrently
                    return existing
                continue  # a number collision (2^-80): draw again
            break
        else:  # pragma: no cover - three collisions in a row cannot happen by chance
            raise RuntimeError("Could not allocate a certificate number.")
    _queue_render(certificate.pk)
    notify_certificate_issued(certificate=certificate)
    return certificate


def notify_certificate_issued(*, certificate: Certificate) -> None:
    """Tell the holder by e-mail that `certificate` was issued (online completion or a workshop), after the
    surrounding transaction commits. Safe to call more than once: the e-mail is sent at most once per certificate
    (`send_issued_notice`), and one that could not be queued is sent by the sweep (`send_pending_issued_notices`)."""
    from lms.outbox.services import enqueue

    from .tasks import send_certificate_issued_notice

    # Through the outbox (issue 15): with the broker down it is kept and published when the broker is back.
    enqueue(send_certificate_issued_notice, certificate.pk, key=f"certificate-issued-notice:{certificate.pk}")


def send_issued_notice(*, certificate_id: int) -> bool:
    """Send the "修了証を発行しました" e-mail once: the certificate row is claimed first (an atomic UPDATE of
    `issued_notice_claimed_at`; a claim older than NOTICE_LEASE_SECONDS whose sender died is taken again), released if
    sending fails, and `issued_notice_sent_at` is set after the SMTP call — so a retry sends it and a second run sends
    nothing (the residual window is in lms/leases.py). Nothing is sent for a revoked or erased certificate or an
    inactive holder. Returns whether it was sent now."""
    from lms.leases import notice_cutoff

    from .emails import build_issued_email

    now = timezone.now()
    claimed = (
        Certificate.objects.filter(
            pk=certificate_id,
            issued_notice_sent_at__isnull=True,
            status=CertificateStatus.VALID,
            personal_data_erased_at__isnull=True,
            holder__is_active=True,
        )
        .filter(Q(issued_notice_claimed_at__isnull=True) | Q(issued_notice_claimed_at__lt=notice_cutoff(now)))
        .update(issued_notice_claimed_at=now)
    )
    if not claimed:
        return False
    mine = Certificate.objects.filter(pk=certificate_id, issued_notice_claimed_at=now, issued_notice_sent_at__isnull=True)
    certificate = Certificate.objects.select_related("holder__profile", "workshop").get(pk=certificate_id)
    try:
        build_issued_email(certificate=certificate).send()
    except Exception:
        mine.update(issued_notice_claimed_at=None)
        raise
    mine.update(issued_notice_sent_at=timezone.now())
    return True


def pending_issued_notice_ids(*, older_than_seconds: int = 300, within_days: int = 7, limit: int = 500) -> list[int]:
    """Valid certificates issued in the last week whose e-mail was never sent (e.g. the broker was down, or the sender
    died after claiming it: claim older than the notice lease)."""
    from datetime import timedelta

    from lms.leases import notice_cutoff

    now = timezone.now()
    return list(
        Certificate.objects.valid()
        .filter(
            issued_notice_sent_at__isnull=True,
            personal_data_erased_at__isnull=True,
            holder__is_active=True,
            issued_at__lte=now - timedelta(seconds=older_than_seconds),
            issued_at__gte=now - timedelta(days=within_days),
        )
        .filter(Q(issued_notice_claimed_at__isnull=True) | Q(issued_notice_claimed_at__lt=notice_cutoff(now)))
        .order_by("issued_at")
        .values_list("pk", flat=True)[:limit]
    )


RENDER_BATCH_SIZE = 25  # certificates per render task when many are issued at once (batched_renders)
_batching = threading.local()


class RenderBatch:
    """The PDF renders collected by `batched_renders`, queued one task per `size` certificates."""

    def __init__(self, size: int):
        self.size = size
        self.ids: list[int] = []

    def flush(self, *, full_only: bool = False) -> None:
        """Queue the collected renders (only whole batches with `full_only`). Call it outside the issuing
        transaction (the outbox rows are written in the current one)."""
        from lms.outbox.services import enqueue

        from .tasks import render_certificate_batch

        while self.ids and (len(self.ids) >= self.size or not full_only):
            chunk, self.ids = self.ids[: self.size], self.ids[self.size :]
            enqueue(render_certificate_batch, chunk, key=f"certificate-render-batch:{chunk[0]}-{chunk[-1]}-{len(chunk)}")


@contextmanager
def batched_renders(size: int = RENDER_BATCH_SIZE):
    """Within this block (a workshop closing, a bulk issue), certificates issued queue their PDF renders as one task
    per `size` certificates instead of one task each: the worker then reads the issuer once per batch and writes
    the statuses in bulk (`render_batch`). The caller may `flush(full_only=True)` between its transactions so the
    first batches start while it goes on; the rest is queued when the block ends. Through the outbox like single
    renders; if the process dies before a batch is queued, the sweep (`render_pending_certificates`) and the first
    download render what was not queued."""
    if getattr(_batching, "batch", None) is not None:  # nested: the outermost block queues
        yield _batching.batch
        return
    _batching.batch = batch = RenderBatch(size)
    try:
        yield batch
    finally:
        _batching.batch = None
        batch.flush()


def _queue_render(certificate_id: int) -> None:
    """Render the PDF after commit, through the outbox: with the broker down the work is kept and published when
    it is back (and the file is rendered on demand at the first download meanwhile). Inside `batched_renders`,
    collected and queued in batches at the end of the block."""
    from lms.outbox.services import enqueue

    from .tasks import render_certificate_files

    batch = getattr(_batching, "batch", None)
    if batch is not None:
        batch.ids.append(certificate_id)  # an id whose issue rolled back is skipped by the batch (no such row)
        return
    enqueue(render_certificate_files, certificate_id, key=f"certificate-render:{certificate_id}")


def signature_is_genuine(certificate: Certificate, signature: str | None = None) -> bool:
    """Does `signature` (default, when None: the stored one) verify over the certificate's facts as recorded now?
    An empty signature (a QR link cut to `?s=`) is a signature that does not verify, never the stored one."""
    if signature is None:
        signature = certificate.signature
    if not signature:
        return False
    return signing.verify(kid=certificate.key_id, data=signed_payload(certificate), signature=signature)


def verification_url(certificate: Certificate, *, absolute: bool = True) -> str:
    """The URL a QR code carries: the verification page with the signature (`?s=`)."""
    from django.conf import settings
    from django.urls import reverse

    path = reverse("certificates:verify_number", args=[certificate.number]) + f"?s={certificate.signature}"
    return settings.SITE_URL.rstrip("/") + path if absolute else path


# --- Revoking ------------------------------------------------------------------------------------------------


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, reason: str, revoked_by=None) -> Certificate:
    """Revoke a valid certificate with a required reason; who and when are kept. The holder can be issued a new one
    afterwards (issue_certificate)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise CertificateError(messages.REVOKE_REASON_REQUIRED)
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.is_revoked:
        raise CertificateError(messages.ALREADY_REVOKED)
    locked.status = CertificateStatus.REVOKED
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason[:500]
    locked.revoked_by = revoked_by
    locked.full_clean(exclude=["holder", "course", "workshop", "revoked_by"], validate_constraints=False)
    locked.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
    _forget_count()
    return locked


@transaction.atomic
def reissue_certificate(*, certificate: Certificate) -> Certificate:
    """Issue a new certificate to the holder of a revoked one (same course, same source)."""
    if certificate.is_valid or Certificate.objects.valid().filter(holder=certificate.holder, course=certificate.course).exists():
        raise CertificateError(messages.REISSUE_NOT_ALLOWED)
    return issue_certificate(
        holder=certificate.holder,
        course=certificate.course,
        source=certificate.source,
        workshop=certificate.workshop if certificate.source == CertificateSource.WORKSHOP else None,
    )


def holder_current_names(holder) -> tuple[str, str]:
    """The name and furigana a certificate issued now would carry."""
    return _holder_names(holder)


def name_changed_since_issue(certificate: Certificate) -> bool:
    name, furigana = _holder_names(certificate.holder)
    return bool(name) and (name, furigana) != (certificate.holder_name, certificate.holder_furigana)


@transaction.atomic
def reissue_with_current_name(*, certificate: Certificate, holder) -> Certificate:
    """The holder's request after a name change: a new certificate (new number, new signature) with their current
    name, the same course title, curriculum version and completion source; the old one becomes REISSUED — still
    answered as genuine (「再発行されました（新しい修了証があります）」, never 失効) and never linked to the new number
    or name. Refused (nothing changes) for another person's, a no-longer-valid one, or when the name is unchanged."""
    if certificate.holder_id != holder.pk:
        raise PermissionError("Only the holder requests a reissue.")
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not locked.is_valid:
        raise CertificateError(messages.REISSUE_NOT_VALID)
    if not name_changed_since_issue(locked):
        raise CertificateError(messages.REISSUE_SAME_NAME)
    now = timezone.now()
    # The partial unique constraint allows one valid certificate per holder and course: step the old one aside first.
    Certificate.objects.filter(pk=locked.pk).update(status=CertificateStatus.REISSUED, reissued_at=now)
    new = issue_certificate(
        holder=locked.holder,
        course=locked.course,
        source=locked.source,
        workshop=locked.workshop if locked.source == CertificateSource.WORKSHOP else None,
        _reissue_of=locked,
    )
    Certificate.objects.filter(pk=locked.pk).update(reissued_as=new)
    locked.refresh_from_db()
    locked.full_clean(exclude=["holder", "course", "workshop", "revoked_by", "reissued_as"], validate_constraints=False)
    return new


@transaction.atomic
def erase_holder_personal_data(*, user) -> int:
    """On account deletion: revoke the holder's valid certificates (reason 退会), erase the name snapshots and delete
    the rendered files, so nothing identifies the person. Returns how many certificates were touched."""
    now = timezone.now()
    certificates = list(Certificate.objects.select_for_update().filter(holder=user))
    for certificate in certificates:
        if certificate.is_valid:
            certificate.status = CertificateStatus.REVOKED
            certificate.revoked_at = now
            certificate.revoked_reason = REVOCATION_REASON_ACCOUNT_DELETED
        _delete_files(certificate)
        certificate.holder_name = ""
        certificate.holder_furigana = ""
        certificate.personal_data_erased_at = now
        certificate.render_status = RenderStatus.PENDING
        certificate.card_status = RenderStatus.PENDING
        certificate.save()
    if certificates:
        _forget_count()
    return len(certificates)


def _forget_count() -> None:
    from .selectors import forget_certified_count

    transaction.on_commit(forget_certified_count)


# --- Holder's choices ----------------------------------------------------------------------------------------


@transaction.atomic
def set_name_display(*, certificate: Certificate, holder, name_display: NameDisplay | str) -> Certificate:
    if certificate.holder_id != holder.pk:
        raise PermissionError("Only the holder chooses how their name is shown.")
    certificate.name_display = NameDisplay(name_display)
    certificate.save(update_fields=["name_display"])
    return certificate


# --- Verifying -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationResult:
    outcome: VerificationOutcome
    number: str | None  # canonical, or None when malformed
    certificate: Certificate | None = None
    signature_checked: bool = False

    @property
    def found(self) -> bool:
        return self.certificate is not None and self.outcome != VerificationOutcome.FORGED

    @property
    def is_problem(self) -> bool:
        """Anything but a valid certificate (the bulk table lists these first)."""
        return self.outcome != VerificationOutcome.VALID


_NOT_FOUND_OUTCOMES = {
    "": VerificationOutcome.NOT_FOUND,
    "mistyped": VerificationOutcome.MISTYPED,
    "malformed": VerificationOutcome.MALFORMED,
}


def _found_outcome(certificate: Certificate) -> VerificationOutcome:
    if certificate.is_valid:
        return VerificationOutcome.VALID
    if certificate.is_reissued:
        return VerificationOutcome.REISSUED
    return VerificationOutcome.REVOKED


# A well-formed number that generate_number never returns is not needed: a malformed input is looked up as this
# placeholder, so unknown and malformed numbers cost the same query and give the same answer.
_PLACEHOLDER = "MALFORMED"


def verification_result(
    *, number: str | None, problem: str, certificate: Certificate | None, signature: str | None = None
) -> VerificationResult:
    """The answer for a number already looked up: NOT_FOUND / MISTYPED / MALFORMED without a certificate; with one,
    FORGED when a given signature does not verify, else its status."""
    if certificate is None:
        return VerificationResult(_NOT_FOUND_OUTCOMES[problem], number)
    signature_checked = signature is not None
    if signature_checked and not signature_is_genuine(certificate, signature):
        return VerificationResult(VerificationOutcome.FORGED, number, certificate, True)
    return VerificationResult(_found_outcome(certificate), number, certificate, signature_checked)


def verify_certificate(
    *, raw_number: str | None, signature: str | None = None, channel: VerificationChannel | str, record: bool = True
) -> VerificationResult:
    """Look a number up as a verifier does. Unknown and malformed numbers give the same NOT_FOUND after the same
    database work. With a signature (from a QR code), a valid certificate whose signature does not match is FORGED.
    A found certificate's look-up is counted (time and channel only; certificates/verifications.py)."""
    number, problem = classify_number(raw_number)
    # One indexed look-up (no join, no ordering) whatever was typed: a mistyped or malformed number is looked up as a
    # placeholder, so every answer that is not a found certificate costs the same query.
    certificate = next(iter(Certificate.objects.filter(number=number or _PLACEHOLDER).order_by()[:1]), None)
    result = verification_result(number=number, problem=problem, certificate=certificate, signature=signature)
    if record and result.found:
        record_verification(certificate=certificate, channel=channel)
    return result


def verify_many(*, raw_numbers: list[str], channel: VerificationChannel | str) -> list[VerificationResult]:
    """Bulk look-up (employers' CSV, the API): one query for all, results in input order, each found certificate's
    look-up counted once."""
    from .verifications import count_verifications

    classified = [classify_number(raw) for raw in raw_numbers]
    wanted = {n for n, _problem in classified if n}
    found = {c.number: c for c in Certificate.objects.filter(number__in=wanted).order_by()}
    results = []
    for number, problem in classified:
        certificate = found.get(number) if number else None
        if certificate is None:
            results.append(VerificationResult(_NOT_FOUND_OUTCOMES[problem], number))
            continue
        results.append(VerificationResult(_found_outcome(certificate), number, certificate))
    count_verifications({r.certificate.pk for r in results if r.certificate is not None}, channel)
    return results


def _name_key(text: str) -> str:
    """A name as compared: NFKC (full- and half-width alike), without any spaces, case-folded."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def holder_name_matches(*, certificate: Certificate, typed_name: str) -> bool:
    """Does the name a verifier read on the PDF match the certificate, without the page revealing it (initials
    mode)? Checked against the holder digest the signature covers: the typed name (written as printed when it differs
    only in spaces or width) with the printed furigana must hash to the signed digest, and the stored signature must
    verify over the stored facts. Rate-limited by the callers; compares in constant time."""
    import hmac

    if not certificate.holder_name or not _name_key(typed_name) or not signature_is_genuine(certificate):
        return False
    candidate = (
        certificate.holder_name
        if hmac.compare_digest(_name_key(typed_name).encode(), _name_key(certificate.holder_name).encode())
        else typed_name
    )
    digest = holder_digest(number=certificate.number, name=candidate, furigana=certificate.holder_furigana)
    return hmac.compare_digest(digest, signed_fields(certificate)["holder"])


def record_verification(*, certificate: Certificate, channel: VerificationChannel | str) -> None:
    """Count one look-up (in Redis, written to CertificateVerification by the flush task)."""
    from .verifications import count_verifications

    count_verifications([certificate.pk], channel)


# --- Organisations -------------------------------------------------------------------------------------------

_INVITE_LENGTH = 10


def _new_invite_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(_INVITE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_invite_code(raw: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKC", raw or "").upper()
    text = "".join(ch for ch in text if ch.isalnum()).translate(str.maketrans({"I": "1", "L": "1", "O": "0"}))
    if len(text) != _INVITE_LENGTH:
        return ""
    return f"{text[:5]}-{text[5:]}"


@transaction.atomic
def get_or_create_invite(*, organisation, created_by=None) -> OrganisationInvite:
    invite = OrganisationInvite.objects.filter(organisation=organisation).first()
    if invite is not None:
        return invite
    return rotate_invite(organisation=organisation, created_by=created_by)


@transaction.atomic
def rotate_invite(*, organisation, created_by=None) -> OrganisationInvite:
    """Issue a new invite code for the organisation; the old one stops working. Already linked staff stay linked."""
    invite = OrganisationInvite.objects.select_for_update().filter(organisation=organisation).first()
    if invite is None:
        invite = OrganisationInvite(organisation=organisation)
    invite.code = _new_invite_code()
    invite.created_at = timezone.now()
    invite.created_by = created_by
    invite.full_clean(exclude=["organisation", "created_by"], validate_unique=False)
    invite.save()
    return invite


@transaction.atomic
def link_to_organisation(*, user, code: str, consent_to_share: bool):
    """A member links themselves to their employer with its invite code. The link shows the organisation their
    certification status, so it needs their explicit consent (`consent_to_share`, a box they tick — never assumed):
    without it nothing changes. Returns the organisation; raises CertificateError for a wrong code or no consent."""
    if consent_to_share is not True:
        raise CertificateError(messages.SHARE_CONSENT_REQUIRED)
    normalised = normalise_invite_code(code)
    if not normalised:
        raise CertificateError(messages.INVITE_CODE_INVALID if code and code.strip() else messages.INVITE_CODE_REQUIRED)
    invite = OrganisationInvite.objects.select_related("organisation").filter(code=normalised).first()
    profile = getattr(user, "profile", None)
    if invite is None or profile is None:
        raise CertificateError(messages.INVITE_CODE_INVALID)
    _set_employer(profile=profile, organisation=invite.organisation)
    return invite.organisation


def _set_employer(*, profile, organisation) -> None:
    """The profile's employer link and the consent to share certification with it always change together."""
    profile.employer = organisation
    profile.consent_employer_share = organisation is not None
    profile.full_clean()
    profile.save(update_fields=["employer", "consent_employer_share", "updated_at"])


@transaction.atomic
def unlink_from_organisation(*, user) -> None:
    profile = getattr(user, "profile", None)
    if profile is None:
        return
    _set_employer(profile=profile, organisation=None)


# --- Files ---------------------------------------------------------------------------------------------------


def _delete_files(certificate: Certificate) -> None:
    from .storage import certificate_storage

    storage = certificate_storage()
    for name in (certificate.pdf_file, certificate.card_file):
        if name and storage.exists(name):
            storage.delete(name)
    certificate.pdf_file = ""
    certificate.card_file = ""


@dataclass(frozen=True)
class _FileKind:
    """Where one kind of rendered file keeps its name, status and failure reason on the certificate."""

    renderer: str  # the function in certificates.rendering (looked up at call time, so tests can replace it)
    file: str
    status: str
    error: str
    filename: str
    started: str | None = None  # the lease of a running render (lms/leases.py), PDF only
    rendered_at: str | None = None


FILE_KINDS = {
    # The 修了証 PDF: what the holder needs at issue time (rendered by the task queued at issue).
    "pdf": _FileKind("render_certificate_pdf", "pdf_file", "render_status", "render_error", "certificate.pdf",
                     started="render_started_at", rendered_at="rendered_at"),
    # The wallet card: on its first download (or by the sweep after a failure), never at issue time.
    "card": _FileKind("render_card_pdf", "card_file", "card_status", "card_error", "card.pdf"),
}


def _has_file(certificate: Certificate, spec: _FileKind, storage) -> bool:
    name = getattr(certificate, spec.file)
    return getattr(certificate, spec.status) == RenderStatus.DONE and bool(name) and storage.exists(name)


def render_file(*, certificate_id: int, kind: str = "pdf", force: bool = False) -> Certificate:
    """Render and store one file of a certificate: `kind` "pdf" (the 修了証, at issue time) or "card" (the wallet
    card, on demand). Idempotent: a file already stored is kept unless `force`; a failure records its reason
    (status FAILED) and re-raises so the task retries or the download says so. Raises Certificate.DoesNotExist for
    an unknown id and CertificateError for a certificate whose personal data was erased."""
    (certificate,) = _render(Certificate.objects.filter(pk=certificate_id), kind=kind, force=force, raise_errors=True)
    return certificate


def render_batch(*, certificate_ids: list[int], kind: str = "pdf", force: bool = False) -> dict:
    """Render many certificates' files in one process (a bulk issue, the bench): the issuer and its seal are read
    once, the certificates in one query, all marked running in one UPDATE, and each stored file recorded with one
    conditional UPDATE as soon as it is written — so a worker killed mid-batch leaves the ones done recorded (never
    rendered again) and the rest `running` with their lease, which the sweep takes over (nothing lost, nothing
    twice). One certificate failing is recorded (FAILED) and the others are still rendered. Returns counts."""
    rendered = _render(Certificate.objects.filter(pk__in=certificate_ids), kind=kind, force=force, raise_errors=False)
    return {"requested": len(certificate_ids), "done": sum(1 for c in rendered if getattr(c, FILE_KINDS[kind].status) == RenderStatus.DONE)}


def _render(queryset, *, kind: str, force: bool, raise_errors: bool) -> list[Certificate]:
    from . import rendering
    from .storage import certificate_storage

    spec = FILE_KINDS[kind]
    storage = certificate_storage()
    certificates = list(queryset.select_related("course", "holder", "workshop").order_by("pk"))
    if raise_errors and not certificates:
        raise Certificate.DoesNotExist("Certificate matching query does not exist.")
    todo = []
    for certificate in certificates:
        if not force and _has_file(certificate, spec, storage):
            continue
        if certificate.personal_data_erased_at:
            if raise_errors:
                raise CertificateError(messages.FILE_NOT_READY)
            continue
        todo.append(certificate)
    if not todo:
        return certificates
    now = timezone.now()
    running = {spec.status: RenderStatus.RUNNING, spec.error: ""}
    if spec.started:
        running[spec.started] = now
    Certificate.objects.filter(pk__in=[c.pk for c in todo]).update(**running)
    issuer = rendering.issuer_context()
    render = getattr(rendering, spec.renderer)
    for certificate in todo:
        try:
            data = render(certificate, rendering.certificate_context(certificate, issuer))
            name = storage.save(f"certificates/{secrets.token_urlsafe(18)}/{spec.filename}", _content(data))
        except Exception as exc:
            failed = {spec.status: RenderStatus.FAILED, spec.error: f"{type(exc).__name__}: {exc}"[:500]}
            Certificate.objects.filter(pk=certificate.pk).update(**failed)
            setattr(certificate, spec.status, RenderStatus.FAILED)
            if raise_errors:
                raise
            logger.exception("Rendering the %s of certificate %s failed", kind, certificate.pk)
            continue
        _store(certificate, spec, name, storage, force=force)
    return certificates


def _store(certificate: Certificate, spec: _FileKind, name: str, storage, *, force: bool) -> None:
    """Record a stored file with one conditional UPDATE: only while this render is still the running one and the
    personal data is not erased. Another process that stored the file meanwhile wins (ours is deleted: no
    duplicate); a forced render replaces the old file, which is then deleted."""
    done = {spec.file: name, spec.status: RenderStatus.DONE, spec.error: ""}
    if spec.rendered_at:
        done[spec.rendered_at] = timezone.now()
    target = Certificate.objects.filter(pk=certificate.pk, personal_data_erased_at__isnull=True)
    old = getattr(certificate, spec.file)  # as read before rendering: a lost or failed earlier file, superseded now
    if force:
        with transaction.atomic():
            old = target.select_for_update().values_list(spec.file, flat=True).first() or old
            updated = target.update(**done)
    else:
        updated = target.filter(**{spec.status: RenderStatus.RUNNING}).update(**done)
    if not updated:  # stored by another process meanwhile, or erased: keep theirs / nothing
        storage.delete(name)
        certificate.refresh_from_db()
        return
    for field, value in done.items():
        setattr(certificate, field, value)
    if old and old != name and storage.exists(old):
        storage.delete(old)


def render_certificate_files(*, certificate_id: int, force: bool = False) -> Certificate:
    """The 修了証 PDF (`render_file` kind "pdf")."""
    return render_file(certificate_id=certificate_id, kind="pdf", force=force)


def render_card(*, certificate_id: int, force: bool = False) -> Certificate:
    """The wallet card (`render_file` kind "card"), on its first download."""
    return render_file(certificate_id=certificate_id, kind="card", force=force)


def _content(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)


def ensure_files(*, certificate: Certificate, kind: str = "pdf") -> Certificate:
    """The certificate with the file of `kind` ("pdf" or "card") present: rendered now, in this request, if the task
    never ran (a broker outage), the file was lost, or (the card) it was never asked for before."""
    return render_file(certificate_id=certificate.pk, kind="card" if kind == "card" else "pdf")
