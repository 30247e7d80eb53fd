"""Guessing is rate-limited (issue 13, item 1): private-page passwords and organisation invite codes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction, Site

from certificates import messages as certificate_messages
from lms import messages
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_page():
    page = Site.objects.get(is_default_site=True).root_page
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="sakura-2026"
    )
    return page, restriction


def test_page_password_guessing_is_rate_limited_per_client(client, settings, private_page):
    settings.PAGE_PASSWORD_RATE = "5/h"
    page, restriction = private_page
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
    assert url == f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
    for guess in range(5):
        response = client.post(url, {"password": f"guess-{guess}", "return_url": "/"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(url, {"password": "sakura-2026", "return_url": "/"})
    assert response.status_code == 429  # even the right password: the client has used its tries
    assert str(messages.PAGE_PASSWORD_TOO_MANY) in response.content.decode()
    assert restriction.passed_view_restrictions_session_key not in client.session
    # Another client is not affected.
    other = client.__class__(REMOTE_ADDR="192.0.2.7")
    assert other.post(url, {"password": "sakura-2026", "return_url": "/"}).status_code == 302


def test_the_page_password_form_still_works(client, private_page):
    page, restriction = private_page
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"password": "sakura-2026", "return_url": "/"})
    assert response.status_code == 302


def _org_with_code():
    from certificates.services import get_or_create_invite
    from lms.accounts.models import Organisation

    organisation = Organisation.objects.create(name="株式会社つながり", kind="employer")
    return organisation, get_or_create_invite(organisation=organisation, created_by=None).code


def test_invite_code_guessing_is_rate_limited_per_account(client, settings):
    settings.INVITE_CODE_RATE = "5/h"
    _organisation, code = _org_with_code()
    user = UserFactory()
    client.force_login(user)
    url = reverse("certificates:organisation_link")
    for guess in range(5):
        assert client.post(url, {"code": f"AAAA{guess}-BBBBB"}).status_code == 302
    response = client.post(url, {"code": code})
    assert response.status_code == 429
    assert str(certificate_messages.INVITE_CODE_TOO_MANY) in response.content.decode()
    user.profile.refresh_from_db()
    assert user.profile.employer_id is None


def test_many_accounts_from_one_client_share_the_invite_code_limit(client, settings):
    settings.INVITE_CODE_RATE = "5/h"
    _organisation, code = _org_with_code()
    url = reverse("certificates:organisation_link")
    for guess in range(5):
        client.force_login(UserFactory())
        client.post(url, {"code": f"AAAA{guess}-BBBBB"})
    last = UserFactory()
    client.force_login(last)
    assert client.post(url, {"code": code}).status_code == 429
    last.profile.refresh_from_db()
    assert last.profile.employer_id is None
