"""Moderation e-mails leave the request (issue 19.4): Wagtail sent 承認の依頼 / 承認されました / 修正の依頼 inside the
workflow action's transaction, a third of a submit's time. They are now queued through the outbox and sent by a
task after commit — still one e-mail per person and notice, none for an action that rolled back."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from wagtail.models import WorkflowState

from home.services import create_campaign
from lms.moderation import send_notice
from lms.outbox.models import OutboxMessage
from tests.home.test_admin import _form_data

pytestmark = pytest.mark.django_db


def _submit(client, editor, page):
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    client.force_login(editor)
    return client.post(edit_url, _form_data(client.get(edit_url).content.decode(), **{"action-submit": "1"}))


def test_the_submission_mail_is_sent_after_commit_once(client, site_pages, editor, moderator, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    page = create_campaign(year=2027, title="申請の強化月間", publish=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _submit(client, editor, page).status_code == 302
        # The request has answered; nothing has been sent yet, the notice waits in the outbox.
        assert [m for m in mailoutbox if m.to == ["moderator@example.jp"]] == []
        keys = list(OutboxMessage.objects.values_list("key", flat=True))
        assert any(key.startswith("moderation-notice:task_submitted:") for key in keys), keys
    for callback in callbacks:
        callback()
    to_moderator = [m for m in mailoutbox if m.to == ["moderator@example.jp"]]
    assert len(to_moderator) == 1
    assert to_moderator[0].subject == "【承認の依頼】「申請の強化月間」"
    assert not OutboxMessage.objects.filter(key__startswith="moderation-notice:").exists()

    # The outbox is at-least-once: the same notice published again (a crash before its row was deleted) sends nothing.
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    task_state = state.current_task_state
    assert send_notice("task_submitted", task_state.pk, editor.pk, f"moderation-notice:task_submitted:{task_state.pk}:{task_state.pk}") is False
    assert len([m for m in mailoutbox if m.to == ["moderator@example.jp"]]) == 1


def test_approval_and_change_request_mails_wait_for_commit(client, site_pages, editor, moderator, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    approved = create_campaign(year=2027, title="承認の強化月間", publish=False)
    rejected = create_campaign(year=2028, title="差し戻しの強化月間", publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, editor, approved)
        _submit(client, editor, rejected)
    client.force_login(moderator)
    mailoutbox.clear()
    for page, action, data in ((approved, "approve", {}), (rejected, "reject", {"comment": "出典を入れてください"})):
        state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
        url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, state.current_task_state.pk))
        sent_before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert client.post(url, data).status_code == 302
            assert len(mailoutbox) == sent_before  # the moderator's request has answered; the e-mail waits
        for callback in callbacks:
            callback()
    subjects = sorted(m.subject for m in mailoutbox if m.to == ["editor@example.jp"])
    assert subjects == ["【修正の依頼】「差し戻しの強化月間」", "【承認されました】「承認の強化月間」"]


def test_a_submission_that_rolls_back_sends_nothing(client, site_pages, editor, moderator, mailoutbox,
                                                    django_capture_on_commit_callbacks):
    page = create_campaign(year=2027, title="取り消された申請", publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                page.get_workflow().start(page, editor)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert [m for m in mailoutbox if m.to == ["moderator@example.jp"]] == []
    assert not OutboxMessage.objects.exists()
