"""The campaign page in the Wagtail admin: editors write and submit, moderators approve; bad input is refused with
the home app's messages and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from home import messages as msg
from home.models import CampaignIndexPage, CampaignPage, ConsultationResource
from home.services import create_campaign
from tests.home.factories import ImageFactory

pytestmark = pytest.mark.django_db


def _form_data(html: str, **overrides) -> dict:
    """The admin form as the browser would submit it (StreamField blocks are built by JavaScript in the browser,
    so `body` comes from `overrides` or is left empty)."""
    data = querydict_from_html(html, form_id="page-edit-form")
    flat = {key: values[-1] for key, values in data.lists()}
    flat = {key: value.lstrip("\n") if isinstance(value, str) else value for key, value in flat.items()}
    flat.setdefault("body-count", "0")
    flat.update(overrides)
    return flat


def _body(*blocks) -> dict:
    return nested_form_data({"body": streamfield(list(blocks))})


def _add_url() -> str:
    index = CampaignIndexPage.objects.get()
    return reverse("wagtailadmin_pages:add", args=("home", "campaignpage", index.pk))


def _create_form(client, **overrides):
    html = client.get(_add_url()).content.decode()
    base = {"title": "2028年の強化月間", "slug": "2028", "year": "2028", "starts_on": "", "ends_on": ""}
    return _form_data(html, **{**base, **overrides})


@pytest.fixture
def campaign(site_pages):
    return create_campaign(year=2027, title="令和9年（2027年）孤独・孤立対策強化月間", summary="最初の概要")


def test_the_admin_is_in_japanese(client, editor):
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert 'lang="ja"' in html
    assert "ダッシュボード" in html


def test_editor_creating_a_campaign_gets_the_default_period(client, site_pages, editor):
    client.force_login(editor)
    response = client.post(_add_url(), _create_form(client))
    assert response.status_code == 302
    page = CampaignPage.objects.get(year=2028)
    assert (page.starts_on, page.ends_on) == (dt.date(2028, 5, 1), dt.date(2028, 5, 31))
    assert not page.live


def test_a_second_campaign_for_the_same_year_is_refused_in_the_admin(client, campaign, editor):
    client.force_login(editor)
    response = client.post(_add_url(), _create_form(client, title="もう一つの2027年", slug="2027-b", year="2027"))
    assert response.status_code == 200
    assert str(msg.CAMPAIGN_YEAR_TAKEN) in response.content.decode()
    assert CampaignPage.objects.filter(year=2027).count() == 1


def test_a_campaign_ending_before_it_starts_is_refused_in_the_admin(client, site_pages, editor):
    client.force_login(editor)
    response = client.post(_add_url(), _create_form(client, starts_on="2028-05-20", ends_on="2028-05-10"))
    assert response.status_code == 200
    assert str(msg.CAMPAIGN_ENDS_BEFORE_START) in response.content.decode()
    assert not CampaignPage.objects.filter(year=2028).exists()


def test_a_hero_image_without_alt_text_is_refused_in_the_admin(client, campaign, editor):
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=(campaign.pk,))
    data = _form_data(client.get(edit_url).content.decode(), hero_image=str(ImageFactory().pk), hero_image_alt="")
    response = client.post(edit_url, data)
    assert response.status_code == 200
    assert str(msg.HERO_ALT_REQUIRED) in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.hero_image is None
    assert campaign.get_latest_revision().content.get("hero_image") is None


def test_an_image_block_without_alt_text_cannot_be_submitted(client, campaign, editor):
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=(campaign.pk,))
    image_block = ("image", {"image": str(ImageFactory().pk), "alt_text": "", "caption": ""})
    data = _form_data(client.get(edit_url).content.decode(), **_body(image_block), **{"action-submit": "1"})
    revisions_before = campaign.revisions.count()
    response = client.post(edit_url, data)
    assert response.status_code == 200
    body_error = response.context["form"].errors.as_data()["body"][0]
    assert body_error.block_errors[0].block_errors["alt_text"].messages == [str(msg.IMAGE_ALT_REQUIRED)]
    assert campaign.revisions.count() == revisions_before
    assert not WorkflowState.objects.filter(object_id=str(campaign.pk)).exists()


def test_editors_cannot_publish_directly(client, campaign, editor):
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=(campaign.pk,))
    html = client.get(edit_url).content.decode()
    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html
    assert not campaign.permissions_for_user(editor).can_publish()

    # A hand-made "publish" request is saved as a draft, never published.
    client.post(edit_url, _form_data(html, summary="編集者の変更", **{"action-publish": "1"}))
    campaign.refresh_from_db()
    assert campaign.summary == "最初の概要"
    assert campaign.has_unpublished_changes
    assert campaign.get_latest_revision_as_object().summary == "編集者の変更"


def test_editor_submits_and_moderator_approves_then_the_change_is_live(
    client, campaign, editor, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=(campaign.pk,))
    data = _form_data(client.get(edit_url).content.decode(), summary="承認待ちの概要", **{"action-submit": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit_url, data).status_code == 302
    assert [message.to for message in mailoutbox] == [["moderator@example.jp"]]  # moderators are told
    campaign.refresh_from_db()
    assert campaign.summary == "最初の概要"
    assert client.get(campaign.url).content.decode().count("承認待ちの概要") == 0
    state = WorkflowState.objects.get(object_id=str(campaign.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    assert state.current_task_state.task.name == "モデレーターの承認"

    # The editor cannot approve their own submission (Wagtail refuses and sends them to the dashboard).
    approve_url = reverse("wagtailadmin_pages:workflow_action", args=(campaign.pk, "approve", state.current_task_state.pk))
    client.post(approve_url, {})
    state.refresh_from_db()
    campaign.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert campaign.summary == "最初の概要"

    client.force_login(moderator)
    assert client.post(approve_url, {}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.live and campaign.summary == "承認待ちの概要"
    assert "承認待ちの概要" in client.get(campaign.url).content.decode()


def test_copying_a_campaign_page_is_refused_with_guidance(client, campaign, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=(campaign.pk,)),
        {"new_title": "コピー", "new_slug": "copy", "new_parent_page": campaign.get_parent().pk},
        follow=True,
    )
    assert str(msg.CAMPAIGN_COPY_REFUSED) in response.content.decode()
    assert CampaignPage.objects.count() == 1


def test_only_moderators_change_consultation_windows(client, site_pages, editor, moderator):
    resource = ConsultationResource.objects.get(key="kodoku-koritsu-dial-9999")
    edit_url = reverse("wagtailsnippets_home_consultationresource:edit", args=(resource.pk,))
    client.force_login(editor)
    response = client.get(edit_url)
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # Wagtail's "permission denied"
    client.post(edit_url, {"name": "書き換え", "contact": "#0000", "key": resource.key, "periods-TOTAL_FORMS": "0"})
    resource.refresh_from_db()
    assert resource.contact == "#9999（フリーダイヤル）"
    assert client.get(reverse("wagtailsnippets_home_consultationresource:list")).status_code == 200
    client.force_login(moderator)
    assert client.get(edit_url).status_code == 200
