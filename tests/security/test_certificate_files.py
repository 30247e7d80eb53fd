"""Private certificate files live in their own storage outside MEDIA_ROOT (issue 13, item 8): never reachable under
/media/, even with the development media route."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from certificates.checks import check_certificate_files_are_private
from certificates.services import render_certificate_files
from certificates.storage import certificate_storage, inside
from tests.certificates.factories import CertificateFactory

pytestmark = pytest.mark.django_db


@pytest.mark.urls("tests.security.dev_urls")
def test_a_rendered_certificate_is_not_served_under_media_even_in_development(client, settings):
    certificate = render_certificate_files(certificate_id=CertificateFactory().pk)
    storage = certificate_storage()
    path = storage.path(certificate.pdf_file)
    assert os.path.exists(path)
    assert not inside(path, settings.MEDIA_ROOT)
    # Media files are served (the route works) ...
    os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
    with open(os.path.join(settings.MEDIA_ROOT, "public.txt"), "w") as handle:
        handle.write("public")
    assert client.get("/media/public.txt").status_code == 200
    # ... but no name of a certificate file reaches it, with or without the old private/ folder.
    for name in (certificate.pdf_file, certificate.card_file):
        for url in (f"/media/{name}", f"/media/private/{name}"):
            assert client.get(url).status_code == 404, url


def test_the_system_check_refuses_certificate_files_under_media_root(settings):
    assert check_certificate_files_are_private() == []
    settings.STORAGES = {
        **settings.STORAGES,
        "certificates": {
            "BACKEND": "certificates.storage.PrivateCertificateStorage",
            "OPTIONS": {"location": os.path.join(settings.MEDIA_ROOT, "private")},
        },
    }
    assert [error.id for error in check_certificate_files_are_private()] == ["certificates.E003"]


def test_files_in_the_old_place_are_moved_and_still_download(client, settings):
    certificate = render_certificate_files(certificate_id=CertificateFactory().pk)
    # The card is rendered on first download now (issue 20.2); a release before this one had rendered both.
    from certificates.services import render_card

    certificate = render_card(certificate_id=certificate.pk)
    assert certificate.pdf_file and certificate.card_file
    storage = certificate_storage()
    old_root = os.path.join(settings.MEDIA_ROOT, "private")
    for name in (certificate.pdf_file, certificate.card_file):  # as a release before this one left them
        old = os.path.join(old_root, name)
        os.makedirs(os.path.dirname(old), exist_ok=True)
        with storage.open(name, "rb") as src, open(old, "wb") as dst:
            dst.write(src.read())
        storage.delete(name)
    call_command("move_certificate_files")
    call_command("move_certificate_files")  # idempotent
    assert storage.exists(certificate.pdf_file) and storage.exists(certificate.card_file)
    assert not os.path.exists(os.path.join(old_root, certificate.pdf_file))
    client.force_login(certificate.holder)
    response = client.get(f"/certificates/{certificate.number}/pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
