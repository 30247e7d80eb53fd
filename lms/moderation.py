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
    go_live = revision.as_object().go_live_at if hasattr(revision, "as_object") else None
    if go_live and go_live > now:
        return go_live
    return None


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
