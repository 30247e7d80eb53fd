"""Public JSON API for verifiers (django-ninja; OpenAPI schema at /api/v1/openapi.json, docs at /api/v1/docs).

- GET  /api/v1/certificates/<number>  → 200 with the certificate's public facts, 404 when unknown or malformed
- POST /api/v1/certificates/verify    → {"numbers": [... up to 1,000]} → one result per number, in order

Both are rate-limited per client (429). The response shapes are a public contract: tests compare them with golden
files (tests/certificates/golden/)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from ninja import Field, NinjaAPI, Schema, Status
from ninja.decorators import decorate_view

from . import dates
from .enums import CertificateStatus, VerificationChannel, VerificationOutcome
from .forms import MAX_BULK_NUMBERS
from .ratelimit import BULK_NUMBERS_GROUP, budget_left, client_key, spend_budget
from .selectors import get_issuer_name
from .services import signed_fields, verification_url, verify_certificate, verify_many

api = NinjaAPI(
    title="つながりサポーター 修了証確認 API",
    version="1.0.0",
    description="修了証番号から、修了証が本サイトの発行した有効なものかを確認します。",
    urls_namespace="certificates_api",
    docs_url="/docs",
)


class CertificateOut(Schema):
    number: str = Field(description="修了証番号（正規化した表記）")
    status: CertificateStatus = Field(description="valid（有効）または revoked（失効）")
    holder_name: str = Field(description="氏名（本人が選んだ表示：氏名またはイニシャル）")
    course: str = Field(description="講座名（発行時）")
    curriculum_version: str = Field(description="修了したカリキュラムの版")
    issued_on: str = Field(description="発行日（日本時間, YYYY-MM-DD）")
    issued_on_wareki: str = Field(description="発行日（和暦）")
    issued_at: datetime = Field(description="発行日時（UTC）")
    revoked_at: datetime | None = Field(description="失効日時（UTC）。有効なら null")
    issuer: str = Field(description="発行者")
    verification_url: str = Field(description="確認ページのURL（署名付き）")
    key_id: str = Field(description="署名鍵のID（/.well-known/jwks.json の kid）")
    signature: str = Field(description="署名（Ed25519, base64url）。signed_payload を署名したもの")
    signed_payload: dict = Field(description="署名の対象（キーを並べ替えた区切りなしの JSON を UTF-8 にしたもの）")


class NotFoundOut(Schema):
    detail: str
    status: str = "not_found"


class ErrorOut(Schema):
    detail: str


class VerifyIn(Schema):
    numbers: list[str] = Field(min_length=1, max_length=MAX_BULK_NUMBERS, description="修了証番号（1,000件まで）")


class VerifyResultOut(Schema):
    input: str
    number: str | None = Field(description="正規化した番号。形式が正しくなければ null")
    result: VerificationOutcome = Field(description="valid / revoked / not_found")
    certificate: CertificateOut | None = None


class VerifyOut(Schema):
    count: int
    results: list[VerifyResultOut]


def _iso(value):
    return value.astimezone(UTC) if value else None


def certificate_out(certificate, issuer_name: str) -> dict:
    return {
        "number": certificate.number,
        "status": certificate.status,
        "holder_name": certificate.display_name,
        "course": certificate.course_title,
        "curriculum_version": certificate.curriculum_version,
        "issued_on": dates.local_date(certificate.issued_at).isoformat(),
        "issued_on_wareki": dates.wareki(certificate.issued_at),
        "issued_at": _iso(certificate.issued_at),
        "revoked_at": _iso(certificate.revoked_at),
        "issuer": issuer_name,
        "verification_url": verification_url(certificate),
        "key_id": certificate.key_id,
        "signature": certificate.signature,
        "signed_payload": signed_fields(certificate),
    }


def _limited(request, group: str, rate: str) -> bool:
    from django_ratelimit.core import is_ratelimited

    return is_ratelimited(request, group=group, key=client_key, rate=rate, increment=True)


TOO_MANY = "短い時間に多くの照会がありました。1分ほど待ってから、もう一度お試しください。"


def _refuse_before_parsing(run):
    """Runs before django-ninja reads the JSON body: a client over the request rate or out of its numbers budget
    gets the 429 without the body being parsed (its size is capped by settings.REQUEST_BODY_LIMITS)."""

    @wraps(run)
    def guarded(request, *args, **kwargs):
        if _limited(request, "certificates.bulk", settings.CERTIFICATE_BULK_RATE) or not budget_left(
            request, group=BULK_NUMBERS_GROUP, rate=settings.CERTIFICATE_BULK_NUMBERS_RATE
        ):
            return JsonResponse({"detail": TOO_MANY}, status=429, json_dumps_params={"ensure_ascii": False})
        return run(request, *args, **kwargs)

    return guarded
NOT_FOUND = "この番号の修了証は見つかりませんでした。"


@api.post(
    "/certificates/verify",
    response={200: VerifyOut, 429: ErrorOut},
    url_name="verify",
    summary="修了証をまとめて確認する（1,000件まで）",
)
@decorate_view(_refuse_before_parsing)
def verify(request, payload: VerifyIn):
    if not spend_budget(
        request, group=BULK_NUMBERS_GROUP, rate=settings.CERTIFICATE_BULK_NUMBERS_RATE, amount=len(payload.numbers)
    ):
        return Status(429, {"detail": TOO_MANY})
    results = verify_many(raw_numbers=payload.numbers, channel=VerificationChannel.API)
    issuer_name = get_issuer_name() if any(r.certificate for r in results) else ""
    return Status(200, {
        "count": len(results),
        "results": [
            {
                "input": raw,
                "number": r.number,
                "result": r.outcome,
                "certificate": certificate_out(r.certificate, issuer_name) if r.certificate else None,
            }
            for raw, r in zip(payload.numbers, results, strict=True)
        ],
    })


# Registered after /certificates/verify so that path is not taken for a number.
@api.get(
    "/certificates/{number}",
    response={200: CertificateOut, 404: NotFoundOut, 429: ErrorOut},
    url_name="certificate",
    summary="修了証を1件確認する",
)
def get_certificate(request, number: str):
    if _limited(request, "certificates.verify", settings.CERTIFICATE_VERIFY_RATE):
        return Status(429, {"detail": TOO_MANY})
    result = verify_certificate(raw_number=number, channel=VerificationChannel.API)
    if result.certificate is None:
        return Status(404, {"detail": NOT_FOUND, "status": "not_found"})
    return Status(200, certificate_out(result.certificate, get_issuer_name()))
