"""Promoted results: editors choose them in the admin (in Japanese); they are shown first, marked おすすめ, for the
query however it is typed (full-width, half-width, ideographic spaces)."""

import pytest
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Page

from lms.accounts.enums import EDITOR_GROUP
from search.selectors import search
from tests.home.conftest import _staff_in

pytestmark = pytest.mark.django_db


def promote(query_string, page=None, **kwargs):
    query = Query.get(query_string)
    return SearchPromotion.objects.create(query=query, page=page, sort_order=0, **kwargs)


def test_promoted_page_is_shown_first_and_marked(site, client):
    module = Page.objects.get(slug="consultation-windows")
    promote("相談", page=module, description="まずはここから")
    response = client.get("/search/", {"q": "相談"})
    html = response.content.decode()
    assert '<h2 id="promotions-title">おすすめ</h2>' in html
    assert "まずはここから" in html
    assert html.index('id="promotions-title"') < html.index('<ol class="search-results"')
    assert response.context["search"].promotions[0].url == "/course/consultation-windows/"


@pytest.mark.parametrize("typed", ["dv", "DV", "ＤＶ", " ｄｖ\u3000"])
def test_promotion_is_found_however_the_query_is_typed(site, typed):
    promote("ＤＶ", external_link_url="https://www.gender.go.jp/", external_link_text="DV相談窓口")
    assert [p.title for p in search(query=typed).promotions] == ["DV相談窓口"]


def test_promotion_of_an_unpublished_page_is_not_shown(site):
    module = Page.objects.get(slug="consultation-windows")
    promote("相談", page=module)
    module.unpublish()
    assert search(query="相談").promotions == []


def test_editor_manages_promotions_in_the_admin_in_japanese(site, client):
    editor = _staff_in(EDITOR_GROUP, email="editor-search@example.jp")
    client.force_login(editor)
    response = client.get("/admin/searchpicks/")
    assert response.status_code == 200
    response = client.get("/admin/searchpicks/add/")
    assert response.status_code == 200
    assert "検索" in response.content.decode()


def test_learner_cannot_open_the_promotions_admin(site, client, learner):
    client.force_login(learner)
    response = client.get("/admin/searchpicks/")
    assert response.status_code in (302, 403)
