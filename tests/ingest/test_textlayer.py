"""Text layer per page: pypdfium2 text for all pages, pdfplumber layout and tables for the first few."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from core.settings import Settings
from ingest.textlayer import extract_text_layer, iter_page_text, readable_chars, tidy_layout
from tests.ingest import samples
from tests.ingest.conftest import TABLE


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, layout_pages=2, text_layer_min_chars=20)


def test_chinese_text_layer_is_read_per_page(text_pdf: Path, settings: Settings) -> None:
    pages = extract_text_layer(text_pdf, settings=settings)
    assert [p.number for p in pages] == [1, 2, 3]
    assert "甲方（出借人）：北京鸿达科技有限公司" in pages[0].text
    assert "借款期限：自2024年3月1日起至2025年2月28日止。" in pages[0].text
    assert "\r" not in pages[0].text
    assert pages[1].text.splitlines() == samples.LINES[:4]


def test_page_with_few_characters_has_no_text_layer(text_pdf: Path, settings: Settings) -> None:
    pages = extract_text_layer(text_pdf, settings=settings)
    assert [p.has_text_layer for p in pages] == [True, True, False]
    assert pages[2].text == "第3页"


def test_tables_come_as_rows_of_cells(text_pdf: Path, settings: Settings) -> None:
    assert extract_text_layer(text_pdf, settings=settings)[0].tables == [TABLE]


def test_layout_text_keeps_label_and_value_on_one_line(text_pdf: Path, settings: Settings) -> None:
    layout = extract_text_layer(text_pdf, settings=settings)[0].layout_text
    lines = layout.splitlines()
    assert "合同编号：HT-2024-0012" in lines
    row = next(line for line in lines if line.startswith("本金"))
    assert row.split() == ["本金", "1,000,000.00", "一次性"]
    assert "  " in row  # columns stay apart


def test_only_the_first_layout_pages_are_read_by_pdfplumber(text_pdf: Path, tmp_path: Path) -> None:
    pages = extract_text_layer(text_pdf, settings=Settings(home=tmp_path, layout_pages=1))
    assert pages[0].layout_text and pages[0].tables
    assert (pages[1].layout_text, pages[1].tables) == ("", [])


def test_scanned_page_of_a_mixed_pdf_has_no_text_layer(tmp_path: Path, settings: Settings) -> None:
    scan = samples.render_page(dpi=50)
    path = samples.write_mixed_pdf(tmp_path / "mixed.pdf", samples.LINES, scan)
    first, second = extract_text_layer(path, settings=settings)
    assert first.has_text_layer and not second.has_text_layer
    assert second.text == ""


def test_scanned_pdf_reads_no_layout(tmp_path: Path, settings: Settings) -> None:
    path = samples.write_image_pdf(tmp_path / "scan.pdf", [Image.new("L", (100, 100), 255)] * 2)
    pages = extract_text_layer(path, settings=settings)
    assert [(p.has_text_layer, p.layout_text, p.tables) for p in pages] == [(False, "", [])] * 2


def test_pages_are_yielded_one_at_a_time(text_pdf: Path) -> None:
    pages = iter_page_text(text_pdf, min_chars=20)
    assert next(pages).number == 1
    pages.close()


def test_unmappable_glyphs_do_not_count_as_text() -> None:
    assert readable_chars("合同 \ufffd\ufffd\ue001\ue002 编号\n") == 4


def test_tidy_layout_drops_padding_and_margin() -> None:
    assert tidy_layout("      \n    甲方    北京   \n\n    乙方  \n") == "甲方    北京\n乙方"
