"""/verify/paper/<number>/: an employer verifies a paper participant's printed 修了証 (events/paper_certificates.py),
with the verify page's privacy: initials only, the printed name checked (一致 / 不一致) without being shown, per-client
rate limits, never cached, not indexed."""

from __future__ import annotations

from django.conf import settings
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from certificates import messages as certificate_messages
from certificates.enums import VerificationOutcome
from certificates.forms import NameCheckForm, VerifyForm
from certificates.ratelimit import limited, too_many_requests
from certificates.selectors import get_issuer_name

from .. import messages
from ..paper_certificates import printed_name_matches, verify_printed

# The same counters as the certificates' pages: a verifier gets one budget whichever kind of number they type.
VERIFY_GROUP = "certificates.verify"
NAME_CHECK_GROUP = "certificates.name-check"


def _message(result):
    if result.outcome == VerificationOutcome.VALID:
        return messages.PRINTED_VALID_CLAIMED if result.claimed else messages.PRINTED_VALID
    if result.outcome == VerificationOutcome.REVOKED:
        return messages.PRINTED_REVOKED
    return {
        VerificationOutcome.REISSUED: certificate_messages.REISSUED,
        VerificationOutcome.FORGED: certificate_messages.FORGED,
        VerificationOutcome.MISTYPED: certificate_messages.MISTYPED,
    }.get(result.outcome, certificate_messages.NOT_FOUND)


def _answer(request, result, number: str, extra=None):
    context = {
        "result": result,
        "outcome_message": _message(result),
        "issuer_name": get_issuer_name() if result.found else "",
        "form": VerifyForm(initial={"number": number[:64]}),
        "name_check_form": NameCheckForm(),
        **(extra or {}),
    }
    response = TemplateResponse(
        request, "events/paper_verify.html", context, status=200 if result.participant is not None else 404
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_GET
def verify(request, number: str):
    if limited(request, group=VERIFY_GROUP, rate=settings.CERTIFICATE_VERIFY_RATE):
        return too_many_requests(request)
    return _answer(request, verify_printed(raw_number=number, signature=request.GET.get("s")), number)


@never_cache
@require_POST
def name_check(request, number: str):
    from certificates.views_checks import name_check_rate

    if limited(request, group=NAME_CHECK_GROUP, rate=name_check_rate()):
        return too_many_requests(request)
    form = NameCheckForm(request.POST)
    result = verify_printed(raw_number=number)
    extra = {"name_check_form": form}
    if result.found and form.is_valid():
        match = printed_name_matches(participant=result.participant, typed_name=form.cleaned_data["holder_name"])
        extra.update(
            name_check_done=True,
            name_check_match=match,
            name_check_message=messages.PRINTED_NAME_MATCH if match else certificate_messages.NAME_CHECK_MISMATCH,
            name_check_form=NameCheckForm(),  # the typed name is not echoed back
        )
    response = _answer(request, result, number, extra)
    if result.found and not form.is_valid():
        response.status_code = 400
    return response
