"""The admin's icon sprite and JavaScript catalogue are kept by the browser (issue 19.4): every admin screen fetched
both again from Django on each visit (the catalogue as a blocking script in the head)."""

from __future__ import annotations

import pytest
from wagtail.admin.icons import get_icon_sprite_hash, get_icon_sprite_url

pytestmark = pytest.mark.django_db


def test_the_sprite_under_its_current_hash_is_kept_for_a_year(client, moderator):
    client.force_login(moderator)
    response = client.get(get_icon_sprite_url())
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    # Another hash (an old page's URL after the icons changed) gets today's icons, and is not kept.
    stale = client.get("/admin/sprite/?h=00000000")
    assert stale.status_code == 200 and "no-store" in stale["Cache-Control"]
    assert get_icon_sprite_hash() != "00000000"


def test_the_javascript_catalogue_is_kept_for_an_hour_by_this_browser(client, moderator):
    client.force_login(moderator)
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=3600"
    assert "Cookie" in response["Vary"]


def test_admin_screens_keep_their_own_caching_rules(client, moderator):
    client.force_login(moderator)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # Wagtail's never_cache


def test_the_menus_ask_once_per_screen_whether_the_user_edits_site_content(client, editor):
    """Wagtail builds the main, reports and help menus several times for one screen; each asked the database whether
    the user is an editor (5 of an edit screen's 48 queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    asked = [q["sql"] for q in queries.captured_queries if '"auth_group"."name" IN' in q["sql"]]
    # One for the menus, one for the page-permission policy (lms.accounts.policy.is_page_editor); it was six.
    assert len(asked) == 2, asked
