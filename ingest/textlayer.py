"""A PDF's text layer per page: pypdfium2 for every page (fast), pdfplumber for layout on the first few."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pdfplumber
import pdfplumber.page
import pypdfium2 as pdfium
from pdfminer.pdfpage import PDFPage

from core.settings import Settings
from ingest.pdfium_lock import PDFIUM_LOCK

log = logging.getLogger(__name__)

Table = list[list[str]]
# Controls other than tab/newline, byte-order marks and pdfium's "unknown" marks are not text.
_NOISE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufeff\ufffe]")
# Spaces, the replacement character and private-use glyphs (fonts without a usable ToUnicode map).
_NOT_READABLE = re.compile("[\\s\ufffd\ue000-\uf8ff]")
RULED_PATHS = 4  # a table's cells or a form's boxes; a page rule or a logo has fewer


@dataclass(frozen=True)
class PageText:
    """One page's text layer; tables and layout_text only for the first `layout_pages` pages with text."""

    number: int  # 1-based
    text: str
    has_text_layer: bool
    tables: list[Table] = field(default_factory=list)
    layout_text: str = ""  # lines as placed on the page; columns (label / value) apart by 2+ spaces
    ruled: bool = False  # drawn lines on the page: a form or table worth pdfplumber's layout pass


def extract_text_layer(path: Path | str, *, settings: Settings) -> list[PageText]:
    """Every page's text layer, with tables and layout text for the first pages that have one."""
    pages = list(iter_page_text(path, min_chars=settings.text_layer_min_chars))
    # pdfplumber reads ~10 pages/s: only ruled pages (forms, tables) among the first few get its pass.
    wanted = [page.number for page in pages if page.has_text_layer][: settings.layout_pages]
    wanted = [number for number in wanted if pages[number - 1].ruled]
    if not wanted:
        return pages
    layouts = read_layout(path, wanted)
    return [
        replace(page, layout_text=layouts[page.number][0], tables=layouts[page.number][1])
        if page.number in layouts
        else page
        for page in pages
    ]


def iter_page_text(path: Path | str, *, min_chars: int, reopen_every: int = 32) -> Iterator[PageText]:
    """Pages' text one at a time, each page closed before the next.

    pdfium keeps every object it has parsed until the document closes, so a long PDF with large page
    images would grow memory with the file; reopening every few pages keeps it bounded.
    """
    start = 0
    while True:
        # The lock is held for each call into pdfium, never across a yield.
        with PDFIUM_LOCK:
            document = pdfium.PdfDocument(str(path))
            total = len(document)
        try:
            for index in range(start, min(total, start + reopen_every)):
                with PDFIUM_LOCK:
                    text, ruled = _pdfium_text(document, index)
                yield PageText(index + 1, text, readable_chars(text) >= min_chars, ruled=ruled)
        finally:
            with PDFIUM_LOCK:
                document.close()
        start += reopen_every
        if start >= total:
            return


def readable_chars(text: str) -> int:
    """Characters that carry meaning: not spaces, not unmappable glyphs."""
    return len(_NOT_READABLE.sub("", text))


def read_layout(path: Path | str, numbers: list[int]) -> dict[int, tuple[str, list[Table]]]:
    """pdfplumber's layout text and tables for the given 1-based pages; pages it cannot read are left out."""
    found: dict[int, tuple[str, list[Table]]] = {}
    try:
        # Not pdfplumber.open(): its close() builds every page of the document (~2 s per 1000 pages).
        with open(path, "rb") as stream:
            pdf = pdfplumber.PDF(stream)
            for page in _plumber_pages(pdf, numbers):
                try:
                    tables = [[[_cell(c) for c in row] for row in table] for table in page.extract_tables()]
                    found[page.page_number] = (tidy_layout(page.extract_text(layout=True)), tables)
                # pdfminer raises anything on malformed content; layout is a bonus, the text is already read.
                except Exception as error:
                    log.warning("layout of page %s of %s not read: %r", page.page_number, path, error)
                finally:
                    page.close()
    except Exception as error:
        log.warning("layout of %s not read: %r", path, error)
    return found


def _plumber_pages(pdf: pdfplumber.PDF, numbers: list[int]) -> Iterator[pdfplumber.page.Page]:
    # pdf.pages (even with pages=) walks the whole page tree first: ~0.4 s per 1000 pages. Stop early.
    last = max(numbers)
    for number, page_obj in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        if number in numbers:
            yield pdfplumber.page.Page(pdf, page_obj, page_number=number)
        if number >= last:
            return


def tidy_layout(text: str) -> str:
    """Layout text without trailing padding, blank lines or the common left margin."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    margin = min((len(line) - len(line.lstrip(" ")) for line in lines), default=0)
    return "\n".join(line[margin:] for line in lines)


def _pdfium_text(document: pdfium.PdfDocument, index: int) -> tuple[str, bool]:
    """The page's text, and whether it has ruled lines (enough path objects to be a form or table)."""
    try:
        page = document[index]
    except pdfium.PdfiumError as error:
        log.warning("page %d not loaded: %s", index + 1, error)
        return "", False
    try:
        textpage = page.get_textpage()
        try:
            raw = textpage.get_text_bounded()
        finally:
            textpage.close()
        ruled = _has_paths(page)
    except pdfium.PdfiumError as error:
        log.warning("text of page %d not read: %s", index + 1, error)
        return "", False
    finally:
        page.close()
    return _NOISE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).strip(), ruled


def _has_paths(page: pdfium.PdfPage, enough: int = RULED_PATHS) -> bool:
    paths = page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_PATH], max_depth=2)
    return sum(1 for _ in itertools.islice(paths, enough)) >= enough


def _cell(value: str | None) -> str:
    return "" if value is None else value.strip()
