"""Issue 17 (left from 17.3): a paper participant's printed 修了証 is verifiable online from the day it is printed —
its own unguessable number and signature, the QR code on the sheet, the number typed into /verify/ — with the verify
page's privacy (initials, the printed name checked without being shown, rate limits), in every state: unclaimed,
claimed, revoked by the trainer, the claimed account's certificate revoked, deleted on request."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from certificates.services import revoke_certificate
from events import messages
from events.models import PaperParticipant
from events.paper_certificates import split_paper_number, verification_url
from tests.accounts.factories import UserFactory
from tests.certificates.factories import make_course

from .factories import make_trainer
from .test_paper import in_session, paper, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def trainer(client):
    user = make_trainer()
    client.force_login(user)
    return user


def _verify(client, participant, **params):
    return client.get(reverse("paper_verify", args=[participant.printed_number]), params)


def test_a_printed_certificate_has_its_own_unguessable_number_printed_with_a_qr_code(client, trainer):
    workshop = in_session(title="鳥取市つながりサポーター養成講座")
    first, second = paper(workshop), paper(workshop, name="紙野 タロウ", furigana="かみの たろう")
    assert re.fullmatch(r"P-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-.", first.printed_number)
    # Random, not derived from the workshop or the record's id: nobody can walk through a workshop's participants.
    assert first.printed_number != second.printed_number
    assert f"{workshop.pk:05d}" not in first.printed_number.replace("-", "")
    body = client.get(url("paper_certificates", workshop)).content.decode()
    assert first.printed_number in body and second.printed_number in body
    assert 'src="data:image/png;base64,' in body and "/verify/" in body


def test_an_unclaimed_printed_certificate_verifies_with_initials_only(client):
    workshop = in_session(title="鳥取市つながりサポーター養成講座", organiser="鳥取市社会福祉協議会")
    participant = paper(workshop)
    client.logout()
    response = _verify(client, participant, s=participant.printed_signature)  # what the QR code opens
    body = response.content.decode()
    assert response.status_code == 200
    assert "有効な修了証です" in body and str(messages.PRINTED_VALID) in body
    assert "K. H." in body and "紙野" not in body and "かみの" not in body  # initials, never the name
    assert "鳥取市つながりサポーター養成講座" in body and "鳥取市社会福祉協議会" in body
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_the_number_typed_into_the_verify_form_finds_the_printed_certificate(client):
    participant = paper(in_session())
    typed = participant.printed_number.lower().replace("-", " ")
    response = client.get(reverse("certificates:verify"), {"number": typed})
    assert response.status_code == 302 and response["Location"] == reverse("paper_verify", args=[participant.printed_number])
    assert "有効な修了証です" in client.get(response["Location"]).content.decode()
    assert split_paper_number("P" + participant.printed_number[2:]) == (participant.printed_number, "")


def test_the_printed_name_is_checked_without_being_shown(client):
    participant = paper(in_session())
    check = reverse("paper_verify_name_check", args=[participant.printed_number])
    match = client.post(check, {"holder_name": "紙野　ハナ"}).content.decode()  # full-width space as typed
    assert "一致" in match and str(messages.PRINTED_NAME_MATCH) in match and "紙野" not in match.split("照合</h2>")[0]
    mismatch = client.post(check, {"holder_name": "紙野 花子"}).content.decode()
    assert "不一致" in mismatch and "紙野 花子" not in mismatch  # the typed name is not echoed back


def test_the_name_check_is_rate_limited(client, settings):
    settings.CERTIFICATE_NAME_CHECK_RATE = "2/m"
    participant = paper(in_session())
    check = reverse("paper_verify_name_check", args=[participant.printed_number])
    statuses = [client.post(check, {"holder_name": f"候補 {i}"}).status_code for i in range(3)]
    assert statuses == [200, 200, 429]


def test_a_forged_signature_or_an_altered_name_is_refused(client):
    participant = paper(in_session())
    body = _verify(client, participant, s="A" * 86).content.decode()
    assert "本サイトが発行したものではありません" in body and "K. H." not in body
    PaperParticipant.objects.filter(pk=participant.pk).update(full_name="書換 ハナ")
    body = _verify(client, participant, s=participant.printed_signature).content.decode()
    assert "本サイトが発行したものではありません" in body


def test_a_claimed_printed_certificate_stays_valid_and_follows_the_account_certificate(client):
    make_course()
    participant = paper(in_session())
    owner = UserFactory(profile__full_name="紙野 ハナ", profile__furigana="かみの はな")
    client.force_login(owner)
    assert client.post(reverse("events_short:claim"), {"code": participant.claim_code}).status_code == 302
    client.logout()
    participant.refresh_from_db()
    body = _verify(client, participant).content.decode()
    assert "有効な修了証です" in body and "アカウントに受け取り済み" in body
    assert participant.certificate.number not in body  # never which account or its number
    revoke_certificate(certificate=participant.certificate, reason="退会")
    body = _verify(client, participant).content.decode()
    assert "失効した修了証です" in body


def test_the_trainer_revokes_a_printed_certificate_with_a_reason(client, trainer):
    make_course()
    workshop = in_session()
    participant = paper(workshop)
    revoke = url("paper_revoke", workshop, participant.pk)
    response = client.post(revoke, {"reason": "  "}, follow=True)
    assert str(messages.PRINTED_REVOKE_REASON_REQUIRED) in response.content.decode()
    participant.refresh_from_db()
    assert participant.printed_revoked_at is None
    client.post(revoke, {"reason": "別の方の名前で印刷したため"})
    participant.refresh_from_db()
    assert participant.printed_is_revoked and participant.printed_revoked_by == trainer
    response = client.post(revoke, {"reason": "もう一度"}, follow=True)
    assert str(messages.PRINTED_ALREADY_REVOKED) in response.content.decode()
    client.logout()
    body = _verify(client, participant).content.decode()
    assert "失効した修了証です" in body and "別の方の名前" not in body  # the reason stays in the console
    # The claim code no longer works, and the print page leaves the sheet out.
    client.force_login(UserFactory(profile__full_name="紙野 ハナ", profile__furigana="かみの はな"))
    response = client.post(reverse("events_short:claim"), {"code": participant.claim_code})
    assert response.status_code == 400 and str(messages.CLAIM_REVOKED) in response.content.decode()
    participant.refresh_from_db()
    assert not participant.is_claimed
    client.force_login(trainer)
    assert participant.printed_number not in client.get(url("paper_certificates", workshop)).content.decode()


def test_another_regions_trainer_cannot_revoke(client):
    from tests.accounts.factories import KYOTO_CITY

    participant = paper(in_session())
    client.force_login(make_trainer(municipality=KYOTO_CITY))
    response = client.post(url("paper_revoke", participant.workshop, participant.pk), {"reason": "いたずら"})
    assert response.status_code == 404
    participant.refresh_from_db()
    assert not participant.printed_is_revoked


def test_a_deleted_record_answers_like_an_unknown_number(client):
    participant = paper(in_session())
    number = participant.printed_number
    participant.delete()
    deleted = client.get(reverse("paper_verify", args=[number]))
    unknown = client.get(reverse("paper_verify", args=["P-" + "0" * 16 + "0"]))
    assert deleted.status_code == unknown.status_code == 404
    assert "修了証が見つかりません" in deleted.content.decode()
    strip = lambda r, n: r.content.decode().replace(n, "")  # noqa: E731 - the echo of the input itself
    assert strip(deleted, number) == strip(unknown, "P-" + "0" * 16 + "0")


def test_a_participant_recorded_before_printed_numbers_is_numbered_when_printed(client, trainer):
    workshop = in_session()
    participant = paper(workshop)
    PaperParticipant.objects.filter(pk=participant.pk).update(printed_number=None, printed_signature="", printed_key_id="")
    client.get(url("paper_certificates", workshop))
    participant.refresh_from_db()
    assert participant.printed_number and participant.printed_signature
    assert "有効な修了証です" in client.get(verification_url(participant, absolute=False)).content.decode()
