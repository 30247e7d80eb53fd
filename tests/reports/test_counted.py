"""Who is counted: only learners with a verified e-mail address, an active account and consent to statistics — and a
count changes only when the refresh job runs. Tried through the public sign-up form and allauth's confirmation link
(what an attacker with junk accounts would use), the admin's deactivation, and both the refresh and the rebuild."""

import re

import pytest
from django.core import mail

from lms.accounts.models import User
from lms.reports import refresh, selectors
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

TOTTORI_CITY = "312011"


def _sign_up(client, email):
    response = client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": "tsunagari-pass-2026",
            "password2": "tsunagari-pass-2026",
            "full_name": "試験 太郎",
            "furigana": "しけん たろう",
            "prefecture": "31",
            "municipality": TOTTORI_CITY,
            "age_band": "80plus",
            "consent_statistics": "on",
            "consent_terms": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return User.objects.get(email=email)


def _registered() -> int:
    fy = selectors.current_fiscal_year()
    return selectors.figures(selectors.area_for_municipality(TOTTORI_CITY), fy).registered


def _confirm_last_mail(client):
    body = mail.outbox[-1].body
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/", body).group(0)
    path = "/" + link.split("/", 3)[3]
    response = client.post(path)
    assert response.status_code in (200, 302)


def test_an_unverified_sign_up_counts_nowhere_until_verified_and_refreshed(client):
    UserFactory()  # one verified learner in 鳥取市
    refresh.refresh()
    assert _registered() == 1
    user = _sign_up(client, "junk@example.jp")
    refresh.refresh()
    assert _registered() == 1  # unverified: not counted, by the refresh …
    refresh.rebuild_all()
    assert _registered() == 1  # … nor by the rebuild
    _confirm_last_mail(client)
    assert user.emailaddress_set.get().verified
    assert _registered() == 1  # the figure changes only in the refresh job
    refresh.refresh()
    assert _registered() == 2
    refresh.rebuild_all()
    assert _registered() == 2


def test_a_deactivated_account_leaves_every_count():
    learner = UserFactory()
    refresh.refresh()
    assert _registered() == 1
    learner.is_active = False
    learner.save()
    assert _registered() == 1
    refresh.refresh()
    assert _registered() == 0
    refresh.rebuild_all()
    assert _registered() == 0


def test_removing_the_verified_address_leaves_every_count():
    learner = UserFactory()
    refresh.refresh()
    learner.emailaddress_set.all().delete()
    refresh.refresh()
    assert _registered() == 0
