"""OCR of one page in a worker process: prepare the paper, choose the engine, orient, deskew, clear ruled lines,
read at 200 dpi, re-read the hard parts, and never keep less than plain tesseract reads.

Every read beyond the first is paid for by a measured signal (issue 18): RapidOCR reads a page whole for a photo
or a doubtful reading (low mean confidence, next to no text), and only the lines that need it otherwise (an
unsure heading, a line under a seal); chi_tra reads a page on which chi_sim printed traditional characters; the
plain-tesseract floor is read for a doubtful reading only. A clean scan costs one tesseract pass."""

from __future__ import annotations

import functools
import math
import os
import statistics
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageOps

from ingest.detect import sniff
from ingest.ocr.deskew import estimate_skew, lines_run_vertically, looks_upside_down, straighten
from ingest.ocr.pagepdf import compose_page_pdf
from ingest.ocr.paper import Prepared, prepare
from ingest.ocr.rapid import read_rapidocr, read_rapidocr_line
from ingest.ocr.reread import reread, split_languages, tall_lines
from ingest.ocr.rulings import without_rulings
from ingest.ocr.tesseract import OcrFailed, run_tesseract
from ingest.ocr.textpdf import text_only_pdf
from ingest.ocr.tsv import Line, Word, mean_confidence, page_text, parse_tsv, without_noise

# psm 6 (one uniform block) keeps large titles that psm 3's layout analysis drops, reads a form's label and
# value as one line instead of as two columns, and skips the layout pass (dense page: 4.9 s vs 7.8 s).
PSM = 6
# 300 dpi scans read better and faster at 200 dpi (18 pages, 10.5-14 pt: 97.99% -> 98.71%, 2.1 -> 1.7 s): the
# models were trained on text of about that size. 200 dpi scans gain nothing from 300 (98.66% -> 98.73%, +25% time).
OCR_DPI = 200
# Upright pages read at 85-90 mean confidence; upside-down or sideways ones at 15-35. Below this line the page
# is read turned over, and only if that reads no better do we pay for orientation detection.
DOUBTFUL_CONFIDENCE = 50.0
MIN_CHARACTERS = 10  # a page read to fewer characters than this is doubted like a low-confidence one
# chi_sim reads a traditional page's characters partly as traditional ones: this many, and this share of
# what it read, send the page to chi_tra as well.
MIN_TRADITIONAL, TRADITIONAL_SHARE = 3, 0.01
TRADITIONAL_DOUBT = 88.0  # or any, when chi_sim reads the page below this mean confidence
HEADING_LINES = 3  # the first lines of a page, where its title is
HEADING_ZONE = 0.25  # share of the page's height from the top where its title is
HEADING_DOUBT = 90.0  # a heading tesseract reads below this mean confidence is read again by RapidOCR (auto)
SEALED_DOUBT = 95.0  # and a line under a seal (a misread character there costs a name or an amount)
# chi_tra must be this much surer (mean confidence): on a traditional letter it is +2.9 over chi_sim, on
# simplified pages -2.1 to +1.0.
TRADITIONAL_MARGIN = 2.0
ENGINE_SWITCH_MARGIN = 1.1  # x the kept reading's weight another engine's reading must exceed to replace it
LAYOUT_WORK_SIZE = 1000  # pixels along the longer side of the copy the page's layout is judged on


@dataclass(frozen=True)
class PageJob:
    """One page to OCR; plain values so it pickles cheaply to a worker, which loads the page itself."""

    path: str
    kind: str  # "pdf" | "png" | "jpeg" | "tiff"
    page_index: int = 0
    dpi: int = 300
    languages: str = "chi_sim+eng"
    max_pixels: int = 120_000_000
    timeout: float = 600.0  # seconds per tesseract run
    engine: str = "auto"  # tesseract | rapidocr | auto (issue 18); "plain": no clean-up, tesseract alone
    doubtful_confidence: float = 70.0  # auto: a tesseract reading below this is read by RapidOCR too


