"""Paper as it really arrives (issue 18): photocopies of photocopies, faxes, phone photos, red seals over text.

Each function takes a clean page (grayscale, as rendered) and a seeded random generator, and returns the
degraded page; the same seed gives the same image. Shared by bench.paper_eval and tests/ingest.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
NOTO_SC = 2
SEAL_RED = (214, 38, 42)


def photocopy(page: Image.Image, rng: np.random.Generator, *, generations: int = 2) -> Image.Image:
    """A photocopy of a photocopy: grey paper, faded toner, speckle, dark copier borders, slight skew."""
    image = page.convert("L")
    dpi = image.info.get("dpi", (300, 300))
    for _ in range(generations):
        pixels = np.asarray(image, dtype=np.float32)
        # Each copy lifts the black and darkens the white: the contrast the toner leaves.
        pixels = 95 + pixels * (175 - 95) / 255
        pixels += rng.normal(0, 9, pixels.shape)
        speckle = rng.random(pixels.shape) < 0.002
        pixels[speckle] = rng.uniform(20, 90, int(speckle.sum()))
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
        image = image.filter(ImageFilter.GaussianBlur(0.6))
        image = image.rotate(float(rng.uniform(-1.2, 1.2)), resample=Image.Resampling.BICUBIC, fillcolor=175)
    pixels = np.asarray(image, dtype=np.uint8).copy()
    h, w = pixels.shape
    # The copier's lid: dark bands along two or three edges, ragged.
    for edge in ("left", "top", "right"):
        depth = int(rng.uniform(0.015, 0.04) * w)
        band = np.clip(rng.normal(35, 12, (h, depth) if edge != "top" else (depth, w)), 0, 255)
        if edge == "left":
            pixels[:, :depth] = band
        elif edge == "right":
            pixels[:, w - depth :] = band
        else:
            pixels[:depth, :] = band
    out = Image.fromarray(pixels, "L")
    out.info["dpi"] = dpi
    return out


def fax(page: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A fax: about 200 x 100 dpi, thresholded to black and white, streaks and a header line."""
    dpi = page.info.get("dpi", (300, 300))[0]
    gray = page.convert("L")
    w, h = gray.size
    low = gray.resize((round(w * 200 / dpi), round(h * 100 / dpi)), Image.Resampling.BILINEAR)
    low = low.resize((round(w * 200 / dpi), round(h * 200 / dpi)), Image.Resampling.NEAREST)
    pixels = np.asarray(low, dtype=np.float32) + rng.normal(0, 25, (low.height, low.width))
    bits = pixels < 150
    # Streaks: a few rows dropped out, a few vertical dark lines from a dirty scanner bar.
    for row in rng.integers(0, low.height, 6):
        bits[row : row + 2, :] = False
    for col in rng.integers(0, low.width, 2):
        bits[:, col] = True
    bits |= rng.random(bits.shape) < 0.0015
    out = Image.fromarray(np.where(bits, 0, 255).astype(np.uint8), "L").convert("1", dither=Image.Dither.NONE)
    out.info["dpi"] = (200, 200)
    return out


