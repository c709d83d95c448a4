"""Prometheus metrics (issue 14): what the processes count as they work, and what the database and the queue
say at scrape time.

Counters and histograms live in each process (prometheus-client). When `dangan serve --workers N` runs several
processes it sets PROMETHEUS_MULTIPROC_DIR before any of them starts, and every process (web workers and the
job worker alike) writes its values there; a scrape sums them (prometheus-client's multiprocess mode). The
state read at scrape time — jobs' last runs, queue depth, documents by state — comes from the database and the
queue, so any process answers the same.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func, select

CONTENT_TYPE = CONTENT_TYPE_LATEST
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

INGESTED = Counter("dangan_ingest_documents", "Files taken in, by outcome (ingested, duplicate, rejected, failed…)",
                   ["outcome"])  # fmt: skip
INGEST_SECONDS = Histogram(
    "dangan_ingest_seconds", "Seconds to read, file and index one document (queue and upload path)",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)  # fmt: skip
PAGES = Counter("dangan_ingest_pages", "Pages read (text layer or OCR)")
OCR_PAGES = Counter("dangan_ocr_pages", "Pages read by OCR")
OCR_SECONDS = Counter("dangan_ocr_seconds", "Seconds of OCR work; OCR pages/s = rate(pages) / rate(seconds)")
SEARCH_SECONDS = Histogram(
    "dangan_search_seconds", "Seconds per search (permission scope, engine, snippets)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5),
)  # fmt: skip
JOB_RUNS = Counter(
    "dangan_job_runs", "Scheduled job attempts by this process, by job and result", ["job", "state"]
)
HTTP_SECONDS = Histogram("dangan_http_seconds", "Seconds per web or API request, by route group",
                         ["group"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10))  # fmt: skip


def record_file(outcome: str, pages: int = 0, ocr_pages: int = 0, ocr_seconds: float = 0.0) -> None:
    """Count one file taken in."""
    INGESTED.labels(outcome).inc()
    PAGES.inc(pages)
    OCR_PAGES.inc(ocr_pages)
    OCR_SECONDS.inc(ocr_seconds)


class _StateCollector:
    """Jobs' last runs, queue depth and documents by state, read when scraped."""

    def __init__(self, runtime: Any, queue: Any) -> None:
        self.runtime, self.queue = runtime, queue

    def collect(self) -> Iterator[Any]:
        from core.job_runs import last_runs
        from records.models import Document

        with self.runtime.factory() as session:
            runs = last_runs(session)
            states = dict(
                session.execute(select(Document.state, func.count()).group_by(Document.state)).all()
            )
        last = GaugeMetricFamily(
            "dangan_job_last_run_timestamp_seconds", "When each job last ran", labels=["job"]
        )
        ok = GaugeMetricFamily("dangan_job_last_success_timestamp_seconds", "When each job last succeeded",
                               labels=["job"])  # fmt: skip
        failing = GaugeMetricFamily(
            "dangan_job_failing", "1 when a job's newest attempt failed", labels=["job"]
        )
        total = CounterMetricFamily("dangan_job_runs_recorded", "Attempts recorded per job and result",
                                    labels=["job", "state"])  # fmt: skip
        for name, run in sorted(runs.items()):
            last.add_metric([name], run.started_at.timestamp())
            if run.last_ok_at is not None:
                ok.add_metric([name], run.last_ok_at.timestamp())
            failing.add_metric([name], 1.0 if run.state == "failed" else 0.0)
            total.add_metric([name, "failed"], run.failures)
            total.add_metric([name, "all"], run.runs)
        yield from (last, ok, failing, total)
        docs = GaugeMetricFamily("dangan_documents", "Documents by processing state", labels=["state"])
        for state, count in sorted(states.items()):
            docs.add_metric([state], count)
        yield docs
        depth = GaugeMetricFamily("dangan_queue_depth", "Jobs waiting in the queue (and scheduled for later)",
                                  labels=["kind"])  # fmt: skip
        if self.queue is not None:
            depth.add_metric(["pending"], self.queue.pending_count())
            depth.add_metric(["scheduled"], self.queue.scheduled_count())
        yield depth


def exposition(runtime: Any, queue: Any) -> bytes:
    """Every metric in Prometheus text format: this process's (or all processes') and the state's."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    state = CollectorRegistry()
    state.register(_StateCollector(runtime, queue))
    return generate_latest(registry) + generate_latest(state)


class timed:
    """Observe the seconds of a block on a histogram (a context manager)."""

    def __init__(self, histogram: Any) -> None:
        self.histogram = histogram

    def __enter__(self) -> timed:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.histogram.observe(time.perf_counter() - self.started)
