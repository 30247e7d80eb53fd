"""System checks: a signing key must be configured, and WeasyPrint must subset fonts with HarfBuzz."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security, deploy=False)
def check_signing_key(app_configs=None, **kwargs):
    from django.conf import settings

    from .signing import configured_key_source, parse_private_key

    source = configured_key_source()
    if not source:
        return [
            checks.Error(
                "No certificate signing key is configured.",
                hint="Set CERTIFICATE_SIGNING_KEY to an Ed25519 private key (PEM, or base64 of the 32 raw bytes); "
                "see docs/certificate-signing.md.",
                id="certificates.E001",
            )
        ]
    if source == "setting":
        try:
            parse_private_key(settings.CERTIFICATE_SIGNING_KEY)
        except (ImproperlyConfigured, ValueError) as exc:
            return [checks.Error(f"CERTIFICATE_SIGNING_KEY cannot be read: {exc}", id="certificates.E002")]
    return []


def harfbuzz_subsetting_active() -> bool:
    """WeasyPrint 70 subsets embedded fonts with libharfbuzz-subset when it can load it (and HarfBuzz ≥ 4.1);
    otherwise it silently falls back to fontTools, 5–60x slower (weasyprint/pdf/fonts.py, Font.subset)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@checks.register()
def check_harfbuzz_subset(app_configs=None, **kwargs):
    if harfbuzz_subsetting_active():
        return []
    return [
        checks.Error(
            "WeasyPrint cannot use HarfBuzz subsetting: certificate PDFs would be 5–60x slower.",
            hint="Install Debian's libharfbuzz-subset0 (make system-deps).",
            id="certificates.E003",
        )
    ]


@checks.register(checks.Tags.security, deploy=False)
def check_certificate_files_are_private(app_configs=None, **kwargs):
    """Certificate files on local disk must not live under MEDIA_ROOT or STATIC_ROOT, which web servers (and the
    development /media/ route) serve."""
    from django.conf import settings

    from .storage import PrivateCertificateStorage, certificate_storage, inside

    storage = certificate_storage()
    if not isinstance(storage, PrivateCertificateStorage):
        return []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, name, None)
        if public and inside(storage.location, public):
            return [
                checks.Error(
                    f"Certificate files would be stored inside {name} ({public}), which is served publicly.",
                    hint="Set CERTIFICATE_FILES_ROOT to a folder outside MEDIA_ROOT and STATIC_ROOT "
                    "(default: var/certificates/); move existing files with manage.py move_certificate_files.",
                    id="certificates.E003",
                )
            ]
    return []
