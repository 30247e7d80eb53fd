"""No English left on public pages: the visible text (and the accessible names in alt, aria-label, title and
placeholder) of the public pages is Japanese; only names that are Japanese usage too are allowed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

# Words a Japanese reader meets as they are (formats, standards, product names, units).
ALLOWED = {
    "PDF", "QR", "URL", "CSV", "JSON", "API", "JWT", "Open", "Badges", "LinkedIn", "HTTPS", "CSRF", "YouTube", "JIS",
    "WCAG", "AA", "axe", "core", "Playwright", "Chromium", "px", "Excel", "UTF", "Shift_JIS", "Shift", "NPO",
    "iCal", "axe-core", "name", "role", "value",  # name/role/value: JIS 4.1.2 「名前（name）、役割（role）及び値（value）」
    "ics", "MB", "TOTP", "ID", "IP", "OK", "Wi", "Fi", "e-Stat", "Stat", "www", "go", "jp", "http", "https",
    "cao", "notalone", "childline", "or", "talkme", "kodoku_koritsu", "kodoku", "koritsu", "Ed25519", "VC", "OB",
}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):  # <code>: API calls shown to developers (POST /api/v1/…)
            self._skip += 1
        for name, value in attrs:
            if name in ("alt", "aria-label", "title", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_words(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    text = re.sub(r"https?://\S+|\S+@\S+|[\w.-]+\.(?:jp|com|org)\S*", " ", text)  # addresses are not prose
    text = re.sub(r"(?<![\w])/[\w/.:?=&%-]*", " ", text)  # nor paths (/api/v1/…, the pages tested)
    text = re.sub(r"\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b", " ", text)  # nor certificate numbers and codes (ABCD-EFGH)
    words = re.findall(r"[A-Za-z][A-Za-z_-]+", text)
    return sorted({w for w in words if w not in ALLOWED and w.strip("-_") not in ALLOWED})


@pytest.mark.django_db
def test_public_pages_have_no_english(client):
    from home.services import ensure_standard_pages
    from tests.courses.factories import make_course

    ensure_standard_pages()
    course, modules = make_course(modules=2, questions=2)
    urls = ["/", "/about/", "/faq/", "/terms/", "/privacy/", "/contact/", "/accessibility/", "/accounts/signup/",
            "/accounts/login/", "/accounts/password/reset/", "/verify/", "/verify/bulk/", "/search/?q=孤立",
            "/no-such-page/", course.url, modules[0].url]
    found = {}
    for url in urls:
        words = english_words(client.get(url, follow=True).content.decode())
        if words:
            found[url] = words
    assert not found, found
