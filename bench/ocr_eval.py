"""Per-page OCR evaluation: ingest.ocr.page.ocr_page against raw tesseract on the same scanned corpus pages.

python -m bench.ocr_eval CORPUS [CORPUS ...] [--sets scan300 scan200] [--workers 2] [--raw-cache FILE]

Each page is read single-threaded in a worker process, with Dangan's defaults; raw tesseract reads what
bench.ingest gives it (the image file, a scanned PDF page's embedded JPEG), interleaved with ours so both see the
same load. Seconds are CPU seconds (the worker's own plus its tesseract children's), which a busy shared machine
skews less than wall time; a multi-page TIFF's raw time is shared equally among its pages. Accuracy is bench.accuracy's:
strict, and NFKC-folded (full- and half-width punctuation the same).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from bench.accuracy import Score, normalize, pct, score
from bench.corpus import load_manifest
from bench.reference import single_thread_env, tesseract_command
from ingest.ocr.page import PageJob, ocr_page

KINDS = {"pdf": "pdf", "tif": "tiff", "png": "png", "jpg": "jpeg"}


@dataclass(frozen=True)
class Page:
    """One ground-truth page and where to read it."""

    key: str  # corpus/set/file#page
    set: str
    path: str
    kind: str
    index: int
    dpi: int
    rotation: int
    truth: str
    raw_input: str  # what bench.ingest hands raw tesseract: the image file, or a PDF page's embedded JPEG
    raw_index: int  # this page's place among the pages tesseract reads from raw_input


@dataclass
class Reading:
    """One reader's text of a page and the CPU and wall seconds it took."""

    text: str
    cpu: float
    wall: float


def pages_of(corpus: Path, sets: list[str], limit: int | None) -> list[Page]:
    """The corpus pages of the given sets, at most limit per set."""
    out: list[Page] = []
    for entry in load_manifest(corpus)["files"]:
        if entry["set"] not in sets or entry["kind"] != "scan":
            continue
        for i, page in enumerate(entry["pages"]):
            if limit is not None and sum(p.set == entry["set"] for p in out) >= limit:
                break
            out.append(
                Page(
                    f"{corpus.name}/{entry['file']}#{i + 1}",
                    entry["set"],
                    str(corpus / entry["file"]),
                    KINDS[entry["format"]],
                    i,
                    entry["dpi"],
                    page.get("rotation", 0),
                    page["text"],
                    str(corpus / entry["ocr_inputs"][i if len(entry["ocr_inputs"]) > 1 else 0]),
                    i if len(entry["ocr_inputs"]) == 1 else 0,
                )
            )
    return out


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def read_ours(page: Page) -> Reading:
    """ingest.ocr.page.ocr_page on one page, in this (worker) process, as Dangan's defaults set it up."""
    cpu, wall = _cpu(), time.perf_counter()
    # No dpi given: a PDF page is rendered at the default 300 dpi, an image file's own resolution is used.
    result = ocr_page(PageJob(page.path, page.kind, page.index))
    return Reading(result.text, _cpu() - cpu, time.perf_counter() - wall)


def read_raw(raw_input: str) -> list[Reading]:
    """bench.reference's raw tesseract command on one input, one thread; its time shared among its pages."""
    cpu, wall = _cpu(), time.perf_counter()
    done = subprocess.run(
        tesseract_command(Path(raw_input)), capture_output=True, env=single_thread_env(), check=False
    )
    cpu, wall = _cpu() - cpu, time.perf_counter() - wall
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()  # the text renderer ends every page with a form feed
    return [Reading(text, cpu / len(pages), wall / len(pages)) for text in pages]


