"""One set of words (docs/glossary.md): 章 / 確認問題 / 修了証 / 失効 — never 単元, 確認テスト, モジュール, 小テスト,
取消 — in public templates, messages, e-mails, seeded pages and the rendered public pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

BANNED = re.compile("単元|確認テスト|モジュール|小テスト|取消")
ROOT = Path(settings.BASE_DIR)
# The staff report screens' captions (lms/reports/layout.py, cells.py) follow the same words.
SOURCES = [
    *ROOT.glob("lms/templates/**/*.html"),
    *ROOT.glob("lms/templates/**/*.txt"),
    *ROOT.glob("lms/accounts/templates/**/*"),
    *ROOT.glob("home/templates/**/*"),
    *ROOT.glob("courses/templates/**/*"),
    *ROOT.glob("certificates/templates/**/*"),
    *ROOT.glob("events/templates/**/*"),
    *ROOT.glob("search/templates/**/*"),
    ROOT / "lms" / "reports" / "layout.py",
    ROOT / "lms" / "reports" / "cells.py",
    *ROOT.glob("lms/reports/templates/**/*"),
    *ROOT.glob("*/messages.py"),
    *ROOT.glob("lms/accounts/messages.py"),
    ROOT / "home" / "seed_pages.py",
    *ROOT.glob("*/enums.py"),
    *ROOT.glob("lms/accounts/enums.py"),
]


@pytest.mark.parametrize("path", [p for p in SOURCES if p.is_file()], ids=lambda p: str(p.relative_to(ROOT)))
def test_public_sources_use_the_glossary_words(path):
    text = path.read_text(encoding="utf-8")
    hits = [line.strip() for line in text.splitlines() if BANNED.search(line)]
    assert not hits, hits


@pytest.mark.django_db
def test_rendered_public_pages_use_the_glossary_words(client):
    from home.services import ensure_standard_pages
    from tests.courses.factories import make_course

    ensure_standard_pages()
    course, modules = make_course(modules=2, questions=2)
    urls = ["/", "/about/", "/faq/", "/terms/", "/privacy/", "/contact/", "/accounts/signup/", "/accounts/login/",
            "/verify/", "/search/?q=修了証", course.url, modules[0].url]
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        found = BANNED.findall(response.content.decode())
        assert not found, (url, found)
