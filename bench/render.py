"""Rendering laid-out pages: raster images with scan artefacts, image-only PDFs and text-layer PDFs."""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pikepdf
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter

from bench.layout import A4_PT, FontFace, FontFamily, Page, pil_font

# Fixed so that the same seed gives byte-identical files (and so identical SHA-256 in Dangan).
_FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class ScanParams:
    """How one page was 'scanned': rotation is counter-clockwise degrees applied to the upright page."""

    rotation: int
    skew_deg: float
    blur: float
    noise_sigma: float
    paper: int
    ink: int
    jpeg_quality: int | None


def draw_page(page: Page, family: FontFamily, dpi: int) -> Image.Image:
    """A clean grayscale rendering of the page at dpi."""
    s = dpi / 72
    img = Image.new("L", (round(A4_PT[0] * s), round(A4_PT[1] * s)), 255)
    draw = ImageDraw.Draw(img)
    if page.framed:
        for inset, w in ((40, 2.0), (45, 0.7)):
            draw.rectangle(
                (inset * s, inset * s, (A4_PT[0] - inset) * s, (A4_PT[1] - inset) * s),
                outline=0,
                width=max(1, round(w * s)),
            )
    for x0, y, x1 in page.rules:
        draw.line((x0 * s, y * s, x1 * s, y * s), fill=0, width=max(1, round(0.6 * s)))
    for row in page.rows:
        for run in row:
            px = round(run.size * s)
            fake = run.bold and family.fake_bold
            face = family.bold if run.bold and not fake else family.regular
            draw.text(
                (run.x * s, run.baseline * s),
                run.text,
                font=pil_font(face, px),
                fill=0,
                anchor="ls",
                stroke_width=max(1, round(px * 0.03)) if fake else 0,
                stroke_fill=0,
            )
    return img


def scan(img: Image.Image, p: ScanParams, seed: int) -> Image.Image:
    """Apply paper/ink tone, skew, blur, sensor noise and page orientation to a clean page."""
    arr = np.asarray(img, dtype=np.float32)
    arr = p.paper - (255.0 - arr) / 255.0 * (p.paper - p.ink)
    out = Image.fromarray(arr.astype(np.uint8)).rotate(
        p.skew_deg, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=p.paper
    )
    if p.blur > 0:
        out = out.filter(ImageFilter.GaussianBlur(p.blur))
    noise = np.random.default_rng(seed).standard_normal(out.size[::-1], dtype=np.float32) * p.noise_sigma
    noisy = np.asarray(out, dtype=np.float32) + noise
    out = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    if p.rotation:
        out = out.transpose(
            {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}[
                p.rotation
            ]
        )
    return out


def jpeg_bytes(img: Image.Image, quality: int, dpi: int) -> bytes:
    """Baseline JPEG encoding of a grayscale page."""
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()


def write_png(path: Path, img: Image.Image, dpi: int) -> None:
    """A single-page PNG with its resolution recorded."""
    img.save(path, "PNG", dpi=(dpi, dpi))


def write_tiff(path: Path, imgs: list[Image.Image], dpi: int) -> None:
    """A multi-page LZW-compressed grayscale TIFF."""
    imgs[0].save(path, "TIFF", save_all=True, append_images=imgs[1:], compression="tiff_lzw", dpi=(dpi, dpi))


def write_image_pdf(path: Path, jpegs: list[tuple[bytes, int, int]], dpi: int) -> None:
    """An image-only PDF: one full-page DCT image per page, as scanners and img2pdf write them."""
    pdf = pikepdf.new()
    for data, width, height in jpegs:
        image = pikepdf.Stream(
            pdf,
            data,
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=width,
            Height=height,
            ColorSpace=pikepdf.Name.DeviceGray,
            BitsPerComponent=8,
            Filter=pikepdf.Name.DCTDecode,
        )
        w_pt, h_pt = width * 72 / dpi, height * 72 / dpi
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(w_pt, 2), round(h_pt, 2)],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
            Contents=pikepdf.Stream(pdf, f"q {w_pt:.2f} 0 0 {h_pt:.2f} 0 0 cm /Im0 Do Q".encode()),
        )
        pdf.pages.append(pikepdf.Page(page))
    pdf.docinfo[pikepdf.Name.Producer] = "dangan bench scanner"
    pdf.save(path, deterministic_id=True)


def _subset_face(face: FontFace, text: str, dest: Path) -> FontFace:
    from fontTools import subset  # fontTools comes with fpdf2

    options = subset.Options(font_number=face.index, name_IDs=["*"], notdef_outline=True)
    options.drop_tables += ["EBDT", "EBLC", "EBSC"]
    font = subset.load_font(face.path, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.save(str(dest))
    return FontFace(str(dest), 0)


def subset_family(family: FontFamily, text: str, directory: Path) -> FontFamily:
    """The family cut down to the characters of text, so that fpdf2 parses a small font for every PDF."""
    regular = _subset_face(family.regular, text, directory / f"{family.name}-regular.ttf")
    bold = (
        regular
        if family.fake_bold
        else _subset_face(family.bold, text, directory / f"{family.name}-bold.ttf")
    )
    return FontFamily(family.name, regular, bold, family.fake_bold)


def write_text_pdf(path: Path, pages: list[Page], family: FontFamily, title: str) -> None:
    """A PDF with a real, extractable text layer (embedded TrueType subset, ToUnicode map)."""
    # fontTools warns about dropping WenQuanYi's embedded bitmaps when subsetting; they are not needed.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_title(title)
    pdf.set_creator("dangan bench")
    pdf.add_font(family.name, "", family.regular.path, collection_font_number=family.regular.index)
    if not family.fake_bold:
        pdf.add_font(family.name, "B", family.bold.path, collection_font_number=family.bold.index)
    for page in pages:
        pdf.add_page()
        if page.framed:
            pdf.set_line_width(2.0)
            pdf.rect(40, 40, A4_PT[0] - 80, A4_PT[1] - 80)
            pdf.set_line_width(0.7)
            pdf.rect(45, 45, A4_PT[0] - 90, A4_PT[1] - 90)
        pdf.set_line_width(0.6)
        for x0, y, x1 in page.rules:
            pdf.line(x0, y, x1, y)
        for row in page.rows:
            for run in row:
                fake = run.bold and family.fake_bold
                pdf.set_font(family.name, "B" if run.bold and not fake else "", run.size)
                pdf.text_mode = "FILL_STROKE" if fake else "FILL"
                pdf.set_line_width(run.size * 0.03)
                pdf.text(run.x, run.baseline, run.text)
    pdf.output(str(path))
