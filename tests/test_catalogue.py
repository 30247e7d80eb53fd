"""The project's Japanese catalogue is in sync with the code (issue 19): every string the project's templates and
Python wrap in gettext has its entry in lms/locale/ja/LC_MESSAGES/django.po, nothing stale is left there, nothing is
untranslated, and the committed .mo is that .po compiled. `manage.py update_catalogue` brings it back in sync."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from lms.i18n import AS_IS, JAPANESE, project_catalogue_path, run_makemessages, source_dirs

FIX = "manage.py update_catalogue を実行して lms/locale/ja/LC_MESSAGES/django.po と .mo をコミットしてください"


def _keys(po) -> set[tuple[str | None, str, str | None]]:
    return {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in po if not e.obsolete}


@pytest.fixture(scope="module")
def made_from_the_code(tmp_path_factory) -> polib.POFile:
    """makemessages -l ja on a copy of the code with the committed catalogue, as a developer would run it."""
    for tool in ("xgettext", "msgmerge", "msguniq", "msgfmt"):
        assert shutil.which(tool), f"{tool} がありません: Debian の gettext パッケージが必要です（make system-deps）"
    root = tmp_path_factory.mktemp("catalogue")
    base = Path(settings.BASE_DIR)
    for name in source_dirs():
        shutil.copytree(base / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(base / "manage.py", root / "manage.py")
    return polib.pofile(str(run_makemessages(root)))


def test_makemessages_leaves_nothing_untranslated(made_from_the_code):
    untranslated = [e.msgid for e in made_from_the_code if not e.obsolete and not e.translated()]
    assert not untranslated, f"{len(untranslated)} 件が未翻訳（カタログにない新しい文字列）: {untranslated[:8]} — {FIX}"


def test_the_committed_catalogue_has_exactly_the_codes_msgids(made_from_the_code):
    committed = polib.pofile(str(project_catalogue_path()))
    in_code, in_catalogue = _keys(made_from_the_code), _keys(committed)
    assert not in_code - in_catalogue, f"カタログにない msgid: {sorted(in_code - in_catalogue, key=str)[:8]} — {FIX}"
    assert not in_catalogue - in_code, f"コードにない（古い）msgid: {sorted(in_catalogue - in_code, key=str)[:8]} — {FIX}"
    assert len(in_code) > 500  # the templates are wrapped: a check over an empty catalogue would prove nothing


def test_the_committed_mo_is_the_po_compiled():
    path = project_catalogue_path()
    po, mo = polib.pofile(str(path)), polib.mofile(str(path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po if e.translated()}
    shipped = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo if e.msgid}
    assert compiled == shipped, f"lms/locale の .mo が .po と違います — {FIX}"
    assert not [e.msgid for e in po if "fuzzy" in e.flags], "fuzzy の訳が残っています"


def test_no_entry_shadows_japanese_with_english():
    """Our catalogue comes first in LOCALE_PATHS: an English msgstr there (say 「Toggle all」 for a package template we
    override) would replace the package's Japanese."""
    for entry in polib.pofile(str(project_catalogue_path())):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                assert re.search(JAPANESE, text) or re.match(AS_IS, text), (entry.msgid, text)


def test_placeholders_survive():
    pattern = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
    for entry in polib.pofile(str(project_catalogue_path())):
        wanted = {m.group(0) for m in pattern.finditer(entry.msgid_plural or entry.msgid)}
        got = {m.group(0) for m in pattern.finditer(entry.msgstr or entry.msgstr_plural.get(0, ""))}
        assert got == wanted, (entry.msgid, wanted ^ got)


def test_gettext_reads_the_project_catalogue():
    with translation.override("ja"):
        assert translation.gettext("Toggle all") == "すべて切り替え"  # a package msgid of a template we override
        assert translation.gettext("Page") == "ページ"


def test_every_templates_text_goes_through_gettext():
    """The project's templates are wrapped: no run of Japanese text outside {% translate %} / {% blocktranslate %}
    that scripts/i18n_wrap_templates.py could wrap (it lists what it leaves alone, e.g. text with an HTML entity)."""
    import importlib.util

    base = Path(settings.BASE_DIR)
    spec = importlib.util.spec_from_file_location("wrap", base / "scripts" / "i18n_wrap_templates.py")
    wrap = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(wrap)
    unwrapped = {}
    for name in source_dirs():
        for path in sorted((base / name).rglob("templates/**/*")):
            if path.suffix in (".html", ".txt") and path.is_file():
                wrapper = wrap.Wrapper(path)
                wrapper.wrap(path.read_text(encoding="utf-8"))
                if wrapper.changed:
                    unwrapped[str(path.relative_to(base))] = wrapper.changed
    assert not unwrapped, (f"gettext を通していない日本語のある template: {unwrapped} — "
                           "scripts/i18n_wrap_templates.py FILE で包み、make messages を実行してください")
