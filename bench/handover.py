"""Handover lists at scale: numbering under concurrent acceptances, and the late list of a large archive.

    .venv/bin/python -m bench.handover [--accept 200] [--threads 16] [--lists 5000] [--database-url URL] [--no-write]

1. `accept` lists are prepared, signed by A and B, then accepted by the archivist — once one after another,
   once from `threads` threads at the same time — each acceptance numbering the matter from the gapless
   series (one UPDATE on the series row, CLS-4), creating its paper item and moving it into a box. The
   sequential run is the reference: the ratio says what queuing on the series row costs.
2. `lists` open lists are inserted in bulk, half of them past their deadline; `handover list --late` for an
   archivist (the SQL filter, then one view per list) is timed against the same listing without the filter.

Figures go to BENCHMARKS.md (section `handover`).
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from access.models import User
from bench.report import machine, table, write_section
from core.settings import Settings
from custody.handover_models import Handover, HandoverItem
from custody.handovers import Line
from tests.api.world import build_world
from tests.conftest import fresh_database_url
from workflows import custody, handovers
from workflows.runtime import Runtime
from workflows.setup import initialise

TODAY = date(2026, 3, 9)
BOX = "总部/档案室/A柜/2层/03盒"
PATTERN = "{prefix}〔{year}〕第{n:03d}号"


def _ready_lists(runtime: Runtime, world, count: int, prefix: str) -> list[int]:  # type: ignore[no-untyped-def]
    """`count` lists signed by A and B, waiting for the archive."""
    ids = []
    with runtime.factory() as session, session.begin():
        alice = session.get_one(User, world.users["alice"])
        for k in range(count):
            ids.append(handovers.create_handover(session, title=f"事项{k}", customer_id=world.customers["c1"],
                                                 reviewer="bob", lines=[Line("借款合同", 1, 12)], actor=alice,
                                                 today=TODAY, prefix=prefix).id)  # fmt: skip
    for login, extra in (("alice", {}), ("bob", {"as_listed": True})):
        with runtime.factory() as session, session.begin():
            actor = session.get_one(User, world.users[login])
            for handover_id in ids:
                handovers.sign_handover(session, handover_id=handover_id, actor=actor, today=TODAY, pattern=PATTERN,
                                        **extra)  # fmt: skip
    return ids


def _accept(runtime: Runtime, world, handover_id: int) -> str:  # type: ignore[no-untyped-def]
    with runtime.factory() as session, session.begin():
        actor = session.get_one(User, world.users["archivist"])
        return handovers.sign_handover(session, handover_id=handover_id, actor=actor, today=TODAY, pattern=PATTERN,
                                       as_listed=True, location=BOX).number or ""  # fmt: skip


def _gapless(numbers: list[str]) -> bool:
    return sorted(int(re.search(r"第(\d+)号", n).group(1)) for n in numbers) == list(
        range(1, len(numbers) + 1)
    )


def _bulk_lists(runtime: Runtime, world, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` open lists owed by A, every other one past its deadline."""
    rows = [
        {"kind": "file", "title": f"批量事项{k}", "customer_id": world.customers["c1"], "preparer_id": world.users["alice"],
         "reviewer_id": world.users["bob"], "status": "preparing", "finished_on": TODAY - timedelta(days=30),
         "preparer_due": TODAY - timedelta(days=1) if k % 2 else TODAY + timedelta(days=3), "due_estimated": False,
         "prefix": "鸿借字", "created_by": "alice"}
        for k in range(count)
    ]  # fmt: skip
    with runtime.factory() as session, session.begin():
        session.execute(insert(Handover), rows)
        ids = list(session.scalars(select(Handover.id).where(Handover.title.like("批量事项%"))))
        session.execute(insert(HandoverItem), [{"handover_id": i, "position": 1, "title": "合同", "pieces": 1,
                                                "pages": 3, "certificate_no": "", "remarks": ""} for i in ids])  # fmt: skip


