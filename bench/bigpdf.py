"""A very large but valid text-layer PDF for memory tests, written streaming in constant memory."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pikepdf

from bench.layout import Page, Run, families
from bench.planning import plan
from bench.render import write_text_pdf

_POOL_PAGES = 8
_IMAGE_WIDTH = 1024
_DIGITS_PAGE = "页码 0123456789 / 第页共"


def _unicode_to_cid(font: pikepdf.Object) -> dict[str, int]:
    """Invert a simple ToUnicode CMap (bfchar and bfrange entries, as fpdf2 writes them)."""
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    mapping: dict[str, int] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for cid, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[bytes.fromhex(uni).decode("utf-16-be")] = int(cid, 16)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, start in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = int(start, 16)
            for k, cid in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[chr(first + k)] = cid
    return mapping


def _template(path: Path, seed: int) -> list[str]:
    """Write a small text-layer PDF whose pages the big PDF reuses; returns the pool's page texts."""
    family = families()["wqy-zenhei"]
    pool = [page for item in plan(seed, _POOL_PAGES, ("wqy-zenhei",)) for page in item.pages][:_POOL_PAGES]
    digits = Page(rows=[[Run(72, 100, _DIGITS_PAGE, 9)]])
    write_text_pdf(path, [*pool, digits], family, "大文件内存测试")
    return [p.text() for p in pool]


class _Writer:
    """Appends numbered objects to a file and remembers their offsets for the xref table."""

    def __init__(self, fh: BinaryIO, first_id: int) -> None:
        self.fh, self.next_id, self.offsets = fh, first_id, {}

    def reserve(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def obj(self, oid: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[oid] = self.fh.tell()
        self.fh.write(f"{oid} 0 obj\n".encode() + body)
        if stream is not None:
            self.fh.write(b"\nstream\n" + stream + b"\nendstream")
        self.fh.write(b"\nendobj\n")


def write_big_pdf(
    path: Path, *, target_bytes: int = 500 * 2**20, pages: int | None = None, seed: int = 2024
) -> dict[str, Any]:
    """Write a PDF of about target_bytes: text-layer pages, each carrying an incompressible image in a corner.

    The file is an incremental update of a small fpdf2 template (fonts, text content streams) that adds a
    new page tree, so it is generated streaming; readers see only the new pages.
    """
    pages = pages or max(1, target_bytes // (512 * 1024))
    per_page = max(_IMAGE_WIDTH, target_bytes // pages - 1200)
    height = per_page // _IMAGE_WIDTH
    with tempfile.TemporaryDirectory() as tmp:
        tpl_path = Path(tmp) / "template.pdf"
        pool_texts = _template(tpl_path, seed)
        template = tpl_path.read_bytes()
        with pikepdf.open(tpl_path) as tpl:
            size = int(tpl.trailer.Size)
            prev = int(re.findall(rb"startxref\s+(\d+)", template)[-1])
            contents = [p.obj.Contents.objgen[0] for p in tpl.pages[:_POOL_PAGES]]
            fonts = {str(k)[1:]: v.objgen[0] for k, v in tpl.pages[0].Resources.Font.items()}
            font_name = next(iter(fonts))
            cids = _unicode_to_cid(tpl.pages[0].Resources.Font[f"/{font_name}"])
            info = tpl.trailer.get("/Info")
            info_ref = f" /Info {info.objgen[0]} 0 R" if info is not None else ""
    font_res = " ".join(f"/{k} {v} 0 R" for k, v in fonts.items())
    rng = np.random.default_rng(seed)
    kids: list[int] = []
    with path.open("wb") as fh:
        fh.write(template if template.endswith(b"\n") else template + b"\n")
        w = _Writer(fh, size)
        root_pages, catalog = w.reserve(), w.reserve()
        for i in range(pages):
            img, extra, page = w.reserve(), w.reserve(), w.reserve()
            w.obj(
                img,
                (
                    f"<< /Type /XObject /Subtype /Image /Width {_IMAGE_WIDTH} /Height {height} "
                    f"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length {_IMAGE_WIDTH * height} >>"
                ).encode(),
                rng.bytes(_IMAGE_WIDTH * height),
            )
            label = f"页码 {i + 1} / {pages}"
            hexcids = "".join(f"{cids[ch]:04X}" for ch in label if ch != " ")
            ops = f"q 100 0 0 54 460 8 cm /Im0 Do Q BT /{font_name} 9 Tf 72 20 Td <{hexcids}> Tj ET".encode()
            w.obj(extra, f"<< /Length {len(ops)} >>".encode(), ops)
            w.obj(
                page,
                (
                    f"<< /Type /Page /Parent {root_pages} 0 R /MediaBox [0 0 595.28 841.89] "
                    f"/Resources << /Font << {font_res} >> /XObject << /Im0 {img} 0 R >> >> "
                    f"/Contents [{contents[i % len(contents)]} 0 R {extra} 0 R] >>"
                ).encode(),
            )
            kids.append(page)
        w.obj(
            root_pages,
            f"<< /Type /Pages /Count {pages} /Kids [{' '.join(f'{k} 0 R' for k in kids)}] >>".encode(),
        )
        w.obj(catalog, f"<< /Type /Catalog /Pages {root_pages} 0 R >>".encode())
        xref = fh.tell()
        fh.write(f"xref\n{size} {w.next_id - size}\n".encode())
        fh.write(b"".join(f"{w.offsets[oid]:010d} 00000 n \n".encode() for oid in range(size, w.next_id)))
        fh.write(
            f"trailer\n<< /Size {w.next_id} /Root {catalog} 0 R /Prev {prev}{info_ref} >>\n"
            f"startxref\n{xref}\n%%EOF\n".encode()
        )
        total = fh.tell()
    return {
        "pages": pages,
        "bytes": total,
        "image_bytes_per_page": _IMAGE_WIDTH * height,
        "pool_texts": pool_texts,
    }
