"""Web UI render times: the search page and the document page over a large archive (issue 5: p95 < 150 ms
at 100k documents).

    nice -n 5 .venv/bin/python -m bench.web --docs 100000 [--home bench/out/web] [--reuse] [--write]

The archive is built quickly: the fixture company (tests/api/world.py), customer files, and N filed
documents inserted as bulk rows (text from the search benchmark's corpus, bench.search_corpus, one page
each, levels mixed so the permission filter has work to do), then indexed by workflows.indexing.rebuild_from_database (the code of
`dangan index rebuild`). Pages are requested in-process (Starlette's TestClient: routing, sign-in,
permission check, audit write, template) as staff member bob of sales1, who reads internal documents and
sales1's department documents; wall time per request, after a warm-up. --write puts the table in
BENCHMARKS.md (section "web").
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
import uuid
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, insert, select

from bench.report import machine, table, write_section
from bench.search_corpus import iter_corpus

LEVELS = ("internal",) * 7 + ("department",) * 2 + ("personal",)
TYPES = {"借款合同": "contract", "保证合同": "contract", "抵押合同": "contract", "营业执照": "licence"}
TYPES |= {"催款函": "correspondence", "律师函": "correspondence", "不动产权证书": "title_deed"}
TYPES |= {"服务记录": "service_record"}
CHUNK = 5000
# Broad words and phrases (each matches 10–40% of the archive), field filters, dates, negation.
QUERIES = (
    "借款",
    "担保 合同",
    '"连带责任保证"',
    "抵押 登记",
    "违约金",
    "授信 额度",
    "借款 -抵押",
    "回访",
    "借款合同",
    "保证合同 date:2022",
    "还款 期限",
    "营业执照",
    "律师函 利息",
    "type:contract 利息",
    "不动产权证书",
    "服务记录 满意",
)


def _settings(home: Path):  # type: ignore[no-untyped-def]
    from core.settings import Settings

    return Settings(home=home, queue_backend="immediate", ocr_workers=1, _env_file=None)


def build(home: Path, count: int) -> None:
    """The archive: users, customer files, count documents as bulk rows, then the index."""
    from records.models import Customer, Document, Page
    from tests.api.world import build_world
    from workflows.indexing import rebuild_from_database
    from workflows.runtime import Runtime
    from workflows.setup import initialise

    runtime = Runtime(_settings(home))
    initialise(runtime)
    build_world(None, runtime)
    started = time.perf_counter()
    with runtime.factory() as session:
        first = (session.scalar(select(func.max(Document.id))) or 0) + 1
    customers: dict[str, int] = {}
    rng = random.Random(5)
    corpus = iter_corpus(count)
    for start in range(0, count, CHUNK):
        chunk = [doc for doc, _meta in islice(corpus, CHUNK)]
        with runtime.factory() as session, session.begin():
            for name in sorted({d.customer for d in chunk} - customers.keys()):
                n = len(customers)
                customer = Customer(
                    name=name, department=("sales1", "sales2")[n % 2], owner=("alice", "bob", "carol")[n % 3]
                )
                session.add(customer)
                session.flush()
                customers[name] = customer.id
            session.execute(
                insert(Document), [_row(first + start + k, d, customers, rng) for k, d in enumerate(chunk)]
            )
            session.execute(
                insert(Page),
                [
                    {
                        "document_id": first + start + k,
                        "number": 1,
                        "text": d.text,
                        "method": "ocr",
                        "confidence": 88.0,
                    }
                    for k, d in enumerate(chunk)
                ],
            )
    print(f"{count} rows in {time.perf_counter() - started:.0f}s; indexing…", flush=True)
    started = time.perf_counter()
    rebuild_from_database(
        runtime.factory,
        runtime.settings.index_dir,
        engine=runtime.settings.search_engine,
        chunk=2000,
        workers=2,
    )
    print(f"indexed in {time.perf_counter() - started:.0f}s", flush=True)
    runtime.close()


def _row(document_id: int, d: Any, customers: dict[str, int], rng: random.Random) -> dict[str, Any]:
    """A filed document's row from a corpus entry (its level drawn here, so the permission filter works)."""
    return {
        "id": document_id,
        "sha256": uuid.uuid4().hex + uuid.uuid4().hex,
        "size": len(d.text.encode()),
        "mime": "application/pdf",
        "original_filename": f"{d.title}.pdf",
        "object_key": f"originals/bench/{document_id}",
        "title": d.title,
        "doc_type": TYPES.get(d.doc_type),
        "customer_id": customers[d.customer],
        "archive_no": f"{d.archive_no}-{document_id}",
        "level": rng.choice(LEVELS),
        "state": "indexed",
        "page_count": 1,
        "pages_done": 1,
        "doc_date": d.doc_date,
        "extracted": {},
        "review_reasons": [],
        "created_by": "bench",
    }


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(home: Path, rounds: int) -> list[tuple[str, int, float, float, float]]:
    """(page, requests, p50, p95, max) in ms."""
    from fastapi.testclient import TestClient

    from access.models import User
    from access.policy import readable_filter
    from api.app import create_app
    from records.models import Document
    from tests.api.world import PASSWORD

    app = create_app(_settings(home), start_worker=False)
    out = []
    with TestClient(app, base_url="http://127.0.0.1") as client:
        runtime = app.state.runtime
        assert client.post("/login", data={"login": "bob", "password": PASSWORD}).status_code == 200
        with runtime.factory() as session:
            bob = session.scalar(select(User).where(User.login == "bob"))
            readable = session.scalars(
                select(Document.id).where(readable_filter(session, bob)).order_by(func.random()).limit(rounds)
            ).all()
        rng = random.Random(3)
        pages = {
            "search (20 hits, facets)": [f"/search?q={quote(rng.choice(QUERIES))}" for _ in range(rounds)],
            "search page 5, sorted by date": [
                f"/search?q={quote(rng.choice(QUERIES))}&sort=-date&page=5" for _ in range(rounds)
            ],
            "document": [f"/documents/{i}" for i in readable],
        }
        for name, urls in pages.items():
            # Warm-up: templates compiled, segments opened, and each search once (its posting lists read
            # and cached, as after a little use; the cold case is measured on its own, _cold).
            for url in list(dict.fromkeys(urls))[:50] if name.startswith("search") else urls[:5]:
                client.get(url)
            times, found = [], 0
            for url in urls:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                found += 'class="hit"' in response.text or "page-text" in response.text
            assert found, f"{name}: no page showed a hit or a document: the archive is not what it should be"
            out.append((name, len(times), statistics.median(times), _percentile(times, 0.95), max(times)))
        out += _engine_share(runtime, rounds, rng)
        out += _cold(client, max(20, rounds // 4), rng)
    return out


def _cold(client: Any, rounds: int, rng: random.Random) -> list[tuple[str, int, float, float, float]]:
    """The search page when its words were never searched since start: the posting cache emptied first."""
    from search import whoosh_arrays as vector

    times = []
    for _ in range(rounds):
        url = f"/search?q={quote(rng.choice(QUERIES))}"
        vector.POSTINGS.clear()
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    label = "search, words not cached (worst case)"
    return [(label, len(times), statistics.median(times), _percentile(times, 0.95), max(times))]


def _engine_share(
    runtime: Any, rounds: int, rng: random.Random
) -> list[tuple[str, int, float, float, float]]:
    """workflows.reading.run_search alone (scope, index, facets, snippets, audit): the page's search share; and,
    as the reference measured in the same run, the same calls through Whoosh's own collectors."""
    from access.models import User
    from search import query as search_query
    from search import whoosh_arrays as vector
    from workflows import searching

    def whoosh_collectors(*_: Any, **__: Any) -> None:
        raise vector.Unsupported("reference: Whoosh's collectors")

    rows = []
    for label, facets, classic, count in (
        ("  of which run_search, facets", True, False, rounds),
        ("  of which run_search, no facets", False, False, rounds),
        ("reference: run_search on Whoosh's collectors, facets", True, True, max(10, rounds // 6)),
    ):
        times = []
        saved = search_query._vector_search
        if classic:
            search_query._vector_search = whoosh_collectors  # type: ignore[assignment]
        try:
            for _ in range(count):
                query = rng.choice(QUERIES)
                t0 = time.perf_counter()
                with runtime.factory() as session, session.begin():
                    bob = session.scalar(select(User).where(User.login == "bob"))
                    searching.run_search(
                        session, runtime.index, query=query, user=bob, limit=20, facets=facets
                    )
                times.append((time.perf_counter() - t0) * 1000)
        finally:
            search_query._vector_search = saved  # type: ignore[assignment]
        rows.append((label, len(times), statistics.median(times), _percentile(times, 0.95), max(times)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--home", type=Path, default=Path("bench/out/web"))
    parser.add_argument("--reuse", action="store_true", help="measure the archive already in --home")
    parser.add_argument("--write", action="store_true", help="write the figures into BENCHMARKS.md")
    # issue 14: users searching at once over HTTP against `dangan serve --workers N` for each N given
    parser.add_argument("--processes", help="e.g. 1,2: measure concurrent users against N web processes")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    if args.processes:
        return _concurrent(args, parser)
    if not args.reuse:
        if (args.home / "dangan.db").exists():
            parser.error(f"{args.home} holds an archive: remove it or pass --reuse")
        build(args.home, args.docs)
    rows = measure(args.home, args.rounds)
    rendered = table(
        ["page", "requests", "p50 ms", "p95 ms", "max ms"],
        [(n, c, f"{p50:.1f}", f"{p95:.1f}", f"{mx:.1f}") for n, c, p50, p95, mx in rows],
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rendered += f"\n\nPeak RSS of the benchmark process (app, index searchers, caches): {peak:,.0f} MiB."
    print(rendered)
    if args.write:
        body = (
            f"## Web UI render times\n\n`python -m bench.web --docs {args.docs}`: {args.docs:,} documents "
            "(bulk rows from bench.search_corpus, one page of 350–1000 characters each, a quarter with OCR noise), "
            "SQLite, the default search engine; "
            "in-process requests as a staff member (sign-in, permission check, audit write, template), "
            f"wall time after warm-up. Target: p95 < 150 ms.\n\n{rendered}\n\n{machine()}\n"
        )
        write_section("web", body)
    return 0


def _concurrent(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from bench.web_concurrent import run_load

    if not (args.home / "dangan.db").exists():
        build(args.home, args.docs)
    elif not args.reuse:
        parser.error(f"{args.home} holds an archive: remove it or pass --reuse")
    # References in the same run: one user alone against one process, then the users against 1, N… processes.
    plan = [(1, 1)] + [(int(n), args.users) for n in args.processes.split(",")]
    rows = [run_load(args.home, n, users, args.seconds, QUERIES) for n, users in plan]
    alone, first = rows[0][4], rows[1][4]
    rendered = table(
        ["web processes", "users", "requests", "p50 ms", "p95 ms", "max ms", "requests/s", "p95 vs 1 process",
         "p95 vs 1 user", "load average"],
        [(n, u, c, f"{p50:.1f}", f"{p95:.1f}", f"{mx:.1f}", f"{rps:.1f}", f"{p95 / first:.2f}×",
          f"{p95 / alone:.2f}×", f"{load:.1f}") for n, u, c, p50, p95, mx, rps, load in rows],
    )  # fmt: skip
    print(rendered)
    if args.write:
        body = (
            f"## Concurrent search over HTTP, 1 vs N web processes\n\n`python -m bench.web --docs {args.docs} "
            f"--processes {args.processes} --users {args.users} --seconds {args.seconds:g}`: {args.docs:,} "
            f"documents; {args.users} users (threads, one connection each, signed in as bob) searching back to "
            f"back for {args.seconds:g} s against `dangan serve --workers N` (SQLite, Whoosh; each search "
            "permission-filtered, with facets, audited), after a warm-up; the first row is one user alone "
            "against one process. Load average: the machine's, 1 minute, at the end of the row (the machine is "
            f"shared). Target: p95 < 100 ms at 100k documents.\n\n{rendered}\n\n{machine()}\n"
        )
        write_section("web-processes", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
