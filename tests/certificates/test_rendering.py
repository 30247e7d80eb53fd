"""The PDF 修了証 and the wallet card, rendered for real with WeasyPrint and inspected."""

import pytest
from django.conf import settings

from certificates import rendering
from certificates.enums import RenderStatus
from certificates.models import Certificate
from certificates.services import render_certificate_files, revoke_certificate
from certificates.storage import certificate_storage, inside
from tests.accounts.factories import UserFactory

from .factories import CertificateFactory
from .pdfcheck import decode_qr_codes, drawn_glyphs, page_text

pytestmark = pytest.mark.django_db

YOSHI = "\U00020bb7"  # 𠮷, outside the BMP: only Noto CJK has it here


def _holder(name, furigana="よしかわ はなこ"):
    return UserFactory(profile__full_name=name, profile__furigana=furigana)


def test_done_when_yoshikawa_pdf_draws_every_character_and_its_qr_leads_to_a_valid_page(client):
    """Issue 4 'done when': a real PDF for 𠮷川 shows every character of the name with a real glyph; the QR code,
    decoded from the rasterised PDF, opens a 'valid' page; one changed character of the signature gives the
    'not issued by us' answer; revoking flips the page."""
    certificate = CertificateFactory(holder=_holder(f"{YOSHI}川 花子"))
    pdf = rendering.render_certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF")

    glyphs = drawn_glyphs(pdf, f"{YOSHI}川 花子")
    assert set(glyphs) == {YOSHI, "川", "花", "子"}
    for ch, info in glyphs.items():
        assert info["gid"] != 0, f"{ch!r} has no glyph in {info['font']}"
        assert info["outline"], f"{ch!r} is drawn without an outline in {info['font']}"
    assert glyphs[YOSHI]["font"].startswith("Noto")  # the fallback font
    assert glyphs["川"]["font"].startswith("BIZ")  # the first choice
    assert "よしかわ はなこ" in page_text(pdf)  # furigana on its own line, as text

    urls = decode_qr_codes(pdf)
    assert len(urls) == 1
    url = urls[0]
    assert url.startswith(settings.SITE_URL + "/verify/" + certificate.number + "/?s=")
    path = url[len(settings.SITE_URL) :]
    response = client.get(path)
    assert response.status_code == 200
    assert "有効な修了証です" in response.content.decode()
    assert f"{YOSHI}川 花子" in response.content.decode()

    signature = path.split("?s=")[1]
    changed = signature[:10] + ("B" if signature[10] != "B" else "C") + signature[11:]
    forged = client.get(path.split("?s=")[0] + "?s=" + changed)
    assert "本サイトが発行したものではありません" in forged.content.decode()
    assert "有効な修了証です" not in forged.content.decode()

    revoke_certificate(certificate=certificate, reason="テスト")
    revoked = client.get(path)
    assert "失効した修了証です" in revoked.content.decode()
    assert "有効な修了証です" not in revoked.content.decode()


def test_wallet_card_is_credit_card_size_and_carries_the_same_qr():
    import pypdfium2 as pdfium

    certificate = CertificateFactory(holder=_holder("山田 太郎", "やまだ たろう"))
    card = rendering.render_card_pdf(certificate)
    width, height = pdfium.PdfDocument(card)[0].get_size()
    assert round(width / 72 * 25.4, 1) == 85.6
    assert round(height / 72 * 25.4, 1) == 54.0
    assert decode_qr_codes(card, scale=6) == [rendering.certificate_context(certificate)["verification_url"]]
    assert "山田 太郎" in page_text(card)


def test_certificate_is_a4_landscape_with_both_date_forms_number_and_issuer():
    import pypdfium2 as pdfium

    certificate = CertificateFactory(holder=_holder("山田 太郎", "やまだ たろう"))
    pdf = rendering.render_certificate_pdf(certificate)
    width, height = pdfium.PdfDocument(pdf)[0].get_size()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (297, 210)
    text = page_text(pdf).replace("\r\n", "")
    from certificates.dates import wareki, western

    assert wareki(certificate.issued_at) in text and wareki(certificate.issued_at).startswith("令和")
    assert western(certificate.issued_at) in text
    assert certificate.number in text
    assert "つながりサポーター養成事業 事務局" in text
    assert len(pdf) <= 60 * 1024


def test_html_in_a_name_is_printed_as_text_and_nothing_is_fetched(monkeypatch):
    fetched = []
    original = rendering.DataOnlyURLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(rendering.DataOnlyURLFetcher, "fetch", spy)
    name = '<img src="http://127.0.0.1:9/x.png"><script>alert(1)</script>'
    certificate = CertificateFactory(holder=_holder(name[:100], "あ"))
    pdf = rendering.render_certificate_pdf(certificate)
    assert "<script>alert(1)</script>" in page_text(pdf).replace("\r\n", "")
    assert fetched and all(url.startswith("data:") for url in fetched)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x.png", "https://example.com/", "file:///etc/passwd", "ftp://x/"])
