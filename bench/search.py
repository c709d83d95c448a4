"""Search benchmark: both engines on the same generated archive, in one run → BENCHMARKS.md.

    .venv/bin/python -m bench.search [--sizes 10000,100000] [--engines whoosh,tantivy] [--per-kind 40]

For each size and engine: indexing docs/s with one writer (analysis in the writer's process, as
`dangan index rebuild`) and with analysis spread over worker processes, index size on disk, peak RSS of
the indexing process, query latency p50/p95/p99 with <mark> snippets for the top 10 (one user, and eight
at once), recall@10 and MRR on clean and on OCR-damaged documents, and whether every phrase hit really
holds the phrase. See bench/search_corpus.py for the corpus and the labelled queries.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil

from bench.report import DEFAULT_REPORT, machine, table, write_section
from bench.search_corpus import Labelled, Meta, iter_corpus, labelled_queries
from search import Highlighter, make_index, normalize, parse, search

SECTION = "search"
TARGETS = {"whoosh": (300.0, 100.0), "tantivy": (20.0, 500.0)}  # p95 ms single user, docs/s


class _PeakRss:
    """Peak resident memory of this process and its children, sampled (ru_maxrss survives exec)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                total = me.memory_info().rss + sum(c.memory_info().rss for c in me.children(recursive=True))
            except psutil.Error:
                total = 0
            self.peak = max(self.peak, total)
            self._stop.wait(0.1)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def _chunks(docs: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(itertools.islice(docs, size)):
        yield chunk


def _index_child(engine: str, directory: str, count: int, workers: int, queue: Any) -> None:
    """Build the index in a fresh process (so its peak RSS is the indexing's own) and report."""
    rss = _PeakRss()
    index = make_index(engine, directory, batch_size=2000).open_or_create()
    docs = (doc for doc, _ in iter_corpus(count))
    # The corpus generator's own cost is measured apart and taken out of the CPU figure.
    gen_started = time.process_time()
    for _ in iter_corpus(min(count, 2000)):
        pass
    gen_cpu = (time.process_time() - gen_started) * count / min(count, 2000)
    started, cpu_started = time.perf_counter(), time.process_time()
    if workers > 1:
        # Analysis of the next chunk runs in the workers while this process writes the current one;
        # never more than two chunks are in memory.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            ahead = None
            for chunk in _chunks(docs, 2000):
                analysed = pool.map_async(index.prepare, chunk, chunksize=25)
                if ahead is not None:
                    index.add_prepared(ahead.get())
                ahead = analysed
            if ahead is not None:
                index.add_prepared(ahead.get())
    else:
        index.add_documents(docs)
    elapsed = time.perf_counter() - started
    index.close()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu_started + children.ru_utime + children.ru_stime - gen_cpu
    queue.put((elapsed, rss.stop(), cpu))


def build(engine: str, directory: Path, count: int, workers: int) -> tuple[float, float, float]:
    """(seconds, peak RSS MB, CPU seconds) of indexing count documents into directory."""
    shutil.rmtree(directory, ignore_errors=True)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_index_child, args=(engine, str(directory), count, workers, queue))
    child.start()
    elapsed, peak, cpu = queue.get()
    child.join()
    return elapsed, peak, cpu


def _size_mb(directory: Path) -> float:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 2**20


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _one(index: Any, texts: dict[int, str], item: Labelled) -> tuple[float, list[int], list[str]]:
    started = time.perf_counter()
    node = parse(item.query)
    result = search(index, node, limit=10)
    marker = Highlighter(node)
    snippets = [marker.snippet(texts[hit.document_id]) for hit in result.hits]
    return (time.perf_counter() - started) * 1000, [hit.document_id for hit in result.hits], snippets


def run_queries(index: Any, texts: dict[int, str], queries: list[Labelled], threads: int) -> list[tuple]:
    """Each query's (latency ms, hit ids, snippets), run by threads at once."""
    if threads == 1:
        return [_one(index, texts, q) for q in queries]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda q: _one(index, texts, q), queries))


def quality(queries: list[Labelled], answers: list[tuple], texts: dict[int, str]) -> dict[str, Any]:
    """recall@10 and MRR per noise class, phrase correctness, and per-kind recall."""
    out: dict[str, Any] = {}
    for noisy in (False, True):
        pairs = [(q, a) for q, a in zip(queries, answers, strict=True) if q.noisy == noisy and q.relevant]
        recalls, ranks = [], []
        for q, (_, hits, _) in pairs:
            recalls.append(len(set(hits) & q.relevant) / min(10, len(q.relevant)))
            rank = next((i + 1 for i, h in enumerate(hits) if h in q.relevant), None)
            ranks.append(1 / rank if rank else 0.0)
        label = "noisy" if noisy else "clean"
        out[f"recall_{label}"] = statistics.mean(recalls) if recalls else float("nan")
        out[f"mrr_{label}"] = statistics.mean(ranks) if ranks else float("nan")
        for kind in sorted({q.kind for q, _ in pairs}):
            kind_recalls = [r for (q, _), r in zip(pairs, recalls, strict=True) if q.kind == kind]
            out.setdefault("kinds", {})[(label, kind)] = statistics.mean(kind_recalls)
    checked = correct = 0
    for q, (_, hits, _) in zip(queries, answers, strict=True):
        if q.phrase:
            target = normalize(q.phrase)
            for hit in hits:
                checked += 1
                correct += target in normalize(texts[hit])
    out["phrase_correct"] = correct / checked if checked else float("nan")
    return out


