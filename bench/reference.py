"""Reference OCR runs Dangan is measured against: the raw tesseract CLI and ocrmypdf."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

LANGS = "chi_sim+eng"


def single_thread_env() -> dict[str, str]:
    """The environment with tesseract's OpenMP limited to one thread."""
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


@dataclass
class TesseractRun:
    """Text per input (split into pages at form feeds) and timings."""

    texts: dict[Path, list[str]] = field(default_factory=dict)
    seconds: dict[Path, float] = field(default_factory=dict)
    wall: float = 0.0
    failures: dict[Path, str] = field(default_factory=dict)

    @property
    def cpu_seconds(self) -> float:
        """Sum of the per-process wall times, i.e. single-threaded seconds of work."""
        return sum(self.seconds.values())


def tesseract_command(image: Path) -> list[str]:
    """The reference command: default page segmentation, plain text to stdout."""
    return ["tesseract", str(image), "stdout", "-l", LANGS]


def _tesseract_one(image: Path) -> tuple[Path, list[str] | str, float]:
    started = time.perf_counter()
    done = subprocess.run(tesseract_command(image), capture_output=True, env=single_thread_env(), check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        return (
            image,
            done.stderr.decode(errors="replace").strip()[-300:] or f"exit {done.returncode}",
            elapsed,
        )
    pages = done.stdout.decode("utf-8", errors="replace").split("\f")
    # The txt renderer ends every page with a form feed, so the last piece is empty.
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return image, pages, elapsed


def run_tesseract(images: list[Path], workers: int) -> TesseractRun:
    """OCR images with one single-threaded tesseract process per worker, as many at once as workers."""
    run = TesseractRun()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for image, result, elapsed in pool.map(_tesseract_one, images):
            run.seconds[image] = elapsed
            if isinstance(result, str):
                run.failures[image] = result
            else:
                run.texts[image] = result
    run.wall = time.perf_counter() - started
    return run


def ocrmypdf_command(src: Path, dst: Path, jobs: int) -> list[str]:
    """ocrmypdf doing what Dangan does for a scan: orientation, deskew, OCR, a searchable PDF."""
    return [
        "ocrmypdf",
        "-l",
        LANGS,
        "--rotate-pages",
        "--deskew",
        "--jobs",
        str(jobs),
        "--output-type",
        "pdf",
        "--optimize",
        "0",
        "--quiet",
        str(src),
        str(dst),
    ]


@dataclass
class OcrmypdfRun:
    """Timings and failures of an ocrmypdf batch."""

    wall: float = 0.0
    seconds: dict[Path, float] = field(default_factory=dict)
    failures: dict[Path, str] = field(default_factory=dict)


def run_ocrmypdf(files: list[Path], workers: int, *, mode: str = "pool") -> OcrmypdfRun:
    """Run ocrmypdf over files into a temporary directory.

    mode "pool": workers concurrent processes with --jobs 1 (best use of the cores on many short files);
    mode "jobs": one file at a time with --jobs workers (ocrmypdf's own page parallelism).
    """
    run = OcrmypdfRun()
    concurrent, jobs = (workers, 1) if mode == "pool" else (1, workers)
    with tempfile.TemporaryDirectory(prefix="bench-ocrmypdf-") as tmp:

        def one(item: tuple[int, Path]) -> tuple[Path, float, str | None]:
            i, src = item
            started = time.perf_counter()
            done = subprocess.run(
                ocrmypdf_command(src, Path(tmp) / f"{i:05d}.pdf", jobs),
                capture_output=True,
                env=single_thread_env(),
                check=False,
            )
            error = (
                None
                if done.returncode == 0
                else (done.stderr.decode(errors="replace").strip()[-300:] or f"exit {done.returncode}")
            )
            return src, time.perf_counter() - started, error

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrent) as pool:
            for src, elapsed, error in pool.map(one, enumerate(files)):
                run.seconds[src] = elapsed
                if error:
                    run.failures[src] = error
        run.wall = time.perf_counter() - started
    return run
