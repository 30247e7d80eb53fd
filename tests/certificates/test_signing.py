import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from certificates import signing
from certificates.checks import check_signing_key, harfbuzz_subsetting_active

GOLDEN = Path(__file__).parent / "golden"
FIXED_SEED = bytes(range(32))  # a test-only key; the real one comes from the environment


@pytest.fixture
def fixed_key(settings):
    settings.CERTIFICATE_SIGNING_KEY = base64.b64encode(FIXED_SEED).decode()
    signing.reset_cache()
    yield Ed25519PrivateKey.from_private_bytes(FIXED_SEED)
    signing.reset_cache()


def test_key_can_be_given_as_pem(settings):
    key = Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    assert signing.get_signing_key().kid == signing.key_id(key.public_key())


def test_development_key_is_generated_once_into_the_key_file(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.CERTIFICATE_SIGNING_KEY_AUTOGENERATE = True
    settings.CERTIFICATE_SIGNING_KEY_FILE = tmp_path / "keys" / "k.pem"
    first = signing.get_signing_key()
    signing.reset_cache()
    second = signing.get_signing_key()
    assert first.kid == second.kid
    assert (tmp_path / "keys" / "k.pem").stat().st_mode & 0o777 == 0o600


def test_without_a_key_and_without_autogeneration_signing_fails_and_the_check_says_so(settings):
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.CERTIFICATE_SIGNING_KEY_AUTOGENERATE = False
    with pytest.raises(signing.SigningKeyMissing):
        signing.get_signing_key()
    errors = check_signing_key()
    assert [e.id for e in errors] == ["certificates.E001"]
    with pytest.raises(SystemCheckError):
        call_command("check")


def test_an_unreadable_key_is_a_check_error(settings):
    settings.CERTIFICATE_SIGNING_KEY = "not a key"
    assert [e.id for e in check_signing_key()] == ["certificates.E002"]


def test_production_settings_refuse_to_start_without_a_signing_key(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    for name, value in {
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://u@127.0.0.1/db",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "example.jp",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CERTIFICATE_SIGNING_KEY", raising=False)
    # base.py reads the environment when imported: import it afresh so it sees the variables above.
    sys.modules.pop("lms.settings.production", None)
    sys.modules.pop("lms.settings.base", None)
    with pytest.raises(ImproperlyConfigured, match="CERTIFICATE_SIGNING_KEY"):
        importlib.import_module("lms.settings.production")
    sys.modules.pop("lms.settings.production", None)
    sys.modules.pop("lms.settings.base", None)


def test_harfbuzz_subsetting_is_active_here():
    assert harfbuzz_subsetting_active()


def test_previous_keys_are_published_and_still_verify(settings, fixed_key):
    old = Ed25519PrivateKey.generate()
    old_x = signing.b64url_encode(signing.raw_public_bytes(old.public_key()))
    settings.CERTIFICATE_PREVIOUS_PUBLIC_KEYS = [old_x]
    kids = [k["kid"] for k in signing.jwks()["keys"]]
    assert kids == [signing.key_id(fixed_key.public_key()), signing.key_id(old.public_key())]
    signature = signing.b64url_encode(old.sign(b"payload"))
    assert signing.verify(kid=signing.key_id(old.public_key()), data=b"payload", signature=signature)
    assert not signing.verify(kid=signing.key_id(old.public_key()), data=b"payloaD", signature=signature)


@pytest.mark.parametrize("bad", ["", "!!!", "a" * 300, "AAAA=", None])
def test_garbage_signatures_do_not_verify(fixed_key, bad):
    kid = signing.get_signing_key().kid
    assert not signing.verify(kid=kid, data=b"x", signature=bad)


def test_jwks_document_matches_the_golden_file(client, fixed_key):
    """Golden file of the public JWKS (tests/certificates/golden/jwks.json) for the fixed test key.

    Update the golden file only for a deliberate change to the published contract (a new member, a new key type),
    announced to verifiers; a changed test key alone is never a reason."""
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == json.loads((GOLDEN / "jwks.json").read_text())


def test_missing_harfbuzz_subsetting_fails_the_system_check(monkeypatch):
    import weasyprint.text.ffi as ffi

    from certificates.checks import check_harfbuzz_subset

    assert check_harfbuzz_subset() == []
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    assert [e.id for e in check_harfbuzz_subset()] == ["certificates.E003"]