@dataclass(frozen=True)
class OcrResult:
    """What OCR made of one page; pdf_bytes is a one-page searchable PDF (page image + invisible text)."""

    text: str
    confidence: float
    rotation_degrees: int  # clockwise turn applied to make the page upright: 0, 90, 180 or 270
    skew_degrees: float  # counter-clockwise tilt measured (corrected when above deskew.MIN_CORRECTION)
    pdf_bytes: bytes
    seconds: float
    engine: str = "tesseract"  # the engine whose reading was kept
    steps: tuple[
        str, ...
    ] = ()  # the clean-ups it read after (ingest.ocr.paper), "plain" for the untouched page
    seals: tuple[dict[str, float], ...] = ()  # red seals found: centre and radius as shares of the page


def ocr_page(job: PageJob) -> OcrResult:
    """OCR one page of a PDF, TIFF, PNG or JPEG (top-level so a ProcessPoolExecutor can run it)."""
    started = time.perf_counter()
    original, dpi = load_page(job)
    job = replace(job, dpi=dpi)
    prepared = prepare(original, dpi) if job.engine != "plain" else Prepared(original, dpi)
    with tempfile.TemporaryDirectory(prefix="dangan-ocr-") as tmp:
        work = Path(tmp)
        if job.engine == "rapidocr" or (job.engine == "auto" and prepared.photo):
            # tesseract reads photographed pages at 27-40 confidence: RapidOCR alone (issue 18).
            best = _rapid(prepared)
        else:
            best = _tesseract(prepared, replace(job, dpi=prepared.dpi), work)
            traditional = traditional_languages(job)
            if traditional and looks_traditional(best.lines):
                best = _better_traditional(
                    best, _tesseract(prepared, replace(job, dpi=prepared.dpi, languages=traditional), work)
                )
            if job.engine == "auto" and doubtful(best, job):
                best = _better(best, _rapid(prepared))
        if job.engine != "plain" and doubtful(best, job):
            # No clean-up may leave a page with less text than plain tesseract reads from the untouched
            # image: a doubtful reading is checked against that, and the better one kept. A sure reading
            # is not: on every kind of the issue 18 corpus it was the better one (bench.paper_eval).
            best = _better(best, _plain(original, job, work))
    return OcrResult(
        text=page_text(best.lines),
        confidence=round(best.confidence, 2),
        rotation_degrees=best.rotation,
        skew_degrees=best.skew,
        pdf_bytes=best.pdf(),
        seconds=round(time.perf_counter() - started, 3),
        engine=best.engine,
        steps=tuple(best.steps),
        seals=tuple(seal.to_dict() for seal in prepared.seals),
    )


@functools.cache
def _installed_languages() -> frozenset[str]:
    try:
        listing = run_tesseract(["--list-langs"], 30)
    except OcrFailed:
        return frozenset()
    return frozenset(line.strip() for line in listing.splitlines()[1:])


def traditional_languages(job: PageJob) -> str | None:
    """The languages that read a page in traditional Chinese (chi_sim swapped for chi_tra), if installed."""
    parts = job.languages.split("+")
    if "chi_sim" not in parts or "chi_tra" not in _installed_languages():
        return None
    return "+".join("chi_tra" if p == "chi_sim" else p for p in parts)


def doubtful(reading: _EngineReading, job: PageJob) -> bool:
    """A reading worth a second one: below the doubtful mean confidence, or next to no text read at all."""
    return reading.confidence < job.doubtful_confidence or reading.characters < MIN_CHARACTERS


def looks_traditional(lines: list[Line]) -> bool:
    """chi_sim read traditional characters: its model knows them, and prints some on a traditional page (4-23
    of 180 on bench.paper_eval's letters, 於 twice of 45 on a short one) but none on simplified ones (0 of
    171-173). A few of them on a page it reads unsurely (75-85) are enough."""
    text = "".join(w.text for line in lines for w in line.words)
    folded = _to_simplified(text)
    changed = sum(a != b for a, b in zip(text, folded, strict=False))
    if not changed:
        return False
    many = changed >= MIN_TRADITIONAL and changed >= TRADITIONAL_SHARE * len(text)
    return many or mean_confidence(lines) < TRADITIONAL_DOUBT


