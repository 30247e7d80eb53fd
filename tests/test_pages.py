import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_japanese_with_navigation_and_the_dial(client):
    from home.services import load_consultation_resources

    load_consultation_resources()  # `manage.py seed_site` (make setup) loads the seeds' windows
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    for item in ("講座", "講座・研修会", "強化月間", "修了証の確認", "マイページ"):
        assert f">{item}</a>" in html
    assert "#9999" in html and "ゴールデンウィーク、年末年始に実施" in html
    assert 'href="#main"' in html and '<main id="main"' in html


def test_404_page_is_japanese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_500_page_is_japanese_and_needs_no_database(rf):
    from lms.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "エラーが発生しました" in response.content.decode()


def test_settings_default_to_japanese_and_tokyo(settings):
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
