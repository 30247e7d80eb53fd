"""The certificate as a portable Open Badges 3.0 credential (a W3C Verifiable Credential, data model 2.0), secured
as a JWT (VC-JOSE: header alg EdDSA, typ vc+jwt, kid = the key's JWK thumbprint) with the same Ed25519 key that
signs the certificate. Anyone can check it offline against /.well-known/jwks.json.

Only fields of the OB 3.0 / VC 2.0 data models: the holder is identified by the certificate number
(`credentialSubject.identifier`), never by name (AchievementSubject has no `name`). Revocation is a W3C
`BitstringStatusListEntry` (statusPurpose `revocation`, index = the certificate's id) pointing at the signed
`BitstringStatusListCredential` published at /certificates/status/revocation/. A reissued certificate (replaced after
a name change) is not revoked: its bit stays 0 (docs/certificate-signing.md)."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from . import signing

OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def issuer_profile() -> dict:
    from .selectors import get_issuer_name

    return {"id": _site() + "/", "type": ["Profile"], "name": get_issuer_name()}


def build_credential(certificate) -> dict:
    from .services import verification_url

    issued = certificate.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    achievement = {
        "id": _site() + reverse("certificates:achievement", args=[certificate.course_id]),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": certificate.course_title,
        "description": "孤独・孤立対策の養成講座（つながりサポーター養成講座）の修了",
        "criteria": {"narrative": "講座の全章の確認問題に合格するか、養成講座に出席して修了すること。"},
    }
    if certificate.curriculum_version:
        achievement["version"] = certificate.curriculum_version
    credential = {
        "@context": [VC2_CONTEXT, OB3_CONTEXT],
        "id": verification_url(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(),
        "validFrom": issued,
        "name": f"{certificate.course_title} 修了証",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": certificate.number,
                    "identityType": "identifier",
                    "hashed": False,
                }
            ],
            "achievement": achievement,
        },
        "credentialStatus": status_entry(certificate),
    }
    return credential


STATUS_LIST_BLOCK = 131072  # bits: the W3C minimum, so a list's population hides in a large set
STATUS_LIST_VALIDITY = timedelta(days=2)  # verifiers refuse an older copy than this (no replay of an old list)


def status_list_url() -> str:
    return _site() + reverse("certificates:status_list")


def status_entry(certificate) -> dict:
    index = certificate.pk
    return {
        "id": f"{status_list_url()}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": status_list_url(),
    }


def encode_bitstring(indices, size_bits: int) -> str:
    """W3C Bitstring Status List `encodedList`: multibase base64url (prefix "u", no padding) of the GZIP-compressed
    bitstring, the first index in the most significant bit of the first byte."""
    bits = bytearray(size_bits // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode("ascii").rstrip("=")


def build_status_list_credential(*, now=None) -> dict:
    from .models import Certificate

    now = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
    revoked = list(Certificate.objects.revoked().values_list("pk", flat=True).order_by("pk"))
    highest = Certificate.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    size = STATUS_LIST_BLOCK * (highest // STATUS_LIST_BLOCK + 1)
    url = status_list_url()
    return {
        "@context": [VC2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile()["id"],
        "validFrom": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "validUntil": (now + STATUS_LIST_VALIDITY).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(revoked, size),
        },
    }


def status_list_jwt(*, now=None) -> str:
    """The status list credential, signed like the badges (VC-JOSE, EdDSA, same key)."""
    key = signing.get_signing_key()
    credential = build_status_list_credential(now=now)
    claims = dict(credential)
    claims.update({"iss": credential["issuer"], "jti": credential["id"], "nbf": int((now or timezone.now()).timestamp())})
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid, "typ": "vc+jwt", "cty": "vc"})


def credential_jwt(certificate) -> str:
    key = signing.get_signing_key()
    credential = build_credential(certificate)
    claims = dict(credential)
    claims.update({"iss": credential["issuer"]["id"], "jti": credential["id"], "nbf": int(certificate.issued_at.timestamp())})
    private: Ed25519PrivateKey = key.private_key
    return jwt.encode(claims, private, algorithm="EdDSA", headers={"kid": key.kid, "typ": "vc+jwt", "cty": "vc"})
