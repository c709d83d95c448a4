"""The ingest benchmark's BENCHMARKS.md section: results table, accuracy breakdown, method."""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.accuracy import CorpusAccuracy, pct
from bench.corpus import describe
from bench.reference import ocrmypdf_command, tesseract_command
from bench.report import machine, table, tool_version


@dataclass
class Row:
    """One line of the results table; met is None for reference figures."""

    measure: str
    result: str
    target: str = "reference"
    met: bool | None = None


def rate(pages: int, seconds: float) -> str:
    """'0.512 pages/s (48 pages in 93.7 s)'."""
    return f"{pages / seconds:.3g} pages/s ({pages} pages in {seconds:.1f} s)"


def _breakdown(accuracy: dict[str, CorpusAccuracy]) -> str:
    orientations = sorted({k for a in accuracy.values() for k in a.by_orientation})
    if not orientations:
        return ""
    cells = [
        [o, *[pct(a.by_orientation[o].accuracy) if o in a.by_orientation else "" for a in accuracy.values()]]
        for o in orientations
    ]
    return (
        "\nCharacter accuracy by page orientation (files whose page count matched):\n\n"
        + table(["pages", *accuracy], cells)
        + "\n"
    )


def render(
    *,
    rows: list[Row],
    accuracy: dict[str, CorpusAccuracy],
    notes: list[str],
    manifest: dict[str, Any],
    workers: int,
    ocrmypdf_mode: str,
    quick: bool,
    command: str,
    started: dt.datetime,
    sample_input: str,
) -> str:
    """The section body, Markdown."""
    cells = [(r.measure, r.result, r.target, {True: "yes", False: "**NO**", None: ""}[r.met]) for r in rows]
    tools = (
        f"{tool_version('tesseract', '--version')}, ocrmypdf {tool_version('ocrmypdf', '--version')}, "
        f"Dangan OCR workers {workers}"
    )
    jobs, how = (1, f"{workers} at once") if ocrmypdf_mode == "pool" else (workers, "one file at a time")
    tess = shlex.join(tesseract_command(Path(sample_input)))
    ocrmypdf = shlex.join(ocrmypdf_command(Path("IN"), Path("OUT.pdf"), jobs))
    listed = "".join(f"- {n}\n" for n in notes)
    return f"""## Ingest: OCR throughput, accuracy, memory, duplicates

Run {started:%Y-%m-%d %H:%M} UTC{" (quick)" if quick else ""} with `{command}`.

- Machine: {machine()}
- Tools: {tools}
- Corpus: {describe(manifest)}. Chinese business records (借款/委托保证合同, 营业执照, 函, 不动产权证书,
  回访记录) on A4 in Noto CJK / WenQuanYi 10.5–26 pt, grayscale, skewed 0.5–2.5°, ~10% upside down, ~5% sideways,
  blur, noise, JPEG q55–90 for JPEG/PDF scans. Text-layer PDFs are fpdf2 with an embedded TrueType CJK subset.

{table(["measure", "result", "target", "met"], cells)}
{_breakdown(accuracy)}
How: throughput is ground-truth pages ÷ wall time of the whole command (process start-up included), every tool
on the same {workers} cores. Raw tesseract: `OMP_THREAD_LIMIT=1 {tess}`, one process per core over the page
images (PNG/JPEG/TIFF files themselves; each PDF page's embedded JPEG, byte for byte). ocrmypdf: `{ocrmypdf}`
({how}). Dangan: `DANGAN_HOME=<fresh> DANGAN_OCR_WORKERS={workers} dangan ingest DIR --json`, text read back from
the archive's page rows. Accuracy is 1 − Levenshtein ÷ truth length over whitespace-stripped text, summed over
pages; NFKC folding also forgives full-/half-width confusions (：/:, （/(). Peak RSS sums RSS over the `dangan`
process tree sampled every 50 ms; the largest single process is its own VmHWM.

{listed}"""
