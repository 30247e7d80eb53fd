"""allauth's adapter for this service: its e-mails greet the person by name, carry the service's name and URLs
(never the request's host name, which is how allauth's own mails came out as 「こんにちは、127.0.0.1:8101 です!」) and
say how long each link is valid. The templates are in lms/templates/account/email/ and mfa/email/ (text and HTML)."""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from lms.emails import email_context


def _person_name(user) -> str:
    profile = getattr(user, "profile", None) if user is not None else None
    return profile.full_name if profile is not None and profile.full_name else ""


def _on_site(url: str) -> str:
    """The same path on SITE_URL: links in e-mails never depend on the Host header of the request that sent them
    (a forged Host would otherwise put an attacker's domain in a password-reset link)."""
    bits = urlsplit(url)
    return settings.SITE_URL.rstrip("/") + bits.path + (f"?{bits.query}" if bits.query else "")


class AccountAdapter(DefaultAccountAdapter):
    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return _on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return _on_site(super().get_reset_password_from_key_url(key))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        base = email_context()
        site_url = base["site_url"]
        context = {
            **base,
            "name": _person_name(context.get("user")),
            "confirmation_expire_days": app_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
            "password_reset_timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "password_reset_request_url": site_url + reverse("account_reset_password"),
            **context,
        }
        context.setdefault("password_reset_url", context["password_reset_request_url"])
        context.setdefault("signup_url", site_url + reverse("account_signup"))
        super().send_mail(template_prefix, email, context)
