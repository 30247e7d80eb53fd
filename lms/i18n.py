"""The Japanese catalogue the admin needs beyond what the installed packages ship.

Wagtail's Japanese catalogues cover about a third of its messages (measured with Wagtail 8.0: 949 msgids of its
English catalogues had no Japanese), so the scheduling dialog, the status panel, page history and the moderation
e-mails came out in English. `lms/locale-vendor/ja/LC_MESSAGES/{django,djangojs}.po` holds Japanese for every one
of them; this module finds the msgids an upgrade adds, so the gap cannot silently come back."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings

DOMAINS = ("django", "djangojs")


@dataclass(frozen=True)
class Gap:
    app: str
    domain: str
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None


def vendor_catalogue_path(domain: str) -> Path:
    return Path(settings.LOCALE_PATHS[-1]) / "ja" / "LC_MESSAGES" / f"{domain}.po"


def _translated_keys(po) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in po if entry.translated() and not entry.obsolete}


def translation_gaps() -> list[Gap]:
    """Every msgid an installed app ships in English that neither its own Japanese catalogue nor ours translates."""
    import polib

    ours = {domain: _translated_keys(polib.pofile(vendor_catalogue_path(domain))) for domain in DOMAINS
            if vendor_catalogue_path(domain).exists()}
    gaps: list[Gap] = []
    seen: set[tuple[str, str | None, str]] = set()
    for config in apps.get_app_configs():
        for domain in DOMAINS:
            english = os.path.join(config.path, "locale", "en", "LC_MESSAGES", f"{domain}.po")
            if not os.path.exists(english):
                continue
            japanese = os.path.join(config.path, "locale", "ja", "LC_MESSAGES", f"{domain}.po")
            theirs = _translated_keys(polib.pofile(japanese)) if os.path.exists(japanese) else set()
            for entry in polib.pofile(english):
                key = (entry.msgctxt, entry.msgid)
                if entry.obsolete or not entry.msgid or key in theirs or key in ours.get(domain, set()):
                    continue
                if (domain, *key) in seen:
                    continue
                seen.add((domain, *key))
                gaps.append(Gap(config.label, domain, entry.msgctxt, entry.msgid, entry.msgid_plural or None))
    return gaps
