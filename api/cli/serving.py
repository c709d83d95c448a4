"""`dangan serve`: one process (web and, unless DANGAN_SERVE_WORKER=false, the job worker in threads), or N web
processes (uvicorn workers) with one `dangan worker` process beside them.

With N processes the index keeps a single writer — the worker process, which runs every job that indexes —
and every web process reads it (each reopens it when a commit lands). Prometheus counters of all of them,
the worker included, go to one PROMETHEUS_MULTIPROC_DIR (made here when not given), so /metrics in any web
process shows the sum. The database is migrated once, here, before any process starts.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from core.logs import configure_logging
from core.settings import Settings

# Not imported from workflows.metrics: importing prometheus_client fixes the mode of this process's metrics,
# which must wait until the folder is settled.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def metrics_dir() -> tuple[Path, bool]:
    """The folder every process of this machine counts into: PROMETHEUS_MULTIPROC_DIR (created when missing;
    its operator empties it before the processes start), or a new one for this run (True: ours to remove)."""
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        return path, False
    path = Path(tempfile.mkdtemp(prefix="dangan-metrics-"))
    os.environ[MULTIPROC_ENV] = str(path)
    return path, True


def serve_processes(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Serve until stopped (SIGINT/SIGTERM); with workers > 1, also run and then stop the worker process."""
    configure_logging(json_lines=settings.log_format == "json", level=settings.log_level)
    if workers <= 1:
        from api.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, log_config=None, access_log=False)
        return
    folder, made = metrics_dir()  # before anything imports prometheus_client in a child
    from workflows.runtime import Runtime
    from workflows.setup import initialise

    runtime = Runtime(settings)
    try:
        initialise(runtime)
    finally:
        runtime.close()
    worker = None
    if settings.serve_worker:
        worker = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import main; main()", "worker"], env=os.environ.copy()
        )
    os.environ["DANGAN_SERVE_WORKER"] = "false"  # the web processes only serve
    try:
        uvicorn.run("api.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
                    log_config=None, access_log=False)  # fmt: skip
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGINT)  # huey's consumer stops gracefully on SIGINT
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        if made:
            shutil.rmtree(folder, ignore_errors=True)


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, max=64, help="Web processes (default DANGAN_WEB_WORKERS).")
    ] = None,
) -> None:
    """Serve the web UI and API. One process runs the job worker in-process (unless DANGAN_SERVE_WORKER=false);
    with --workers N > 1 the N web processes only serve, and one `dangan worker` process beside them works the
    queue and writes the index (its single writer); all share the index for reading and their metrics."""
    settings = Settings()
    serve_processes(settings, host=host or settings.host, port=port or settings.port,
                    workers=workers or settings.web_workers)  # fmt: skip
