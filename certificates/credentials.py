"""The certificate as a portable Open Badges 3.0 credential (a W3C Verifiable Credential, data model 2.0), secured
as a JWT (VC-JOSE: header alg EdDSA, typ vc+jwt, kid = the key's JWK thumbprint) with the same Ed25519 key that
signs the certificate. Anyone can check it offline against /.well-known/jwks.json."""

from __future__ import annotations

from datetime import UTC

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.urls import reverse

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
            "name": certificate.holder_name,
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
        "credentialStatus": {
            "id": _site() + reverse("certificates_api:certificate", kwargs={"number": certificate.number}),
            "type": "TsunagariCertificateStatus",
        },
    }
    return credential


def credential_jwt(certificate) -> str:
    key = signing.get_signing_key()
    credential = build_credential(certificate)
    claims = dict(credential)
    claims.update({"iss": credential["issuer"]["id"], "jti": credential["id"], "nbf": int(certificate.issued_at.timestamp())})
    private: Ed25519PrivateKey = key.private_key
    return jwt.encode(claims, private, algorithm="EdDSA", headers={"kid": key.kid, "typ": "vc+jwt", "cty": "vc"})
