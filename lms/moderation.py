"""What the moderation workflow tells people: the go-live time of a scheduled revision, in Japanese.

Wagtail's approve button reads 「承認して公開」 even when approving only schedules the page, its approval shows no
message, and its notification e-mails neither name the go-live time nor (in its Japanese catalogue) say it in
Japanese. The admin's menu label, the message after approving and the e-mails all take the time from here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

WEEKDAYS = "月火水木金土日"


def format_jst(moment: dt.datetime) -> str:
    """2027年5月1日（土）0:00 — Asia/Tokyo, the way the admin's messages and e-mails write a time."""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日（{WEEKDAYS[local.weekday()]}）{local.hour}:{local.minute:02d}"


def scheduled_go_live(obj) -> dt.datetime | None:
    """The future time the object's newest revision will go live at, if one is set; None otherwise.

    An approved revision carries `approved_go_live_at`; before approval the time the editor chose lives in the
    revision's content (`go_live_at`)."""
    revision = getattr(obj, "latest_revision", None) or (obj.get_latest_revision() if hasattr(obj, "get_latest_revision") else None)
    if revision is None:
        return None
    now = timezone.now()
    if revision.approved_go_live_at and revision.approved_go_live_at > now:
        return revision.approved_go_live_at
    go_live = _content_go_live(revision)
    if go_live and go_live > now:
        return go_live
    return None


def _content_go_live(revision) -> dt.datetime | None:
    """The `go_live_at` stored in a revision's content, read from its JSON: `revision.as_object()` rebuilt the whole
    page (every StreamField block, ~7 queries) each time the edit screen or a notification e-mail asked."""
    raw = (revision.content or {}).get("go_live_at") if isinstance(revision.content, dict) else None
    if not raw:
        return None
    value = raw if isinstance(raw, dt.datetime) else parse_datetime(str(raw))
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())  # as modelcluster reads a naive value
    return value


@dataclass(frozen=True)
class ModerationFacts:
    title: str
    go_live_at: dt.datetime | None
    go_live_text: str
    edit_url: str
    requested_by: str
    decided_by: str


def _display_name(user) -> str:
    return user.get_full_name() if user is not None else ""


def facts_for(obj, *, workflow_state=None, task_state=None) -> ModerationFacts:
    """The facts an e-mail names. A notification renders a subject and a body per recipient from the same object:
    they are worked out once per object and states (kept on the object for the notification's lifetime)."""
    key = (getattr(workflow_state, "pk", None), getattr(task_state, "pk", None), getattr(obj, "latest_revision_id", None))
    cache = obj.__dict__.setdefault("_moderation_facts", {}) if hasattr(obj, "__dict__") else {}
    if key not in cache:
        cache[key] = _facts(obj, workflow_state=workflow_state, task_state=task_state)
    return cache[key]


def _facts(obj, *, workflow_state=None, task_state=None) -> ModerationFacts:
    go_live = scheduled_go_live(obj)
    if workflow_state is None and task_state is not None:
        workflow_state = task_state.workflow_state
    if workflow_state is None and getattr(obj, "pk", None) is not None:
        workflow_state = _latest_workflow_state(obj)
    decided = task_state.finished_by if task_state is not None else None
    if decided is None and workflow_state is not None:
        last = workflow_state.task_states.exclude(finished_by=None).order_by("-finished_at").first()
        decided = last.finished_by if last else None
    edit_url = ""
    if getattr(obj, "pk", None) is not None and hasattr(obj, "get_admin_display_title"):
        edit_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("wagtailadmin_pages:edit", args=(obj.pk,))
    title = obj.get_admin_display_title() if hasattr(obj, "get_admin_display_title") else str(obj)
    return ModerationFacts(
        title=title,
        go_live_at=go_live,
        go_live_text=format_jst(go_live) if go_live else "",
        edit_url=edit_url,
        requested_by=_display_name(workflow_state.requested_by) if workflow_state is not None else "",
        decided_by=_display_name(decided),
    )


def approve_label(go_live: dt.datetime | None, *, final_task: bool) -> str:
    if not final_task:
        return "承認して次の段階へ"
    if go_live:
        return f"承認（{format_jst(go_live)} に公開）"
    return "承認して今すぐ公開"


def approval_message(obj) -> str:
    """The message after a moderator approves: says whether the page is live now or when it will be."""
    obj.refresh_from_db()
    title = obj.get_admin_display_title() if hasattr(obj, "get_admin_display_title") else str(obj)
    go_live = scheduled_go_live(obj)
    if go_live:
        return f"「{title}」を承認しました。{format_jst(go_live)} に公開されます。"
    if getattr(obj, "workflow_in_progress", False):
        return f"「{title}」を承認しました。次の段階の承認を待っています。"
    if getattr(obj, "live", False) and not getattr(obj, "has_unpublished_changes", False):
        return f"「{title}」を承認し、公開しました。"
    return f"「{title}」を承認しました。"


