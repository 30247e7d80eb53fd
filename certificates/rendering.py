"""The 修了証 PDF (A4 landscape) and the wallet-size supporter card, rendered with WeasyPrint.

- Fonts: BIZ UD (TrueType, small subsets) first, Noto CJK as the fallback for characters only it has (𠮷).
- Furigana on its own line (WeasyPrint does not lay out <ruby>).
- The QR code is a PNG (faster than SVG) of the verification URL with the signature, written straight from the
  module matrix (no Pillow image in between).
- Reused across renders in a worker process: the FontConfiguration and each template's parsed stylesheet (per
  thread), and — within a batch (`services.render_batch`) — the issuer and its seal.
- Every resource is inlined as a data: URL and the URL fetcher refuses every other scheme, so nothing in a name (or
  anywhere else) can make the renderer fetch a network or file URL. Names are escaped text by the template engine."""

from __future__ import annotations

import base64
import logging
import struct
import threading
import zlib
from pathlib import Path

import qrcode
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
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


def qr_png(data: str) -> bytes:
    """One pixel per module: the templates scale it up with `image-rendering: pixelated` (no smoothing in the PDF),
    which keeps the PDF small and quick to write while staying sharp at any size."""
    # A fixed mask pattern skips qrcode's trial of all eight masks (≈4x faster); any mask decodes equally well.
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, mask_pattern=2)
    qr.add_data(data)
    qr.make(fit=True)
    return _grey_png(qr.get_matrix())


def _grey_png(matrix: list[list[bool]]) -> bytes:
    """An 8-bit greyscale PNG of the matrix (dark modules black) — what Pillow wrote before, without building an image
    object per certificate (about half of qr_png's time went there)."""
    size = len(matrix)
    raw = b"".join(b"\x00" + bytes(0 if dark else 255 for dark in row) for row in matrix)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


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


def issuer_context() -> dict:
    """The issuer and its seal as data: URL — read once per batch (`services.render_batch`), not per certificate."""
    issuer = get_issuer_settings()
    return {"issuer": issuer, "seal_url": _seal_data_url(issuer)}


def certificate_context(certificate, issuer: dict | None = None) -> dict:
    from .services import verification_url

    url = verification_url(certificate)
    return {
        "certificate": certificate,
        **(issuer or issuer_context()),
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


STYLES = Path(__file__).resolve().parent / "pdf_styles"


def _stylesheet(name: str) -> CSS:
    """The template's stylesheet, parsed once per thread (with that thread's FontConfiguration) instead of from a
    <style> element in every document: measured ≈ 10 % of a warm render."""
    sheets = getattr(_local, "stylesheets", None)
    if sheets is None:
        sheets = _local.stylesheets = {}
    if name not in sheets:
        css = (STYLES / f"{name}.css").read_text(encoding="utf-8")
        sheets[name] = CSS(string=css, font_config=_font_config(), url_fetcher=DataOnlyURLFetcher())
    return sheets[name]


def render_pdf(html: str, stylesheet: str | None = None) -> bytes:
    stylesheets = [_stylesheet(stylesheet)] if stylesheet else None
    return HTML(string=html, url_fetcher=DataOnlyURLFetcher(), base_url=None).write_pdf(
        stylesheets=stylesheets, font_config=_font_config()
    )


def render_document(kind: str, certificate, context: dict | None = None) -> bytes:
    """The 修了証 ("pdf") or the wallet card ("card") of a certificate, as PDF bytes."""
    template = {"pdf": "certificate", "card": "card"}[kind]
    html = render_to_string(f"certificates/pdf/{template}.html", context or certificate_context(certificate))
    return render_pdf(html, stylesheet=template)


def render_certificate_pdf(certificate, context: dict | None = None) -> bytes:
    return render_document("pdf", certificate, context)


def render_card_pdf(certificate, context: dict | None = None) -> bytes:
    return render_document("card", certificate, context)
