"""What kind of paper a page image shows, and the clean-ups that make it readable (issue 18, OpenCV).

A phone photo: the page is found among the desk around it, warped flat at a known resolution and its light
evened out. A photocopy or fax: the copier's dark borders are cropped and grey, uneven paper is flattened to
white. A red seal: found by its colour, recorded, and kept out of what the engine reads (the red channel shows
black text through red ink and red ink as paper). Every step here is judged afterwards against a plain reading
of the untouched page (ingest.ocr.page): a clean-up may help, it may never cost text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

WORK_SIZE = 1000  # pixels along the longer side of the copy signals are judged on
# Seal red in OpenCV's HSV (hue 0-180): both ends of the hue circle, saturated and not dark.
RED_HUES = ((0, 12), (165, 180))
MIN_SATURATION, MIN_VALUE = 70, 70
MIN_SEAL = 0.04  # a seal spans at least this share of the page's width (a company seal is 38-42 mm: ~0.2)
MIN_SEAL_INK = 0.0005  # share of the page's pixels in seal red below which there is nothing to look at
# The page found in a photo: between these shares of the frame (less: a scrap of paper; more: a scan).
PAGE_AREA = (0.2, 0.93)
DARK_BORDER = 80  # grey level below which an edge band is a copier's lid, not paper
LOW_CONTRAST = 140  # paper minus ink grey levels below which the page is flattened and stretched
A4_SHORT, A4_LONG = 8.27, 11.69  # inches: the flattened photo is taken for A4 to give it a resolution
PHOTO_DPI = 300  # a photographed page is warped to this resolution (or its own, when finer)


@dataclass(frozen=True)
class Seal:
    """A red seal or stamp on the page: its centre and radius as shares of the page's width and height."""

    x: float
    y: float
    radius: float

    def to_dict(self) -> dict[str, float]:
        return {"x": round(self.x, 3), "y": round(self.y, 3), "radius": round(self.radius, 3)}


@dataclass
class Prepared:
    """The page as the engine will read it; steps names each clean-up applied (empty: the page as it came)."""

    image: Image.Image
    dpi: int
    steps: list[str] = field(default_factory=list)
    seals: list[Seal] = field(default_factory=list)
    photo: bool = False
    # What the searchable page shows: the page in its colours (a red seal stays red), found and flattened
    # like image but not made gray; image itself when nothing was done.
    display: Image.Image | None = None


def prepare(image: Image.Image, dpi: int) -> Prepared:
    """The page found, flattened, cropped and with its seals kept out of the reading, as its signals call for."""
    result = Prepared(image, dpi)
    colour = image.mode == "RGB"
    pixels = np.asarray(image.convert("RGB") if colour else image.convert("L"))
    corners = _page_corners(pixels) if colour else None
    if corners is not None:
        pixels, result.dpi = _warp(pixels, corners, dpi)
        result.photo = True
        result.steps += ["page_found", "perspective"]
    elif not colour:
        cropped = _without_dark_borders(pixels)
        if cropped is not None:
            pixels = cropped
            result.steps.append("border_cropped")
    if colour:
        result.seals = find_seals(pixels)
    gray = _without_seals(pixels) if result.seals else _gray(pixels)
    if result.seals:
        result.steps.append("seal_suppressed")
    if not result.photo and _contrast(gray) < LOW_CONTRAST:
        # Toner speckle and copier grain: stretched as they are, they bury the strokes (a photocopy of a
        # photocopy read 0% of characters flattened alone, 93% smoothed first).
        gray = despeckle(gray, result.dpi)
        result.steps.append("despeckled")
    if result.photo or "despeckled" in result.steps:
        gray = flatten(gray)
        result.steps.append("flattened")
    if result.steps:
        result.image = Image.fromarray(gray, "L")
        result.display = Image.fromarray(pixels, "RGB" if pixels.ndim == 3 else "L")
    return result


