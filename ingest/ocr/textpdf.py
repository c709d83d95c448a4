"""A text-only PDF page (invisible words at their boxes) for pages another engine than tesseract read (fpdf2)."""

from __future__ import annotations

import logging
from pathlib import Path

from fpdf import FPDF

from ingest.ocr.tsv import Line

# TrueType outlines first (pdfminer decodes their CMap); Noto CJK is what `make install` always brings.
FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
)


# fontTools reports every bitmap table of the font it cannot subset (it drops them; glyphs stay).
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


def text_only_pdf(lines: list[Line], *, width: int, height: int, dpi: int) -> bytes:
    """One page of width x height pixels at dpi, each line's text invisible over its box (like tesseract's)."""
    pdf = FPDF(unit="pt", format=(width * 72 / dpi, height * 72 / dpi))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_page()
    path, index = next(((p, i) for p, i in FONTS if Path(p).exists()), (None, None))
    if path is None or not lines:
        return bytes(pdf.output())
    pdf.add_font("page", fname=path, collection_font_number=index or 0)
    pdf.text_mode = 3  # invisible: found and selected, never drawn over the image
    scale = 72 / dpi
    for line in lines:
        left, top, right, bottom = line.box
        size = max(4.0, (bottom - top) * scale * 0.85)
        pdf.set_font("page", size=size)
        text = line.text
        natural = pdf.get_string_width(text) or 1.0
        pdf.set_stretching(max(10.0, min(1000.0, 100 * (right - left) * scale / natural)))
        pdf.text(left * scale, bottom * scale - size * 0.15, text)
    return bytes(pdf.output())
