"""Page layout in points: fonts, line breaking and pagination shared by the raster and PDF renderers."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from PIL import ImageFont

from bench.documents import Document

A4_PT = (595.28, 841.89)
# Characters that must not start a line (a simple 禁则).
_NO_LINE_START = set("，。、；：？！）」』》〉】”’,.;:?!)%")
_TOKEN = re.compile(r"[A-Za-z0-9¥.,:/\-_%@]+|.", re.S)
_MEASURE_PX = 100


@dataclass(frozen=True)
class FontFace:
    """One font file (with its index inside a collection)."""

    path: str
    index: int = 0


@dataclass(frozen=True)
class FontFamily:
    """Regular and bold faces; fake_bold strokes the regular face when there is no bold one."""

    name: str
    regular: FontFace
    bold: FontFace
    fake_bold: bool = False


def _collection_index(path: str, wanted: str) -> int:
    """Index of the face whose family name contains wanted (e.g. 'SC') in a .ttc file."""
    for index in range(16):
        try:
            family = ImageFont.truetype(path, 10, index=index).getname()[0] or ""
        except OSError:
            break
        if wanted in family:
            return index
    return 0


@functools.cache
def families() -> dict[str, FontFamily]:
    """The installed CJK families this benchmark renders with (Noto Serif/Sans CJK SC, WenQuanYi Zen Hei)."""
    noto = "/usr/share/fonts/opentype/noto/Noto{}CJK-{}.ttc"
    found: dict[str, FontFamily] = {}
    for style in ("Serif", "Sans"):
        reg, bold = noto.format(style, "Regular"), noto.format(style, "Bold")
        found[f"noto-{style.lower()}"] = FontFamily(
            f"noto-{style.lower()}",
            FontFace(reg, _collection_index(reg, " SC")),
            FontFace(bold, _collection_index(bold, " SC")),
        )
    wqy = FontFace("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0)
    found["wqy-zenhei"] = FontFamily("wqy-zenhei", wqy, wqy, fake_bold=True)
    return found


@functools.cache
def pil_font(face: FontFace, px: int) -> ImageFont.FreeTypeFont:
    """A Pillow font for a face at a pixel size (cached)."""
    return ImageFont.truetype(face.path, px, index=face.index)


@functools.lru_cache(maxsize=65536)
def _units(face: FontFace, text: str) -> float:
    return pil_font(face, _MEASURE_PX).getlength(text) / _MEASURE_PX


def text_width(family: FontFamily, text: str, size: float, bold: bool = False) -> float:
    """Advance width of text in points at size points."""
    return _units(family.bold if bold and not family.fake_bold else family.regular, text) * size


@dataclass(frozen=True)
class Run:
    """Text placed with its left end at x on a baseline, all in points from the page's top-left."""

    x: float
    baseline: float
    text: str
    size: float
    bold: bool = False


@dataclass
class Page:
    """A laid-out page: rows of runs (one row is one line of ground truth), rules and an optional frame."""

    rows: list[list[Run]] = field(default_factory=list)
    rules: list[tuple[float, float, float]] = field(default_factory=list)
    framed: bool = False

    def text(self) -> str:
        """Ground-truth text of the page, one line per row."""
        return "\n".join(" ".join(run.text for run in row) for row in self.rows)


@dataclass(frozen=True)
class Style:
    """Typographic choices for one document."""

    family: FontFamily
    body: float = 12.0
    title: float = 18.0
    leading: float = 1.7
    margin_x: float = 80.0
    margin_top: float = 80.0
    margin_bottom: float = 72.0


def wrap(
    family: FontFamily,
    text: str,
    size: float,
    width: float,
    first_width: float | None = None,
    bold: bool = False,
) -> list[str]:
    """Break text into lines no wider than width (first_width for the first), keeping Latin runs whole."""
    lines: list[str] = []
    line, line_w = "", 0.0
    limit = width if first_width is None else first_width
    for token in _TOKEN.findall(text):
        # Summing token widths ignores kerning between tokens, which CJK text does not have.
        token_w = text_width(family, token, size, bold)
        if line and line_w + token_w > limit and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            token = token.lstrip()
            line, line_w, limit = token, text_width(family, token, size, bold), width
        else:
            line, line_w = line + token, line_w + token_w
    if line:
        lines.append(line)
    return lines


class _Cursor:
    def __init__(self, style: Style, framed: bool) -> None:
        self.style, self.framed = style, framed
        self.pages: list[Page] = []
        self.new_page()

    def new_page(self) -> None:
        self.pages.append(Page(framed=self.framed))
        self.y = self.style.margin_top + (24.0 if self.framed else 0.0)

    def row(self, runs_at: list[tuple[float, str]], size: float, bold: bool = False) -> None:
        height = size * self.style.leading
        if self.y + size > A4_PT[1] - self.style.margin_bottom - (24.0 if self.framed else 0.0):
            self.new_page()
        baseline = self.y + size
        self.pages[-1].rows.append([Run(x, baseline, t, size, bold) for x, t in runs_at if t])
        self.y += height


def layout(doc: Document, style: Style) -> list[Page]:
    """Lay a document out on A4 pages; adds page numbers when it runs to more than one page."""
    fam = style.family
    left = style.margin_x + (18.0 if doc.framed else 0.0)
    width = A4_PT[0] - 2 * left
    cur = _Cursor(style, doc.framed)
    for block in doc.blocks:
        size = block.size or (style.title if block.kind == "title" else style.body)
        bold = block.bold or block.kind == "title"
        if block.kind == "gap":
            cur.y += style.body * 0.9
        elif block.kind == "rule":
            cur.pages[-1].rules.append((left, cur.y + style.body * 0.1, left + width))
            cur.y += style.body * 0.5
        elif block.kind in ("title", "center", "right"):
            for line in wrap(fam, block.text, size, width, bold=bold):
                w = text_width(fam, line, size, bold)
                x = left + (width - w) / 2 if block.kind != "right" else left + width - w
                cur.row([(x, line)], size, bold)
            if block.kind == "title":
                cur.y += size * 0.4
        elif block.kind in ("para", "line"):
            indent = 2 * size if block.kind == "para" else 0.0
            for i, line in enumerate(wrap(fam, block.text, size, width, width - indent)):
                cur.row([(left + (indent if i == 0 else 0.0), line)], size)
        elif block.kind == "kv":
            label_w = 7.5 * size if doc.framed else text_width(fam, block.label, size)
            lines = wrap(fam, block.text, size, width - label_w) or [""]
            cur.row([(left, block.label), (left + label_w, lines[0])], size)
            for line in lines[1:]:
                cur.row([(left + label_w, line)], size)
        elif block.kind == "pair":
            # Two columns (e.g. 甲方/乙方 signatures); each wraps within its own half.
            lefts = wrap(fam, block.text, size, width * 0.5)
            rights = wrap(fam, block.label, size, width * 0.48)
            for i in range(max(len(lefts), len(rights))):
                pieces = [(left, lefts[i] if i < len(lefts) else "")]
                pieces.append((left + width * 0.52, rights[i] if i < len(rights) else ""))
                cur.row(pieces, size)
        else:
            raise ValueError(f"unknown block kind {block.kind!r}")
    pages = [p for p in cur.pages if p.rows]
    if len(pages) > 1:
        for n, page in enumerate(pages, 1):
            label = f"第 {n} 页 共 {len(pages)} 页"
            x = (A4_PT[0] - text_width(fam, label, 9)) / 2
            page.rows.append([Run(x, A4_PT[1] - style.margin_bottom / 2, label, 9)])
    return pages
