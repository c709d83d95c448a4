"""Merge OCR page PDFs and the original's text pages into one searchable PDF, in bounded memory."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pikepdf

BATCH = 50  # pages (or part files) held open at once: 50 OCR pages of ~300 KB is ~15 MB


@dataclass(frozen=True)
class OriginalPage:
    """A page taken as it is from the original PDF (it has its own text layer)."""

    index: int  # 0-based


PagePart = bytes | Path | OriginalPage  # a one-page PDF from OCR (bytes or file), or an original page


def build_searchable_pdf(
    dest: Path | str, *, page_pdfs: Mapping[int, bytes | Path], original: Path | str | None, page_count: int
) -> Path:
    """Pages 1..page_count: the OCR page PDF where page_pdfs has one (by 1-based number), else the original's."""
    parts = (page_pdfs.get(n) or OriginalPage(n - 1) for n in range(1, page_count + 1))
    return write_searchable_pdf(dest, parts, original=original)


def write_searchable_pdf(
    dest: Path | str, parts: Iterable[PagePart], *, original: Path | str | None = None, batch: int = BATCH
) -> Path:
    """Write the pages in order to dest (atomically) and return it; parts may be a generator."""
    dest = Path(dest)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".searchable-") as tmp, ExitStack() as stack:
        source = _LazyPdf(original, stack)
        # qpdf copies page content only when saving, so every source must stay open until then: write
        # batches to files, then merge the files (which qpdf reads from disk, not memory).
        files = [
            _merge(Path(tmp) / f"0-{n:06d}.pdf", group, source)
            for n, group in enumerate(_batched(parts, batch))
        ]
        if not files:
            raise ValueError("no pages to write")
        level = 1
        while len(files) > batch:
            files = [
                _merge(Path(tmp) / f"{level}-{n:06d}.pdf", group, source)
                for n, group in enumerate(_batched(files, batch))
            ]
            level += 1
        partial = Path(tmp) / "result.pdf"
        if len(files) == 1:
            os.replace(files[0], partial)
        else:
            _merge(partial, files, source)
        os.replace(partial, dest)
    return dest


class _LazyPdf:
    """The original PDF, opened only if a page of it is wanted (an image original never is)."""

    def __init__(self, path: Path | str | None, stack: ExitStack) -> None:
        self.path, self.stack, self.pdf = path, stack, None

    def page(self, index: int) -> pikepdf.Page:
        if self.path is None:
            raise ValueError(f"page {index + 1} has no OCR PDF and there is no original PDF to take it from")
        if self.pdf is None:
            self.pdf = self.stack.enter_context(pikepdf.open(self.path))
        return self.pdf.pages[index]


def _merge(out: Path, parts: list[PagePart], source: _LazyPdf) -> Path:
    with ExitStack() as stack:
        pdf = stack.enter_context(pikepdf.new())
        for part in parts:
            if isinstance(part, OriginalPage):
                pdf.pages.append(source.page(part.index))
            else:
                opened = stack.enter_context(
                    pikepdf.open(io.BytesIO(part) if isinstance(part, bytes) else part)
                )
                pdf.pages.extend(opened.pages)
        pdf.save(out)
    return out


def _batched(items: Iterable[PagePart], size: int) -> Iterator[list[PagePart]]:
    group: list[PagePart] = []
    for item in items:
        group.append(item)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group
