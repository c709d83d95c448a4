"""The tesseract command line, run single-threaded, and the error it raises."""

from __future__ import annotations

import os
import subprocess

import pytesseract

from core.errors import DanganError


class OcrFailed(DanganError):
    """Tesseract could not read a page."""

    status_code = 422

    def __init__(self, detail: str) -> None:
        super().__init__("ocr.failed", detail=detail)

    def __reduce__(self):  # crosses the process pool intact
        return (type(self), (self.params["detail"],))


def run_tesseract(arguments: list[str], timeout: float) -> str:
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