def find_seals(rgb: np.ndarray) -> list[Seal]:
    """Red seals and stamps: blobs of seal red at least MIN_SEAL of the page wide, largest first."""
    h, w = rgb.shape[:2]
    factor = max(1, max(h, w) // WORK_SIZE)
    small = rgb[::factor, ::factor]
    mask = _red(small)
    if mask.mean() < MIN_SEAL_INK:
        return []
    sh, sw = mask.shape
    # Close the gaps between a ring's characters so a seal is one blob.
    joined = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    count, _, stats, centres = cv2.connectedComponentsWithStats(joined)
    seals = []
    for label in range(1, count):
        x, y, bw, bh, area = stats[label]
        if max(bw, bh) < MIN_SEAL * sw or min(bw, bh) < 0.4 * max(bw, bh):
            continue  # a red underline or a word in red ink, not a seal
        cx, cy = centres[label]
        seals.append(Seal(cx / sw, cy / sh, max(bw, bh) / 2 / sw))
    kept: list[Seal] = []
    for seal in sorted(seals, key=lambda s: -s.radius):
        # A seal's star or its inner text is a blob of its own inside the ring: one seal.
        if not any(math.hypot((seal.x - k.x) * sw, (seal.y - k.y) * sh) < k.radius * sw for k in kept):
            kept.append(seal)
    return kept


def despeckle(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Grain smoothed and specks removed, at a size that keeps strokes of body text (scaled to the dpi)."""
    sigma = max(0.5, dpi / 300)
    size = max(3, round(5 * dpi / 300) | 1)
    return cv2.medianBlur(cv2.GaussianBlur(gray, (0, 0), sigma), size)


def flatten(gray: np.ndarray) -> np.ndarray:
    """The page's light evened out: divided by its own paper (a wide dilation of a small copy), then stretched."""
    h, w = gray.shape
    factor = max(1, max(h, w) // WORK_SIZE)
    small = cv2.resize(gray, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    # Wider than any stroke at the small size: what is left is the paper under the ink.
    paper = cv2.dilate(small, np.ones((15, 15), np.uint8))
    paper = cv2.GaussianBlur(cv2.medianBlur(paper, 21), (0, 0), 5)
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    even = gray.astype(np.float32) / np.maximum(paper, 1) * 255
    ink = float(np.percentile(even[::4, ::4], 0.5))
    stretched = (even - ink) * 255 / max(1.0, 255 - ink)
    return np.clip(stretched, 0, 255).astype(np.uint8)


def _red(rgb: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = np.zeros(hue.shape, dtype=bool)
    for low, high in RED_HUES:
        red |= (hue >= low) & (hue <= high)
    return red & (sat >= MIN_SATURATION) & (val >= MIN_VALUE)


def _gray(pixels: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY) if pixels.ndim == 3 else pixels


def _without_seals(rgb: np.ndarray) -> np.ndarray:
    """Grayscale where seal red reads as paper: the red channel there (black text under the ink stays black)."""
    gray = _gray(rgb)
    red = cv2.dilate(_red(rgb).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    # Lift the red channel to the paper's level so the seal does not leave a grey ghost.
    paper = float(np.percentile(gray, 90))
    channel = rgb[..., 0].astype(np.float32) * paper / max(1.0, float(np.percentile(rgb[..., 0][red], 90)))
    out = gray.copy()
    out[red] = np.clip(channel[red], 0, 255).astype(np.uint8)
    return out


def _contrast(gray: np.ndarray) -> float:
    sample = gray[::4, ::4]
    return float(np.percentile(sample, 95) - np.percentile(sample, 0.5))


def _page_corners(rgb: np.ndarray) -> np.ndarray | None:
    """The four corners of a page lying on something darker, in full-size pixels; None when it fills the frame."""
    h, w = rgb.shape[:2]
    factor = max(h, w) / WORK_SIZE
    small = cv2.resize(rgb, (round(w / factor), round(h / factor)), interpolation=cv2.INTER_AREA)
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), (5, 5), 0)
    _, bright = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    page = max(contours, key=cv2.contourArea)
    share = cv2.contourArea(page) / (small.shape[0] * small.shape[1])
    if not PAGE_AREA[0] <= share <= PAGE_AREA[1]:
        return None
    hull = cv2.convexHull(page)
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(quad) != 4:
        return None
    return _ordered(quad.reshape(4, 2).astype(np.float32) * factor)


def _ordered(points: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left."""
    total, diff = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.float32(
        [points[total.argmin()], points[diff.argmin()], points[total.argmax()], points[diff.argmax()]]
    )


def _warp(rgb: np.ndarray, corners: np.ndarray, dpi: int) -> tuple[np.ndarray, int]:
    """The page warped flat; its resolution taken from A4 proportions (PHOTO_DPI, or finer when the photo is)."""
    tl, tr, br, bl = corners
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    short = A4_SHORT if width <= height else A4_LONG
    own = width / short
    target = max(PHOTO_DPI, round(own))
    out_w, out_h = round(short * target), round(height / width * short * target)
    matrix = cv2.getPerspectiveTransform(
        corners, np.float32([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]])
    )
    flat = cv2.warpPerspective(
        rgb, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return flat, target


def _without_dark_borders(gray: np.ndarray) -> np.ndarray | None:
    """The page less the dark bands a copier's lid leaves along its edges; None when there are none."""
    h, w = gray.shape
    rows, cols = gray.mean(axis=1), gray.mean(axis=0)
    limit = min(w, h) // 8  # a border is a band, never a quarter of the page

    def inner(profile: np.ndarray, reverse: bool) -> int:
        values = profile[::-1] if reverse else profile
        n = 0
        while n < limit and values[n] < DARK_BORDER:
            n += 1
        return n + (2 if n else 0)  # and the ragged edge of the band

    top, bottom = inner(rows, False), inner(rows, True)
    left, right = inner(cols, False), inner(cols, True)
    if not (top or bottom or left or right):
        return None
    return np.ascontiguousarray(gray[top : h - bottom, left : w - right])
