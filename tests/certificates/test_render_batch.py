"""Issue 20.2: many certificates rendered by one task (`render_batch`, queued by `batched_renders` when a closing
issues many): the issuer read once per batch, one UPDATE per stored file; a worker killed mid-batch loses and
duplicates nothing (the done ones stay done, the rest are taken over by the sweep after their lease); one failure
does not stop the others; the 修了証 and the card are one render function with a kind."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates import rendering, services
from certificates.enums import RenderStatus
from certificates.models import Certificate
from certificates.storage import certificate_storage
from certificates.tasks import render_pending_certificates
from lms.outbox.models import OutboxMessage

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """What a SIGKILL looks like from inside: no `except Exception` handler runs, nothing after it is written."""


def _stored_files() -> set[str]:
    root = Path(certificate_storage().location)
    return {str(p.relative_to(root)) for p in root.rglob("*.pdf")} if root.exists() else set()


def _certificates(n):
    return [CertificateFactory() for _ in range(n)]


def test_a_batch_renders_every_pdf_and_reads_the_issuer_once(monkeypatch):
    reads = {"issuer": 0}
    real = rendering.get_issuer_settings

    def counted():
        reads["issuer"] += 1
        return real()

    monkeypatch.setattr(rendering, "get_issuer_settings", counted)
    certificates = _certificates(4)
    result = services.render_batch(certificate_ids=[c.pk for c in certificates])
    assert result == {"requested": 4, "done": 4}
    assert reads["issuer"] == 1
    for certificate in Certificate.objects.filter(pk__in=[c.pk for c in certificates]):
        assert certificate.render_status == RenderStatus.DONE and certificate_storage().exists(certificate.pdf_file)
        assert certificate.rendered_at and certificate.card_status == RenderStatus.PENDING  # the card stays on demand


def test_a_batchs_database_work_grows_by_one_write_per_certificate(monkeypatch):
    monkeypatch.setattr(rendering, "render_certificate_pdf", lambda certificate, context: b"%PDF-1.7 test")

    def queries(n):
        ids = [c.pk for c in _certificates(n)]
        with CaptureQueriesContext(connection) as ctx:
            services.render_batch(certificate_ids=ids)
        return len(ctx.captured_queries)

    queries(1)  # the issuer's site look-up is cached after the first
    small, large = queries(5), queries(15)
    assert large - small == 10  # the stored file's conditional UPDATE, nothing else per certificate
    assert small <= 5 + 6  # one read of all, one UPDATE to running, the issuer's reads


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(monkeypatch):
    certificates = _certificates(6)
    ids = [c.pk for c in certificates]
    before = _stored_files()
    real = rendering.render_certificate_pdf
    done = []

    def dies_at_the_fourth(certificate, context):
        if len(done) == 3:
            raise Killed
        done.append(certificate.pk)
        return real(certificate, context)

    monkeypatch.setattr(rendering, "render_certificate_pdf", dies_at_the_fourth)
    with pytest.raises(Killed):
        services.render_batch(certificate_ids=ids)
    states = dict(Certificate.objects.filter(pk__in=ids).values_list("pk", "render_status"))
    assert [states[pk] for pk in ids] == [RenderStatus.DONE] * 3 + [RenderStatus.RUNNING] * 3
    assert len(_stored_files() - before) == 3  # what was stored is recorded: no orphan file

    # The sweep leaves a running render alone while its lease holds, then takes over only the unfinished ones.
    monkeypatch.setattr(rendering, "render_certificate_pdf", real)
    from certificates import tasks

    queued = []
    monkeypatch.setattr(tasks.render_certificate_files, "delay", queued.append)
    render_pending_certificates()
    assert queued == []
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        render_pending_certificates()
    assert sorted(queued) == sorted(ids[3:])
    monkeypatch.undo()
    for certificate_id in queued:
        services.render_certificate_files(certificate_id=certificate_id)
    services.render_batch(certificate_ids=ids)  # a redelivered batch: nothing rendered twice
    rows = list(Certificate.objects.filter(pk__in=ids).values_list("render_status", "pdf_file"))
    assert all(status == RenderStatus.DONE for status, _name in rows)
    assert _stored_files() - before == {name for _status, name in rows}  # exactly one file per certificate


def test_one_failure_in_a_batch_is_recorded_and_the_others_are_rendered(monkeypatch):
    certificates = _certificates(3)
    real = rendering.render_certificate_pdf
    broken = certificates[1].pk

    def render(certificate, context):
        if certificate.pk == broken:
            raise ValueError("壊れたデータ")
        return real(certificate, context)

    monkeypatch.setattr(rendering, "render_certificate_pdf", render)
    assert services.render_batch(certificate_ids=[c.pk for c in certificates]) == {"requested": 3, "done": 2}
    failed = Certificate.objects.get(pk=broken)
    assert failed.render_status == RenderStatus.FAILED and "壊れたデータ" in failed.render_error and not failed.pdf_file


def test_a_render_finishing_after_the_personal_data_was_erased_stores_nothing(monkeypatch):
    certificate = CertificateFactory()
    before = _stored_files()
    real = rendering.render_certificate_pdf

    def erase_meanwhile(cert, context):
        pdf = real(cert, context)
        services.erase_holder_personal_data(user=cert.holder)
        return pdf

    monkeypatch.setattr(rendering, "render_certificate_pdf", erase_meanwhile)
    services.render_batch(certificate_ids=[certificate.pk])
    certificate.refresh_from_db()
    assert certificate.personal_data_erased_at and certificate.pdf_file == ""
    assert _stored_files() == before


def test_two_renders_at_once_store_one_file(monkeypatch):
    certificate = CertificateFactory()
    before = _stored_files()
    real = rendering.render_card_pdf
    state = {"inner": False}

    def another_process_finishes_first(cert, context):
        pdf = real(cert, context)
        if not state["inner"]:  # while this render runs, another process renders and stores the card
            state["inner"] = True
            state["theirs"] = services.render_file(certificate_id=cert.pk, kind="card").card_file
        return pdf

    monkeypatch.setattr(rendering, "render_card_pdf", another_process_finishes_first)
    services.render_file(certificate_id=certificate.pk, kind="card")
    certificate.refresh_from_db()
    assert certificate.card_status == RenderStatus.DONE and certificate.card_file == state["theirs"]
    assert _stored_files() - before == {state["theirs"]}  # ours was deleted: one file


def test_the_stylesheet_is_parsed_once_per_process_thread(monkeypatch):
    certificate = CertificateFactory()
    rendering._local.__dict__.pop("stylesheets", None)
    parsed = []
    real_css = rendering.CSS

    def counting(*args, **kwargs):
        parsed.append(1)
        return real_css(*args, **kwargs)

    monkeypatch.setattr(rendering, "CSS", counting)
    for _ in range(3):
        rendering.render_certificate_pdf(certificate)
    assert len(parsed) == 1
    rendering.render_card_pdf(certificate)
    assert len(parsed) == 2


def test_batched_renders_queue_one_task_per_batch_not_one_per_certificate(django_capture_on_commit_callbacks):
    ids = []
    with django_capture_on_commit_callbacks(execute=False):
        with services.batched_renders(size=4) as batch:
            for _ in range(10):
                ids.append(CertificateFactory().pk)  # issued through issue_certificate, which queues its render
                batch.flush(full_only=True)
            # Whole batches are queued as they fill, while the issuing goes on.
            assert OutboxMessage.objects.filter(task="certificates.tasks.render_certificate_batch").count() == 2
    batches = [args[0] for args in OutboxMessage.objects.filter(task="certificates.tasks.render_certificate_batch").order_by("id").values_list("args", flat=True)]
    assert [len(b) for b in batches] == [4, 4, 2] and sorted(sum(batches, [])) == sorted(ids)
    assert not OutboxMessage.objects.filter(task="certificates.tasks.render_certificate_files").exists()
