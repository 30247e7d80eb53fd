"""Public JSON API for verifiers (django-ninja; OpenAPI schema at /api/v1/openapi.json, docs at /api/v1/docs).

- GET  /api/v1/certificates/<number>  → 200 with the certificate's public facts, 404 when unknown, mistyped or malformed
- POST /api/v1/certificates/verify    → {"numbers": [... up to 1,000], "names": [optional]} → one result per number
- POST /api/v1/certificates/<number>/name-check → {"name": "..."} → 一致 / 不一致 against the signed holder digest

All are rate-limited per client (429 with Retry-After). Every error body is Japanese, {"detail": …, "code": …}, and
documented in openapi.json (400, 404, 413, 422, 429). The response shapes are a public contract: tests compare them
with golden files (tests/certificates/golden/)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from ninja import Field, NinjaAPI, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError

from . import dates
from .enums import CertificateStatus, VerificationChannel, VerificationOutcome
from .forms import MAX_BULK_NUMBERS
from .ratelimit import BULK_NUMBERS_GROUP, budget_left, client_key, spend_budget
from .selectors import get_issuer_name
from .services import holder_name_matches, signed_fields, verification_url, verify_certificate, verify_many

api = NinjaAPI(
    title="つながりサポーター 修了証確認 API",
    version="1.0.0",
    description="修了証番号から、修了証が本サイトの発行した有効なものかを確認します。",
    urls_namespace="certificates_api",
    docs_url="/docs",
)


RETRY_AFTER_SECONDS = 60
TOO_MANY = "短い時間に多くの照会がありました。1分ほど待ってから、もう一度お試しください。"
NOT_FOUND = "この番号の修了証は見つかりませんでした。"
MISTYPED = "番号に入力ミスがあるようです。最後の1文字（確認用の文字）が合いません。"
MALFORMED = "修了証番号の形式ではありません（英数字16文字と確認用の1文字です）。"
BAD_REQUEST = "リクエストの本文を読み取れませんでした。JSON（UTF-8）で送ってください。"
TOO_LARGE = "リクエストが大きすぎます。一度に送れるのは修了証番号1,000件までです。"
INVALID = (
    "リクエストの内容が正しくありません。numbers は修了証番号（文字列）を1件以上1,000件以下の配列で、"
    "names を付けるときは numbers と同じ件数の配列で、name は1文字以上100文字以下で指定してください。"
)
OUTCOME_DESCRIPTION = (
    "valid（有効） / revoked（失効） / reissued（再発行されました。新しい修了証があります） / "
    "not_found（見つかりません） / mistyped（番号に入力ミスがあるようです） / "
    "malformed（修了証番号の形式ではありません） / forged（本サイトが発行したものではありません）"
)


class CertificateOut(Schema):
    number: str = Field(description="修了証番号（正規化した表記）")
    status: CertificateStatus = Field(description="valid（有効）、revoked（失効）または reissued（再発行済み）")
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
    detail: str = Field(description="日本語の説明")
    status: str = Field("not_found", description="not_found / mistyped / malformed")


class ErrorOut(Schema):
    detail: str = Field(description="日本語の説明")
    code: str | None = Field(None, description="bad_request / too_many_requests など（413 では省略されることがあります）")


class InvalidField(Schema):
    loc: list[str | int] = Field(description="誤りのある項目の位置")
    type: str = Field(description="誤りの種類（pydantic の type）")


class InvalidOut(Schema):
    detail: str = Field(description="日本語の説明")
    code: str = Field("invalid", description="invalid")
    errors: list[InvalidField] = Field(description="誤りのある項目")


class VerifyIn(Schema):
    numbers: list[str] = Field(min_length=1, max_length=MAX_BULK_NUMBERS, description="修了証番号（1,000件まで）")
    names: list[str] | None = Field(
        None,
        max_length=MAX_BULK_NUMBERS,
        description="任意。修了証に印字された氏名（numbers と同じ順・同じ件数。照合しない行は空文字）",
    )


class VerifyResultOut(Schema):
    input: str
    number: str | None = Field(description="正規化した番号。形式が正しくなければ null")
    result: VerificationOutcome = Field(description=OUTCOME_DESCRIPTION)
    name_check: str | None = Field(
        None, description="names を送ったとき: 一致 / 不一致（同じ修了証の照合は1回の確認につき1回まで）"
    )
    certificate: CertificateOut | None = None


class NameCheckIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="修了証に印字された氏名")


class NameCheckOut(Schema):
    number: str = Field(description="修了証番号（正規化した表記）")
    match: bool = Field(description="署名付きで記録された氏名と一致すれば true")
    result: str = Field(description="一致 / 不一致")


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


def _error(request, status: int, detail: str, code: str, **extra):
    response = api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)
    if status == 429:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _too_many(request):
    return _error(request, 429, TOO_MANY, "too_many_requests")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = [{"loc": list(e.get("loc", [])), "type": str(e.get("type", ""))} for e in exc.errors]
    return _error(request, 422, INVALID, "invalid", errors=errors)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if exc.status_code == 400:
        return _error(request, 400, BAD_REQUEST, "bad_request")
    return _error(request, exc.status_code, str(exc), "error")


@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    return _error(request, 413, TOO_LARGE, "payload_too_large")


_ERRORS = {400: ErrorOut, 413: ErrorOut, 422: InvalidOut, 429: ErrorOut}
_NOT_FOUND_DETAIL = {
    VerificationOutcome.NOT_FOUND: NOT_FOUND,
    VerificationOutcome.MISTYPED: MISTYPED,
    VerificationOutcome.MALFORMED: MALFORMED,
}


def _refuse_before_parsing(run):
    """Runs before django-ninja reads the JSON body: a client over the request rate or out of its numbers budget
    gets the 429 without the body being parsed (its size is capped by settings.REQUEST_BODY_LIMITS)."""

    @wraps(run)
    def guarded(request, *args, **kwargs):
        if _limited(request, "certificates.bulk", settings.CERTIFICATE_BULK_RATE) or not budget_left(
            request, group=BULK_NUMBERS_GROUP, rate=settings.CERTIFICATE_BULK_NUMBERS_RATE
        ):
            response = JsonResponse(
                {"detail": TOO_MANY, "code": "too_many_requests"}, status=429, json_dumps_params={"ensure_ascii": False}
            )
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return run(request, *args, **kwargs)

    return guarded


@api.post(
    "/certificates/verify",
    response={200: VerifyOut, **_ERRORS},
    url_name="verify",
    summary="修了証をまとめて確認する（1,000件まで）",
)
@decorate_view(_refuse_before_parsing)
def verify(request, payload: VerifyIn):
    if payload.names is not None and len(payload.names) != len(payload.numbers):
        return _error(request, 422, INVALID, "invalid", errors=[{"loc": ["body", "payload", "names"], "type": "length"}])
    if not spend_budget(
        request, group=BULK_NUMBERS_GROUP, rate=settings.CERTIFICATE_BULK_NUMBERS_RATE, amount=len(payload.numbers)
    ):
        return _too_many(request)
    results = verify_many(raw_numbers=payload.numbers, channel=VerificationChannel.API)
    issuer_name = get_issuer_name() if any(r.certificate for r in results) else ""
    names = payload.names or [""] * len(results)
    checked: set[int] = set()
    out = []
    for raw, name, r in zip(payload.numbers, names, results, strict=True):
        name_check = None
        if payload.names is not None and name and r.found:
            if r.certificate.pk in checked:
                name_check = "照合は1回の確認につき1件1回まで"
            else:
                checked.add(r.certificate.pk)
                name_check = "一致" if holder_name_matches(certificate=r.certificate, typed_name=name) else "不一致"
        out.append(
            {
                "input": raw,
                "number": r.number,
                "result": r.outcome,
                "name_check": name_check,
                "certificate": certificate_out(r.certificate, issuer_name) if r.found else None,
            }
        )
    return Status(200, {"count": len(results), "results": out})


@api.post(
    "/certificates/{number}/name-check",
    response={200: NameCheckOut, 404: NotFoundOut, **_ERRORS},
    url_name="name_check",
    summary="修了証に印字された氏名で照合する（一致／不一致。氏名は返しません）",
)
def name_check(request, number: str, payload: NameCheckIn):
    from .views_checks import NAME_CHECK_GROUP, name_check_rate

    if _limited(request, NAME_CHECK_GROUP, name_check_rate()):
        return _too_many(request)
    result = verify_certificate(raw_number=number, channel=VerificationChannel.API, record=False)
    if not result.found:
        return Status(404, {"detail": _NOT_FOUND_DETAIL.get(result.outcome, NOT_FOUND), "status": result.outcome})
    match = holder_name_matches(certificate=result.certificate, typed_name=payload.name)
    return Status(200, {"number": result.number, "match": match, "result": "一致" if match else "不一致"})


# Registered after /certificates/verify so that path is not taken for a number.
@api.get(
    "/certificates/{number}",
    response={200: CertificateOut, 404: NotFoundOut, 429: ErrorOut},
    url_name="certificate",
    summary="修了証を1件確認する",
)
def get_certificate(request, number: str):
    from .verifications import over_verify_limit

    # The same counter as the verification page's (one budget per client for single look-ups).
    if over_verify_limit(request):
        return _too_many(request)
    result = verify_certificate(raw_number=number, channel=VerificationChannel.API)
    if result.certificate is None:
        return Status(404, {"detail": _NOT_FOUND_DETAIL[result.outcome], "status": str(result.outcome)})
    return Status(200, certificate_out(result.certificate, get_issuer_name()))
