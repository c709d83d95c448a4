"""Detect a file's type from its content and refuse what cannot be taken in."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import filetype
import pikepdf
import pypdfium2 as pdfium
from PIL import Image, JpegImagePlugin, PngImagePlugin, TiffImagePlugin

from core.errors import RejectedInput
from core.messages import bilingual
from core.settings import Settings
from ingest.pdfium_lock import PDFIUM_LOCK

Kind = Literal["pdf", "png", "jpeg", "tiff"]

MIME: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
}
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "tiff": (".tif", ".tiff"),
}
# Plugin classes read only the header; Image.open would also run Pillow's bomb check, which raises
# before we can say how big the image is.
_PLUGINS: dict[str, type[Image.Image]] = {
    "png": PngImagePlugin.PngImageFile,
    "jpeg": JpegImagePlugin.JpegImageFile,
    "tiff": TiffImagePlugin.TiffImageFile,
}


@dataclass(frozen=True)
class Detected:
    """What a file is, judged by its bytes."""

    kind: Kind
    mime: str
    page_count: int
    size: int
    width: int | None = None
    height: int | None = None


def detect(path: Path | str, *, settings: Settings) -> Detected:
    """Type, size and page count of path, or RejectedInput saying why it cannot be taken in."""
    path = Path(path)
    size = os.stat(path).st_size
    if size == 0:
        raise RejectedInput("input.empty")
    if size > settings.max_upload_bytes:
        raise RejectedInput("input.too_large", size=size, limit=settings.max_upload_bytes)
    with open(path, "rb") as f:
        head = f.read(1024)
    kind = sniff(head)
    if kind is None:
        raise RejectedInput("input.unsupported_type", detected=_describe(head))
    if kind == "pdf":
        return _detect_pdf(path, size, settings)
    return _detect_image(path, kind, size, settings)


def sniff(head: bytes) -> Kind | None:
    """The accepted kind that these leading bytes announce, if any."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    # Readers accept a PDF header anywhere in the first 1024 bytes (some scanners prepend junk).
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


def mislabelled(path: Path | str, detected: Detected) -> str | None:
    """A note when the file name's extension disagrees with its content; None when it agrees or is absent."""
    ext = Path(path).suffix.lower()
    if not ext or ext in EXTENSIONS[detected.kind]:
        return None
    return bilingual("input.mislabelled", ext=ext, detected=detected.kind.upper())


def open_image(path: Path | str, kind: str) -> Image.Image:
    """Open an image of a known kind reading only its header (no Pillow bomb check; callers check size)."""
    return _PLUGINS[kind](str(path))


def _describe(head: bytes) -> str:
    guess = filetype.guess(head)
    if guess is not None:
        return guess.mime
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at byte 1024 is still text.
        if len(head) < 1024 or b"\x00" in head:
            return "application/octet-stream"
    return "text/plain"


def _detect_pdf(path: Path, size: int, settings: Settings) -> Detected:
    with open(path, "rb") as f:
        f.seek(max(0, size - 1024))
        tail = f.read()
    # pdfium repairs truncated files silently; an archive must not keep a silently shortened record.
    if b"%%EOF" not in tail:
        raise RejectedInput("input.corrupt_pdf", detail="truncated: no %%EOF at the end")
    with PDFIUM_LOCK:
        pages = _count_pdf_pages(path, settings)
    return Detected("pdf", MIME["pdf"], pages, size)


def _count_pdf_pages(path: Path, settings: Settings) -> int:
    """The PDF's page count once pdfium has opened it and its first page (under PDFIUM_LOCK)."""
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        raise _why_unreadable(path, error) from error
    try:
        pages = len(document)
        if pages == 0:
            raise RejectedInput("input.no_pages")
        if pages > settings.max_pages:
            raise RejectedInput("input.too_many_pages", pages=pages, limit=settings.max_pages)
        try:
            document[0].close()
        except pdfium.PdfiumError as error:
            raise RejectedInput("input.corrupt_pdf", detail=str(error)) from error
    finally:
        document.close()
    return pages


def _why_unreadable(path: Path, error: pdfium.PdfiumError) -> RejectedInput:
    """Ask qpdf why pdfium would not open the file: pdfium's error code can be stale from an earlier file."""
    try:
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) == 0:
                return RejectedInput("input.no_pages")
    except pikepdf.PasswordError:
        return RejectedInput("input.encrypted_pdf")
    except pikepdf.PdfError as qpdf_error:
        return RejectedInput("input.corrupt_pdf", detail=str(qpdf_error))
    return RejectedInput("input.corrupt_pdf", detail=str(error))


def _detect_image(path: Path, kind: Kind, size: int, settings: Settings) -> Detected:
    try:
        image = open_image(path, kind)
    # Pillow's header parsers signal damage with any of these (struct.error on short headers).
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
        raise RejectedInput("input.corrupt_image", detail=str(error) or type(error).__name__) from error
    with image:
        width, height = image.size
        _check_pixels(width, height, settings)
        try:
            pages = _count_frames(path, image, size, settings) if kind == "tiff" else 1
            if kind == "png":
                image.verify()  # reads every chunk to IEND and checks CRCs: finds truncation without decoding
            elif kind == "jpeg":
                # Decoding at 1/8 scale still reads all entropy-coded data, so truncation shows, cheaply.
                image.draft("L", (max(1, width // 8), max(1, height // 8)))
                image.load()
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
            raise RejectedInput("input.corrupt_image", detail=str(error) or type(error).__name__) from error
    return Detected(kind, MIME[kind], pages, size, width, height)


def _check_pixels(width: int, height: int, settings: Settings) -> None:
    if width < 1 or height < 1:
        raise RejectedInput("input.corrupt_image", detail=f"{width}x{height}")
    if width * height > settings.max_image_pixels:
        raise RejectedInput("input.image_too_large", pixels=width * height, limit=settings.max_image_pixels)


def _count_frames(path: Path, image: Image.Image, size: int, settings: Settings) -> int:
    """Frames of a TIFF, each checked for size and for strips that run past the end of the file."""
    frames = 0
    while True:
        frames += 1
        if frames > settings.max_pages:
            raise RejectedInput(
                "input.too_many_pages", pages=f">{settings.max_pages}", limit=settings.max_pages
            )
        _check_pixels(*image.size, settings)
        tags = image.tag_v2
        offsets = tags.get(273) or tags.get(324) or ()
        counts = tags.get(279) or tags.get(325) or ()
        if not offsets or any(o + c > size for o, c in zip(offsets, counts, strict=False)):
            raise OSError(f"frame {frames}: image data missing or past the end of the file")
        try:
            image.seek(frames)
        except EOFError:
            return frames