def seal(
    page: Image.Image,
    rng: np.random.Generator,
    *,
    name: str = "上海明远贸易有限公司",
    centre: tuple[float, float] = (0.62, 0.3),
    radius: float = 0.1,
) -> Image.Image:
    """The page in colour with a round red company seal (ring text, star, 合同专用章) stamped over the text."""
    coloured = page.convert("RGB")
    w, h = coloured.size
    r = round(radius * w)
    cx, cy = round(centre[0] * w), round(centre[1] * h)
    layer = Image.new("L", coloured.size, 0)
    draw = ImageDraw.Draw(layer)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=max(3, r // 18))
    draw.regular_polygon((cx, cy, r // 4), 5, fill=255, rotation=float(rng.uniform(-4, 4)))
    font = ImageFont.truetype(NOTO, max(10, r // 5), index=NOTO_SC)
    for i, char in enumerate(name):
        angle = math.radians(210 - i * 240 / max(1, len(name) - 1))
        x, y = cx + 0.74 * r * math.cos(angle), cy - 0.74 * r * math.sin(angle)
        draw.text((x, y), char, font=font, fill=255, anchor="mm")
    small = ImageFont.truetype(NOTO, max(8, r // 7), index=NOTO_SC)
    draw.text((cx, cy + r * 0.55), "合同专用章", font=small, fill=255, anchor="mm")
    # Stamp ink is uneven: some of the ring does not take.
    ink = np.asarray(layer, dtype=np.float32) / 255 * rng.uniform(0.75, 1.0, (h, w)).astype(np.float32)
    base = np.asarray(coloured, dtype=np.float32)
    red = np.array(SEAL_RED, dtype=np.float32)
    # Multiply: black text stays black under the red ink, white paper turns red.
    stamped = base * (1 - ink[..., None]) + np.minimum(base, red) * ink[..., None]
    out = Image.fromarray(np.clip(stamped, 0, 255).astype(np.uint8), "RGB")
    out.info["dpi"] = page.info.get("dpi", (300, 300))
    return out


def photo(page: Image.Image, rng: np.random.Generator, *, size: int = 2400) -> Image.Image:
    """A phone photo of the page on a desk: perspective, a shadow across it, the desk around it, JPEG-soft."""
    import cv2  # only the photo maker needs it

    source = np.asarray(page.convert("RGB"), dtype=np.uint8)
    ph, pw = source.shape[:2]
    scale = size / max(ph, pw) * 0.8
    out_w, out_h = round(size * 0.78), size
    # Where the page's corners land in the photo: inset from the frame and pulled about by the camera angle.
    cx, cy = out_w / 2, out_h / 2
    half_w, half_h = pw * scale / 2, ph * scale / 2
    jitter = lambda: float(rng.uniform(-0.05, 0.05)) * size  # noqa: E731
    corners = np.float32(
        [
            [cx - half_w * 0.92 + jitter(), cy - half_h + jitter()],
            [cx + half_w * 0.92 + jitter(), cy - half_h + jitter()],
            [cx + half_w + jitter(), cy + half_h + jitter()],
            [cx - half_w + jitter(), cy + half_h + jitter()],
        ]
    )
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]]), corners)
    desk = np.empty((out_h, out_w, 3), dtype=np.uint8)
    desk[:] = (int(rng.integers(70, 110)), int(rng.integers(55, 90)), int(rng.integers(40, 70)))  # wood
    desk = np.clip(desk + rng.normal(0, 6, desk.shape), 0, 255).astype(np.uint8)
    warped = cv2.warpPerspective(
        source, matrix, (out_w, out_h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_TRANSPARENT, dst=desk
    )
    # Light: brighter on one side, a soft shadow (a hand, a phone) across a corner, a warm cast.
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    gradient = 0.78 + 0.22 * (xx / out_w if rng.random() < 0.5 else 1 - xx / out_w)
    sx, sy = rng.uniform(0.2, 0.8) * out_w, rng.uniform(0.6, 1.0) * out_h
    shadow = 1 - 0.35 * np.exp(-(((xx - sx) / (0.35 * out_w)) ** 2 + ((yy - sy) / (0.3 * out_h)) ** 2))
    light = (gradient * shadow)[..., None] * np.float32([1.0, 0.97, 0.9])
    lit = np.clip(warped.astype(np.float32) * light + rng.normal(0, 3, warped.shape), 0, 255).astype(np.uint8)
    blurred = cv2.GaussianBlur(lit, (0, 0), 0.8)
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(blurred, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 88])
    assert ok
    decoded = cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    out = Image.fromarray(decoded, "RGB")
    out.info["dpi"] = (72, 72)  # a phone says 72 whatever it photographed
    return out
