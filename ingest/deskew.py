"""Skew of a scanned page by projection profiles of a small binarised copy (numpy only)."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

WORK_WIDTH = 1200  # pixels; enough to resolve 0.05 degrees across a page, small enough to take ~50 ms
MIN_CORRECTION = 0.3  # degrees; below this rotating costs more (blur, time) than it gains


def estimate_skew(image: Image.Image, *, max_angle: float = 5.0) -> float:
    """Degrees the page's text lines are turned counter-clockwise (0.0 when there is nothing to measure)."""
    gray = image if image.mode == "L" else image.convert("L")
    factor = max(1, gray.width // WORK_WIDTH)
    small = np.asarray(gray.reduce(factor) if factor > 1 else gray)
    dark = small < _otsu(small)
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


def straighten(image: Image.Image, skew: float) -> Image.Image:
    """The page turned back by skew degrees on a white ground (same size), or itself when skew is small."""
    if abs(skew) < MIN_CORRECTION:
        return image
    if image.mode == "1":
        image = image.convert("L")
    white = 255 if image.mode == "L" else (255,) * len(image.getbands())
    return image.rotate(-skew, resample=Image.Resampling.BILINEAR, fillcolor=white)


def _otsu(pixels: np.ndarray) -> int:
    """Otsu's threshold of an 8-bit image."""
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