def measure_queries(
    row: dict[str, Any], engine: str, directory: Path, texts: dict[int, str], queries: list[Labelled]
) -> None:
    """Latency (1 and 8 at once), recall, MRR and phrase correctness of the queries on the index in directory."""
    index = make_index(engine, directory).open_or_create()
    run_queries(index, texts, queries[:20], 1)  # warm the caches
    for threads in (1, 8):
        print(
            f"[bench.search] {engine}: {len(queries)} queries, {threads} at once", file=sys.stderr, flush=True
        )
        answers = run_queries(index, texts, queries, threads)
        latencies = [a[0] for a in answers]
        row[f"p50_{threads}"] = _percentile(latencies, 0.5)
        row[f"p95_{threads}"] = _percentile(latencies, 0.95)
        row[f"p99_{threads}"] = _percentile(latencies, 0.99)
        if threads == 1:
            row |= quality(queries, answers, texts)
            by_kind: dict[str, list[float]] = {}
            for q, a in zip(queries, answers, strict=True):
                by_kind.setdefault(q.kind, []).append(a[0])
            row["kind_p95"] = {k: _percentile(v, 0.95) for k, v in by_kind.items()}
    index.close()


def requery(engine: str, count: int, directory: Path, per_kind: int) -> str:
    """Queries only, on an index of the same corpus built earlier (after a query-side change)."""
    metas = [meta for _, meta in iter_corpus(count)]
    texts = {m.document_id: m.indexed for m in metas}
    queries = labelled_queries(metas, per_kind=per_kind)
    row: dict[str, Any] = {"engine": engine, "docs": count}
    measure_queries(row, engine, directory, texts, queries)
    kinds = sorted(row["kind_p95"])
    return (
        f"Queries only, {engine} at {count:,} documents, on the index built by the run above, after a "
        f"query-side change; {len(queries)} queries:\n\n"
        + table(
            [
                "p50/p95/p99 ms (1 user)",
                "p50/p95/p99 ms (8 at once)",
                "recall@10 clean",
                "recall@10 noisy",
                "phrase hits correct",
            ]
            + [f"p95 ms {k}" for k in kinds],
            [
                [
                    f"{row['p50_1']:.1f} / {row['p95_1']:.1f} / {row['p99_1']:.1f}",
                    f"{row['p50_8']:.1f} / {row['p95_8']:.1f} / {row['p99_8']:.1f}",
                    f"{row['recall_clean']:.3f}",
                    f"{row['recall_noisy']:.3f}",
                    f"{row['phrase_correct']:.3f}",
                ]
                + [f"{row['kind_p95'][k]:.1f}" for k in kinds]
            ],
        )
    )


def bench_size(count: int, engines: list[str], per_kind: int, workdir: Path) -> list[dict[str, Any]]:
    print(f"[bench.search] generating {count} documents", file=sys.stderr, flush=True)
    metas: list[Meta] = [meta for _, meta in iter_corpus(count)]
    texts = {m.document_id: m.indexed for m in metas}
    queries = labelled_queries(metas, per_kind=per_kind)
    rows = []
    for engine in engines:
        row: dict[str, Any] = {"engine": engine, "docs": count}
        directory = workdir / f"{engine}-{count}"
        print(f"[bench.search] {engine} {count}: indexing, one writer", file=sys.stderr, flush=True)
        seconds, peak, cpu = build(engine, directory / "single", count, workers=1)
        row |= {"rate_single": count / seconds, "peak_rss_mb": peak, "cpu_rate_single": count / cpu}
        print(
            f"[bench.search] {engine} {count}: {count / seconds:.0f} docs/s; 2 analysis processes",
            file=sys.stderr,
            flush=True,
        )
        seconds_mp, peak_mp, cpu_mp = build(engine, directory / "multi", count, workers=2)
        row |= {
            "rate_multi": count / seconds_mp,
            "peak_rss_multi_mb": peak_mp,
            "cpu_rate_multi": count / cpu_mp,
        }
        shutil.rmtree(directory / "multi", ignore_errors=True)
        row["size_mb"] = _size_mb(directory / "single")
        measure_queries(row, engine, directory / "single", texts, queries)
        shutil.rmtree(directory, ignore_errors=True)
        print(f"[bench.search] {row}", file=sys.stderr, flush=True)
        rows.append(row)
    return rows


