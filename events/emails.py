"""E-mails to people registered for a workshop: confirmation, waitlist, promotion, the day-before reminder and the
cancellation of the workshop. In Japanese, as plain text (templates/events/email/<kind>.txt) and HTML
(events/email/notice.html, on the service's e-mail base), with an .ics."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from lms.emails import email_context, stable_message_id

from .calendar import absolute_url, workshop_attachment
from .enums import NoticeKind

SUBJECTS = {
    NoticeKind.CONFIRMED: "参加が確定しました：{title}",
    NoticeKind.WAITLISTED: "キャンセル待ちで受け付けました：{title}",
    NoticeKind.PROMOTED: "キャンセル待ちから参加が確定しました：{title}",
    NoticeKind.OFFERED: "キャンセル待ちの席をご用意しました（期限までにご確認ください）：{title}",
    NoticeKind.REMINDER: "明日開催です：{title}",
    NoticeKind.WORKSHOP_CANCELLED: "講座中止のお知らせ：{title}",
    NoticeKind.REGISTRATION_CANCELLED: "申し込みの取り消しを受け付けました：{title}",
}
WITH_CALENDAR = {
    NoticeKind.CONFIRMED,
    NoticeKind.PROMOTED,
    NoticeKind.REMINDER,
    NoticeKind.WORKSHOP_CANCELLED,
    NoticeKind.REGISTRATION_CANCELLED,
}


def send_notice_email(*, registration, kind: NoticeKind) -> None:
    """Send one notice; its Message-ID is the same every time (one notice per registration and kind)."""
    from .services import waitlist_position

    workshop = registration.workshop
    profile = getattr(registration.user, "profile", None)
    context = {
        "name": profile.full_name if profile and profile.full_name else registration.user.email,
        "workshop": workshop,
        "starts_at": timezone.localtime(workshop.starts_at),
        "ends_at": timezone.localtime(workshop.ends_at),
        "url": absolute_url(workshop),
        "mypage_url": settings.SITE_URL.rstrip("/") + "/mypage/",
        "position": waitlist_position(registration),
        "offer_expires_at": timezone.localtime(registration.offer_expires_at) if registration.offer_expires_at else None,
        "show_online_url": kind in (NoticeKind.CONFIRMED, NoticeKind.PROMOTED, NoticeKind.REMINDER),
    }
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + SUBJECTS[kind].format(title=workshop.title)
    context = email_context(**context, kind=kind.value, subject=subject)
    body = render_to_string(f"events/email/{kind.value}.txt", context)
    html = render_to_string("events/email/notice.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=[registration.user.email],
        headers={"Message-ID": stable_message_id(f"notice.{registration.pk}.{kind.value}")},
    )
    message.attach_alternative(html, "text/html")
    if kind in WITH_CALENDAR:
        cancelled = workshop.is_cancelled or kind == NoticeKind.REGISTRATION_CANCELLED
        ics = workshop_attachment(workshop, include_online_url=context["show_online_url"], cancelled=cancelled)
        method = "CANCEL" if cancelled else "PUBLISH"
        message.attach("workshop.ics", ics, f"text/calendar; charset=utf-8; method={method}")
    message.send()


def send_change_email(*, registration, change) -> None:
    """What changed (before → after) and an updated .ics (same UID, higher SEQUENCE, so calendars move the event).
    The online URL is given only to confirmed people, as in every other e-mail."""
    workshop = registration.workshop
    profile = getattr(registration.user, "profile", None)
    confirmed = registration.is_confirmed
    changes = [
        c if c["field"] != "online_url" or confirmed else {**c, "before": "（参加確定の方にお知らせします）", "after": "（参加確定の方にお知らせします）"}
        for c in change.changes
    ]
    context = {
        "name": profile.full_name if profile and profile.full_name else registration.user.email,
        "workshop": workshop,
        "starts_at": timezone.localtime(workshop.starts_at),
        "ends_at": timezone.localtime(workshop.ends_at),
        "url": absolute_url(workshop),
        "mypage_url": settings.SITE_URL.rstrip("/") + "/mypage/",
        "changes": changes,
        "waitlisted": registration.is_waitlisted,
        "show_online_url": confirmed,
    }
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + f"講座の日時・場所が変更になりました：{workshop.title}"
    context = email_context(**context, kind="changed", subject=subject)
    body = render_to_string("events/email/changed.txt", context)
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=[registration.user.email],
        headers={"Message-ID": stable_message_id(f"change-notice.{change.pk}.{registration.pk}")},
    )
    message.attach_alternative(render_to_string("events/email/notice.html", context), "text/html")
    message.attach("workshop.ics", workshop_attachment(workshop, include_online_url=confirmed), "text/calendar; charset=utf-8; method=PUBLISH")
    message.send()
