import pytest

pytestmark = pytest.mark.django_db


def test_municipality_list_for_dependent_select(client):
    response = client.get("/regions/prefectures/31/municipalities/")
    assert response.status_code == 200
    data = response.json()
    assert data["prefecture"] == {"code": "31", "name": "鳥取県"}
    names = [m["name"] for m in data["municipalities"]]
    assert "鳥取市" in names and "米子市" in names
    assert len(names) == 19  # 4 市 + 14 町 + 1 村


def test_designated_city_wards_only_on_request(client):
    names = [m["name"] for m in client.get("/regions/prefectures/26/municipalities/").json()["municipalities"]]
    assert "京都市" in names and "京都市北区" not in names
    names = [m["name"] for m in client.get("/regions/prefectures/26/municipalities/?wards=1").json()["municipalities"]]
    assert "京都市北区" in names


def test_unknown_prefecture_is_404(client):
    assert client.get("/regions/prefectures/99/municipalities/").status_code == 404
    assert client.get("/regions/prefectures/abc/municipalities/").status_code == 404
