"""Issue 16 §2: the Open Badges 3.0 credential as verifiers' software expects it, checked with an independent
implementation — `openbadgeslib` (dev dependency), which verifies OB 3.0 JWT-VCs and W3C Bitstring Status Lists —
for every kind of credential we issue: valid, revoked and reissued. Its HTTP fetches are served by the Django test
client (the same bytes a verifier would download), so the check is offline.

No OB 3.0 JSON Schema ships in a package we can install (openbadgeslib bundles the OB 3.0 JSON-LD contexts, not the
JSON Schema), so the data-model check reads the term definitions of those bundled contexts instead."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier

from certificates.services import reissue_with_current_name
from tests.accounts.factories import UserFactory

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db


def _fetch_with(client):
    def fetch(url: str) -> bytes:
        from urllib.parse import urlsplit

        response = client.get(urlsplit(url).path)
        assert response.status_code == 200, url
        return response.content

    return fetch


def _public_pem(client) -> bytes:
    jwks = client.get("/.well-known/jwks.json").json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _token(client, certificate) -> str:
    client.force_login(certificate.holder)
    response = client.get(f"/certificates/{certificate.number}/credential/")
    assert response.status_code == 200
    return response.content.decode()


def _verify(client, token: str, pem: bytes | None = None):
    return OB3Verifier(pubkey_pem=pem or _public_pem(client)).verify(
        token, check_status=True, verify_status_list=True, download=_fetch_with(client)
    )


def test_valid_credential_verifies_with_its_signed_status_list(client):
    certificate = CertificateFactory(holder=UserFactory(profile__full_name="山田 太郎", profile__furigana="やまだ たろう"))
    credential = _verify(client, _token(client, certificate))
    assert credential.issuer.id.endswith("/")


def test_revoked_credential_is_refused_by_the_independent_verifier(client):
    certificate = CertificateFactory()
    token = _token(client, certificate)  # downloaded while valid, kept by the holder
    _verify(client, token)
    from certificates.services import revoke_certificate

    revoke_certificate(certificate=certificate, reason="テスト")
    with pytest.raises(OB3VerificationError, match="revocation"):
        _verify(client, token)


def test_reissued_credential_still_verifies_and_the_new_one_too(client):
    holder = UserFactory(profile__full_name="山田 花子", profile__furigana="やまだ はなこ")
    old = CertificateFactory(holder=holder)
    old_token = _token(client, old)
    holder.profile.full_name = "佐藤 花子"
    holder.profile.furigana = "さとう はなこ"
    holder.profile.save()
    new = reissue_with_current_name(certificate=old, holder=holder)
    _verify(client, old_token)  # a genuine certificate of a genuine completion: not revoked
    _verify(client, _token(client, new))
    assert new.number != old.number


def test_a_status_list_signed_by_another_key_is_refused(client, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from certificates import credentials, signing

    certificate = CertificateFactory()
    token = _token(client, certificate)
    genuine = _public_pem(client)
    other = signing.SigningKey(Ed25519PrivateKey.generate(), "other")
    monkeypatch.setattr(credentials.signing, "get_signing_key", lambda: other)
    with pytest.raises(OB3VerificationError, match="proof is invalid"):
        _verify(client, token, genuine)


def test_credential_status_is_a_bitstring_status_list_entry(client):
    certificate = CertificateFactory()
    client.force_login(certificate.holder)
    credential = client.get(f"/certificates/{certificate.number}/credential/?format=json").json()
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListCredential"].endswith("/certificates/status/revocation/")
    assert status["statusListIndex"] == str(certificate.pk)
    listing = client.get("/certificates/status/revocation/")
    assert listing["Content-Type"] == "application/vc+jwt"
    claims = jwt.decode(listing.content, options={"verify_signature": False})
    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert claims["credentialSubject"]["type"] == "BitstringStatusList"
    assert claims["validUntil"] > claims["validFrom"]


# --- Only fields of the OB 3.0 / VC 2.0 data models -----------------------------------------------------------


def _bundled_contexts():
    import openbadgeslib.ob3 as ob3

    folder = Path(ob3.__file__).parent / "contexts"
    ob = json.loads((folder / "ob-v3p0-context-3.0.3.json").read_text())["@context"]
    vc = json.loads((folder / "credentials-v2.json").read_text())["@context"]
    return ob, vc


def _scoped_terms(context: dict, type_name: str) -> set[str]:
    definition = context.get(type_name, {})
    return {k for k in definition.get("@context", {}) if not k.startswith("@")} | {"id", "type"}


def test_the_credential_has_no_field_outside_the_ob3_and_vc2_data_models(client):
    """Each object's keys must be terms its class defines in the OB 3.0 context (or, for the credential itself and
    the status entry, in the VC 2.0 context) — the only top-level OB terms allowed are those the OB 3.0 data model
    gives the class (name, description, criteria narrative …). credentialSubject.name is not one."""
    ob, vc = _bundled_contexts()
    certificate = CertificateFactory()
    client.force_login(certificate.holder)
    credential = client.get(f"/certificates/{certificate.number}/credential/?format=json").json()

    vc_credential_terms = _scoped_terms(vc, "VerifiableCredential") | {"@context"}
    # OB 3.0 §B.1.1 AchievementCredential adds name, description, image, awardedDate, endorsement… (global OB terms)
    assert set(credential) <= vc_credential_terms | {"name", "description", "image", "awardedDate"}
    assert set(credential["issuer"]) <= _scoped_terms(ob, "Profile") | {"name", "url", "description", "email"}
    subject = credential["credentialSubject"]
    assert set(subject) <= _scoped_terms(ob, "AchievementSubject")
    assert "name" not in subject
    assert set(subject["identifier"][0]) <= _scoped_terms(ob, "IdentityObject")
    achievement = subject["achievement"]
    assert set(achievement) <= _scoped_terms(ob, "Achievement") | {"name", "description", "image", "inLanguage"}
    assert set(achievement["criteria"]) <= {"id", "narrative"}
    assert set(credential["credentialStatus"]) <= _scoped_terms(vc, "BitstringStatusListEntry")
