"""OCR of one page in a worker process: load, deskew, orient, then one tesseract run for TSV and a PDF page."""

from __future__ import annotations

import math
import os
import re
import statistics
import subprocess
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytesseract
from PIL import Image, ImageOps

from core.errors import DanganError
from ingest.deskew import estimate_skew, lines_run_vertically, looks_upside_down, straighten
from ingest.detect import sniff
from ingest.ocrpdf import compose_page_pdf
from ingest.ocrtext import Line, mean_confidence, page_text, parse_tsv, parse_tsv_pages, without_noise
from ingest.rulings import without_rulings

# psm 6 (one uniform block) keeps large titles that psm 3's layout analysis drops, reads a form's label and
# value as one line instead of as two columns, and skips the layout pass (dense page: 4.9 s vs 7.8 s).
PSM = 6
# 300 dpi scans read better and faster at 200 dpi (18 pages, 10.5-14 pt: 97.99% -> 98.71%, 2.1 -> 1.7 s): the
# models were trained on text of about that size. 200 dpi scans gain nothing from 300 (98.66% -> 98.73%, +25% time).
OCR_DPI = 200
# Upright pages read at 85-90 mean confidence; upside-down or sideways ones at 15-35. Only below this line
# do we pay for orientation detection.
DOUBTFUL_CONFIDENCE = 50.0
LAYOUT_WORK_SIZE = 1000  # pixels along the longer side of the copy the page's layout is judged on
TALL_LINE = 1.6  # x the median line height: a heading, which tesseract misreads at full size
TALL_LINES_REREAD = 3
HEADING_SIZES = (1.0, 0.75)  # x the body-text height: the sizes a heading is read again at
MIN_LATIN_RUN = 3  # words; shorter runs are codes and names (HT-2024-0173, USD), which chi_sim reads well
_WORDLIKE = re.compile(r"[A-Za-z]{2}")


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


@dataclass(frozen=True)
class OcrResult:
    """What OCR made of one page; pdf_bytes is a one-page searchable PDF (page image + invisible text)."""

    text: str
    confidence: float
    rotation_degrees: int  # clockwise turn applied to make the page upright: 0, 90, 180 or 270
    skew_degrees: float  # counter-clockwise tilt measured (corrected when above deskew.MIN_CORRECTION)
    pdf_bytes: bytes
    seconds: float


class OcrFailed(DanganError):
    """Tesseract could not read a page."""

    status_code = 422

    def __init__(self, detail: str) -> None:
        super().__init__("ocr.failed", detail=detail)

    def __reduce__(self):  # crosses the process pool intact
        return (type(self), (self.params["detail"],))


def ocr_page(job: PageJob) -> OcrResult:
    """OCR one page of a PDF, TIFF, PNG or JPEG (top-level so a ProcessPoolExecutor can run it)."""
    started = time.perf_counter()
    image, dpi = load_page(job)
    job = replace(job, dpi=dpi)
    with tempfile.TemporaryDirectory(prefix="dangan-ocr-") as tmp:
        work = Path(tmp)
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
            _reread(reading.clean, reading.lines, replace(job, dpi=reading.clean_dpi), work)
        )
        pdf = compose_page_pdf(reading.image, reading.text_pdf, job.dpi)
    return OcrResult(
        text=page_text(lines),
        confidence=round(mean_confidence(lines), 2),
        rotation_degrees=reading.rotation,
        skew_degrees=reading.skew,
        pdf_bytes=pdf,
        seconds=round(time.perf_counter() - started, 3),
    )


def ocr_image_path(
    path: str | Path, *, page_index: int = 0, dpi: int = 300, languages: str = "chi_sim+eng"
) -> OcrResult:
    """OCR a page of a file in this process, its kind judged by content (tests, one-off use)."""
    with open(path, "rb") as f:
        kind = sniff(f.read(1024))
    if kind is None:
        raise OcrFailed(f"{Path(path).name}: not a PDF, PNG, JPEG or TIFF")
    return ocr_page(PageJob(str(path), kind, page_index, dpi, languages))


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
    """A pool of spawned OCR workers, each running tesseract single-threaded."""
    # spawn, not fork: the parent may hold threads, database connections and pdfium state.
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=_init_worker)


