"""Page images for the document page: rendered from the stored original, cached on disk under DANGAN_HOME.

The cache is keyed by the original's SHA-256 (an original never changes), page number and width, so an
entry never goes stale; it is written to a temporary name and renamed, so readers never see half a file.
Only call this after the read was allowed and recorded (workflows.reading.read_document).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from core.errors import NotFound
from ingest.pdfium_lock import PDFIUM_LOCK
from workflows.runtime import Runtime

WIDTH = 900


def cache_path(runtime: Runtime, sha256: str, number: int, width: int = WIDTH) -> Path:
    return runtime.settings.home / "cache" / "pages" / sha256[:2] / sha256 / f"{number}-{width}.png"


def page_image(
    runtime: Runtime, *, sha256: str, object_key: str, mime: str, number: int, width: int = WIDTH
) -> Path:
    """The PNG of one page (1-based), rendered once."""
    path = cache_path(runtime, sha256, number, width)
    if path.exists():
        return path
    work_root = runtime.settings.home / "tmp"
    work_root.mkdir(parents=True, exist_ok=True)
    # A local copy, streamed: pdfium then reads only the page it needs, so a 500 MB original never
    # sits in memory whole.
    with tempfile.TemporaryDirectory(dir=work_root) as work:
        original = Path(work) / "original"
        try:
            runtime.store.download(object_key, original)
        except (
            FileNotFoundError
        ) as exc:  # gone from the store (destroyed, or lost: `dangan check` says which)
            raise NotFound("ui.page.unavailable", number=number) from exc
        try:
            image = _render(original, mime, number, width)
        except (pdfium.PdfiumError, OSError, ValueError, EOFError, IndexError) as exc:
            raise NotFound("ui.page.unavailable", number=number) from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as out:
        image.save(out, "PNG", optimize=False)
    os.replace(tmp, path)
    return path


def _render(original: Path, mime: str, number: int, width: int) -> Image.Image:
    if mime == "application/pdf":
        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(str(original))
            try:
                if not 1 <= number <= len(pdf):
                    raise IndexError(number)
                page = pdf[number - 1]
                scale = width / max(page.get_width(), 1)
                image = page.render(scale=scale, grayscale=True).to_pil()
                page.close()
            finally:
                pdf.close()
        return image
    with Image.open(original) as image:
        image.seek(number - 1)
        frame = image.convert("L")
    frame.thumbnail((width, width * 3))
    return frame