def test_the_url_fetcher_refuses_anything_but_data_urls(url):
    with pytest.raises(ValueError):
        rendering.DataOnlyURLFetcher().fetch(url)


def test_a_css_url_in_the_document_is_not_fetched(monkeypatch):
    import urllib.request

    def boom(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", boom)
    pdf = rendering.render_pdf(
        '<link rel="stylesheet" href="http://127.0.0.1:9/a.css"><img src="file:///etc/hostname"><p>x</p>'
    )
    assert pdf.startswith(b"%PDF")


def test_render_task_stores_both_files_and_a_second_run_keeps_them():
    from certificates.services import render_card

    certificate = CertificateFactory()
    render_certificate_files(certificate_id=certificate.pk)
    first = render_card(certificate_id=certificate.pk)
    assert first.render_status == RenderStatus.DONE and first.card_status == RenderStatus.DONE
    storage = certificate_storage()
    assert storage.exists(first.pdf_file) and storage.exists(first.card_file)
    assert first.pdf_file.startswith("certificates/")
    render_certificate_files(certificate_id=certificate.pk)
    again = render_card(certificate_id=certificate.pk)
    assert (again.pdf_file, again.card_file) == (first.pdf_file, first.card_file)


def test_files_are_stored_outside_any_public_url():
    certificate = render_certificate_files(certificate_id=CertificateFactory().pk)
    with pytest.raises(NotImplementedError):
        certificate_storage().url(certificate.pdf_file)
    assert not inside(certificate_storage().path(certificate.pdf_file), settings.MEDIA_ROOT)


def test_a_lost_file_is_rendered_again():
    certificate = render_certificate_files(certificate_id=CertificateFactory().pk)
    certificate_storage().delete(certificate.pdf_file)
    again = render_certificate_files(certificate_id=certificate.pk)
    assert certificate_storage().exists(again.pdf_file)


def test_a_failed_render_records_its_reason(monkeypatch):
    certificate = CertificateFactory()

    def broken(_certificate, context=None):
        raise OSError("disk full")

    monkeypatch.setattr(rendering, "render_certificate_pdf", broken)
    with pytest.raises(OSError):
        render_certificate_files(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.render_status == RenderStatus.FAILED
    assert "disk full" in certificate.render_error


def test_issuing_queues_the_render_after_commit(django_capture_on_commit_callbacks):
    from certificates.selectors import get_issuer_settings

    # The issuer settings row exists on a running site; its first creation purges the page cache (lms.pagecache),
    # which is not part of issuing.
    get_issuer_settings()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        certificate = CertificateFactory()
    assert len(callbacks) == 2  # the render, and the "修了証を発行しました" e-mail (tests/certificates/test_issued_notice.py)
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.render_status == RenderStatus.DONE


def test_a_broker_outage_loses_no_certificate(django_capture_on_commit_callbacks, monkeypatch, client, settings):
    """A real broker is configured and down: the render stays pending in the outbox (lms.outbox), and the holder's
    download renders it on demand meanwhile."""
    from certificates import tasks
    from lms.outbox.models import OutboxMessage
    from lms.outbox.services import forget_broker_state

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(tasks.render_certificate_files, "apply_async", down)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            certificate = CertificateFactory()
    finally:
        forget_broker_state()
    certificate.refresh_from_db()
    assert certificate.render_status == RenderStatus.PENDING
    assert OutboxMessage.objects.filter(key=f"certificate-render:{certificate.pk}").exists()
    client.force_login(certificate.holder)
    response = client.get(f"/certificates/{certificate.number}/pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_glyph_check_notices_a_character_no_font_can_draw():
    """The 'every character has a real glyph' check above is not vacuous: a Tangut character (U+17000), which no
    installed font has, comes out without a glyph."""
    pdf = rendering.render_pdf('<p style="font-family: \'BIZ UDPMincho\'">川\U00017000</p>')
    glyphs = drawn_glyphs(pdf, "川\U00017000")
    assert glyphs["川"]["outline"]
    assert glyphs["\U00017000"]["gid"] == 0 or not glyphs["\U00017000"]["outline"]


def test_the_issuers_seal_set_by_staff_is_printed(settings):
    import pypdfium2 as pdfium
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Site

    from certificates.models import CertificateIssuerSettings

    issuer = CertificateIssuerSettings.for_site(Site.objects.get(is_default_site=True))
    issuer.seal = Image.objects.create(title="印影", file=get_test_image_file())
    issuer.issuer_title = "事務局長"
    issuer.save()
    certificate = CertificateFactory()
    pdf = rendering.render_certificate_pdf(certificate)
    page = pdfium.PdfDocument(pdf)[0]
    images = [obj for obj in page.get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    assert len(images) == 2  # the QR code and the seal
    assert "事務局長" in page_text(pdf)
