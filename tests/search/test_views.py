"""The search page: a normal page for anything typed, kind filters and counts, pagination, highlighting."""

import pytest
from django.utils.html import escape

from search import messages
from search.analysis import MAX_QUERY_LENGTH
from search.selectors import PER_PAGE

pytestmark = pytest.mark.django_db


BAD_INPUT = [
    "",
    "相" * 1000,
    "a" * 1000,
    '"',
    '"相談',
    "相談\x00",
    "\x00",
    "\u3000",
    "相談\u3000窓口",
    "*",
    "相談*",
    "AND",
    "相談 AND 孤立",
    "OR",
    "NEAR",
    "NEAR(相談 孤立)",
    "'; DROP TABLE search_searchdocument; --",
    "1' OR '1'='1",
    "相談) OR (1=1",
    "-相談",
    "相談:*",
    "'相談' & '孤立'",
    "{title}: 相談",
    "<script>alert(1)</script>",
    "%",
    "_",
    "\\",
]


@pytest.mark.parametrize("query", BAD_INPUT)
def test_bad_input_gives_a_normal_page(client, site, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_nul_in_the_url_gives_a_normal_page(client, site):
    response = client.get("/search/?q=%E7%9B%B8%E8%AB%87%00")
    assert response.status_code == 200
    assert response.context["search"].results[0].document.title == "相談窓口を知ろう"


def test_empty_query_asks_for_a_word(client, site):
    response = client.get("/search/", {"q": ""})
    assert str(messages.EMPTY_QUERY) in response.content.decode()


def test_query_without_searchable_characters_says_which_characters_work(client, site):
    response = client.get("/search/", {"q": "***"})
    assert str(messages.NO_SEARCHABLE_TEXT) in response.content.decode()


def test_long_query_is_cut_with_a_note(client, site):
    response = client.get("/search/", {"q": "相談" * 500})
    assert str(messages.QUERY_TRUNCATED % {"max": MAX_QUERY_LENGTH}) in response.content.decode()


def test_page_without_query_shows_the_form(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'id="search-q"' in response.content.decode()


def test_results_show_kind_highlight_and_counts(client, site):
    response = client.get("/search/", {"q": "相談"})
    html = response.content.decode()
    assert '<a href="/course/consultation-windows/"><mark>相談</mark>窓口を知ろう</a>' in html
    assert "相談窓口（" in html and "講座（" in html and "すべて（" in html
    assert response.context["search"].results[0].document.title == "相談窓口を知ろう"


def test_kind_filter_shows_only_that_kind(client, site):
    response = client.get("/search/", {"q": "相談", "kind": "consultation"})
    results = response.context["search"].results
    assert results and {r.document.kind for r in results} == {"consultation"}


def test_unknown_kind_is_ignored(client, site):
    response = client.get("/search/", {"q": "相談", "kind": "'; DROP"})
    assert response.status_code == 200
    assert response.context["search"].kind == ""


# (not named `page`: pytest-playwright would take the test for a browser test)
@pytest.mark.parametrize("number", ["abc", "0", "-1", "99999", "1.5", "", "%00"])
def test_bad_page_numbers_show_page_one(client, site, number):
    response = client.get("/search/", {"q": "孤独", "page": number})
    assert response.status_code == 200
    assert response.context["search"].page.number == 1


def test_second_page_continues_the_first(client, site):
    first = client.get("/search/", {"q": "孤独"}).context["search"]
    assert first.total > PER_PAGE
    second = client.get("/search/", {"q": "孤独", "page": 2}).context["search"]
    assert second.page.number == 2
    assert not {r.document.pk for r in first.results} & {r.document.pk for r in second.results}
    assert len(first.results) + len(second.results) == min(first.total, 2 * PER_PAGE)


def test_no_results_says_so_kindly(client, site):
    response = client.get("/search/", {"q": "量子コンピュータ"})
    assert escape(messages.NO_RESULTS % {"query": "量子コンピュータ"}) in response.content.decode()


def test_header_search_form_goes_to_the_search_page(client, site):
    html = client.get("/about/").content.decode()
    assert 'action="/search/"' in html
    assert '<label class="visually-hidden" for="site-search-q">サイト内検索</label>' in html
