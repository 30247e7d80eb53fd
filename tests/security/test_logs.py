"""No personal data in application or access logs (issue 13, item 8): the project's own logging configuration is
installed at DEBUG, sign-up, password reset, check-in and verification run (with failures that log their paths),
and none of the names, addresses, reset keys or check-in tokens appear in what the handlers wrote."""

from __future__ import annotations

import copy
import io
import logging
import logging.config
import re

import pytest
from django.core import mail
from django.utils import timezone

from lms.settings import base

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_log():
    """The project's LOGGING (lms/settings/base.py) at DEBUG, written to a buffer; the test settings' afterwards."""
    from django.conf import settings

    buffer = io.StringIO()
    config = copy.deepcopy(base.LOGGING)
    config["handlers"]["console"]["stream"] = buffer
    config["root"]["level"] = "DEBUG"
    config["loggers"]["factory"] = {"level": "WARNING"}  # factory_boy (test data set-up, not the application)
    logging.config.dictConfig(config)
    try:
        yield buffer
    finally:
        logging.config.dictConfig(settings.LOGGING)


def test_sign_up_reset_check_in_and_verification_log_no_personal_data(client, project_log):
    from events import services as event_services
    from events.enums import RegistrationStatus
    from events.models import Registration
    from tests.accounts.factories import UserFactory
    from tests.accounts.test_signup import valid_data
    from tests.certificates.factories import CertificateFactory
    from tests.events.test_views import in_session

    client.raise_request_exception = False
    secrets = []
    # Sign-up (twice: the second is a duplicate address) with a name and an address.
    address = "hanako.logtest@example.jp"
    secrets += [address, "𠮷川 花子"]
    client.post("/accounts/signup/", valid_data(email=address))
    client.post("/accounts/signup/", valid_data(email=address))
    # Password reset: the key from the e-mail, used (allauth redirects) and mangled (a 4xx that logs its path).
    UserFactory(email="reset.logtest@example.jp", profile__full_name="鈴木 一郎")
    secrets += ["reset.logtest@example.jp", "鈴木 一郎"]
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": "reset.logtest@example.jp"})
    link = re.search(r"https?://[^\s\"]+/accounts/password/reset/key/([^\s\"/]+)/", mail.outbox[0].body)
    key = link.group(1)
    secrets.append(key)
    client.get(f"/accounts/password/reset/key/{key}/")
    client.get(f"/accounts/password/reset/key/{key}x/")
    # Check-in: a real token, and a forged one (404, logged with its path).
    workshop = in_session()
    attendee = UserFactory(email="checkin.logtest@example.jp", profile__full_name="佐藤 次郎")
    secrets += ["checkin.logtest@example.jp", "佐藤 次郎"]
    Registration.objects.create(
        workshop=workshop, user=attendee, status=RegistrationStatus.CONFIRMED, registered_at=timezone.now()
    )
    token = event_services.make_checkin_token(workshop=workshop)
    secrets.append(token)
    client.force_login(attendee)
    client.get(f"/c/{token}/")
    client.get(f"/c/{token}zz/")
    client.logout()
    # Verification, with a signature, and a look-up that is not found.
    certificate = CertificateFactory(holder=UserFactory(profile__full_name="高橋 三郎"))
    secrets.append(certificate.signature)
    client.get(f"/verify/{certificate.number}/?s={certificate.signature}")
    client.get(f"/verify/{certificate.number}/?s={certificate.signature}&x=/no-such")
    client.get(f"/no-such-page/?email={address}&t={token}")
    # runserver's access-log line for such a request, as django.core.servers.basehttp writes it.
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /c/{token}/?t={token}&email={address} HTTP/1.1", 200, 1)
    logging.getLogger("lms").warning("could not send mail to %s", address)

    written = project_log.getvalue()
    assert "Not Found" in written and "django.server" in written  # the logs did record these requests
    leaked = [secret for secret in secrets if secret and secret in written]
    assert leaked == [], [line for line in written.splitlines() if any(s in line for s in leaked)][:5]
