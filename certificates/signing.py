"""The Ed25519 key that signs certificates (and their Verifiable Credentials), and its public JWKS.

The key comes from `settings.CERTIFICATE_SIGNING_KEY` (environment variable of the same name): a PEM private key, or
the base64 of the raw 32-byte seed. In development and tests (`CERTIFICATE_SIGNING_KEY_AUTOGENERATE`) a key is
generated on first use into `CERTIFICATE_SIGNING_KEY_FILE` (under var/keys/, ignored by git). Production has no
fallback: the system check certificates.E001 and production.py refuse to start without a key.

Old public keys stay verifiable after a rotation: list them (base64url of the raw 32 bytes) in
`CERTIFICATE_PREVIOUS_PUBLIC_KEYS`; they are published in the JWKS beside the current key. See
docs/certificate-signing.md."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SigningKeyMissing(ImproperlyConfigured):
    pass


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url decoding (no padding needed); raises ValueError on anything else."""
    if not isinstance(text, str) or not text or len(text) > 200:
        raise ValueError("not base64url")
    padded = text + "=" * (-len(text) % 4)
    raw = base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True)
    if b64url_encode(raw) != text:  # non-canonical encodings (spare bits set) are refused
        raise ValueError("not canonical base64url")
    return raw


def raw_public_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(raw_public_bytes(public_key))}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return b64url_encode(hashlib.sha256(canonical).digest())


def parse_private_key(value: str) -> Ed25519PrivateKey:
    """A PEM private key, or the base64 (standard or url-safe) of the raw 32-byte seed."""
    value = value.strip()
    if value.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(value.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured("CERTIFICATE_SIGNING_KEY must be an Ed25519 private key.")
        return key
    try:
        raw = base64.b64decode(value.replace("-", "+").replace("_", "/") + "=" * (-len(value) % 4), validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("CERTIFICATE_SIGNING_KEY is neither PEM nor base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("CERTIFICATE_SIGNING_KEY must be 32 raw bytes (base64) or a PEM private key.")
    return Ed25519PrivateKey.from_private_bytes(raw)


def parse_public_key(value: str) -> Ed25519PublicKey:
    raw = base64.urlsafe_b64decode(value.strip() + "=" * (-len(value.strip()) % 4))
    if len(raw) != 32:
        raise ImproperlyConfigured("A previous public key must be 32 raw bytes in base64url.")
    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey
    kid: str

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def sign(self, data: bytes) -> str:
        return b64url_encode(self.private_key.sign(data))


_lock = threading.Lock()
_cache: dict[tuple, SigningKey] = {}


def _generate_into(path: Path) -> Ed25519PrivateKey:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # O_EXCL: two processes starting at once never overwrite each other's key; the loser reads the winner's.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return parse_private_key(path.read_text())
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def configured_key_source() -> str:
    """'setting', 'file', or '' (none available)."""
    if getattr(settings, "CERTIFICATE_SIGNING_KEY", ""):
        return "setting"
    if getattr(settings, "CERTIFICATE_SIGNING_KEY_AUTOGENERATE", False):
        return "file"
    return ""


def get_signing_key() -> SigningKey:
    """The current signing key. Raises SigningKeyMissing when none is configured (production without the variable)."""
    value = getattr(settings, "CERTIFICATE_SIGNING_KEY", "")
    path = Path(getattr(settings, "CERTIFICATE_SIGNING_KEY_FILE", ""))
    autogenerate = getattr(settings, "CERTIFICATE_SIGNING_KEY_AUTOGENERATE", False)
    cache_key = (value, str(path), autogenerate)
    cached = _cache.get(cache_key)
    if cached is not None:
        return cached
    with _lock:
        if value:
            private = parse_private_key(value)
        elif autogenerate:
            private = parse_private_key(path.read_text()) if path.exists() else _generate_into(path)
        else:
            raise SigningKeyMissing(
                "CERTIFICATE_SIGNING_KEY が設定されていません (an Ed25519 private key is required to sign certificates)."
            )
        key = SigningKey(private, key_id(private.public_key()))
        _cache[cache_key] = key
        return key


def previous_public_keys() -> dict[str, Ed25519PublicKey]:
    keys = {}
    for value in getattr(settings, "CERTIFICATE_PREVIOUS_PUBLIC_KEYS", []) or []:
        public = parse_public_key(value)
        keys[key_id(public)] = public
    return keys


def public_keys() -> dict[str, Ed25519PublicKey]:
    """Every key a certificate may have been signed with: the current one first, then previous ones."""
    current = get_signing_key()
    keys = {current.kid: current.public_key}
    for kid, public in previous_public_keys().items():
        keys.setdefault(kid, public)
    return keys


def verify(*, kid: str, data: bytes, signature: str) -> bool:
    public = public_keys().get(kid)
    if public is None:
        return False
    try:
        public.verify(b64url_decode(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def jwks() -> dict:
    """The public JWKS document served at /.well-known/jwks.json."""
    keys = []
    for kid, public in public_keys().items():
        keys.append(
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64url_encode(raw_public_bytes(public)),
                "kid": kid,
                "use": "sig",
                "alg": "EdDSA",
            }
        )
    return {"keys": keys}


def reset_cache() -> None:
    """For tests that change the key settings."""
    _cache.clear()
