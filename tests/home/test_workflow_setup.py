"""The groups and the moderation workflow made by migration home 0005."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Page, Workflow

from home.services import create_campaign
from lms.accounts.enums import EDITOR_GROUP, MODERATOR_GROUP

pytestmark = pytest.mark.django_db


def _page_permissions(group_name: str) -> set[str]:
    return set(
        GroupPagePermission.objects.filter(group__name=group_name).values_list("permission__codename", flat=True)
    )


def test_editors_may_add_and_edit_but_not_publish_anywhere():
    assert _page_permissions(EDITOR_GROUP) == {"add_page", "change_page"}


def test_moderators_may_publish():
    assert {"add_page", "change_page", "publish_page"} <= _page_permissions(MODERATOR_GROUP)


def test_both_groups_reach_the_admin():
    for name in (EDITOR_GROUP, MODERATOR_GROUP):
        assert Group.objects.get(name=name).permissions.filter(codename="access_admin").exists()


def test_consultation_windows_are_changed_by_moderators_only():
    editors = set(Group.objects.get(name=EDITOR_GROUP).permissions.filter(content_type__app_label="home").values_list("codename", flat=True))
    moderators = set(Group.objects.get(name=MODERATOR_GROUP).permissions.filter(content_type__app_label="home").values_list("codename", flat=True))
    assert editors == {"view_consultationresource"}
    assert {"add_consultationresource", "change_consultationresource", "delete_consultationresource"} <= moderators


def test_every_page_goes_through_the_moderators_approval(site_pages):
    workflow = Workflow.objects.get(name="編集者の申請→モデレーターの承認", active=True)
    assert [task.name for task in workflow.tasks] == ["モデレーターの承認"]
    assert [group.name for group in workflow.tasks[0].specific.groups.all()] == [MODERATOR_GROUP]
    assert Page.get_first_root_node().get_workflow() == workflow
    assert create_campaign(year=2027, title="2027年").get_workflow() == workflow
