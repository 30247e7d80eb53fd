"""/course/complete/ offers the certificate at once: PDF, card and the verification link, working straight away,
and the holder is told by e-mail."""

from __future__ import annotations

import pytest
from django.core import mail

from certificates.models import Certificate
from tests.courses.factories import make_course, pass_module

pytestmark = pytest.mark.django_db


def test_the_completion_page_offers_pdf_card_and_verification_link_at_once(client, learner, django_capture_on_commit_callbacks):
    course, modules = make_course(modules=2, questions=2)
    with django_capture_on_commit_callbacks(execute=True):
        for module in modules:
            pass_module(learner, module)
    certificate = Certificate.objects.valid().get(holder=learner, course=course)
    client.force_login(learner)
    html = client.get("/course/complete/").content.decode()
    assert "修了証を受け取る" in html
    assert f'href="/certificates/{certificate.number}/pdf/"' in html
    assert f'href="/certificates/{certificate.number}/card/"' in html
    assert f"/verify/{certificate.number}/?s={certificate.signature}" in html
    for kind in ("pdf", "card"):
        response = client.get(f"/certificates/{certificate.number}/{kind}/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    verify = client.get(f"/verify/{certificate.number}/?s={certificate.signature}")
    assert verify.status_code == 200 and "有効" in verify.content.decode()
    issued = [m for m in mail.outbox if "修了証を発行しました" in m.subject]
    assert [m.to for m in issued] == [[learner.email]]


def test_the_completion_page_shows_only_my_certificate(client, learner):
    from tests.accounts.factories import UserFactory

    course, modules = make_course(modules=1, questions=1)
    other = UserFactory()
    pass_module(other, modules[0])
    pass_module(learner, modules[0])
    theirs = Certificate.objects.get(holder=other)
    client.force_login(learner)
    html = client.get("/course/complete/").content.decode()
    assert theirs.number not in html
    assert Certificate.objects.get(holder=learner).number in html
