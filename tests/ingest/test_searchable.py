"""One searchable PDF from OCR page PDFs and the original's text pages."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from ingest.ocr.page import PageJob, ocr_page
from ingest.ocr.searchable import OriginalPage, build_searchable_pdf, write_searchable_pdf
from tests.ingest import samples


def page_texts(path: Path) -> list[str]:
    document = pdfium.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


def single_pages(pdf: Path) -> list[bytes]:
    """Each page of pdf as a one-page PDF, as OCR would deliver them."""
    parts = []
    with pikepdf.open(pdf) as source:
        for page in source.pages:
            with pikepdf.new() as one:
                one.pages.append(page)
                buffer = io.BytesIO()
                one.save(buffer)
                parts.append(buffer.getvalue())
    return parts


@pytest.mark.slow
def test_mixed_document_keeps_text_pages_and_adds_ocr_pages(
    contract_page: Image.Image, tmp_path: Path
) -> None:
    original = samples.write_mixed_pdf(
        tmp_path / "mixed.pdf", ["第一页有文字层：合同编号HT-2024-0012"], contract_page
    )
    scanned = ocr_page(PageJob(str(original), "pdf", page_index=1))
    out = build_searchable_pdf(
        tmp_path / "searchable.pdf", page_pdfs={2: scanned.pdf_bytes}, original=original, page_count=2
    )
    first, second = page_texts(out)
    assert "合同编号HT-2024-0012" in first
    assert "北京" in second and "HT-2024-0012" in second


def test_pages_come_out_in_order_across_batches(text_pdf: Path, tmp_path: Path) -> None:
    parts = single_pages(text_pdf)  # three pages: contract, its first lines, "第3页"
    order = [parts[2], OriginalPage(0), parts[1], parts[2], OriginalPage(1)]
    out = write_searchable_pdf(tmp_path / "out.pdf", iter(order), original=text_pdf, batch=2)
    texts = page_texts(out)
    assert len(texts) == 5
    assert [t.startswith("第3页") for t in texts] == [True, False, False, True, False]
    assert "签订地点" in texts[1] and "签订地点" not in texts[2]
    assert not list(tmp_path.glob(".searchable-*"))  # working files are gone


def test_image_original_is_never_opened(text_pdf: Path, tmp_path: Path) -> None:
    png = samples.save_png(Image.new("L", (50, 50), 255), tmp_path / "scan.png")
    [part, *_] = single_pages(text_pdf)
    out = build_searchable_pdf(tmp_path / "out.pdf", page_pdfs={1: part}, original=png, page_count=1)
    assert len(page_texts(out)) == 1


def test_page_without_ocr_or_original_is_an_error(text_pdf: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_searchable_pdf(tmp_path / "out.pdf", [OriginalPage(0)])
    with pytest.raises(ValueError):
        write_searchable_pdf(tmp_path / "out.pdf", [])
    assert not (tmp_path / "out.pdf").exists()
