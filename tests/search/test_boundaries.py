"""The search package keeps to its place in the architecture."""

from __future__ import annotations

import subprocess
import sys


def test_search_imports_neither_ingest_nor_web_frameworks() -> None:
    code = (
        "import sys, search, search.query, search.highlight;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'ingest', 'api', 'fastapi', 'typer', 'jinja2'});"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_importing_search_loads_no_dictionary() -> None:
    code = "import sys, search, search.analysis as a; sys.exit(1 if a._segmenter is not None else 0)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
