"""Scheduled publishing with time travel: a campaign approved in April for 2027-05-01 00:00 JST is not live at
23:59 the day before and is live at 00:01, once the every-minute job (Celery beat / run_scheduled_jobs) has run."""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import WorkflowState

from home.models import CampaignPage, StandardPage
from home.services import create_campaign, get_home_page
from lms.tasks import publish_scheduled_pages
from tests.home.conftest import tokyo
from tests.home.test_admin import _form_data

pytestmark = pytest.mark.django_db


def _schedule_through_the_workflow(client, page, editor, moderator, *, go_live_at: str):
    """The editor sets the go-live time and submits; the moderator approves (as in the admin)."""
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    data = _form_data(client.get(edit_url).content.decode(), go_live_at=go_live_at, **{"action-submit": "1"})
    assert client.post(edit_url, data).status_code == 302
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    client.force_login(moderator)
    approve_url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", state.current_task_state.pk))
    assert client.post(approve_url, {}).status_code == 302
    client.logout()


def test_campaign_goes_live_at_midnight_tokyo_on_1_may(client, site_pages, editor, moderator):
    with time_machine.travel(tokyo(2027, 4, 1, 10, 0), tick=False) as traveller:
        page = create_campaign(year=2027, title="令和9年（2027年）孤独・孤立対策強化月間", publish=False)
        _schedule_through_the_workflow(client, page, editor, moderator, go_live_at="2027-05-01 00:00")

        page.refresh_from_db()
        assert not page.live
        assert page.get_latest_revision().approved_go_live_at == tokyo(2027, 5, 1, 0, 0)

        traveller.move_to(tokyo(2027, 4, 30, 23, 59))
        publish_scheduled_pages.delay()
        page.refresh_from_db()
        assert not page.live
        assert client.get("/campaign/2027/").status_code == 404
        assert "令和9年（2027年）孤独・孤立対策強化月間" not in client.get("/").content.decode()

        traveller.move_to(tokyo(2027, 5, 1, 0, 1))
        publish_scheduled_pages.delay()
        page.refresh_from_db()
        assert page.live
        assert page.first_published_at == tokyo(2027, 5, 1, 0, 1)
        campaign_html = client.get("/campaign/2027/").content.decode()
        assert "開催中" in campaign_html and "5月31日まで" in campaign_html
        home_html = client.get("/").content.decode()
        assert 'class="campaign-banner"' in home_html and "令和9年（2027年）孤独・孤立対策強化月間" in home_html


def test_the_job_running_twice_publishes_once(site_pages, moderator):
    with time_machine.travel(tokyo(2027, 4, 1, 10, 0), tick=False) as traveller:
        page = create_campaign(year=2027, title="2027年", go_live_at=tokyo(2027, 5, 1, 0, 0), user=moderator)
        assert not CampaignPage.objects.get(pk=page.pk).live
        traveller.move_to(tokyo(2027, 5, 1, 0, 1))
        publish_scheduled_pages.delay()
        publish_scheduled_pages.delay()
        page.refresh_from_db()
        assert page.live
        assert page.revisions.count() == 1
        assert page.live_revision_id == page.latest_revision_id


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_embedded_scheduler_publishes_due_pages(site_pages, moderator):
    """`make run` starts `manage.py run_scheduled_jobs`, which runs the same beat schedule in-process (it closes
    stale connections between jobs, as a long-running process must: hence a transactional test)."""
    assert settings.CELERY_BEAT_SCHEDULE["publish-scheduled-pages"] == {
        "task": "lms.tasks.publish_scheduled_pages",
        "schedule": 60.0,
    }
    with time_machine.travel(tokyo(2027, 4, 30, 12, 0), tick=False) as traveller:
        page = create_campaign(year=2027, title="2027年", go_live_at=tokyo(2027, 5, 1, 0, 0), user=moderator)
        traveller.move_to(tokyo(2027, 5, 1, 0, 1))
        call_command("run_scheduled_jobs", "--once")
        page.refresh_from_db()
        assert page.live


def test_a_page_with_an_expiry_time_is_unpublished_after_it(client, site_pages, moderator):
    with time_machine.travel(tokyo(2027, 5, 20, 9, 0), tick=False) as traveller:
        notice = StandardPage(title="期間限定のお知らせ", slug="notice", expire_at=tokyo(2027, 6, 1, 0, 0))
        get_home_page().add_child(instance=notice)
        notice.save_revision(user=moderator).publish(user=moderator)
        assert client.get("/notice/").status_code == 200

        traveller.move_to(tokyo(2027, 5, 31, 23, 59))
        publish_scheduled_pages.delay()
        assert client.get("/notice/").status_code == 200

        traveller.move_to(tokyo(2027, 6, 1, 0, 1))
        publish_scheduled_pages.delay()
        notice.refresh_from_db()
        assert not notice.live and notice.expired
        assert client.get("/notice/").status_code == 404
