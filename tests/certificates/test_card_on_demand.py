"""Issue 20.2: at issue time only the 修了証 PDF is rendered; the wallet card on its first download (or by the
low-priority sweep), stored once and reused; a failed card render is recorded and rendered again."""

import datetime as dt

import pytest
import time_machine

from certificates import rendering
from certificates.enums import RenderStatus
from certificates.models import Certificate
from certificates.services import render_certificate_files
from certificates.storage import certificate_storage
from certificates.tasks import render_pending_certificates

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db


def _count_renders(monkeypatch):
    calls = {"pdf": 0, "card": 0}
    real_pdf, real_card = rendering.render_certificate_pdf, rendering.render_card_pdf

    def pdf(*args, **kwargs):
        calls["pdf"] += 1
        return real_pdf(*args, **kwargs)

    def card(*args, **kwargs):
        calls["card"] += 1
        return real_card(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_certificate_pdf", pdf)
    monkeypatch.setattr(rendering, "render_card_pdf", card)
    return calls


def test_issue_time_render_renders_only_the_certificate_pdf(monkeypatch):
    calls = _count_renders(monkeypatch)
    certificate = render_certificate_files(certificate_id=CertificateFactory().pk)
    assert calls == {"pdf": 1, "card": 0}
    assert certificate.render_status == RenderStatus.DONE and certificate.pdf_file
    assert certificate.card_file == "" and certificate.card_status == RenderStatus.PENDING


def test_first_card_download_renders_and_stores_it_the_second_reuses_it(client, monkeypatch):
    certificate = CertificateFactory()
    render_certificate_files(certificate_id=certificate.pk)
    calls = _count_renders(monkeypatch)
    client.force_login(certificate.holder)
    first = client.get(f"/certificates/{certificate.number}/card/")
    assert first.status_code == 200 and b"".join(first.streaming_content).startswith(b"%PDF")
    stored = Certificate.objects.get(pk=certificate.pk)
    assert stored.card_status == RenderStatus.DONE and certificate_storage().exists(stored.card_file)
    assert calls == {"pdf": 0, "card": 1}
    second = client.get(f"/certificates/{certificate.number}/card/")
    assert second.status_code == 200 and b"".join(second.streaming_content).startswith(b"%PDF")
    assert calls == {"pdf": 0, "card": 1}
    assert Certificate.objects.get(pk=certificate.pk).card_file == stored.card_file


def test_a_failed_card_render_is_recorded_and_rendered_again(client, monkeypatch):
    certificate = CertificateFactory()
    render_certificate_files(certificate_id=certificate.pk)
    real_card = rendering.render_card_pdf

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(rendering, "render_card_pdf", boom)
    client.force_login(certificate.holder)
    response = client.get(f"/certificates/{certificate.number}/card/")
    assert response.status_code == 302  # back to マイページ with 「まだ作成中」, nothing stored
    failed = Certificate.objects.get(pk=certificate.pk)
    assert failed.card_status == RenderStatus.FAILED and "disk full" in failed.card_error and failed.card_file == ""
    monkeypatch.setattr(rendering, "render_card_pdf", real_card)
    response = client.get(f"/certificates/{certificate.number}/card/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    done = Certificate.objects.get(pk=certificate.pk)
    assert done.card_status == RenderStatus.DONE and done.card_error == ""


def test_sweep_renders_again_a_card_that_failed_or_was_killed_but_not_cards_never_asked_for():
    with time_machine.travel(dt.datetime(2026, 5, 1, tzinfo=dt.UTC), tick=False):
        failed, killed, untouched = CertificateFactory(), CertificateFactory(), CertificateFactory()
    Certificate.objects.filter(pk=failed.pk).update(card_status=RenderStatus.FAILED)
    Certificate.objects.filter(pk=killed.pk).update(card_status=RenderStatus.RUNNING)
    render_pending_certificates.delay().get()
    for certificate in (failed, killed):
        row = Certificate.objects.get(pk=certificate.pk)
        assert row.card_status == RenderStatus.DONE and certificate_storage().exists(row.card_file)
    assert Certificate.objects.get(pk=untouched.pk).card_status == RenderStatus.PENDING
