"""Test inputs made on the fly: rendered Chinese pages, text-layer PDFs, scans, TIFFs, broken files."""

from __future__ import annotations

import struct
import unicodedata
import zlib
from collections.abc import Sequence
from pathlib import Path

import pikepdf
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
NOTO_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
NOTO_SC = 2  # index of "Noto Sans CJK SC" inside the .ttc collection
# TrueType outlines: fpdf2 embeds CFF (Noto) fonts with a CMap stream that pdfminer cannot decode.
ZENHEI = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

TITLE = "借款合同"
LINES = [
    "合同编号：HT-2024-0012",
    "甲方（出借人）：北京鸿达科技有限公司",
    "乙方（借款人）：上海明远贸易有限公司",
    "统一社会信用代码：91310115MA1K4Q8X21",
    "借款金额：人民币壹佰万元整（¥1,000,000.00）",
    "借款期限：自2024年3月1日起至2025年2月28日止。",
    "年利率为百分之四点五，按季度付息，到期还本。",
    "Loan Agreement between the parties above.",
    "签订日期：2024年2月20日",
    "签订地点：北京市朝阳区建国路88号",
]


def render_page(
    lines: Sequence[str] = LINES, *, title: str | None = TITLE, dpi: int = 300, font_pt: float = 14
) -> Image.Image:
    """An A4 page (grayscale) with a bold title and the lines, as a scanner would produce at dpi."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    px = round(font_pt * dpi / 72)
    body = ImageFont.truetype(NOTO, px, index=NOTO_SC)
    x, y = dpi, dpi  # one-inch margins
    if title:
        bold = ImageFont.truetype(NOTO_BOLD, px * 2, index=NOTO_SC)
        draw.text((width // 2, y), title, font=bold, fill=0, anchor="mt")
        y += px * 4
    for line in lines:
        draw.text((x, y), line, font=body, fill=0)
        y += round(px * 1.8)
    page.info["dpi"] = (dpi, dpi)
    return page


def with_seal(page: Image.Image) -> Image.Image:
    """The page in colour with a red company seal (公章) stamped at the bottom right."""
    coloured = page.convert("RGB")
    draw = ImageDraw.Draw(coloured)
    x, y, r = coloured.width * 3 // 4, coloured.height * 3 // 4, coloured.width // 10
    draw.ellipse((x - r, y - r, x + r, y + r), outline=(220, 30, 30), width=max(2, r // 12))
    draw.regular_polygon((x, y, r // 3), 5, fill=(220, 30, 30))
    return coloured


def ground_truth(lines: Sequence[str] = LINES, title: str | None = TITLE) -> str:
    """The text of render_page, one line each."""
    return "\n".join(([title] if title else []) + list(lines))


def save_png(image: Image.Image, path: Path) -> Path:
    """Save with the dpi the page was rendered at."""
    image.save(path, dpi=image.info.get("dpi", (300, 300)))
    return path


def write_image_pdf(path: Path, images: Sequence[Image.Image], dpi: int = 300) -> Path:
    """A scanned PDF: one image per page, no text layer."""
    first, *rest = images
    first.save(path, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return path


def write_tiff(path: Path, images: Sequence[Image.Image], dpi: int = 300) -> Path:
    """A multi-page TIFF (one frame per image)."""
    first, *rest = images
    first.save(path, "TIFF", save_all=True, append_images=rest, dpi=(dpi, dpi), compression="tiff_deflate")
    return path


def _text_pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("zenhei", fname=ZENHEI)
    pdf.set_font("zenhei", size=12)
    return pdf


def write_text_pdf(
    path: Path, pages: Sequence[Sequence[str]], *, table: Sequence[Sequence[str]] = ()
) -> Path:
    """A born-digital PDF with a Chinese text layer; `table` (rows) is drawn with ruled cells on page 1."""
    pdf = _text_pdf()
    for number, lines in enumerate(pages):
        pdf.add_page()
        if lines:
            pdf.multi_cell(0, 8, "\n".join(lines))
        if number == 0 and table:
            pdf.ln(4)
            with pdf.table(first_row_as_headings=False) as grid:
                for row in table:
                    cells = grid.row()
                    for value in row:
                        cells.cell(value)
    pdf.output(str(path))
    return path


def write_mixed_pdf(path: Path, text_lines: Sequence[str], scan: Image.Image, dpi: int = 300) -> Path:
    """Page 1 has a text layer, page 2 is a scanned image without one."""
    pdf = _text_pdf()
    pdf.add_page()
    pdf.multi_cell(0, 8, "\n".join(text_lines))
    pdf.add_page()
    pdf.image(scan, x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.output(str(path))
    return path


def encrypt_pdf(src: Path, dest: Path, *, user: str, owner: str = "owner-secret") -> Path:
    """An encrypted copy of src (an empty user password opens it without asking)."""
    with pikepdf.open(src) as pdf:
        allow = pikepdf.Permissions(extract=False, modify_other=False)
        pdf.save(dest, encryption=pikepdf.Encryption(user=user, owner=owner, R=6, allow=allow))
    return dest


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header claims width x height (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    idat = zlib.compress(b"\0" * 64)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def truncate(src: Path, dest: Path, *, keep: float = 0.6) -> Path:
    """The first `keep` fraction of src's bytes, like an interrupted upload."""
    data = src.read_bytes()
    dest.write_bytes(data[: int(len(data) * keep)])
    return dest


def char_accuracy(expected: str, actual: str) -> float:
    """1 - (character edit distance / len(expected)), ignoring whitespace and full/half-width forms."""
    a = "".join(unicodedata.normalize("NFKC", expected).split())
    b = "".join(unicodedata.normalize("NFKC", actual).split())
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return max(0.0, 1 - previous[-1] / max(1, len(a)))