def publish_scheduled_and_notify() -> int:
    """Run Wagtail's `publish_scheduled`, then tell the people behind each revision that went live by schedule
    (its author, whoever requested approval and whoever approved it) in Japanese. Returns the number published."""
    from django.core.management import call_command
    from django.template.loader import render_to_string
    from wagtail.admin.mail import send_mail
    from wagtail.models import Revision

    due = list(Revision.objects.filter(approved_go_live_at__lt=timezone.now()).select_related("user"))
    call_command("publish_scheduled", verbosity=0)
    published = 0
    for revision in due:
        obj = revision.content_object
        obj.refresh_from_db()
        if getattr(obj, "live_revision_id", None) != revision.pk:
            continue
        published += 1
        people = {revision.user}
        state = _latest_workflow_state(obj)
        if state is not None:
            people.add(state.requested_by)
            people.update(ts.finished_by for ts in state.task_states.all())
        context = {
            "settings": settings,
            "object": obj,
            "page": obj.specific if hasattr(obj, "specific") else obj,
            "published_at_text": format_jst(obj.last_published_at or timezone.now()),
        }
        for person in people:
            if person is None or not person.is_active or not person.email:
                continue
            context["user"] = person
            subject = render_to_string("wagtailadmin/notifications/scheduled_published_subject.txt", context).strip()
            body = render_to_string("wagtailadmin/notifications/scheduled_published.txt", context).strip()
            send_mail(subject, body, [person.email])
    return published


def _latest_workflow_state(obj):
    from wagtail.models import WorkflowState

    return WorkflowState.objects.for_instance(obj).order_by("-created_at").first()


# --- Notification e-mails after commit (issue 19.4) ----------------------------------------------------------------
#
# Wagtail sends the moderation e-mails (承認の依頼, 承認されました, 修正の依頼) from its workflow signals, inside the
# request and inside the workflow's transaction: about a third of a submit's time. The same notifiers now run in a
# background task queued through the outbox (lms.outbox), after the transaction commits: the request only records
# the work, a rolled-back action sends nothing, and the key makes a notice queued twice one e-mail.

# signal name → (Wagtail's notifier in wagtail.admin.signal_handlers, its dispatch_uid, the state model's name)
NOTICES = {
    "task_submitted": ("task_submission_email_notifier", "group_approval_task_submitted_email_notification", "TaskState"),
    "workflow_submitted": ("workflow_submission_email_notifier", "workflow_state_submitted_email_notification", "WorkflowState"),
    "workflow_rejected": ("workflow_rejection_email_notifier", "workflow_state_rejected_email_notification", "WorkflowState"),
    "workflow_approved": ("workflow_approval_email_notifier", "workflow_state_approved_email_notification", "WorkflowState"),
}


def _notice_key(kind: str, instance) -> str:
    # A workflow state is rejected, resumed and rejected again under one pk: its current task state tells them apart.
    marker = instance.pk if kind == "task_submitted" else getattr(instance, "current_task_state_id", None)
    return f"moderation-notice:{kind}:{instance.pk}:{marker}"


def _queue_notice(kind: str):
    def receiver(sender, instance, user=None, **kwargs):
        from lms.outbox.services import enqueue
        from lms.tasks import send_moderation_notice

        key = _notice_key(kind, instance)
        enqueue(send_moderation_notice, kind, instance.pk, getattr(user, "pk", None), key, key=key)

    receiver.__name__ = f"queue_{kind}_notice"
    return receiver


_RECEIVERS = {kind: _queue_notice(kind) for kind in NOTICES}


def connect_notices_after_commit() -> None:
    """Put the queueing receivers in the place of Wagtail's e-mail notifiers. Connected under Wagtail's own
    dispatch_uid: whichever app is ready first, Wagtail's inline notifier is not connected beside ours (a receiver
    with the same uid is connected once)."""
    from wagtail import signals
    from wagtail.models import TaskState, WorkflowState

    models = {"TaskState": TaskState, "WorkflowState": WorkflowState}
    for kind, (_notifier, uid, model_name) in NOTICES.items():
        signal = getattr(signals, kind)
        signal.disconnect(sender=models[model_name], dispatch_uid=uid)
        signal.connect(_RECEIVERS[kind], sender=models[model_name], dispatch_uid=uid, weak=False)


NOTICE_SENT_TTL = 7 * 24 * 3600  # a notice published twice (the outbox is at-least-once) within a week is sent once


def send_notice(kind: str, state_id: int, user_id: int | None = None, key: str = "") -> bool:
    """Send one queued moderation notice with Wagtail's notifier (its recipients and our Japanese templates).
    Returns False when there is nothing to send: the state no longer exists (deleted with its page), or this notice
    (`key`) was already sent — the outbox may publish a task twice after a crash."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from wagtail.admin import signal_handlers
    from wagtail.models import TaskState, WorkflowState

    notifier_name, _uid, model_name = NOTICES[kind]
    model = TaskState if model_name == "TaskState" else WorkflowState
    instance = model.objects.filter(pk=state_id).first()
    if instance is None:
        return False
    if key and not cache.add(f"moderation-notice-sent:{key}", 1, NOTICE_SENT_TTL):
        return False
    instance = instance.specific if hasattr(instance, "specific") else instance
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return bool(getattr(signal_handlers, notifier_name)(instance=instance, user=user))