def _init_worker() -> None:
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
            scale = job.dpi / 72
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
    _tesseract(
        [
            str(source),
            str(base),
            "--dpi",
            str(job.dpi),
            "-l",
            _languages(job.languages)[0],
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
        output = _tesseract(
            [str(path), "stdout", "--dpi", str(max(70, job.dpi // 2)), "--psm", "0"], job.timeout
        )
    except OcrFailed:  # "Too few characters": a blank or pictorial page
        return 0
    for row in output.splitlines():
        if row.startswith("Rotate:"):
            return int(row.split(":")[1]) % 360
    return 0


def _reread(image: Image.Image, lines: list[Line], job: PageJob, work: Path) -> list[Line]:
    """Read again what the page pass reads poorly: large headings at body-text size, runs of English in English."""
    page_languages, latin = _languages(job.languages)
    result = list(lines)
    tall = _tall_lines(lines)
    if tall:
        body = statistics.median(line.height for line in lines)
        # At body size and a little smaller: a bold heading can read badly at one size and well at the other.
        crops = [
            _crop(image, lines[i].box, lines[i].height, scale=size * body / lines[i].height)
            for i in tall
            for size in HEADING_SIZES
        ]
        readings = iter(_read_crops(crops, job, work, page_languages))
        for i in tall:
            again = max((next(readings) for _ in HEADING_SIZES), key=mean_confidence)
            if again and mean_confidence(again) > lines[i].confidence + 5:
                result[i] = Line(tuple(w for line in again for w in line.words))
    if latin is None:
        return result
    runs = [(i, run) for i, line in enumerate(lines) if i not in tall for run in _latin_runs(line)]
    if not runs:
        return result
    crops = [_crop(image, Line(lines[i].words[run]).box, lines[i].height) for i, run in runs]
    # Right to left within a line, so the slices of runs still to replace keep their positions.
    for (i, run), again in sorted(
        zip(runs, _read_crops(crops, job, work, latin), strict=True), key=lambda r: (r[0][0], -r[0][1].start)
    ):
        read = [w for line in again for w in line.words]
        if read and statistics.fmean(w.confidence for w in read) >= Line(result[i].words[run]).confidence:
            words = result[i].words
            result[i] = Line(words[: run.start] + tuple(read) + words[run.stop :])
    return result


def _languages(languages: str) -> tuple[str, str | None]:
    """The languages that read the page, and the one that re-reads runs of English words (None: no re-read)."""
    # chi_sim+eng on the whole page lets the English model take Chinese words it cannot read (甲方 → FAB,
    # 签订地点 → Sita), and costs a third more time; chi_sim alone reads the page, but runs English words
    # together (Agreementis, betweenthe), which the English model then reads right.
    parts = languages.split("+")
    if "eng" not in parts or len(parts) == 1:
        return languages, None
    return "+".join(p for p in parts if p != "eng"), "eng"


def _tall_lines(lines: list[Line]) -> list[int]:
    """Indexes of the large, doubtfully read headings, largest first."""
    if len(lines) < 3:
        return []
    body = statistics.median(line.height for line in lines)
    tall = [i for i, line in enumerate(lines) if line.height > TALL_LINE * body and line.confidence < 90]
    return sorted(tall, key=lambda i: -lines[i].height)[:TALL_LINES_REREAD]


def _latin_runs(line: Line) -> list[slice]:
    """Runs of English words in a line: at least MIN_LATIN_RUN words of Latin script, two with letters in them."""
    runs, start = [], None
    for i, word in enumerate((*line.words, None)):
        latin = word is not None and word.text.isascii()
        if latin and start is None:
            start = i
        elif not latin and start is not None:
            words = line.words[start:i]
            if len(words) >= MIN_LATIN_RUN and sum(_WORDLIKE.search(w.text) is not None for w in words) >= 2:
                runs.append(slice(start, i))
            start = None
    return runs


def _crop(
    image: Image.Image, box: tuple[int, int, int, int], height: float, *, scale: float = 1.0
) -> Image.Image:
    left, top, right, bottom = box
    pad = round(height / 4)
    crop = image.crop((max(0, left - pad), max(0, top - pad), right + pad, bottom + pad)).convert("L")
    if scale != 1.0:
        crop = crop.resize(
            (max(1, round(crop.width * scale)), max(1, round(crop.height * scale))), Image.Resampling.LANCZOS
        )
    return crop


def _read_crops(crops: list[Image.Image], job: PageJob, work: Path, languages: str) -> list[list[Line]]:
    """Each crop read as one line, all in a single tesseract run (its models load once)."""
    paths = []
    for n, crop in enumerate(crops):
        paths.append(work / f"crop-{n}.pgm")
        crop.save(paths[-1])
    listing = work / "crops.txt"
    listing.write_text("".join(f"{path}\n" for path in paths), encoding="utf-8")
    output = _tesseract(
        [str(listing), "stdout", "--dpi", str(job.dpi), "-l", languages, "--psm", "7", "tsv"], job.timeout
    )
    pages = parse_tsv_pages(output)
    return [pages.get(n, []) for n in range(1, len(crops) + 1)]


def _tesseract(arguments: list[str], timeout: float) -> str:
    """Run tesseract single-threaded; its standard output."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [pytesseract.pytesseract.tesseract_cmd, *arguments],
            capture_output=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise OcrFailed(f"tesseract took longer than {timeout:.0f} s") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrFailed(message[-1] if message else f"tesseract exit status {done.returncode}")
    return done.stdout.decode("utf-8", "replace")
