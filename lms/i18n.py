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


# --- The project's own catalogue (lms/locale) ---------------------------------------------------------------------
#
# The project's templates and Python messages are written in Japanese and wrapped in gettext ({% translate %},
# {% blocktranslate %}, gettext_lazy), so the source language is Japanese: `lms/locale/ja/LC_MESSAGES/django.po`
# holds every such msgid with msgstr = msgid (filled by `manage.py update_catalogue`; a msgstr someone wrote by hand
# is kept). Templates that override a package's template keep the package's English msgids so its translation
# applies; for those the msgstr is the Japanese the package's (or lms/locale-vendor's) catalogue gives — our
# catalogue comes first in LOCALE_PATHS, so an identity translation there would bring the English back.
# tests/test_catalogue.py runs makemessages on a copy of the code and fails when the catalogue is out of sync.

MAKEMESSAGES_ARGS = ["makemessages", "-l", "ja", "--no-location", "--no-obsolete", "-e", "html,txt,py",
                     "-i", "tests/*", "-i", "docs/*", "-i", "scripts/*", "-i", "static/*", "-i", "media/*",
                     "-i", "var/*", "-i", "htmlcov/*", "-i", "test-results/*"]


def source_dirs(root: Path | None = None) -> list[str]:
    """What makemessages reads: the project's top-level packages (not tests/); the copy the check works on holds
    only these and manage.py."""
    root = Path(root or settings.BASE_DIR)
    return sorted(p.name for p in root.iterdir() if (p / "__init__.py").exists() and p.name != "tests")


JAPANESE = "[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]"
# Written as they are in Japanese too (a msgid made only of these is its own translation): 「API」, 「URL」, 「PDF」.
AS_IS = r"^[A-Z0-9][A-Z0-9 ./+%()-]*$"


def project_catalogue_path(root: Path | None = None) -> Path:
    base = Path(settings.LOCALE_PATHS[0])
    if root is not None:
        base = Path(root) / base.relative_to(Path(settings.BASE_DIR))
    return base / "ja" / "LC_MESSAGES" / "django.po"


def run_makemessages(root: Path) -> Path:
    """makemessages -l ja over the project's code under `root` (the repository or a copy of it)."""
    import subprocess
    import sys

    environment = {**os.environ, "PYTHONPATH": str(root), "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
    done = subprocess.run([sys.executable, "manage.py", *MAKEMESSAGES_ARGS], cwd=root, env=environment,  # noqa: S603
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"makemessages が失敗しました（{root}）:\n{done.stderr[-3000:]}")
    return project_catalogue_path(root)


def _package_japanese() -> dict[tuple[str | None, str], object]:
    """What the catalogues other than ours translate (lms/locale-vendor first, then the apps, then Django): the
    Japanese an English msgid of an overridden package template gets."""
    import django
    import polib

    paths = [Path(p) / "ja" / "LC_MESSAGES" / "django.po" for p in settings.LOCALE_PATHS[1:]]
    paths += [Path(c.path) / "locale" / "ja" / "LC_MESSAGES" / "django.po" for c in apps.get_app_configs()]
    paths.append(Path(django.__file__).parent / "conf" / "locale" / "ja" / "LC_MESSAGES" / "django.po")
    found: dict[tuple[str | None, str], object] = {}
    for path in paths:
        if path.exists():
            for entry in polib.pofile(str(path)):
                if entry.translated() and not entry.obsolete:
                    found.setdefault((entry.msgctxt, entry.msgid), entry)
    return found


def fill_project_catalogue(path: Path) -> list[str]:
    """Give every untranslated (or fuzzy) entry its Japanese; returns the msgids left without any."""
    import re

    import polib

    po = polib.pofile(str(path), wrapwidth=120)
    packages = None
    missing = []
    for entry in po:
        if entry.translated():
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if re.search(JAPANESE, entry.msgid) or re.match(AS_IS, entry.msgid):
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            continue
        packages = packages if packages is not None else _package_japanese()
        theirs = packages.get((entry.msgctxt, entry.msgid))
        if theirs is None:
            missing.append(entry.msgid)
            entry.msgstr, entry.msgstr_plural = "", ({0: ""} if entry.msgid_plural else {})
        elif entry.msgid_plural:
            entry.msgstr_plural = {0: theirs.msgstr_plural.get(0, "") or theirs.msgstr}
        else:
            entry.msgstr = theirs.msgstr
    # A stable header (no creation date: every run would change the file and conflict between branches).
    po.header = "The project's own messages; the source language is Japanese (msgstr = msgid). lms/i18n.py,\n" \
                "docs/admin-japanese.md. Update with: manage.py update_catalogue"
    po.metadata = {"Project-Id-Version": "tsunagari", "Language": "ja", "MIME-Version": "1.0",
                   "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
                   "Plural-Forms": "nplurals=1; plural=0;"}
    po.metadata_is_fuzzy = False
    po.save(str(path))
    return missing


def compile_catalogue(path: Path) -> None:
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise RuntimeError("msgfmt がありません: Debian の gettext パッケージが必要です（make system-deps）")
    subprocess.run([msgfmt, "--check", "-o", str(path.with_suffix(".mo")), str(path)],  # noqa: S603 (our own file)
                   check=True, capture_output=True, text=True)
