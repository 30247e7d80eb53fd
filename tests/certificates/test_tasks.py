import datetime as dt

import pytest
import time_machine
from django.conf import settings

from certificates.enums import RenderStatus
from certificates.models import Certificate
from certificates.tasks import render_certificate_files, render_pending_certificates

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db


def test_render_task_twice_leaves_one_set_of_files():
    certificate = CertificateFactory()
    assert render_certificate_files.delay(certificate.pk).get() == RenderStatus.DONE
    first = Certificate.objects.get(pk=certificate.pk)
    render_certificate_files.delay(certificate.pk).get()
    again = Certificate.objects.get(pk=certificate.pk)
    assert (again.pdf_file, again.card_file) == (first.pdf_file, first.card_file)


def test_render_task_for_a_deleted_row_does_nothing():
    assert render_certificate_files.delay(999_999).get() == "missing"


def test_sweep_renders_certificates_left_pending_and_is_scheduled():
    with time_machine.travel(dt.datetime(2026, 5, 1, tzinfo=dt.UTC), tick=False):
        old = CertificateFactory()  # on_commit never ran in this test: still pending
    fresh = CertificateFactory()
    assert render_pending_certificates.delay().get() == 1
    assert Certificate.objects.get(pk=old.pk).render_status == RenderStatus.DONE
    assert Certificate.objects.get(pk=fresh.pk).render_status == RenderStatus.PENDING
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "certificates.tasks.render_pending_certificates" in tasks


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_renders_after_commit(celery_worker_live):
    """With REDIS_URL, a real Celery worker on Redis picks the task queued after commit; eager otherwise."""
    import time

    from certificates.services import issue_certificate
    from tests.accounts.factories import UserFactory

    from .factories import make_course

    certificate = issue_certificate(holder=UserFactory(), course=make_course(), source="online")
    deadline = time.monotonic() + 60
    while Certificate.objects.get(pk=certificate.pk).render_status != RenderStatus.DONE:
        assert time.monotonic() < deadline, f"not rendered ({celery_worker_live})"
        time.sleep(0.2)
