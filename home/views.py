"""Public views of the home app that are not Wagtail pages: the お問い合わせ form and the accessibility statement."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from certificates.ratelimit import client_key, too_many_requests

from . import messages as msg
from .forms import ContactForm
from .services import get_operator_settings, submit_contact_message


@never_cache
def contact(request):
    operator = get_operator_settings(getattr(request, "site", None))
    context = {"operator": operator}
    if request.method == "POST":
        if is_ratelimited(request, group="home.contact", key=client_key, rate=settings.CONTACT_RATE, increment=True):
            return too_many_requests(request)
        form = ContactForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            submit_contact_message(
                category=data["category"], email=data["email"], message=data["message"], name=data["name"], user=request.user
            )
            return render(request, "home/contact.html", {**context, "sent": msg.CONTACT_SENT})
        form.renew_token()
        return render(request, "home/contact.html", {**context, "form": form}, status=400)
    return render(request, "home/contact.html", {**context, "form": ContactForm()})


def accessibility(request):
    """ウェブアクセシビリティ方針 and 試験結果 (JIS X 8341-3:2016); the automated results come from the e2e axe runs."""
    from .accessibility import CRITERIA, load_report

    report = load_report()
    return render(
        request,
        "home/accessibility.html",
        {"report": report, "criteria_count": len(CRITERIA), "site_url": settings.SITE_URL.rstrip("/")},
    )
