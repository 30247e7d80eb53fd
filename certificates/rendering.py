"""The 修了証 PDF (A4 landscape) and the wallet-size supporter card, rendered with WeasyPrint.

- Fonts: BIZ UD (TrueType, small subsets) first, Noto CJK as the fallback for characters only it has (𠮷).
- Furigana on its own line (WeasyPrint does not lay out <ruby>).
- The QR code is a PNG (faster than SVG) of the verification URL with the signature.
- Every resource is inlined as a data: URL and the URL fetcher refuses every other scheme, so nothing in a name (or
  anywhere else) can make the renderer fetch a network or file URL. Names are escaped text by the template engine."""

from __future__ import annotations

import base64
import io
import logging
import threading

import qrcode
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from . import dates
from .selectors import get_issuer_settings

logger = logging.getLogger(__name__)

MAX_SEAL_BYTES = 2 * 1024 * 1024


class DataOnlyURLFetcher(URLFetcher):
    """Fetches data: URLs only; anything else (http, https, file, ftp …) raises, and WeasyPrint skips it."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)

    def fetch(self, url, headers=None):
        if not url.lower().startswith("data:"):
            logger.warning("Refused to fetch a non-data URL while rendering a certificate.")
            raise ValueError("Only data: URLs are allowed in certificate rendering.")
        return super().fetch(url, headers)


def qr_png(data: str, *, box_size: int = 1) -> bytes:
    """One pixel per module: the templates scale it up with `image-rendering: pixelated` (no smoothing in the PDF),
    which keeps the PDF small and quick to write while staying sharp at any size."""
    # A fixed mask pattern skips qrcode's trial of all eight masks (≈4x faster); any mask decodes equally well.
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=2, mask_pattern=2)
    qr.add_data(data)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(content: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _seal_data_url(issuer) -> str:
    image = getattr(issuer, "seal", None)
    if image is None:
        return ""
    name = image.file.name.lower()
    mime = "image/png" if name.endswith(".png") else "image/jpeg" if name.endswith((".jpg", ".jpeg")) else ""
    if not mime:
        return ""
    try:
        with image.file.open("rb") as fh:
            content = fh.read(MAX_SEAL_BYTES + 1)
    except OSError:
        logger.warning("The issuer's seal image could not be read; rendering without it.")
        return ""
    if len(content) > MAX_SEAL_BYTES:
        return ""
    return data_url(content, mime)


def certificate_context(certificate) -> dict:
    from .services import verification_url

    issuer = get_issuer_settings()
    url = verification_url(certificate)
    return {
        "certificate": certificate,
        "issuer": issuer,
        "seal_url": _seal_data_url(issuer),
        "qr_url": data_url(qr_png(url), "image/png"),
        "verification_url": url,
        "verify_page_url": url.split("/verify/")[0] + "/verify/",
        "issued_wareki": dates.wareki(certificate.issued_at),
        "issued_western": dates.western(certificate.issued_at),
    }


_local = threading.local()


def _font_config() -> FontConfiguration:
    """One FontConfiguration per thread, reused across renders. WeasyPrint otherwise builds a new one (a fresh Pango
    font map that loads the system fonts again) for every document: measured 15–30 ms of each warm render here. Our
    templates use system fonts only (no @font-face), so nothing document-specific accumulates in it."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def render_pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=DataOnlyURLFetcher(), base_url=None).write_pdf(font_config=_font_config())


def render_certificate_pdf(certificate, context: dict | None = None) -> bytes:
    html = render_to_string("certificates/pdf/certificate.html", context or certificate_context(certificate))
    return render_pdf(html)


def render_card_pdf(certificate, context: dict | None = None) -> bytes:
    html = render_to_string("certificates/pdf/card.html", context or certificate_context(certificate))
    return render_pdf(html)
