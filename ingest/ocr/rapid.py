"""The second OCR engine: RapidOCR (PP-OCRv4 detection and recognition on ONNX Runtime), models from its wheel.

It reads phone photos and pages under seals far better than tesseract (issue 18: 27-40 confidence and garbage
from tesseract, almost every character from RapidOCR), and clean scans a little worse and slower; ingest.ocr.page
chooses between them per page. Nothing is downloaded: the wheel carries its three models, and loading checks
they are there. One engine per worker process, loaded on first use (about a second).
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import numpy as np
from PIL import Image

from ingest.ocr.tesseract import OcrFailed
from ingest.ocr.tsv import Line, Word

_engine = None
INK = 128  # grey level below which a pixel is ink, for trimming a line's crop


def model_files() -> list[Path]:
    """The model files the installed RapidOCR wheel carries (no download ever happens)."""
    import rapidocr_onnxruntime

    folder = Path(rapidocr_onnxruntime.__file__).parent / "models"
    return sorted(folder.glob("*.onnx"))


def _load():
    global _engine
    if _engine is None:
        if len(model_files()) < 3:
            raise OcrFailed("RapidOCR models missing from its wheel")
        from rapidocr_onnxruntime import RapidOCR

        # One thread: OCR workers are one per core already (as tesseract runs single-threaded).
        threads = int(os.environ.get("OMP_THREAD_LIMIT", "1") or 1)
        _engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
    return _engine


def read_rapidocr_line(image: Image.Image) -> list[Word]:
    """One line of text (a crop around it) read by RapidOCR's recogniser alone, as one Word over its ink.

    Its detector would first scale a line's crop up to 736 pixels high (2.5 s for a heading); the recogniser
    reads it at 48 (0.1 s). Paper around the ink is trimmed, as the recogniser expects a tight line."""
    gray = np.asarray(image.convert("L"))
    ink = np.nonzero(gray < INK)
    if not len(ink[0]):
        return []
    top, bottom, left, right = ink[0].min(), ink[0].max() + 1, ink[1].min(), ink[1].max() + 1
    pad = max(2, (bottom - top) // 8)
    top, left = max(0, top - pad), max(0, left - pad)
    bottom, right = min(gray.shape[0], bottom + pad), min(gray.shape[1], right + pad)
    line = np.ascontiguousarray(np.repeat(gray[top:bottom, left:right, None], 3, axis=2))
    try:
        result, _ = _load()(line, use_det=False, use_cls=False)
    except Exception as error:  # noqa: BLE001 - as read_rapidocr
        raise OcrFailed(f"RapidOCR: {type(error).__name__}: {error}") from error
    text, score = (result[0][0].strip(), float(result[0][1])) if result else ("", 0.0)
    if not text:
        return []
    return [Word(text, score * 100, int(left), int(top), int(right - left), int(bottom - top))]


def read_rapidocr(image: Image.Image) -> list[Line]:
    """The page's lines as RapidOCR reads them, in reading order, each box a Word with confidence 0-100."""
    pixels = np.asarray(image.convert("RGB"))[..., ::-1]  # RapidOCR takes OpenCV's BGR
    try:
        result, _ = _load()(np.ascontiguousarray(pixels))
    except Exception as error:  # noqa: BLE001 - ONNX Runtime raises its own types; the page is then failed
        raise OcrFailed(f"RapidOCR: {type(error).__name__}: {error}") from error
    words = []
    for box, text, score in result or []:
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        left, top = round(min(xs)), round(min(ys))
        words.append(
            Word(text.strip(), float(score) * 100, left, top, round(max(xs)) - left, round(max(ys)) - top)
        )
    return _into_lines([w for w in words if w.text])


def _into_lines(words: list[Word]) -> list[Line]:
    """Boxes on the same row joined into one line (RapidOCR splits a line at wide gaps), rows top to bottom."""
    if not words:
        return []
    height = statistics.median(w.height for w in words)
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.top + w.height / 2):
        middle = word.top + word.height / 2
        if rows and abs(middle - statistics.fmean(w.top + w.height / 2 for w in rows[-1])) < 0.5 * height:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [Line(tuple(sorted(row, key=lambda w: w.left))) for row in rows]