@functools.cache
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def _to_simplified(text: str) -> str:
    return _t2s().convert(text)


def _better_traditional(simplified: _EngineReading, traditional: _EngineReading) -> _EngineReading:
    """The same text read by two models: the one surer of it, unless it lost text on the way."""
    if (
        traditional.confidence > simplified.confidence + TRADITIONAL_MARGIN
        and traditional.characters >= 0.9 * simplified.characters
    ):
        return traditional
    return simplified


def _better(kept: _EngineReading, other: _EngineReading) -> _EngineReading:
    """The reading with more text, better believed; another engine must read clearly more to take over:
    RapidOCR believes itself more (0.99 on what tesseract reads right at 0.9), and tesseract is the better
    reader of clean scans."""
    margin = ENGINE_SWITCH_MARGIN if other.engine != kept.engine else 1.0
    return other if other.weight > kept.weight * margin else kept


@dataclass
class _EngineReading:
    """One engine's reading of the page: its lines and what the page PDF is made of."""

    engine: str
    lines: list[Line]
    image: Image.Image
    dpi: int
    steps: list[str]
    text_pdf: bytes | None = None  # tesseract's own text-only page; else one is written from the lines
    rotation: int = 0
    skew: float = 0.0

    @property
    def confidence(self) -> float:
        return mean_confidence(self.lines)

    @property
    def characters(self) -> int:
        return sum(len(w.text) for line in self.lines for w in line.words)

    @property
    def weight(self) -> float:
        """Characters read, each counted at the engine's confidence in it: more text, better believed, wins."""
        return sum(len(w.text) * w.confidence / 100 for line in self.lines for w in line.words)

    def pdf(self) -> bytes:
        text_pdf = self.text_pdf
        if text_pdf is None:
            text_pdf = text_only_pdf(
                self.lines, width=self.image.width, height=self.image.height, dpi=self.dpi
            )
        return compose_page_pdf(self.image, text_pdf, self.dpi)


def _tesseract(prepared: Prepared, job: PageJob, work: Path) -> _EngineReading:
    """Dangan's tesseract reading: orientation, deskew, ruled lines, 200 dpi, headings and English re-read."""
    image = prepared.image
    # Most pages are upright and read well at once: they never pay for orientation detection (~1.5 s).
    turn = _likely_turn(image, job.dpi)
    reading = _read(image, job, work, rotation=turn)
    if reading.lines and reading.confidence < DOUBTFUL_CONFIDENCE:
        # The layout guessed wrong (or could not tell): reading it turned over costs less than asking OSD.
        reading = max(reading, _read(image, job, work, rotation=(turn + 180) % 360), key=_confidence)
        if reading.confidence < DOUBTFUL_CONFIDENCE:
            osd = _osd_rotation(image, job, work)
            if osd not in (turn, (turn + 180) % 360):
                reading = max(reading, _read(image, job, work, rotation=osd), key=_confidence)
    lines = without_noise(
        reread(
            reading.clean,
            reading.lines,
            dpi=reading.clean_dpi,
            languages=job.languages,
            work=work,
            timeout=job.timeout,
            # auto: RapidOCR's recogniser reads doubtful headings (lines_again), in a tenth of the time a
            # second tesseract run takes to load its model and read them at two sizes.
            headings=job.engine != "auto",
        )
    )
    if job.engine == "auto":
        # Seals are found on the page as prepared: where they are on the page read, unless it was turned.
        width, height = reading.clean.size
        seals = (
            []
            if reading.rotation
            else [(s.x * width, s.y * height, s.radius * width) for s in prepared.seals]
        )
        lines = lines_again(reading.clean, lines, seals)
    shown = reading.image
    if prepared.display is not None:
        # The page in its colours, turned and straightened as the reading was.
        turned = (
            prepared.display.rotate(-reading.rotation, expand=True) if reading.rotation else prepared.display
        )
        shown = straighten(turned, reading.skew)
    return _EngineReading(
        "tesseract",
        lines,
        shown,
        job.dpi,
        list(prepared.steps),
        reading.text_pdf,
        reading.rotation,
        reading.skew,
    )


