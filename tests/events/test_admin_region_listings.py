"""Trainers see only their regions in every admin listing, search, report and the admin API (issue 13 item 4;
docs/access-policy.md, "Admin listings").

Found on the code before: a 鳥取市 trainer saw the title of a 京都市 draft in /admin/reports/site-history/,
/admin/pages/search/, the aging pages report and /admin/api/main/pages/."""

from __future__ import annotations

import json

import pytest
from wagtail.models import PageLogEntry

from events.models import WorkshopIndexPage
from lms.accounts.enums import EDITOR_GROUP, MODERATOR_GROUP, Role
from lms.accounts.services import assign_role
from lms.regions.models import Municipality
from tests.accounts.factories import KYOTO_CITY, TOTTORI_CITY

from .factories import make_editor, make_trainer, make_workshop

pytestmark = pytest.mark.django_db

SECRET_TITLE = "DV被害者支援団体向け研修（内部調整中）"
LIVE_TITLE = "京都市の公開講座（検証用）"  # a published one too: the aging pages report lists published pages
OWN_TITLE = "鳥取市 DV 研修（準備中）"  # found by the same search word as the secret one


@pytest.fixture
def workshops():
    kyoto = make_workshop(municipality=KYOTO_CITY, title=SECRET_TITLE, slug="kyoto-dv-draft", publish=False)
    own = make_workshop(municipality=TOTTORI_CITY, title=OWN_TITLE, slug="tottori-draft", publish=False)
    live = make_workshop(municipality=KYOTO_CITY, title=LIVE_TITLE, slug="kyoto-live", publish=True)
    for page in (kyoto, own, live):
        PageLogEntry.objects.log_action(instance=page, action="wagtail.edit")
    return kyoto, own


def _listing_urls() -> list[str]:
    index = WorkshopIndexPage.objects.get()
    return [
        "/admin/reports/site-history/",
        "/admin/pages/search/?q=DV",
        "/admin/pages/search/?q=DV&ordering=-latest_revision_created_at",
        "/admin/reports/aging-pages/",
        "/admin/reports/locked-pages/",
        "/admin/reports/workflow/",
        "/admin/api/main/pages/",
        "/admin/api/main/pages/?search=DV",
        f"/admin/api/main/pages/?child_of={index.pk}&for_explorer=1",
        f"/admin/api/main/pages/?descendant_of={index.pk}",
        f"/admin/pages/{index.pk}/",
        f"/admin/pages/{index.pk}/?q=DV",
        "/admin/pages/",
        f"/admin/choose-page/{index.pk}/",
        "/admin/choose-page/search/?q=DV",
        "/admin/",
    ]


def _body(response) -> str:
    text = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


@pytest.mark.parametrize("index", range(16))
def test_a_tottori_trainer_never_sees_a_kyoto_draft_title(client, workshops, index):
    url = _listing_urls()[index]
    kyoto, _own = workshops
    client.force_login(make_trainer(municipality=TOTTORI_CITY))
    response = client.get(url)
    assert response.status_code in (200, 302, 403, 404), url
    assert SECRET_TITLE not in _body(response), url
    assert LIVE_TITLE not in _body(response), url
    assert f"/admin/pages/{kyoto.pk}/" not in _body(response), url


def test_the_trainer_still_finds_their_own_workshops(client, workshops):
    _kyoto, own = workshops
    index = WorkshopIndexPage.objects.get()
    client.force_login(make_trainer(municipality=TOTTORI_CITY))
    for url in (f"/admin/pages/{index.pk}/", "/admin/pages/search/?q=DV", f"/admin/api/main/pages/?descendant_of={index.pk}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert OWN_TITLE in _body(response), url


@pytest.mark.parametrize("url", ["/admin/pages/search/?q=DV", "/admin/reports/site-history/", "/admin/api/main/pages/"])
def test_editors_see_every_regions_workshops(client, workshops, url):
    client.force_login(make_editor())
    body = _body(client.get(url))
    assert SECRET_TITLE in body and OWN_TITLE in body


def test_a_kyoto_trainer_sees_the_kyoto_draft(client, workshops):
    client.force_login(make_trainer(municipality=KYOTO_CITY))
    body = _body(client.get(f"/admin/api/main/pages/?descendant_of={WorkshopIndexPage.objects.get().pk}"))
    assert SECRET_TITLE in body and OWN_TITLE not in body


def test_the_kyoto_drafts_own_admin_pages_answer_without_its_title(client, workshops):
    kyoto, _own = workshops
    client.force_login(make_trainer(municipality=TOTTORI_CITY))
    for url in (f"/admin/pages/{kyoto.pk}/edit/", f"/admin/pages/{kyoto.pk}/history/", f"/admin/api/main/pages/{kyoto.pk}/"):
        response = client.get(url)
        assert SECRET_TITLE not in _body(response), url


def test_a_trainer_who_is_also_an_editor_sees_pages_but_only_their_own_rosters(client, workshops):
    from django.contrib.auth.models import Group

    kyoto, own = workshops
    user = make_trainer(municipality=TOTTORI_CITY)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client.force_login(user)
    assert SECRET_TITLE in _body(client.get("/admin/pages/search/?q=DV"))  # editors edit every page
    assert client.get(f"/trainer/workshops/{kyoto.pk}/").status_code == 404  # … but no other region's roster
    assert client.get(f"/trainer/workshops/{kyoto.pk}/roster.csv").status_code == 404
    assert client.get(f"/trainer/workshops/{own.pk}/").status_code == 200
    assert SECRET_TITLE not in client.get("/trainer/").content.decode()


def test_editors_and_moderators_get_no_roster(client, workshops):
    from django.contrib.auth.models import Group

    _kyoto, own = workshops
    for group in (EDITOR_GROUP, MODERATOR_GROUP):
        user = make_editor()
        user.groups.set([Group.objects.get(name=group)])
        client.force_login(user)
        assert client.get(f"/trainer/workshops/{own.pk}/").status_code in (403, 404), group
        assert client.get(f"/trainer/workshops/{own.pk}/roster.csv").status_code in (403, 404), group


def test_a_prefecture_trainer_sees_every_municipality_of_it_but_no_other_prefecture(client, workshops):
    user = make_trainer(municipality=TOTTORI_CITY)
    user.role_assignments.all().delete()
    assign_role(user=user, role=Role.TRAINER, prefecture=Municipality.objects.get(code=TOTTORI_CITY).prefecture)
    client.force_login(user)
    body = _body(client.get(f"/admin/api/main/pages/?descendant_of={WorkshopIndexPage.objects.get().pk}"))
    assert OWN_TITLE in body and SECRET_TITLE not in body
