"""Skew of a scanned page by projection profiles of a small binarised copy (numpy only)."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

WORK_WIDTH = 1200  # pixels; enough to resolve 0.05 degrees across a page, small enough to take ~50 ms
DIRECTION_WORK_SIZE = 800  # pixels along the longer side: plenty to tell rows of text from columns
# Flush left edges vs flush right ones: on 96 generated pages in 4 turns each, no page was taken for turned
# over when it was not; 3 letters (6 flush left vs 5 flush right) were left to the reading.
# Column profile sharpness / row profile sharpness, ruled lines removed: 0.15-1.11 on 36 upright pages (forms and
# tables included), 1.36-6.9 on 21 sideways ones.
SIDEWAYS = 1.25
MIN_CORRECTION = 0.3  # degrees; below this rotating costs more (blur, time) than it gains


def estimate_skew(image: Image.Image, *, max_angle: float = 5.0) -> float:
    """Degrees the page's text lines are turned counter-clockwise (0.0 when there is nothing to measure)."""
    gray = image if image.mode == "L" else image.convert("L")
    factor = max(1, gray.width // WORK_WIDTH)
    small = np.asarray(gray.reduce(factor) if factor > 1 else gray)
    dark = small < otsu_threshold(small)
    share = dark.mean()
    if share < 0.002 or share > 0.5:  # blank, or a photo / black border where lines mean nothing
        return 0.0
    ys, xs = np.nonzero(dark)
    xs = xs.astype(np.float64) - small.shape[1] / 2
    ys = ys.astype(np.float64)

    def sharpness(angle: float) -> float:
        # Rows of ink line up when the shear undoes the skew: the profile is then most uneven.
        rows = np.rint(ys + xs * math.tan(math.radians(angle))).astype(np.int64)
        profile = np.bincount(rows - rows.min())
        return float(np.dot(profile, profile))

    coarse = max(np.arange(-max_angle, max_angle + 1e-9, 0.5), key=sharpness)
    fine = max(np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, 0.05), key=sharpness)
    return round(float(fine), 2)


def lines_run_vertically(image: Image.Image) -> bool:
    """Whether the page's text lines run up and down: a page scanned sideways (or set in vertical writing)."""
    gray = image if image.mode == "L" else image.convert("L")
    factor = max(1, max(gray.size) // DIRECTION_WORK_SIZE)
    small = np.asarray(gray.reduce(factor) if factor > 1 else gray)
    dark = small < otsu_threshold(small)
    if not 0.002 <= dark.mean() <= 0.5:
        return False
    ys, xs = np.nonzero(dark)
    along_rows = _sharpest(ys, xs - small.shape[1] / 2) * small.shape[0]
    along_columns = _sharpest(xs, ys - small.shape[0] / 2) * small.shape[1]
    return along_columns > SIDEWAYS * along_rows


def looks_upside_down(image: Image.Image, dpi: float) -> bool:
    """Whether the (straight, unruled) page's lines end flush right and start ragged left: a page turned over."""
    # Chinese documents start lines at the left margin and end short ones anywhere; turned over, the
    # flush edge is on the right. Only a clear majority counts: the reading decides the rest.
    pixels = np.asarray(image if image.mode == "L" else image.convert("L"))
    dark = pixels < otsu_threshold(pixels)
    inked = np.flatnonzero(np.diff(np.concatenate(([0], dark.sum(axis=1) > 2, [0])).astype(np.int8)))
    starts, ends = [], []
    for top, bottom in zip(inked[::2], inked[1::2], strict=True):
        if bottom - top < 0.05 * dpi:  # a speck, not a line of text
            continue
        columns = np.flatnonzero(dark[top:bottom].any(axis=0))
        starts.append(columns[0])
        ends.append(columns[-1])
    tolerance = max(2.0, 0.04 * dpi)
    flush_left, flush_right = _most_aligned(starts, tolerance), _most_aligned(ends, tolerance)
    return flush_right >= flush_left + 2 and flush_right >= 1.5 * flush_left


def _most_aligned(edges: list[int], tolerance: float) -> int:
    """The most edges within tolerance of one of them."""
    values = np.asarray(edges, dtype=np.float64)
    return max((int((np.abs(values - x) <= tolerance).sum()) for x in values), default=0)


def _sharpest(across: np.ndarray, along: np.ndarray) -> float:
    """How uneven the ink's profile across the lines is, at the best of a few small tilts (x its span: 1 = even)."""
    best = 0.0
    for angle in np.arange(-3.0, 3.0 + 1e-9, 0.5):
        bins = np.rint(across + along * math.tan(math.radians(angle))).astype(np.int64)
        profile = np.bincount(bins - bins.min())
        best = max(best, float(np.dot(profile, profile)))
    return best / float(len(across)) ** 2


def straighten(image: Image.Image, skew: float) -> Image.Image:
    """The page turned back by skew degrees on a white ground (same size), or itself when skew is small."""
    if abs(skew) < MIN_CORRECTION:
        return image
    if image.mode == "1":
        image = image.convert("L")
    white = 255 if image.mode == "L" else (255,) * len(image.getbands())
    return image.rotate(-skew, resample=Image.Resampling.BILINEAR, fillcolor=white)


def otsu_threshold(pixels: np.ndarray) -> int:
    """Otsu's threshold of an 8-bit image: darker pixels are ink."""
    histogram = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256)
    weight = np.cumsum(histogram)
    total = weight[-1]
    mean = np.cumsum(histogram * levels)
    background = weight[:-1]
    foreground = total - background
    valid = (background > 0) & (foreground > 0)
    between = np.zeros(255)
    mu_b = mean[:-1][valid] / background[valid]
    mu_f = (mean[-1] - mean[:-1][valid]) / foreground[valid]
    between[valid] = background[valid] * foreground[valid] * (mu_b - mu_f) ** 2
    return int(np.argmax(between)) + 1
