"""Second readings of what a page pass reads poorly: large headings at body-text size, English words in English."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from PIL import Image

from ingest.ocr.tesseract import run_tesseract
from ingest.ocr.tsv import Line, mean_confidence, parse_tsv_pages

TALL_LINE = 1.6  # x the median line height: a heading, which tesseract misreads at full size
TALL_LINES_REREAD = 3
HEADING_SIZES = (1.0, 0.75)  # x the body-text height: the sizes a heading is read again at
MIN_LATIN_RUN = 3  # words; shorter runs are codes and names (HT-2024-0173, USD), which chi_sim reads well
_WORDLIKE = re.compile(r"[A-Za-z]{2}")


def reread(
    image: Image.Image,
    lines: list[Line],
    *,
    dpi: int,
    languages: str,
    work: Path,
    timeout: float,
    headings: bool = True,
) -> list[Line]:
    """Read again what the page pass reads poorly: large headings at body-text size (unless headings is False:
    another engine reads them), runs of English in English."""
    page_languages, latin = split_languages(languages)
    result = list(lines)
    tall = tall_lines(lines) if headings else []
    if tall:
        body = statistics.median(line.height for line in lines)
        # At body size and a little smaller: a bold heading can read badly at one size and well at the other.
        crops = [
            _crop(image, lines[i].box, lines[i].height, scale=size * body / lines[i].height)
            for i in tall
            for size in HEADING_SIZES
        ]
        readings = iter(_read_crops(crops, dpi, page_languages, work, timeout))
        for i in tall:
            again = max((next(readings) for _ in HEADING_SIZES), key=mean_confidence)
            if again and mean_confidence(again) > lines[i].confidence + 5:
                result[i] = Line(tuple(w for line in again for w in line.words))
    if latin is None:
        return result
    skip = set(tall_lines(lines))  # headings: read as such, never as English
    runs = [(i, run) for i, line in enumerate(lines) if i not in skip for run in _latin_runs(line)]
    if not runs:
        return result
    crops = [_crop(image, Line(lines[i].words[run]).box, lines[i].height) for i, run in runs]
    # Right to left within a line, so the slices of runs still to replace keep their positions.
    for (i, run), again in sorted(
        zip(runs, _read_crops(crops, dpi, latin, work, timeout), strict=True),
        key=lambda r: (r[0][0], -r[0][1].start),
    ):
        read = [w for line in again for w in line.words]
        if read and statistics.fmean(w.confidence for w in read) >= Line(result[i].words[run]).confidence:
            words = result[i].words
            result[i] = Line(words[: run.start] + tuple(read) + words[run.stop :])
    return result


def split_languages(languages: str) -> tuple[str, str | None]:
    """The languages that read the page, and the one that re-reads runs of English words (None: no re-read)."""
    # chi_sim+eng on the whole page lets the English model take Chinese words it cannot read (甲方 → FAB,
    # 签订地点 → Sita), and costs a third more time; chi_sim alone reads the page, but runs English words
    # together (Agreementis, betweenthe), which the English model then reads right.
    parts = languages.split("+")
    if "eng" not in parts or len(parts) == 1:
        return languages, None
    return "+".join(p for p in parts if p != "eng"), "eng"


def tall_lines(lines: list[Line]) -> list[int]:
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


def _read_crops(
    crops: list[Image.Image], dpi: int, languages: str, work: Path, timeout: float
) -> list[list[Line]]:
    """Each crop read as one line, all in a single tesseract run (its models load once)."""
    paths = []
    for n, crop in enumerate(crops):
        paths.append(work / f"crop-{n}.pgm")
        crop.save(paths[-1])
    listing = work / "crops.txt"
    listing.write_text("".join(f"{path}\n" for path in paths), encoding="utf-8")
    output = run_tesseract(
        [str(listing), "stdout", "--dpi", str(dpi), "-l", languages, "--psm", "7", "tsv"], timeout
    )
    pages = parse_tsv_pages(output)
    return [pages.get(n, []) for n in range(1, len(crops) + 1)]
