"""Ruled lines (page frames, table borders, signature blanks) whited out of a page before OCR (numpy only)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ingest.ocr.deskew import otsu_threshold

MIN_LENGTH = 0.6  # inches of unbroken ink: longer than any stroke of body text or a heading up to ~40 pt
SPREAD = 2  # pixels: anti-aliased edges either side of a rule go too


def without_rulings(image: Image.Image, dpi: int) -> Image.Image:
    """The page with long horizontal and vertical lines painted white (mode kept; the page itself when none)."""
    # psm 6 reads the page as one block and does no line finding of its own: a frame or a table border becomes
    # "|" and "一" glued to the text and garbles the characters beside it.
    gray = np.asarray(image if image.mode == "L" else image.convert("L"))
    dark = gray < otsu_threshold(gray[::4, ::4])
    length = max(20, round(MIN_LENGTH * dpi))
    rules = _long_runs(dark, length) | _long_runs(dark.T, length).T
    if not rules.any():
        return image
    for _ in range(SPREAD):
        rules[1:] |= rules[:-1].copy()
        rules[:-1] |= rules[1:].copy()
        rules[:, 1:] |= rules[:, :-1].copy()
        rules[:, :-1] |= rules[:, 1:].copy()
    cleaned = gray.copy()
    cleaned[rules] = 255
    result = Image.fromarray(cleaned, "L")
    return result.convert("1", dither=Image.Dither.NONE) if image.mode == "1" else result


def _long_runs(dark: np.ndarray, length: int) -> np.ndarray:
    """Where dark pixels lie on a run of at least length along their row."""
    found = np.zeros(dark.shape, dtype=bool)
    rows = np.flatnonzero(np.count_nonzero(dark, axis=1) >= length)  # only these can hold such a run
    if rows.size == 0:
        return found
    padded = np.zeros((rows.size, dark.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = dark[rows]
    edges = np.diff(padded, axis=1)
    # Row by row, left to right: the n-th start and the n-th end bound the same run.
    start_row, start = np.nonzero(edges == 1)
    _, end = np.nonzero(edges == -1)
    long = end - start >= length
    for row, left, right in zip(rows[start_row[long]], start[long], end[long], strict=True):
        found[row, left:right] = True
    return found