def lines_again(clean: Image.Image, lines: list[Line], seals: list[tuple[float, float, float]]) -> list[Line]:
    """Doubtful lines read again by RapidOCR's recogniser, kept where it is surer: the page's title (关于质量
    异议的函 came back as 旦马>u < from tesseract, its boxes no taller than body text) and lines a seal covers
    (借敬人 for 借款人, 贰件 for 贰仟 under the ink). seals: centre and radius in the clean image's pixels."""
    result: list[Line | None] = list(lines)
    tall = set(tall_lines(lines))
    for i, line in enumerate(lines):
        left, top, right, bottom = line.box
        heading = (i < HEADING_LINES and top <= HEADING_ZONE * clean.height) or i in tall
        sealed = any(left - r <= x <= right + r and top - r <= y <= bottom + r for x, y, r in seals)
        if line.confidence >= (SEALED_DOUBT if sealed else HEADING_DOUBT) or not (heading or sealed):
            continue
        # The recogniser reads one line: a little paper above and below, none of the lines beside. The whole
        # width: a garbled heading's boxes may cover only part of it.
        pad = round(line.height / 4)
        crop = clean.crop((0, max(0, top - pad), clean.width, min(clean.height, bottom + pad)))
        words = [
            Word(w.text, w.confidence, w.left, w.top + max(0, top - pad), w.width, w.height)
            for w in read_rapidocr_line(crop)
        ]
        if not words or statistics.fmean(w.confidence for w in words) <= line.confidence + 5:
            continue
        again = Line(tuple(words))
        # tesseract may have read the heading right as a second line of its own: keep one.
        duplicate = heading and any(
            j != i and other is not None and other.text == again.text
            for j, other in enumerate(result[: HEADING_LINES + 1])
        )
        result[i] = None if duplicate else again
    return [line for line in result if line is not None]


def _plain(image: Image.Image, job: PageJob, work: Path) -> _EngineReading:
    """Plain tesseract (psm 6) on the untouched page at OCR resolution: the floor every clean-up must beat."""
    clean, dpi = _at_ocr_resolution(image, job.dpi)
    lines, text_pdf = _recognise(clean, replace(job, dpi=dpi), work)
    return _EngineReading("tesseract", without_noise(lines), image, job.dpi, ["plain"], text_pdf)


def _rapid(prepared: Prepared) -> _EngineReading:
    """RapidOCR's reading of the prepared page; it finds text lines itself at any angle.

    What it reads wholly inside a seal is the seal's own ring text (贸易有 / 限公司 / 合同专用章), not the page's:
    it is left out of the page text (a line running under the seal reaches outside it and stays)."""
    lines = read_rapidocr(prepared.image)
    width, height = prepared.image.size
    circles = [(s.x * width, s.y * height, s.radius * width) for s in prepared.seals]

    def inside_a_seal(word: Word) -> bool:
        corners = [(word.left, word.top), (word.left + word.width, word.top + word.height)]
        return any(all(math.hypot(x - cx, y - cy) <= r * 1.05 for x, y in corners) for cx, cy, r in circles)

    kept = [Line(words) for line in lines if (words := tuple(w for w in line.words if not inside_a_seal(w)))]
    return _EngineReading(
        "rapidocr",
        kept,
        prepared.display if prepared.display is not None else prepared.image,
        prepared.dpi,
        list(prepared.steps),
    )


def ocr_image_path(
    path: str | Path,
    *,
    page_index: int = 0,
    dpi: int = 300,
    languages: str = "chi_sim+eng",
    engine: str = "auto",
) -> OcrResult:
    """OCR a page of a file in this process, its kind judged by content (tests, one-off use)."""
    with open(path, "rb") as f:
        kind = sniff(f.read(1024))
    if kind is None:
        raise OcrFailed(f"{Path(path).name}: not a PDF, PNG, JPEG or TIFF")
    return ocr_page(PageJob(str(path), kind, page_index, dpi, languages, engine=engine))


