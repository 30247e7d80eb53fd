"""The printed 修了証 of a paper participant, verifiable online from the day it is printed.

A paper participant has no account, so their printed certificate is not a `certificates.Certificate` (which belongs
to a holder). It carries its own number — ``P-`` and a certificate-style number (80 random bits, Crockford base32
with a check symbol, e.g. ``P-7K3M-Q9RT-2VXB-H4ND-S``: never derived from an id, so nobody can walk through the
participants of a workshop) — and an Ed25519 signature with the certificates' signing key over the number, the
holder digest of the printed name and furigana, and the workshop. The QR code on the sheet opens
``/verify/paper/<number>/?s=<signature>``; typed into /verify/ the number is sent there too.

What a verifier sees is what the verify page gives for a holder who chose initials (a paper participant cannot
choose): the initials, the workshop, its date and organiser, the state; the printed name can be checked with
「修了証に印字された氏名で照合」 (一致 / 不一致, rate-limited, the typed name neither shown nor stored).

States: valid (printed, not yet claimed); valid and claimed into an account (the page says so, never which account
or its certificate number); the claimed account's certificate revoked → revoked, reissued → reissued; revoked by the
trainer (「この修了証を取り消す」, with a reason) → revoked, and the claim code no longer works; the participant's record
deleted on request → not found (the same answer as an unknown number)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from certificates import signing
from certificates.enums import VerificationOutcome
from certificates.numbering import MAX_INPUT_LENGTH, classify_number, generate_number

PREFIX = "P-"
PAYLOAD_VERSION = 1


def split_paper_number(raw: str | None) -> tuple[str | None, str] | None:
    """(canonical printed number, problem) when `raw` is written as a printed certificate's number (a leading P and
    then a certificate number), else None (not a paper number at all). The problem is "" / "mistyped" / "malformed"
    as for `classify_number`."""
    if not raw or len(raw) > MAX_INPUT_LENGTH:
        return None
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    if not text.startswith("P"):
        return None
    rest = text[1:].lstrip("-‐‑‒–—―−ー_ ")
    number, problem = classify_number(rest)
    # A certificate number may itself start with P (P is a Crockford symbol): only 18 symbols are a paper number.
    if problem == "malformed":
        return None
    return (PREFIX + number if number else None), problem


def signed_payload(participant) -> bytes:
    from certificates.services import holder_digest

    fields = {
        "v": PAYLOAD_VERSION,
        "kind": "paper",
        "number": participant.printed_number,
        "holder": holder_digest(
            number=participant.printed_number, name=participant.full_name, furigana=participant.furigana
        ),
        "workshop_id": participant.workshop_id,
    }
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def assign_printed_number(participant, *, save: bool = True):
    """Give a participant (new, or recorded before printed numbers existed) its number and signature; a participant
    that has one keeps it."""
    if participant.printed_number:
        return participant
    key = signing.get_signing_key()
    for _attempt in range(3):
        participant.printed_number = PREFIX + generate_number()
        participant.printed_key_id = key.kid
        participant.printed_signature = key.sign(signed_payload(participant))
        if not save:
            return participant
        try:
            with transaction.atomic():
                type(participant).objects.filter(pk=participant.pk, printed_number__isnull=True).update(
                    printed_number=participant.printed_number,
                    printed_key_id=participant.printed_key_id,
                    printed_signature=participant.printed_signature,
                )
        except IntegrityError:  # a number collision (2^-80): draw again
            continue
        participant.refresh_from_db(fields=["printed_number", "printed_key_id", "printed_signature"])
        return participant
    raise RuntimeError("Could not allocate a printed certificate number.")  # pragma: no cover


def verification_url(participant, *, absolute: bool = True) -> str:
    from django.conf import settings
    from django.urls import reverse

    path = reverse("paper_verify", args=[participant.printed_number]) + f"?s={participant.printed_signature}"
    return settings.SITE_URL.rstrip("/") + path if absolute else path


def signature_is_genuine(participant, signature: str | None = None) -> bool:
    signature = participant.printed_signature if signature is None else signature
    if not signature or not participant.printed_key_id:
        return False
    return signing.verify(kid=participant.printed_key_id, data=signed_payload(participant), signature=signature)


@dataclass(frozen=True)
class PaperVerification:
    outcome: VerificationOutcome
    number: str | None
    participant: object | None = None
    claimed: bool = False
    revoked_at: object | None = None

    @property
    def found(self) -> bool:
        return self.participant is not None and self.outcome != VerificationOutcome.FORGED

    @property
    def display_name(self) -> str:
        from certificates.names import initials

        if self.participant is None:
            return ""
        return initials(self.participant.full_name, self.participant.furigana)


_NOT_FOUND = {"": VerificationOutcome.NOT_FOUND, "mistyped": VerificationOutcome.MISTYPED}
_PLACEHOLDER = "P-MALFORMED"


def verify_printed(*, raw_number: str, signature: str | None = None) -> PaperVerification:
    """Look a printed certificate's number up as a verifier does. Unknown and malformed numbers cost the same query
    and give the same answer (NOT_FOUND); with a signature (the QR code) one that does not verify is FORGED."""
    from .models import PaperParticipant

    split = split_paper_number(raw_number) or (None, "malformed")
    number, problem = split
    participant = (
        PaperParticipant.objects.select_related("workshop", "certificate")
        .filter(printed_number=number or _PLACEHOLDER)
        .order_by()
        .first()
    )
    if participant is None:
        return PaperVerification(_NOT_FOUND.get(problem, VerificationOutcome.NOT_FOUND), number)
    if signature is not None and not signature_is_genuine(participant, signature):
        return PaperVerification(VerificationOutcome.FORGED, number, participant)
    claimed = participant.is_claimed
    if participant.printed_is_revoked:
        return PaperVerification(VerificationOutcome.REVOKED, number, participant, claimed, participant.printed_revoked_at)
    linked = participant.certificate
    if claimed and linked is not None and not linked.is_valid:
        if linked.is_reissued:
            return PaperVerification(VerificationOutcome.REISSUED, number, participant, claimed)
        return PaperVerification(VerificationOutcome.REVOKED, number, participant, claimed, linked.revoked_at)
    return PaperVerification(VerificationOutcome.VALID, number, participant, claimed)


def printed_name_matches(*, participant, typed_name: str) -> bool:
    """Does the name a verifier read on the printed sheet match the record (and does the stored signature still
    verify over it)? Compared as the certificates' name check does: NFKC, no spaces, case-folded."""
    import hmac

    from certificates.services import _name_key

    if not _name_key(typed_name) or not signature_is_genuine(participant):
        return False
    return hmac.compare_digest(_name_key(typed_name).encode(), _name_key(participant.full_name).encode())


@transaction.atomic
def revoke_printed_certificate(*, participant, reason: str, by):
    """The trainer withdraws a printed certificate (printed for the wrong person, or in error), with a required
    reason: the verify page answers 失効 from the next request and the claim code no longer works. Refused
    (nothing changes): no reason, already revoked."""
    from .messages import PRINTED_ALREADY_REVOKED, PRINTED_REVOKE_REASON_REQUIRED
    from .models import PaperParticipant
    from .services import WorkshopError

    reason = " ".join((reason or "").split())
    if not reason:
        raise WorkshopError(PRINTED_REVOKE_REASON_REQUIRED)
    locked = PaperParticipant.objects.select_for_update().get(pk=participant.pk)
    if locked.printed_is_revoked:
        raise WorkshopError(PRINTED_ALREADY_REVOKED)
    locked.printed_revoked_at = timezone.now()
    locked.printed_revoked_reason = reason[:500]
    locked.printed_revoked_by = by
    locked.save(update_fields=["printed_revoked_at", "printed_revoked_reason", "printed_revoked_by"])
    return locked