def _timed_list(runtime: Runtime, world, *, late: bool) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    with runtime.factory() as session, session.begin():
        actor = session.get_one(User, world.users["archivist"])
        t0 = time.perf_counter()
        rows = handovers.list_handovers(session, actor=actor, as_of=TODAY, late=late, open_only=True)
        return time.perf_counter() - t0, len(rows)


def run(accept: int, threads: int, lists: int, database_url: str | None) -> dict:
    """Both measurements on a fresh archive; the figures."""
    with tempfile.TemporaryDirectory(prefix="dangan-bench-handover-") as home:
        settings = Settings(
            home=Path(home), database_url=database_url, queue_backend="immediate", _env_file=None
        )
        runtime = Runtime(settings)
        initialise(runtime)
        world = build_world(None, runtime)
        with runtime.factory() as session, session.begin():
            custody.add_location(
                session, path=BOX, kind="box", actor=session.get_one(User, world.users["archivist"])
            )
        sequential_ids = _ready_lists(runtime, world, accept, "鸿借字")
        t0 = time.perf_counter()
        sequential = [_accept(runtime, world, i) for i in sequential_ids]
        t_seq = time.perf_counter() - t0
        concurrent_ids = _ready_lists(runtime, world, accept, "鸿担字")
        t0 = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            concurrent = list(pool.map(lambda i: _accept(runtime, world, i), concurrent_ids))
        t_con = time.perf_counter() - t0
        _bulk_lists(runtime, world, lists)
        t_all, n_all = _timed_list(runtime, world, late=False)
        t_late, n_late = _timed_list(runtime, world, late=True)
        runtime.close()
    return {"accept": accept, "threads": threads, "t_seq": t_seq, "t_con": t_con, "gapless_seq": _gapless(sequential),
            "gapless_con": _gapless(concurrent), "lists": lists, "t_all": t_all, "n_all": n_all, "t_late": t_late,
            "n_late": n_late, "db": "PostgreSQL" if database_url else "SQLite"}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accept", type=int, default=200)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--lists", type=int, default=5000)
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL (a fresh schema is made); default SQLite."
    )
    parser.add_argument("--no-write", action="store_true", help="Print only; leave BENCHMARKS.md alone.")
    args = parser.parse_args()
    results = []
    for url in [None, args.database_url] if args.database_url else [None]:
        if url is None:
            results.append(run(args.accept, args.threads, args.lists, None))
        else:
            import os

            os.environ["DANGAN_TEST_DATABASE_URL"] = url
            import tests.conftest as conf

            conf.PG_URL = url
            with fresh_database_url() as schema_url:
                results.append(run(args.accept, args.threads, args.lists, schema_url))
    rows = []
    for f in results:
        rows += [
            [f["db"], f"accept {f['accept']} lists one after another (reference)", f"{f['accept'] / f['t_seq']:.0f}/s",
             "1.00", "yes" if f["gapless_seq"] else "**NO**"],
            [f["db"], f"accept {f['accept']} lists from {f['threads']} threads", f"{f['accept'] / f['t_con']:.0f}/s",
             f"{f['t_seq'] / f['t_con']:.2f}", "yes" if f["gapless_con"] else "**NO**"],
            [f["db"], f"list all {f['n_all']} open lists (reference)", f"{f['t_all'] * 1000:.0f} ms", "1.00", ""],
            [f["db"], f"list --late: {f['n_late']} of them", f"{f['t_late'] * 1000:.0f} ms",
             f"{f['t_all'] / f['t_late']:.2f}", ""],
        ]  # fmt: skip
    body = "\n".join([
        "## Handover lists (bench/handover.py)",
        "",
        f"Machine: {machine()}. Each acceptance numbers the matter (one UPDATE on the series row), creates its",
        "paper item and its movement, and writes one audit event. Ratio: reference time / time (above 1 faster).",
        "",
        table(["database", "measure", "value", "ratio", "numbers gapless"], rows),
    ])  # fmt: skip
    print(body)
    if not args.no_write:
        write_section("handover", body)


if __name__ == "__main__":
    main()
