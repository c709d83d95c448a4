"""The searchable page PDF: the page image under tesseract's invisible text, Chinese words joined."""

from __future__ import annotations

import io
import re

import pikepdf
from PIL import Image

# Tesseract writes each word as `<Tz> Tz [ <hex UTF-16 codes, then 0020> ] TJ`; a Chinese "word" is one or two
# characters, so viewers find "鸿 达 科 技" but not "鸿达科技". We drop the space between Chinese words.
_WORD = re.compile(rb"([\d.]+) Tz \[ <([0-9A-Fa-f]+)> \] TJ")
_SPACE = "0020"
_FONT_SIZE = re.compile(rb"([\d.]+) Tf")
_NEXT_ON_LINE = re.compile(rb" ([\d.]+) -?[\d.]+ Td ")
_GLYPH_WIDTH = 0.5  # em: every glyph of tesseract's GlyphLessFont


def compose_page_pdf(image: Image.Image, text_pdf: bytes, dpi: int) -> bytes:
    """One page: the image (bilevel as G4, else JPEG; colour kept) with tesseract's text-only page on top."""
    picture = io.BytesIO()
    options = {} if image.mode == "1" else {"quality": 80}
    image.save(picture, "PDF", resolution=dpi, **options)
    with pikepdf.open(picture) as page_pdf, pikepdf.open(io.BytesIO(text_pdf)) as text:
        for content in _contents(text.pages[0]):
            content.write(join_cjk_words(content.read_bytes()))
        page_pdf.pages[0].add_overlay(text.pages[0])
        out = io.BytesIO()
        page_pdf.save(out)
    return out.getvalue()


def join_cjk_words(stream: bytes) -> bytes:
    """Tesseract's text content stream with words that meet at Chinese joined: no space, no gap."""
    words = list(_WORD.finditer(stream))
    sizes = [(m.start(), float(m[1])) for m in _FONT_SIZE.finditer(stream)]
    out, at = [], 0
    for i, word in enumerate(words):
        codes = [word[2][k : k + 4].decode().upper() for k in range(0, len(word[2]), 4)]
        following = words[i + 1] if i + 1 < len(words) else None
        # Words on one line follow each other after "dx 0 Td"; a new line starts after a newline.
        step = _NEXT_ON_LINE.match(stream, word.end()) if following is not None else None
        if not (step and len(codes) > 1 and codes[-1] == _SPACE):
            continue
        if not (_is_cjk(codes[-2]) or _is_cjk(following[2][:4].decode())):
            continue
        size = next((v for start, v in reversed(sizes) if start < word.start()), 0.0)
        # Stretch the glyphs to reach the next word, so viewers see no gap where they would put a space.
        stretch = 100 * float(step[1]) / ((len(codes) - 1) * size * _GLYPH_WIDTH) if size else 0.0
        if not 0 < stretch < 1000:
            stretch = float(word[1]) * len(codes) / (len(codes) - 1)
        out += [stream[at : word.start()], b"%.3f Tz [ <%s> ] TJ" % (stretch, "".join(codes[:-1]).encode())]
        at = word.end()
    out.append(stream[at:])
    return b"".join(out)


def _is_cjk(code: str) -> bool:
    value = int(code, 16)
    return (
        0x2E80 <= value <= 0x9FFF
        or 0xF900 <= value <= 0xFAFF
        or 0xFE30 <= value <= 0xFE4F
        or (0xFF00 <= value <= 0xFFEF)
    )


def _contents(page: pikepdf.Page) -> list[pikepdf.Stream]:
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Array):
        return list(contents)
    return [contents] if contents is not None else []
