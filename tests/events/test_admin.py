"""Trainers create and edit workshops in the Wagtail admin only in the regions their role covers; editors see all.

Every admin route that changes or reveals a workshop is tried with a 鳥取市 trainer against a 京都市 workshop."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from events import messages
from events.models import WorkshopIndexPage, WorkshopPage
from tests.accounts.factories import KYOTO_CITY, TOTTORI_CITY

from .factories import make_editor, make_trainer, make_workshop

pytestmark = pytest.mark.django_db


def form_data(*, title="鳥取市の養成講座", slug="tottori-admin", municipality=TOTTORI_CITY, capacity="20", **overrides):
    start = timezone.localtime(timezone.now() + dt.timedelta(days=14)).replace(hour=13, minute=30, second=0, microsecond=0)
    data = {
        "title": title,
        "slug": slug,
        "description": rich_text("<p>講座の内容です。</p>"),
        "municipality": municipality,
        "format": "in_person",
        "venue_name": "市民会館",
        "venue_address": "鳥取県鳥取市尚徳町116",
        "online_url": "",
        "starts_at": start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "capacity": capacity,
        "registration_opens_at": "",
        "registration_closes_at": "",
        "audience": "どなたでも",
        "organiser": "鳥取市",
        "trainer_name": "講師 一郎",
        "contact": "",
        "status": "published",
        "comments": inline_formset([]),
        "action-publish": "publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def index_page():
    return WorkshopIndexPage.objects.get()


def create_url():
    return f"/admin/pages/add/events/workshoppage/{index_page().pk}/"


def test_the_listing_page_exists_at_workshops_and_trainers_may_add_there():
    index = index_page()
    assert index.url == "/workshops/"
    trainer = make_trainer()
    assert index.permissions_for_user(trainer).can_add_subpage()


def test_a_trainer_creates_and_publishes_a_workshop_in_their_region(client):
    client.force_login(make_trainer())
    response = client.post(create_url(), form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    workshop = WorkshopPage.objects.get(slug="tottori-admin")
    assert workshop.live and workshop.municipality_id == TOTTORI_CITY


def test_a_trainer_cannot_create_a_workshop_in_another_region(client):
    client.force_login(make_trainer(municipality=TOTTORI_CITY))
    response = client.post(create_url(), form_data(municipality=KYOTO_CITY, slug="kyoto-admin"))
    assert response.status_code == 200
    assert str(messages.MUNICIPALITY_OUT_OF_SCOPE) in response.content.decode()
    assert not WorkshopPage.objects.filter(slug="kyoto-admin").exists()


def test_the_create_form_offers_a_trainer_only_their_municipalities(client):
    client.force_login(make_trainer(municipality=TOTTORI_CITY))
    body = client.get(create_url()).content.decode()
    assert "鳥取県鳥取市" in body
    assert "京都府京都市" not in body


def test_bad_input_in_the_admin_is_refused_with_clear_messages(client):
    client.force_login(make_trainer())
    data = form_data(capacity="-3", slug="bad")
    start = data["starts_at"]
    data["ends_at"] = start
    response = client.post(create_url(), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert str(messages.CAPACITY_POSITIVE) in body
    assert str(messages.END_BEFORE_START) in body
    assert not WorkshopPage.objects.filter(slug="bad").exists()


@pytest.fixture
def kyoto_workshop():
    return make_workshop(municipality=KYOTO_CITY, title="京都市の講座", organiser="京都市")


def test_a_trainer_cannot_open_or_post_the_edit_form_of_another_regions_workshop(client, kyoto_workshop):
    client.force_login(make_trainer(municipality=TOTTORI_CITY))
    url = f"/admin/pages/{kyoto_workshop.pk}/edit/"
    assert client.get(url).status_code in (302, 403)
    response = client.post(url, form_data(municipality=KYOTO_CITY, title="乗っ取り", slug=kyoto_workshop.slug))
    assert response.status_code in (302, 403)
    kyoto_workshop.refresh_from_db()
    assert kyoto_workshop.title == "京都市の講座"
    assert kyoto_workshop.get_latest_revision().content["title"] == "京都市の講座"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/pages/{pk}/delete/",
        "/admin/pages/{pk}/unpublish/",
        "/admin/pages/{pk}/copy/",
        "/admin/pages/{pk}/move/",
        "/admin/pages/{pk}/history/",
        "/admin/pages/{pk}/revisions/compare/earliest...latest/",
        "/admin/pages/{pk}/lock/",
        "/admin/pages/{pk}/edit/preview/",
    ],
)
def test_a_trainer_cannot_reach_other_admin_routes_for_another_regions_workshop(client, kyoto_workshop, path):
    client.force_login(make_trainer(municipality=TOTTORI_CITY))
    url = path.format(pk=kyoto_workshop.pk)
    get = client.get(url)
    post = client.post(url, {"new_title": "コピー", "new_slug": "copy", "new_parent_page": index_page().pk})
    assert get.status_code in (302, 403, 404, 405), (url, get.status_code)
    assert post.status_code in (302, 403, 404, 405), (url, post.status_code)
    if post.status_code == 302:
        assert "/admin/login" not in post["Location"]
    kyoto_workshop.refresh_from_db()
    assert kyoto_workshop.live and not kyoto_workshop.locked
    assert WorkshopPage.objects.count() == 1


def test_a_trainer_cannot_move_their_own_workshop_to_another_region_by_editing_it(client):
    trainer = make_trainer(municipality=TOTTORI_CITY)
    workshop = make_workshop(municipality=TOTTORI_CITY, slug="mine")
    client.force_login(trainer)
    response = client.post(f"/admin/pages/{workshop.pk}/edit/", form_data(municipality=KYOTO_CITY, slug="mine"))
    assert response.status_code == 200
    assert str(messages.MUNICIPALITY_OUT_OF_SCOPE) in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.municipality_id == TOTTORI_CITY


def test_a_trainer_edits_their_own_regions_workshop(client):
    trainer = make_trainer(municipality=TOTTORI_CITY)
    workshop = make_workshop(municipality=TOTTORI_CITY, slug="mine")
    client.force_login(trainer)
    response = client.post(f"/admin/pages/{workshop.pk}/edit/", form_data(title="新しい題名", slug="mine"))
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.title == "新しい題名"


def test_a_prefecture_trainer_covers_every_municipality_of_it():
    from lms.accounts.enums import Role
    from lms.accounts.services import assign_role
    from lms.regions.models import Prefecture
    from tests.accounts.factories import UserFactory

    trainer = UserFactory()
    assign_role(user=trainer, role=Role.TRAINER, prefecture=Prefecture.objects.get(code="31"))
    workshop = make_workshop(municipality="313025")  # 岩美町
    kyoto = make_workshop(municipality=KYOTO_CITY)
    assert workshop.permissions_for_user(trainer).can_edit()
    assert not kyoto.permissions_for_user(trainer).can_edit()


def test_the_explorer_hides_other_regions_workshops_from_trainers_but_not_from_editors(client, kyoto_workshop):
    own = make_workshop(municipality=TOTTORI_CITY, title="鳥取市の講座")
    client.force_login(make_trainer(municipality=TOTTORI_CITY))
    body = client.get(f"/admin/pages/{index_page().pk}/").content.decode()
    assert own.title in body
    assert kyoto_workshop.title not in body

    client.force_login(make_editor())
    body = client.get(f"/admin/pages/{index_page().pk}/").content.decode()
    assert own.title in body and kyoto_workshop.title in body


def test_editors_edit_any_regions_workshop(client, kyoto_workshop):
    client.force_login(make_editor())
    assert client.get(f"/admin/pages/{kyoto_workshop.pk}/edit/").status_code == 200
    assert kyoto_workshop.permissions_for_user(make_editor()).can_edit()


def test_trainers_cancel_rather_than_delete_their_workshops():
    trainer = make_trainer()
    workshop = make_workshop()
    perms = workshop.permissions_for_user(trainer)
    assert perms.can_edit() and perms.can_publish()
    assert not perms.can_delete()
    assert not perms.can_move()


def test_a_user_without_a_trainer_role_edits_no_workshop():
    from tests.accounts.factories import UserFactory

    workshop = make_workshop()
    assert not Page.objects.get(pk=workshop.pk).permissions_for_user(UserFactory()).can_edit()


def test_a_trainer_previews_a_new_workshop_and_their_own_edits(client):
    trainer = make_trainer(municipality=TOTTORI_CITY)
    client.force_login(trainer)
    preview = create_url() + "preview/"
    assert client.post(preview, form_data(slug="preview-new")).json()["is_valid"] is True
    response = client.get(preview)
    assert response.status_code == 200
    assert "鳥取市の養成講座" in response.content.decode()

    workshop = make_workshop(municipality=TOTTORI_CITY, slug="mine")
    preview = f"/admin/pages/{workshop.pk}/edit/preview/"
    assert client.post(preview, form_data(title="下書きの題名", slug="mine")).json()["is_valid"] is True
    assert "下書きの題名" in client.get(preview).content.decode()
    assert not WorkshopPage.objects.filter(slug="preview-new").exists()


def test_trainers_publish_their_workshops_directly_and_see_no_approval_button(client):
    """One path (issue 19.3): the moderation workflow does not apply to workshops, so the trainer's edit screen
    offers 公開 and no 「承認を申請」, and publishing makes the workshop live at once."""
    trainer = make_trainer()
    workshop = make_workshop(municipality=TOTTORI_CITY)
    client.force_login(trainer)
    html = client.get(f"/admin/pages/{workshop.pk}/edit/").content.decode()
    assert 'name="action-publish"' in html
    assert 'name="action-submit"' not in html and "承認を申請" not in html
    response = client.post(
        f"/admin/pages/{workshop.pk}/edit/", form_data(title="公開し直した講座", slug=workshop.slug)
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.live and workshop.title == "公開し直した講座"
    assert not workshop.workflow_states.exists()