@dataclass(frozen=True)
class _Reading:
    lines: list[Line]
    text_pdf: bytes
    image: Image.Image  # turned upright and straightened
    clean: Image.Image  # the same at OCR_DPI without ruled lines: what tesseract reads
    clean_dpi: int
    skew: float
    rotation: int

    @property
    def confidence(self) -> float:
        return mean_confidence(self.lines)


def _read(image: Image.Image, job: PageJob, work: Path, *, rotation: int) -> _Reading:
    turned = image.rotate(-rotation, expand=True) if rotation else image
    skew = estimate_skew(turned)
    upright = straighten(turned, skew)
    clean, dpi = _at_ocr_resolution(upright, job.dpi)
    clean = without_rulings(clean, dpi)
    lines, text_pdf = _recognise(clean, replace(job, dpi=dpi), work)
    return _Reading(lines, text_pdf, upright, clean, dpi, skew, rotation)


def _confidence(reading: _Reading) -> float:
    return reading.confidence


def _likely_turn(image: Image.Image, dpi: int) -> int:
    """The clockwise turn the page's layout suggests, judged on a small copy without ruled lines (~60 ms)."""
    gray = image if image.mode == "L" else image.convert("L")
    factor = max(1, max(gray.size) // LAYOUT_WORK_SIZE)
    small, small_dpi = (gray.reduce(factor) if factor > 1 else gray), max(1, dpi // factor)
    turn = 90 if lines_run_vertically(without_rulings(small, small_dpi)) else 0
    turned = small.rotate(-turn, expand=True) if turn else small
    # Rules only come out whole once the page is straight.
    straight = without_rulings(straighten(turned, estimate_skew(turned)), small_dpi)
    return turn + 180 if looks_upside_down(straight, small_dpi) else turn


def _at_ocr_resolution(image: Image.Image, dpi: int) -> tuple[Image.Image, int]:
    """The page resampled down to OCR_DPI (grayscale) when it is finer, and its resolution."""
    if dpi <= OCR_DPI * 1.05:
        return image, dpi
    gray = image if image.mode == "L" else image.convert("L")
    scale = OCR_DPI / dpi
    size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
    return gray.resize(size, Image.Resampling.LANCZOS), OCR_DPI


def make_ocr_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of OCR workers, each running tesseract single-threaded."""
    from ingest.workers import worker_context

    return ProcessPoolExecutor(
        max_workers=workers, mp_context=worker_context(), initializer=_init_worker, initargs=(os.getpid(),)
    )


def _init_worker(main_pid: int) -> None:
    from ingest.workers import die_with

    die_with(main_pid)
    # Tesseract's OpenMP threads fight each other across workers: one page took 42 s instead of 6.5 s.
    os.environ["OMP_THREAD_LIMIT"] = "1"


def load_page(job: PageJob) -> tuple[Image.Image, int]:
    """The page as an image ("1", "L" or "RGB") and its resolution in dpi."""
    try:
        if job.kind == "pdf":
            return _render_pdf_page(job)
        with warnings.catch_warnings():
            # detect() has already held the image to max_pixels; Pillow's lower default would only warn.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(job.path) as source:
                if job.page_index:
                    source.seek(job.page_index)
                if source.width * source.height > job.max_pixels:
                    raise OcrFailed(f"page {job.page_index + 1}: {source.width}x{source.height} pixels")
                resolution = source.info.get("dpi")
                image = ImageOps.exif_transpose(source)
                image.load()
    except (OSError, ValueError, EOFError, pdfium.PdfiumError) as error:
        raise OcrFailed(f"page {job.page_index + 1}: {error}") from error
    dpi = round(resolution[0]) if resolution and 70 <= resolution[0] <= 2400 else job.dpi
    return _working_mode(image), dpi


def _render_pdf_page(job: PageJob) -> tuple[Image.Image, int]:
    document = pdfium.PdfDocument(job.path)
    try:
        page = document[job.page_index]
        try:
            width, height = page.get_size()
            # A scan at 200 dpi rendered at 300 is only upsampled, to be read at OCR_DPI all the same: render it
            # at its own resolution (never below OCR_DPI, never above the one asked for).
            scanned = _scan_resolution(page, width * height)
            scale = (min(job.dpi, max(OCR_DPI, scanned)) if scanned else job.dpi) / 72
            # A poster-sized page at 300 dpi would be gigapixels: lower the resolution instead.
            if width * height * scale * scale > job.max_pixels:
                scale = math.sqrt(job.max_pixels / (width * height))
            bitmap = page.render(scale=scale)
            image = bitmap.to_pil().convert("RGB")
        finally:
            page.close()
    finally:
        document.close()
    return _working_mode(image), max(1, round(scale * 72))


def _scan_resolution(page: pdfium.PdfPage, area: float) -> float | None:
    """The resolution of the image that fills the page, in dpi; None when no single image covers it."""
    for image in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=1):
        left, bottom, right, top = image.get_bounds()
        covered = (right - left) * (top - bottom)
        if covered >= 0.9 * area:
            pixels = math.prod(image.get_px_size())
            return math.sqrt(pixels / covered) * 72  # turn-proof: whichever side lies along the width
    return None


def _working_mode(image: Image.Image) -> Image.Image:
    """Bilevel stays bilevel, colour stays colour only where there is colour (red seals), else grayscale."""
    if image.mode == "1":
        return image
    if image.mode.startswith(("I", "F")):
        # Pillow's own conversion clips 16-bit values to 255: a white page.
        pixels = np.asarray(image, dtype=np.float64)
        return Image.fromarray((pixels * (255 / max(1.0, float(pixels.max())))).astype(np.uint8), "L")
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)  # transparent means paper
    if image.mode == "L":
        return image
    rgb = image.convert("RGB")
    small = np.asarray(rgb.reduce(max(1, rgb.width // 400)), dtype=np.int16)
    spread = small.max(axis=2) - small.min(axis=2)
    return rgb if (spread > 40).mean() > 0.0005 else rgb.convert("L")


def _recognise(image: Image.Image, job: PageJob, work: Path, *, psm: int = PSM) -> tuple[list[Line], bytes]:
    """One tesseract run on the (grayscale) image: the lines it read and a text-only PDF page."""
    source = _write_for_tesseract(image, work / "page")
    base = work / f"out-{time.monotonic_ns()}"
    run_tesseract(
        [
            str(source),
            str(base),
            "--dpi",
            str(job.dpi),
            "-l",
            split_languages(job.languages)[0],
            "--psm",
            str(psm),
            "-c",
            "textonly_pdf=1",
            "pdf",
            "tsv",
        ],
        job.timeout,
    )
    tsv = base.with_suffix(".tsv").read_text(encoding="utf-8")
    return parse_tsv(tsv), base.with_suffix(".pdf").read_bytes()


def _write_for_tesseract(image: Image.Image, stem: Path) -> Path:
    # Uncompressed PGM costs nothing to write or read; tesseract only needs gray. Bilevel pages go as G4.
    if image.mode == "1":
        path = stem.with_suffix(".tif")
        image.save(path, compression="group4")
    else:
        path = stem.with_suffix(".pgm")
        (image if image.mode == "L" else image.convert("L")).save(path)
    return path


def _osd_rotation(image: Image.Image, job: PageJob, work: Path) -> int:
    """Clockwise degrees tesseract's orientation detection says the page needs; 0 when it cannot tell."""
    gray = image.convert("L") if image.mode != "L" else image
    # Half size still reads orientation (confidence 5-7 instead of 9-10) and costs 20-35% less (~2.3 s vs ~2.8 s
    # on a dense page).
    small = gray.reduce(2) if job.dpi >= 200 else gray
    path = work / "osd.pgm"
    small.save(path)
    try:
        output = run_tesseract(
            [str(path), "stdout", "--dpi", str(max(70, job.dpi // 2)), "--psm", "0"], job.timeout
        )
    except OcrFailed:  # "Too few characters": a blank or pictorial page
        return 0
    for row in output.splitlines():
        if row.startswith("Rotate:"):
            return int(row.split(":")[1]) % 360
    return 0