def error_pairs(truth: str, text: str) -> Counter[str]:
    """What the reading got wrong, as 'truth→read' for substitutions, '-x' deletions and '+x' insertions."""
    t, h = normalize(truth), normalize(text)
    errors: Counter[str] = Counter()
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(t, h).as_list():
        if tag == "replace":
            errors[f"{t[i1:i2]}→{h[j1:j2]}"] += 1
        elif tag == "delete":
            errors[f"-{t[i1:i2]}"] += 1
        elif tag == "insert":
            errors[f"+{h[j1:j2]}"] += 1
    return errors


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(prog="python -m bench.ocr_eval", description=__doc__)
    ap.add_argument("corpora", type=Path, nargs="+")
    ap.add_argument("--sets", nargs="+", default=["scan300", "scan200"])
    ap.add_argument("--limit", type=int, default=None, help="pages per set and corpus")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--raw-cache", type=Path, help="JSON of raw tesseract readings: read if there, else written"
    )
    ap.add_argument("--no-raw", action="store_true", help="skip raw tesseract unless cached")
    ap.add_argument("--out", type=Path, help="write every page's texts and figures as JSON")
    ap.add_argument("--errors", type=int, default=25, help="most common errors to list per set")
    args = ap.parse_args(argv)

    pages = [p for c in args.corpora for p in pages_of(c, args.sets, args.limit)]
    load_before = os.getloadavg()
    raw: dict[str, Reading] = {}
    if args.raw_cache and args.raw_cache.exists():
        raw = {k: Reading(**v) for k, v in json.loads(args.raw_cache.read_text()).items()}
    todo_raw = [p for p in pages if p.key not in raw and not args.no_raw]
    with ProcessPoolExecutor(args.workers, mp_context=get_context("spawn")) as pool:
        # Ours and raw tesseract interleaved, so both see the same load from whatever else the machine runs.
        ours_f, raw_f = {}, {}
        for p in pages:
            ours_f[p.key] = pool.submit(read_ours, p)
            if p in todo_raw and p.raw_input not in raw_f:
                raw_f[p.raw_input] = pool.submit(read_raw, p.raw_input)
        ours = {key: future.result() for key, future in ours_f.items()}
        by_input = {raw_input: future.result() for raw_input, future in raw_f.items()}
        for p in todo_raw:
            readings = by_input[p.raw_input]
            raw[p.key] = readings[p.raw_index] if p.raw_index < len(readings) else Reading("", 0.0, 0.0)
    load_after = os.getloadavg()
    if args.raw_cache and todo_raw:
        args.raw_cache.write_text(json.dumps({k: asdict(v) for k, v in raw.items()}, ensure_ascii=False))

    print(
        f"{'page':44} {'rot':>3} {'ours':>7} {'folded':>7} {'cpu s':>6} | {'raw':>7} {'folded':>7} {'cpu s':>6}"
    )
    for set_name in args.sets:
        chosen = [p for p in pages if p.set == set_name]
        if not chosen:
            continue
        totals: dict[str, Any] = {k: Score() for k in ("os", "of", "rs", "rf")}
        cpu = {"ours": 0.0, "raw": 0.0}
        errors: Counter[str] = Counter()
        for p in chosen:
            o, r = ours[p.key], raw.get(p.key)
            so, fo = score(p.truth, o.text), score(p.truth, o.text, fold=True)
            totals["os"] += so
            totals["of"] += fo
            cpu["ours"] += o.cpu
            errors += error_pairs(p.truth, o.text)
            line = f"{p.key:44} {p.rotation:>3} {pct(so.accuracy):>7} {pct(fo.accuracy):>7} {o.cpu:6.2f}"
            if r is not None:
                sr, fr = score(p.truth, r.text), score(p.truth, r.text, fold=True)
                totals["rs"] += sr
                totals["rf"] += fr
                cpu["raw"] += r.cpu
                line += f" | {pct(sr.accuracy):>7} {pct(fr.accuracy):>7} {r.cpu:6.2f}"
            print(line)
        n = len(chosen)
        summary = (
            f"{set_name} ({n} pages): ours {pct(totals['os'].accuracy)} strict, {pct(totals['of'].accuracy)} folded, "
            f"{cpu['ours'] / n:.2f} s/page"
        )
        if all(p.key in raw for p in chosen):
            summary += (
                f"; raw tesseract {pct(totals['rs'].accuracy)} strict, {pct(totals['rf'].accuracy)} folded, "
                f"{cpu['raw'] / n:.2f} s/page; ours/raw time {cpu['ours'] / cpu['raw']:.2f}"
            )
        print(summary)
        for label, group in (
            ("upright", [p for p in chosen if not p.rotation]),
            ("turned", [p for p in chosen if p.rotation]),
        ):
            if group and all(p.key in raw for p in group):
                mine, theirs = (sum(r[p.key].cpu for p in group) / len(group) for r in (ours, raw))
                print(f"  {label} ({len(group)}): ours {mine:.2f} s/page, raw tesseract {theirs:.2f} s/page")
        print("  errors:", ", ".join(f"{k}×{v}" for k, v in errors.most_common(args.errors)))
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} cores)")
    if args.out:
        args.out.write_text(
            json.dumps(
                [
                    {
                        **asdict(p),
                        "ours": asdict(ours[p.key]),
                        "raw": asdict(raw[p.key]) if p.key in raw else None,
                    }
                    for p in pages
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
