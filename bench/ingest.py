"""Ingest benchmark: OCR throughput against raw tesseract and ocrmypdf, accuracy, memory, duplicates.

python -m bench.ingest [--pages N] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.accuracy import CorpusAccuracy
from bench.bigpdf import write_big_pdf
from bench.corpus import generate_corpus, load_manifest
from bench.dangan import Dangan, DanganError, find_dangan
from bench.ingest_report import Row, rate, render
from bench.reference import run_ocrmypdf, run_tesseract
from bench.report import DEFAULT_REPORT, cores, write_section

SECTION = "ingest"
PARTS = "abcdefg"


class Benchmark:
    """Runs the requested parts over one corpus and collects rows for the report."""

    def __init__(self, args: argparse.Namespace, work: Path, corpus: Path) -> None:
        self.args, self.work, self.corpus = args, work, corpus
        self.manifest = load_manifest(corpus)
        self.workers: int = args.workers or cores()
        self.rows: list[Row] = []
        self.notes: dict[str, None] = {}  # ordered and without repeats
        self.failed: list[str] = []
        self.tess: dict[str, tuple[float, CorpusAccuracy]] = {}
        self.ocrmypdf_pps: float | None = None
        self.homes: dict[str, Dangan] = {}
        self.ingested: set[str] = set()  # sets whose first ingest completed
        self.accuracy: dict[str, CorpusAccuracy] = {}
        self.exe: Path | None = None
        self.dangan_error: str | None = None

    def entries(self, set_name: str) -> list[dict[str, Any]]:
        """Manifest entries of one set."""
        return [e for e in self.manifest["files"] if e["set"] == set_name]

    def pages(self, set_name: str) -> int:
        """Ground-truth page count of one set."""
        return sum(len(e["pages"]) for e in self.entries(set_name))

    def note(self, message: str) -> None:
        """A remark printed under the table (each distinct one once)."""
        self.notes[message] = None

    def log(self, message: str) -> None:
        """Progress on stderr."""
        print(f"[bench.ingest {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    # --- references -------------------------------------------------------------------------------------

    def tesseract(self, set_name: str) -> None:
        """(a) raw tesseract CLI over the set's page images; also its reference accuracy."""
        entries = self.entries(set_name)
        images = [self.corpus / p for e in entries for p in e["ocr_inputs"]]
        self.log(f"raw tesseract on {set_name}: {len(images)} images, {self.workers} processes")
        run = run_tesseract(images, self.workers)
        acc = CorpusAccuracy()
        for e in entries:
            acc.add(e, [page for p in e["ocr_inputs"] for page in run.texts.get(self.corpus / p, [""])])
        pages = self.pages(set_name)
        self.tess[set_name] = (pages / run.wall, acc)
        self.accuracy[f"tesseract-{set_name}"] = acc
        per_page = run.cpu_seconds / pages
        self.rows.append(
            Row(
                f"raw tesseract CLI, {set_name} ({self.workers} × 1-thread processes)",
                f"{rate(pages, run.wall)}; {per_page:.2f} s/page single-threaded",
            )
        )
        self.rows.append(Row(f"raw tesseract char accuracy, {set_name}", acc.text()))
        for image, error in run.failures.items():
            self.note(f"tesseract failed on {image.relative_to(self.corpus)}: {error}")

    def ocrmypdf(self, set_name: str) -> None:
        """(b) ocrmypdf over the same scanned files."""
        files = [self.corpus / e["file"] for e in self.entries(set_name)]
        self.log(f"ocrmypdf on {set_name}: {len(files)} files, mode {self.args.ocrmypdf_mode}")
        run = run_ocrmypdf(files, self.workers, mode=self.args.ocrmypdf_mode)
        pages = sum(
            len(e["pages"]) for e in self.entries(set_name) if self.corpus / e["file"] not in run.failures
        )
        self.ocrmypdf_pps = pages / run.wall
        how = (
            f"{self.workers} × --jobs 1"
            if self.args.ocrmypdf_mode == "pool"
            else f"1 file at a time, --jobs {self.workers}"
        )
        self.rows.append(Row(f"ocrmypdf, {set_name} ({how})", rate(pages, run.wall)))
        for src, error in run.failures.items():
            self.note(f"ocrmypdf failed on {src.relative_to(self.corpus)} (its pages not counted): {error}")

    # --- Dangan -----------------------------------------------------------------------------------------

    def dangan(self, name: str) -> Dangan:
        """A Dangan on a fresh DANGAN_HOME (created once per name)."""
        if self.exe is None:
            raise DanganError(self.dangan_error or "dangan not available")
        if name not in self.homes:
            d = Dangan(self.exe, self.work / f"home-{name}", self.workers)
            try:
                d.init()
            except DanganError as exc:
                self.note(f"`dangan init` failed on a fresh home, went on without it: {exc}")
            self.homes[name] = d
        return self.homes[name]

    def ingest(self, set_name: str) -> tuple[float, dict[Path, dict[str, Any]]]:
        """Ingest a set's directory into its own home; pages/s and results by resolved file path."""
        d = self.dangan(set_name)
        self.log(f"dangan ingest {set_name}")
        results, done = d.ingest(self.corpus / self.manifest["sets"][set_name]["dir"])
        by_file = {Path(r.get("file", "")).resolve(): r for r in results}
        statuses = Counter(r.get("status") for r in results)
        expected = len(self.entries(set_name))
        if statuses.get("ingested", 0) != expected:
            self.note(f"dangan ingest {set_name}: {dict(statuses)} of {expected} files")
        for r in results:
            if r.get("status") == "rejected":
                self.note(f"rejected {r.get('file')}: {r.get('reason')}")
        self.ingested.add(set_name)
        return self.pages(set_name) / done.seconds, by_file

    def read_back(self, set_name: str, by_file: dict[Path, dict[str, Any]]) -> CorpusAccuracy:
        """Score the text Dangan stored for each file of the set (its page rows in the archive database)."""
        d, acc, methods = self.dangan(set_name), CorpusAccuracy(), Counter()
        for e in self.entries(set_name):
            result = by_file.get((self.corpus / e["file"]).resolve())
            pages: list[str] = []
            if result and result.get("document_id") is not None:
                shown = d.show(result["document_id"]).get("pages", [])
                pages = [p.get("text") or "" for p in shown]
                methods.update(str(p.get("method")) for p in shown)
            acc.add(e, pages)
        self.note(f"Dangan text methods, {set_name}: {dict(methods)}")
        self.accuracy[f"dangan-{set_name}"] = acc
        return acc

    def scans(self, set_name: str, *, throughput: bool) -> None:
        """(c)/(e) Dangan on a scanned set: throughput against the references, and accuracy."""
        pps, by_file = self.ingest(set_name)
        pages = self.pages(set_name)
        if throughput:
            self.rows.append(Row(f"Dangan `ingest`, {set_name}", rate(pages, pages / pps), "—"))
            if set_name in self.tess:
                ratio = pps / self.tess[set_name][0]
                self.rows.append(Row("… Dangan ÷ raw tesseract", f"{ratio:.2f}×", "≥ 0.90×", ratio >= 0.9))
            if self.ocrmypdf_pps:
                ratio = pps / self.ocrmypdf_pps
                self.rows.append(Row("… Dangan ÷ ocrmypdf", f"{ratio:.2f}×", "> 1.00×", ratio > 1.0))
        else:
            vs = f"; {pps / self.tess[set_name][0]:.2f}× raw tesseract" if set_name in self.tess else ""
            self.rows.append(Row(f"Dangan `ingest`, {set_name}", rate(pages, pages / pps) + vs, "—"))
        if "e" in self.args.parts:
            acc = self.read_back(set_name, by_file)
            good = acc.strict.accuracy >= 0.97 if set_name == "scan300" else None
            self.rows.append(
                Row(
                    f"Dangan char accuracy, {set_name}",
                    acc.text(),
                    "≥ 97%" if good is not None else "—",
                    good,
                )
            )

    def text_layer(self) -> None:
        """(d) text-layer PDFs through Dangan: throughput and extraction accuracy."""
        pps, by_file = self.ingest("text")
        self.rows.append(
            Row(
                "Dangan `ingest`, text-layer PDFs",
                rate(self.pages("text"), self.pages("text") / pps),
                "≥ 50 pages/s",
                pps >= 50,
            )
        )
        acc = self.read_back("text", by_file)
        self.rows.append(Row("Dangan char accuracy, text-layer PDFs", acc.text(), "—"))

    def duplicates(self) -> None:
        """(g) ingesting the same directories again must report every file as a duplicate."""
        sets = [s for s in ("scan300", "text") if s in self.ingested]
        if not sets:
            raise DanganError("no set was ingested successfully a first time")
        for set_name in sets:
            self.log(f"dangan ingest {set_name} again (duplicates)")
            results, done = self.homes[set_name].ingest(self.corpus / self.manifest["sets"][set_name]["dir"])
            dup = sum(r.get("status") == "duplicate" for r in results)
            total = len(self.entries(set_name))
            self.rows.append(
                Row(
                    f"duplicate detection, {set_name} ingested twice",
                    f"{dup}/{total} duplicate in {done.seconds:.1f} s",
                    "all duplicate",
                    dup == total and len(results) == total,
                )
            )

    def big_pdf(self) -> None:
        """(f) peak memory of `dangan ingest` on the big PDF."""
        big = self.manifest.get("big")
        if big:
            path, pages = self.corpus / big["file"], big["pages"]
        else:
            path = self.work / "big.pdf"
            self.log(f"writing {self.args.big_mb:g} MiB PDF")
            pages = write_big_pdf(path, target_bytes=int(self.args.big_mb * 2**20), seed=self.args.seed)[
                "pages"
            ]
        size = path.stat().st_size
        d = self.dangan("big")
        self.log(f"dangan ingest big PDF ({size / 2**20:.0f} MiB, {pages} pages), sampling RSS")
        results, done = d.ingest(path, sample_interval=0.05)
        status = results[0].get("status") if results else "no result"
        mem = done.memory
        self.rows.append(
            Row(
                f"peak RSS, `dangan ingest` of a {size / 2**20:.0f} MiB PDF ({pages} text-layer pages)",
                f"{mem.peak_tree_bytes / 2**20:.0f} MiB process tree (largest single process "
                f"{mem.max_single_bytes / 2**20:.0f} MiB); {status} in {done.seconds:.1f} s",
                "< 300 MiB",
                mem.peak_tree_bytes < 300 * 2**20 and status == "ingested",
            )
        )
        if not big and not self.args.keep:
            path.unlink()

    # --- orchestration ----------------------------------------------------------------------------------

    def attempt(self, label: str, fn: Any, *args: Any, **kwargs: Any) -> None:
        """Run one part; a Dangan failure becomes a 'not run' row instead of stopping the benchmark."""
        try:
            fn(*args, **kwargs)
        except DanganError as exc:
            self.failed.append(f"{label}: {exc}")
            self.rows.append(Row(label, f"NOT RUN: {exc}", "—", False))
            self.log(f"error: {label}: {exc}")

    def run(self) -> None:
        """Run the selected parts in an order that lets later parts reuse earlier runs."""
        parts = self.args.parts
        if set(parts) & set("cdefg"):
            try:
                self.exe = find_dangan(self.args.dangan)
            except DanganError as exc:
                self.dangan_error = str(exc)
                self.log(f"error: {exc}; Dangan parts will be reported as not run")
        scans = "scan300" in self.manifest["sets"]
        if not scans:
            self.note("the corpus has no 300 dpi scans: parts a, b, c and e were skipped")
        if scans and ("a" in parts or "e" in parts):
            self.tesseract("scan300")
        if scans and "b" in parts:
            self.ocrmypdf("scan300")
        if scans and set(parts) & set("ceg"):
            self.attempt("Dangan `ingest`, scan300", self.scans, "scan300", throughput="c" in parts)
        if "e" in parts and "scan200" in self.manifest["sets"]:
            self.tesseract("scan200")
            self.attempt("Dangan `ingest`, scan200", self.scans, "scan200", throughput=False)
        if set(parts) & set("dg") and "text" in self.manifest["sets"]:
            self.attempt("Dangan `ingest`, text-layer PDFs", self.text_layer)
        if "g" in parts:
            self.attempt("duplicate detection", self.duplicates)
        if "f" in parts:
            self.attempt("peak RSS on the big PDF", self.big_pdf)

    def report(self, command: str, started: dt.datetime) -> str:
        """The BENCHMARKS.md section body."""
        sample = self.entries("scan300")[0]["ocr_inputs"][0] if self.entries("scan300") else "PAGE"
        return render(
            rows=self.rows,
            accuracy=self.accuracy,
            notes=list(self.notes),
            manifest=self.manifest,
            workers=self.workers,
            ocrmypdf_mode=self.args.ocrmypdf_mode,
            quick=self.args.quick,
            command=command,
            started=started,
            sample_input=sample,
        )


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m bench.ingest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--pages", type=int, default=100, help="scanned pages per dpi (default 100)")
    ap.add_argument("--text-pages", type=int, default=500, help="text-layer PDF pages (default 500)")
    ap.add_argument(
        "--big-mb", type=float, default=500, help="size of the memory-test PDF in MiB (default 500)"
    )
    ap.add_argument(
        "--quick", action="store_true", help="4 scanned pages, 8 text pages, 20 MiB PDF; report to stdout"
    )
    ap.add_argument(
        "--parts",
        default=PARTS,
        help="subset of a–g to run (default all): a tesseract, b ocrmypdf, "
        "c Dangan scans, d text layer, e accuracy, f memory, g duplicates",
    )
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--corpus", type=Path, help="reuse (or write) the corpus here instead of a temporary dir")
    ap.add_argument(
        "--workers", type=int, default=0, help="cores to use (default: this process's CPU affinity)"
    )
    ap.add_argument(
        "--ocrmypdf-mode",
        choices=("pool", "jobs"),
        default="pool",
        help="pool: one --jobs 1 process per core (default); jobs: one file at a time with --jobs N",
    )
    ap.add_argument("--dangan", help="path of the dangan executable (default .venv/bin/dangan, then PATH)")
    ap.add_argument(
        "--report",
        type=Path,
        help=f"write the section here (default {DEFAULT_REPORT.name}, not written in --quick unless given)",
    )
    ap.add_argument("--no-report", action="store_true", help="print the section instead of writing it")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (Dangan homes, big PDF)")
    return ap


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; exit status 1 when a part could not run."""
    args = _parser().parse_args(argv)
    if args.quick:
        args.pages, args.text_pages, args.big_mb = 4, 8, 20
    if not set(args.parts) <= set(PARTS):
        _parser().error(f"--parts takes letters from {PARTS}")
    for tool in ("tesseract", "ocrmypdf"):
        if shutil.which(tool) is None and (tool == "tesseract" or "b" in args.parts):
            print(f"error: {tool} not found on PATH", file=sys.stderr)
            return 2
    started = dt.datetime.now(dt.UTC)
    command = "python -m bench.ingest " + shlex.join(argv if argv is not None else sys.argv[1:])
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        corpus = (args.corpus or work / "corpus").resolve()
        if (corpus / "manifest.json").exists():
            print(f"[bench.ingest] reusing the corpus in {corpus} (its sizes, not --pages)", file=sys.stderr)
        else:
            print(f"[bench.ingest] generating corpus in {corpus}", file=sys.stderr)
            generate_corpus(corpus, args.pages, seed=args.seed, text_pages=args.text_pages)
        bench = Benchmark(args, work, corpus)
        bench.run()
        body = bench.report(command.strip(), started)
        target = args.report or (None if args.quick or args.no_report else DEFAULT_REPORT)
        if target and not args.no_report:
            print(f"[bench.ingest] wrote {write_section(SECTION, body, target)}", file=sys.stderr)
        else:
            print(body)
        for failure in bench.failed:
            print(f"error: {failure}", file=sys.stderr)
        return 1 if bench.failed else 0
    finally:
        if args.keep:
            print(f"[bench.ingest] kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
