"""OCR of one page: Chinese text without spurious spaces, orientation, deskew, a searchable page PDF."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from ingest.ocr.deskew import estimate_skew, lines_run_vertically, looks_upside_down, straighten
from ingest.ocr.page import OcrFailed, PageJob, load_page, make_ocr_pool, ocr_image_path, ocr_page
from ingest.ocr.rulings import without_rulings
from tests.ingest import samples

ENGLISH = "This Agreement is made on 1 March 2024 by the Lender and the Borrower."


def pdf_text(pdf: bytes | Path) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


def image_filters(pdf: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        filters = [image.Filter for image in _images(document)]
        return [str(f[0]) if isinstance(f, pikepdf.Array) else str(f) for f in filters]


def image_colour_spaces(pdf: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [str(image.ColorSpace) for image in _images(document)]


def _images(document: pikepdf.Pdf) -> list[pikepdf.Stream]:
    return [
        obj for obj in document.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
    ]


def assert_reads_contract(text: str) -> None:
    assert samples.char_accuracy(samples.ground_truth(), text) >= 0.9
    assert "北京鸿达科技有限公司" in text  # no spaces left between Chinese characters
    assert "Loan Agreement between the parties above." in text


@pytest.mark.parametrize("angle", [2.0, -1.5, 4.0])
def test_skew_is_measured(contract_page: Image.Image, angle: float) -> None:
    tilted = contract_page.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    assert estimate_skew(tilted) == pytest.approx(angle, abs=0.15)
    assert abs(estimate_skew(straighten(tilted, estimate_skew(tilted)))) <= 0.15


def test_blank_page_has_no_skew() -> None:
    assert estimate_skew(Image.new("L", (2480, 3508), 255)) == 0.0


def framed(page: Image.Image) -> Image.Image:
    """The page inside a double frame with a ruled line under the title, as on a licence or certificate."""
    page = page.copy()
    draw = ImageDraw.Draw(page)
    draw.rectangle((150, 150, page.width - 150, page.height - 150), outline=0, width=6)
    draw.rectangle((175, 175, page.width - 175, page.height - 175), outline=0, width=2)
    draw.line((300, 470, page.width - 300, 470), fill=0, width=4)
    return page


def test_ruled_lines_are_whited_out_and_text_kept(contract_page: Image.Image) -> None:
    page = framed(contract_page)
    clean = np.asarray(without_rulings(page, 300))
    assert clean[150:157, 150:-150].min() > 200  # the outer frame's top edge
    assert clean[300:-300, 175:178].min() > 200  # the inner frame's left edge
    assert clean[468:473, 300:-300].min() > 200  # the rule under the title
    text_ink = np.asarray(contract_page)[300:-300, 300:-300] < 128
    assert (clean[300:-300, 300:-300] < 128).sum() >= 0.98 * text_ink.sum()


def test_page_without_rules_is_left_alone(contract_page: Image.Image) -> None:
    assert without_rulings(contract_page, 300) is contract_page


@pytest.mark.parametrize(("turn", "sideways"), [(0, False), (90, True), (180, False), (270, True)])
def test_sideways_page_is_told_from_an_upright_one(
    contract_page: Image.Image, turn: int, sideways: bool
) -> None:
    for page in (contract_page, framed(contract_page)):
        turned = page.rotate(turn, expand=True)
        assert lines_run_vertically(without_rulings(turned, 300)) is sideways


@pytest.mark.parametrize(("turn", "upside_down"), [(0, False), (180, True)])
def test_turned_over_page_is_told_by_its_flush_left_edge(
    contract_page: Image.Image, turn: int, upside_down: bool
) -> None:
    for page in (contract_page, framed(contract_page)):
        turned = without_rulings(page.rotate(turn), 300)
        assert looks_upside_down(turned, 300) is upside_down


@pytest.mark.parametrize(("scanned", "rendered"), [(150, 200), (200, 200), (300, 300), (600, 300)])
def test_scanned_pdf_page_is_rendered_at_its_own_resolution_within_bounds(
    tmp_path: Path, scanned: int, rendered: int
) -> None:
    a4 = Image.new("L", (round(8.27 * scanned), round(11.69 * scanned)), 255)
    path = samples.write_image_pdf(tmp_path / "scan.pdf", [a4], dpi=scanned)
    image, dpi = load_page(PageJob(str(path), "pdf"))  # asked for the default 300 dpi
    assert (dpi, image.width) == (rendered, pytest.approx(8.27 * rendered, abs=2))


def test_failure_crosses_the_process_boundary_intact() -> None:
    again = pickle.loads(pickle.dumps(OcrFailed("tesseract exit status 1")))
    assert (type(again), again.code, again.params) == (
        OcrFailed,
        "ocr.failed",
        {"detail": "tesseract exit status 1"},
    )
    assert str(again) == str(OcrFailed("tesseract exit status 1"))


def test_unreadable_page_fails_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(OcrFailed):
        ocr_image_path(path)


def test_chinese_page_is_read_with_a_searchable_pdf(contract_page: Image.Image, tmp_path: Path) -> None:
    misnamed = samples.save_png(contract_page, tmp_path / "page.pdf")  # the kind comes from the content
    result = ocr_image_path(misnamed)
    assert_reads_contract(result.text)
    assert result.text.splitlines()[0] == samples.TITLE  # the large title, re-read at body size
    assert result.confidence > 80
    assert (result.rotation_degrees, abs(result.skew_degrees) < 0.3) == (0, True)
    [page_text] = pdf_text(result.pdf_bytes)
    assert "北京鸿达科技有限公司" in page_text
    assert image_colour_spaces(result.pdf_bytes) == ["/DeviceGray"]


def test_skewed_tiff_frame_is_straightened_and_read(contract_page: Image.Image, tmp_path: Path) -> None:
    tilted = contract_page.rotate(2.0, resample=Image.Resampling.BILINEAR, fillcolor=255)
    path = samples.write_tiff(tmp_path / "scan.tif", [Image.new("L", (400, 400), 255), tilted])
    result = ocr_page(PageJob(str(path), "tiff", page_index=1))
    assert result.skew_degrees == pytest.approx(2.0, abs=0.15)
    assert_reads_contract(result.text)


def test_framed_page_reads_chinese_punctuation_and_english_words(tmp_path: Path) -> None:
    page = framed(samples.render_page([*samples.LINES, ENGLISH]))
    result = ocr_image_path(samples.save_png(page, tmp_path / "licence.png"))
    assert samples.char_accuracy(samples.ground_truth([*samples.LINES, ENGLISH]), result.text) >= 0.95
    assert "甲方（出借人）：北京鸿达科技有限公司" in result.text
    assert ENGLISH in result.text  # read by the English model: spaces between the words


@pytest.mark.slow
@pytest.mark.parametrize(("turn", "mode", "expected"), [(180, "1", 180), (90, "L", 90)])
def test_turned_page_is_turned_back_and_read(
    contract_page: Image.Image, tmp_path: Path, turn: int, mode: str, expected: int
) -> None:
    page = contract_page.rotate(turn, expand=True).convert(mode)
    result = ocr_image_path(samples.save_png(page, tmp_path / "turned.png"))
    assert result.rotation_degrees == expected
    assert_reads_contract(result.text)
    derivative = pdfium.PdfDocument(result.pdf_bytes)[0]
    assert derivative.get_width() < derivative.get_height()  # the derivative page stands upright
    if mode == "1":
        assert image_filters(result.pdf_bytes) == ["/CCITTFaxDecode"]  # bilevel stays compact


@pytest.mark.slow
def test_pool_worker_renders_a_scanned_pdf_page_and_keeps_its_colour(
    contract_page: Image.Image, tmp_path: Path
) -> None:
    blank = Image.new("L", contract_page.size, 255)
    stamped = samples.with_seal(contract_page)
    path = samples.write_image_pdf(tmp_path / "scan.pdf", [blank, stamped])
    with make_ocr_pool(1) as pool:
        result = pool.submit(ocr_page, PageJob(str(path), "pdf", page_index=1)).result()
    assert_reads_contract(result.text)
    [page_text] = pdf_text(result.pdf_bytes)
    assert "北京鸿达科技有限公司" in page_text  # the PDF's text layer is searchable without spaces
    assert image_colour_spaces(result.pdf_bytes) == ["/DeviceRGB"]  # the red seal stays red
