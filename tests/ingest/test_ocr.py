"""OCR of one page: Chinese text without spurious spaces, orientation, deskew, a searchable page PDF."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from ingest.deskew import estimate_skew, straighten
from ingest.ocr import OcrFailed, PageJob, make_ocr_pool, ocr_image_path, ocr_page
from ingest.ocrtext import join_cjk, parse_tsv
from tests.ingest import samples

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def tsv_row(line: int, word: int, text: str, conf: float = 90.0, level: int = 5) -> str:
    return f"{level}\t1\t1\t1\t{line}\t{word}\t{word * 60}\t{line * 80}\t50\t50\t{conf}\t{text}"


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


def test_spaces_beside_chinese_are_dropped_and_latin_spaces_kept() -> None:
    assert (
        join_cjk("借 款 合 同 ， 甲 方 ： Loan Agreement 2024 年 3 月")
        == "借款合同，甲方：Loan Agreement 2024年3月"
    )


def test_tsv_words_are_grouped_into_lines() -> None:
    tsv = "\n".join(
        [
            TSV_HEADER,
            tsv_row(1, 0, "", -1, level=4),
            tsv_row(1, 1, "合同"),
            tsv_row(1, 2, "编号"),
            tsv_row(1, 3, "HT-01", 80.0),
            tsv_row(2, 1, "Loan"),
            tsv_row(2, 2, "Agreement", 50.0),
            tsv_row(3, 1, " ", 95.0),
        ]
    )
    lines = parse_tsv(tsv)
    assert [line.text for line in lines] == ["合同编号HT-01", "Loan Agreement"]
    assert lines[1].confidence == 70.0


@pytest.mark.parametrize("angle", [2.0, -1.5, 4.0])
def test_skew_is_measured(contract_page: Image.Image, angle: float) -> None:
    tilted = contract_page.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    assert estimate_skew(tilted) == pytest.approx(angle, abs=0.15)
    assert abs(estimate_skew(straighten(tilted, estimate_skew(tilted)))) <= 0.15


def test_blank_page_has_no_skew() -> None:
    assert estimate_skew(Image.new("L", (2480, 3508), 255)) == 0.0


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
