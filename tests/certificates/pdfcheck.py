"""Helpers that look inside rendered PDFs: which embedded font drew each character, and whether that glyph is a
real outline (not .notdef), by pypdfium2 + fontTools; and the QR code, by rasterising and decoding with zxing-cpp."""

from __future__ import annotations

import ctypes
import io
import subprocess
from functools import cache

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import zxingcpp
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont


def page_text(pdf: bytes, index: int = 0) -> str:
    document = pdfium.PdfDocument(pdf)
    return document[index].get_textpage().get_text_range()


@cache
def _system_font(family: str) -> TTFont:
    out = subprocess.run(
        ["fc-list", "-f", "%{file}|%{index}|%{family}\n", f":family={family}"], capture_output=True, text=True, check=True
    ).stdout
    for line in out.splitlines():
        path, index, families = line.split("|", 2)
        if family in families.split(","):
            return TTFont(path, fontNumber=int(index), lazy=True)
    raise LookupError(family)


def drawn_glyphs(pdf: bytes, text: str) -> dict[str, dict]:
    """For each character of `text` (in its first occurrence on page 1): the embedded font that draws it, the glyph
    id the system font maps it to, and whether the embedded subset holds a real outline for that glyph."""
    document = pdfium.PdfDocument(pdf)
    textpage = document[0].get_textpage()
    units = [raw.FPDFText_GetUnicode(textpage, i) for i in range(textpage.count_chars())]
    # pdfium reports UTF-16 code units; rebuild characters with their first index.
    chars: list[tuple[str, int]] = []
    i = 0
    while i < len(units):
        u = units[i]
        if 0xD800 <= u < 0xDC00 and i + 1 < len(units):
            chars.append((chr(0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00)), i))
            i += 2
        else:
            chars.append((chr(u), i))
            i += 1
    joined = "".join(ch for ch, _ in chars)
    start = joined.index(text)
    report = {}
    for ch, index in chars[start : start + len(text)]:
        if ch.isspace():
            continue
        font = raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(textpage, index))
        name = ctypes.create_string_buffer(256)
        raw.FPDFFont_GetBaseFontName(font, name, 256)
        base = name.value.decode().split("+", 1)[-1]
        size = ctypes.c_size_t()
        raw.FPDFFont_GetFontData(font, None, 0, ctypes.byref(size))
        buffer = (ctypes.c_uint8 * size.value)()
        raw.FPDFFont_GetFontData(font, buffer, size.value, ctypes.byref(size))
        embedded = TTFont(io.BytesIO(bytes(buffer)))
        system = _system_font(base.replace("-", " "))
        glyph_name = (system.getBestCmap() or {}).get(ord(ch))
        gid = system.getGlyphID(glyph_name) if glyph_name else 0
        outline = False
        if gid:
            embedded_name = embedded.getGlyphOrder()[gid]
            pen = BoundsPen(embedded.getGlyphSet())
            embedded.getGlyphSet()[embedded_name].draw(pen)
            outline = pen.bounds is not None
        report[ch] = {"font": base, "gid": gid, "outline": outline}
    return report


def decode_qr_codes(pdf: bytes, *, scale: float = 3.0) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=scale).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]