def render(rows: list[dict[str, Any]], per_kind: int, queries: int) -> str:
    """The BENCHMARKS.md section."""
    head = (
        "## Search (`python -m bench.search`)\n\n"
        f"{machine()} · generated Chinese business records (1–3 KB, 25% with OCR noise), "
        f"{queries} labelled queries per size ({per_kind} per kind and noise class: customer name, contract "
        "number in OCR variants, customer+type filter, customer+year filter, body phrase). Latency is one "
        "search for the top 10 plus a `<mark>` snippet for each hit, cut from the text as the database holds it."
    )
    main = table(
        [
            "engine",
            "docs",
            "docs/s (1 writer)",
            "docs/s (2 analysis procs)",
            "docs per CPU-s (1 writer / 2 procs)",
            "index MB",
            "peak RSS MB",
            "p50/p95/p99 ms (1 user)",
            "p50/p95/p99 ms (8 at once)",
            "recall@10 clean",
            "recall@10 noisy",
            "MRR clean",
            "MRR noisy",
            "phrase hits correct",
        ],
        [
            [
                r["engine"],
                f"{r['docs']:,}",
                f"{r['rate_single']:.0f}",
                f"{r['rate_multi']:.0f}",
                f"{r['cpu_rate_single']:.0f} / {r['cpu_rate_multi']:.0f}",
                f"{r['size_mb']:.0f}",
                f"{max(r['peak_rss_mb'], r['peak_rss_multi_mb']):.0f}",
                f"{r['p50_1']:.1f} / {r['p95_1']:.1f} / {r['p99_1']:.1f}",
                f"{r['p50_8']:.1f} / {r['p95_8']:.1f} / {r['p99_8']:.1f}",
                f"{r['recall_clean']:.3f}",
                f"{r['recall_noisy']:.3f}",
                f"{r['mrr_clean']:.3f}",
                f"{r['mrr_noisy']:.3f}",
                f"{r['phrase_correct']:.3f}",
            ]
            for r in rows
        ],
    )
    kinds = sorted({k for r in rows for k in r.get("kinds", {})})
    per_kind_table = table(
        ["engine", "docs"] + [f"{label} {kind}" for label, kind in kinds],
        [
            [r["engine"], f"{r['docs']:,}"] + [f"{r['kinds'].get(k, float('nan')):.3f}" for k in kinds]
            for r in rows
        ],
    )
    kind_names = sorted({k for r in rows for k in r.get("kind_p95", {})})
    latency_table = table(
        ["engine", "docs"] + [f"p95 ms {k}" for k in kind_names],
        [
            [r["engine"], f"{r['docs']:,}"]
            + [f"{r['kind_p95'].get(k, float('nan')):.1f}" for k in kind_names]
            for r in rows
        ],
    )
    verdicts = []
    for r in rows:
        p95_target, rate_target = TARGETS[r["engine"]]
        checks = [
            ("p95 single user", r["p95_1"] < p95_target, f"{r['p95_1']:.0f} ms vs < {p95_target:.0f}"),
            (
                "indexing",
                max(r["rate_single"], r["rate_multi"]) >= rate_target,
                f"{r['rate_single']:.0f} docs/s one writer, {r['rate_multi']:.0f} with 2 analysis processes, "
                f"{r['cpu_rate_single']:.0f} per CPU-second; vs ≥ {rate_target:.0f}",
            ),
            ("recall clean", r["recall_clean"] >= 0.97, f"{r['recall_clean']:.3f} vs ≥ 0.97"),
            ("recall noisy", r["recall_noisy"] >= 0.9, f"{r['recall_noisy']:.3f} vs ≥ 0.9"),
            ("phrases", r["phrase_correct"] == 1.0, f"{r['phrase_correct']:.3f}"),
            (
                "peak RSS",
                max(r["peak_rss_mb"], r["peak_rss_multi_mb"]) < 1024,
                f"{max(r['peak_rss_mb'], r['peak_rss_multi_mb']):.0f} MB vs < 1024",
            ),
        ]
        verdicts.append(
            f"- {r['engine']} at {r['docs']:,}: "
            + "; ".join(f"{name} {'met' if ok else '**missed**'} ({detail})" for name, ok, detail in checks)
        )
    return "\n\n".join(
        [
            head,
            main,
            "Recall@10 per query kind:",
            per_kind_table,
            "p95 latency per query kind (1 user):",
            latency_table,
            "Against the targets of issue 4:",
            "\n".join(verdicts),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--engines", default="whoosh,tantivy")
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=DEFAULT_REPORT)
    parser.add_argument("--no-report", action="store_true", help="print only")
    parser.add_argument(
        "--requery",
        type=Path,
        default=None,
        help="queries only, on this index of --sizes (one) and --engines (one)",
    )
    args = parser.parse_args(argv)
    if args.requery is not None:
        body = requery(args.engines, int(args.sizes), args.requery, args.per_kind)
        print(body)
        if not args.no_report:
            write_section(f"{SECTION}-requery-{args.engines}-{args.sizes}", body, args.out)
        return 0
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dangan-bench-search-"))
    engines = args.engines.split(",")
    rows: list[dict[str, Any]] = []
    queries = 0
    for size in (int(s) for s in args.sizes.split(",")):
        rows += bench_size(size, engines, args.per_kind, workdir)
        queries = 10 * args.per_kind
        body = render(rows, args.per_kind, queries)
        print(body)
        if not args.no_report:
            print(f"[bench.search] wrote {write_section(SECTION, body, args.out)}", file=sys.stderr)
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    os.sync()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
