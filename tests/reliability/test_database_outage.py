"""The database stops answering: pages answer 503 with a Japanese maintenance page (never a 500 or a traceback),
and the first request after it is back answers 200. The connection really fails: the test points Django's
connection at an address where nothing listens (PostgreSQL) or a file that cannot be opened (SQLite)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def database_down():
    saved = dict(connection.settings_dict)

    def stop():
        connection.close()
        if connection.vendor == "postgresql":
            connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
        else:
            connection.settings_dict["NAME"] = "/nonexistent-tsunagari-dir/db.sqlite3"

    def start():
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)

    yield stop, start
    start()


def test_pages_answer_503_in_japanese_while_the_database_is_down(database_down):
    from tests.accounts.factories import UserFactory

    stop, start = database_down
    anonymous = Client(raise_request_exception=False)
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(UserFactory())
    assert signed_in.get("/mypage/").status_code == 200
    stop()
    # (The verification form needs no database and keeps answering 200; search catches database errors itself.)
    pages = [(anonymous, url) for url in ("/", "/workshops/", "/accounts/login/", "/campaign/")]
    pages += [(signed_in, "/mypage/"), (signed_in, "/")]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "60"
        html = response.content.decode()
        assert '<html lang="ja">' in html and "メンテナンス中" in html, url
        assert "Traceback" not in html and "OperationalError" not in html
    login = anonymous.post("/accounts/login/", {"login": "someone@example.jp", "password": "x" * 12})
    assert login.status_code == 503
    start()
    assert anonymous.get("/verify/").status_code == 200  # the first request after it is back
    assert signed_in.get("/mypage/").status_code == 200


def test_a_bug_is_still_a_500(rf):
    from lms.views import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
