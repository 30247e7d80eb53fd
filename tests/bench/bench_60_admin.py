"""The staff admin on the seeded course and site (issue 19.4): server time and SQL queries of the module edit page,
of publishing a workshop (trainer), submitting a campaign page for approval (editor) and approving it (moderator).

The browser's share of the edit page (JavaScript, StreamField rendering) is measured by the Playwright test
tests/e2e/test_admin_speed.py, not here."""

from __future__ import annotations

import statistics
import time

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from courses.models import ModulePage
from courses.seeding import seed_course
from home.services import create_campaign, seed_site
from lms.accounts.enums import EDITOR_GROUP, MODERATOR_GROUP
from tests.accounts.factories import UserFactory
from tests.conftest import give_totp

REPEAT = 10


def _form(html: str, **overrides) -> dict:
    data = querydict_from_html(html, form_id="page-edit-form")
    flat = {key: values[-1] for key, values in data.lists()}
    flat = {key: value.lstrip("\n") if isinstance(value, str) else value for key, value in flat.items()}
    flat.update(overrides)
    return flat


def _staff(group: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group))
    give_totp(user)
    return user


def _timed(call):
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - t0) * 1000
    return response, elapsed, len(ctx.captured_queries)


def _summary(prefix: str, samples: list[tuple[float, int]]) -> dict:
    times = sorted(ms for ms, _ in samples)
    return {
        f"{prefix}_median_ms": round(statistics.median(times), 1),
        f"{prefix}_max_ms": round(times[-1], 1),
        f"{prefix}_queries": samples[-1][1],
    }


def run(ctx) -> dict:
    seed_site()
    seed_course()
    figures: dict = {}
    editor, moderator = _staff(EDITOR_GROUP), _staff(MODERATOR_GROUP)

    module = ModulePage.objects.live().order_by("path")[1]
    edit_url = reverse("wagtailadmin_pages:edit", args=(module.pk,))
    figures.update(ctx.measure(ctx.client(moderator), "GET", edit_url, repeat=REPEAT).as_dict("admin_module_edit_page"))

    campaign = create_campaign(year=2031, title="令和13年の強化月間", summary="概要", publish=False)
    campaign_url = reverse("wagtailadmin_pages:edit", args=(campaign.pk,))
    editor_client, moderator_client = ctx.client(editor), ctx.client(moderator)
    submits, approvals = [], []
    for n in range(REPEAT):
        data = _form(editor_client.get(campaign_url).content.decode(), summary=f"概要 {n}", **{"action-submit": "1"})
        data.setdefault("body-count", "0")
        response, ms, queries = _timed(lambda data=data: editor_client.post(campaign_url, data))
        assert response.status_code == 302, response.status_code
        submits.append((ms, queries))
        state = WorkflowState.objects.get(object_id=str(campaign.pk), status=WorkflowState.STATUS_IN_PROGRESS)
        approve = reverse("wagtailadmin_pages:workflow_action", args=(campaign.pk, "approve", state.current_task_state.pk))
        response, ms, queries = _timed(lambda approve=approve: moderator_client.post(approve, {}))
        assert response.status_code == 302, response.status_code
        approvals.append((ms, queries))
    figures.update(_summary("admin_submit_for_approval", submits))
    figures.update(_summary("admin_approve_and_publish", approvals))

    from events.models import WorkshopPage
    from tests.events.factories import make_trainer, make_workshop

    trainer = make_trainer()
    workshop = make_workshop()
    trainer_client = ctx.client(trainer)
    workshop_url = reverse("wagtailadmin_pages:edit", args=(workshop.pk,))
    publishes = []
    for n in range(REPEAT):
        data = _form(trainer_client.get(workshop_url).content.decode(), title=f"鳥取市の養成講座 {n}",
                     **{"action-publish": "action-publish"})
        response, ms, queries = _timed(lambda data=data: trainer_client.post(workshop_url, data))
        assert response.status_code == 302, response.status_code
        publishes.append((ms, queries))
    assert WorkshopPage.objects.get(pk=workshop.pk).title == f"鳥取市の養成講座 {REPEAT - 1}"
    figures.update(_summary("admin_publish_workshop", publishes))
    return figures
