"""One way to send the service's e-mails: a subject, a plain-text body and an HTML body rendered from
`<prefix>_subject.txt`, `<prefix>_message.txt` and `<prefix>_message.html` (the same names allauth uses), with the
service's name, address and contact point in every footer. Used by certificates, events and the contact form;
allauth's own mails use the same base templates through `lms.accounts.adapter.AccountAdapter`."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def email_context(**extra) -> dict:
    """What every e-mail template may use (the footer needs the site's name and URLs)."""
    site_url = settings.SITE_URL.rstrip("/")
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": site_url,
        "mypage_url": site_url + "/mypage/",
        "contact_url": site_url + "/contact/",
        **extra,
    }


def render_email(template_prefix: str, context: dict) -> tuple[str, str, str]:
    """(subject with the service's prefix, text body, HTML body)."""
    ctx = email_context(**context)
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", ctx).split())
    text = render_to_string(f"{template_prefix}_message.txt", ctx).strip() + "\n"
    html = render_to_string(f"{template_prefix}_message.html", ctx).strip()
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, text, html


def build_email(template_prefix: str, *, to: list[str], context: dict, reply_to: list[str] | None = None):
    subject, text, html = render_email(template_prefix, context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, reply_to=reply_to)
    message.attach_alternative(html, "text/html")
    return message


def stable_message_id(key: str) -> str:
    """The same Message-ID every time one e-mail is sent (e.g. `notice.12.confirmed`): if a sender died after the SMTP
    server took the message and before it was marked sent, the second copy carries the same id, which many mail
    clients show once (lms/leases.py)."""
    from urllib.parse import urlsplit

    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{key}@{domain}>"
