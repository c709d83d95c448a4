"""Custody ledgers at scale: 100k paper items and 1M movements, filtered pages and exports.

    .venv/bin/python -m bench.custody [--items 100000] [--movements 1000000] [--pg URL] [--runs 30] [--no-write]

Rows are inserted in bulk (customers, a location tree of ~1,000 boxes and a safe, items, movements in an
interleaved order as years of moves would leave them, ~5% of items out on loan, some destroyed). Each ledger
query is the one the page, the REST route and the CLI run (custody.ledgers.item_page: a filtered page of 50
with its total), timed over --runs runs; p95 must stay under 200 ms. The place is the destination of the
latest movement, the one add_movement marked `latest` (here one UPDATE after the bulk insert). For the cabinet
filter two references are measured in the same run: the page as it was read before the mark (items newest
first, each one's latest movement by max(id), a capped count) and the naive way (GROUP BY item_id → max(id)
over all movements). Exports: the whole archive
ledger to XLSX, one cabinet to PDF. Figures go to BENCHMARKS.md (section `custody`).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text, update
from sqlalchemy.orm import aliased

from access.models import User
from bench.report import machine, table, write_section
from core.settings import Settings
from custody import ledgers, printing
from custody.ledgers import LedgerFilter
from custody.models import Item, Loan, LoanItem, Location, Movement
from records.models import Customer
from workflows.runtime import Runtime
from workflows.setup import initialise

TZ = "Asia/Shanghai"
CHUNK = 20_000


def _schema(pg: str) -> tuple[str, Callable[[], None]]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    base = pg.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", drop


def _locations(session) -> tuple[list[int], int, dict[str, list[int]]]:  # type: ignore[no-untyped-def]
    """A tree 总部/档案室{1,2}/{A..J}柜/{1..5}层/{01..10}盒 and a safe; (box ids, safe id, boxes by cabinet)."""
    boxes, by_cabinet = [], {}
    rows = []
    next_id = 1

    def add(parent, name, path, kind):  # type: ignore[no-untyped-def]
        nonlocal next_id
        rows.append({"id": next_id, "parent_id": parent, "name": name, "path": path, "code": f"L{next_id:06d}",
                     "kind": kind, "created_by": "bench"})  # fmt: skip
        next_id += 1
        return next_id - 1

    root = add(None, "总部", "总部", "building")
    for r in (1, 2):
        room_path = f"总部/档案室{r}"
        room = add(root, f"档案室{r}", room_path, "room")
        for c in "ABCDEFGHIJ":
            cab_path = f"{room_path}/{c}柜"
            cabinet = add(room, f"{c}柜", cab_path, "cabinet")
            by_cabinet[cab_path] = []
            for s in range(1, 6):
                shelf = add(cabinet, f"{s}层", f"{cab_path}/{s}层", "shelf")
                for b in range(1, 11):
                    box = add(shelf, f"{b:02d}盒", f"{cab_path}/{s}层/{b:02d}盒", "box")
                    boxes.append(box)
                    by_cabinet[cab_path].append(box)
    safe = add(root, "保险柜", "总部/保险柜", "safe")
    session.execute(insert(Location), rows)
    return boxes, safe, by_cabinet


def build(runtime: Runtime, items: int, movements: int, seed: int = 13) -> dict:
    """Fill the archive; the counts made and the seconds it took."""
    rng = random.Random(seed)
    started = time.perf_counter()
    with runtime.factory() as session, session.begin():
        session.execute(
            insert(Customer), [{"name": f"客户{i:05d}有限公司", "status": "active"} for i in range(2000)]
        )
        customers = list(session.scalars(select(Customer.id)))
        boxes, safe, _ = _locations(session)
    kinds = ["certificate" if rng.random() < 0.1 else ("other" if rng.random() < 0.1 else "original")
             for _ in range(items)]  # fmt: skip
    base = datetime(2018, 1, 1, tzinfo=UTC)
    with runtime.factory() as session, session.begin():
        for start in range(0, items, CHUNK):
            session.execute(insert(Item), [
                {"id": i + 1, "kind": kinds[i], "customer_id": rng.choice(customers), "pieces": rng.randint(1, 5),
                 "pages": rng.randint(1, 200), "created_by": "bench",
                 "created_at": base + timedelta(minutes=i * 20)}
                for i in range(start, min(items, start + CHUNK))
            ])  # fmt: skip
    # Every item is put away once; the other movements fall on random items, in time order.
    extra = max(0, movements - items)
    order = list(range(1, items + 1)) + [rng.randint(1, items) for _ in range(extra)]
    rng.shuffle(order)
    seen: set[int] = set()
    place: dict[int, int | None] = {}
    rows = []
    made = 0

    columns = ("item_id", "kind", "from_location_id", "to_location_id", "holder", "actor", "reason", "at")

    def flush() -> None:
        nonlocal rows
        if runtime.engine.dialect.name == "postgresql":  # COPY: a million rows in seconds, not minutes
            raw = runtime.engine.raw_connection()
            try:
                sql = f"COPY custody_movement ({', '.join(columns)}) FROM STDIN"
                with raw.driver_connection.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[union-attr]
                    for row in rows:
                        copy.write_row(tuple(row[c] for c in columns))
                raw.driver_connection.commit()  # type: ignore[union-attr]
            finally:
                raw.close()
        else:
            with runtime.factory() as session, session.begin():
                session.execute(insert(Movement), rows)
        rows = []

    for n, item_id in enumerate(order):
        certificate = kinds[item_id - 1] == "certificate"
        at = base + timedelta(seconds=n * 60)
        here = place.get(item_id)
        if item_id not in seen:
            seen.add(item_id)
            to = safe if certificate else rng.choice(boxes)
            kind, holder = "put_away", None
        elif here is None:
            to, kind, holder = (safe if certificate else rng.choice(boxes)), "return", None
        elif rng.random() < 0.3:
            to, kind, holder = None, "lend", "borrower"
        else:
            to, kind, holder = (safe if certificate else rng.choice(boxes)), "move", None
        rows.append({"item_id": item_id, "kind": kind, "from_location_id": here, "to_location_id": to,
                     "holder": holder, "actor": "bench", "reason": "", "at": at})  # fmt: skip
        place[item_id] = to
        made += 1
        if len(rows) >= CHUNK:
            flush()
    # Most loans came back; the items still lent are out on open loans (the earlier lends were returned).
    back = [i for i, here in place.items() if here is None and rng.random() < 0.85]
    for n, item_id in enumerate(back):
        to = safe if kinds[item_id - 1] == "certificate" else rng.choice(boxes)
        rows.append({"item_id": item_id, "kind": "return", "from_location_id": None, "to_location_id": to,
                     "holder": None, "actor": "bench", "reason": "", "at": base + timedelta(days=2900, seconds=n)})  # fmt: skip
        place[item_id] = to
        made += 1
    if rows:
        flush()
    out = [i for i, here in place.items() if here is None]
    with runtime.factory() as session, session.begin():
        session.add(User(login="bench", name="bench"))
        session.flush()
        borrower = session.scalar(select(User.id).where(User.login == "bench"))
        session.execute(insert(Loan), [
            {"id": n + 1, "slip_no": f"借字〔2026〕第{n + 1:05d}号", "year": 2026, "seq": n + 1,
             "borrower_id": borrower, "department": "", "purpose": "bench", "level": "internal", "days": 10,
             "due_date": date(2026, 3, 1), "status": "out"}
            for n in range(len(out))
        ])  # fmt: skip
        session.execute(insert(LoanItem), [{"loan_id": n + 1, "item_id": i} for n, i in enumerate(out)])
    # Some items destroyed at the end of their retention (none of those out on loan).
    with runtime.factory() as session, session.begin():
        lent = set(out)
        gone = [i for i in rng.sample(range(1, items + 1), items // 100) if i not in lent]
        session.execute(insert(Movement), [
            {"item_id": i, "kind": "destroy", "from_location_id": place.get(i), "to_location_id": None,
             "holder": None, "actor": "bench", "reason": "", "at": base + timedelta(days=3000)}
            for i in gone
        ])  # fmt: skip
        made += len(gone)
    # add_movement marks each item's last movement as it goes; the bulk rows get the mark in one statement.
    with runtime.factory() as session, session.begin():
        last = select(func.max(Movement.id)).group_by(Movement.item_id)
        session.execute(update(Movement).where(Movement.id.in_(last)).values(latest=True))
    # What autovacuum does in a live archive: statistics, and the visibility map for index-only probes.
    with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if runtime.engine.dialect.name == "postgresql" else "ANALYZE"))
    return {"items": items, "movements": made, "seconds": time.perf_counter() - started}


def _time(fn: Callable[[], object], runs: int) -> tuple[float, float, object, float]:
    """(p50 ms, p95 ms, the last result, p50 CPU ms of this process: the SQLite work, PostgreSQL's client)."""
    fn()  # warm the caches once
    times, cpu, result = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, result, statistics.median(cpu)


def _naive_location_page(session, path: str) -> int:  # type: ignore[no-untyped-def]
    """The reference: the place of every item from GROUP BY max(id), then the location filter and a page."""
    last = (
        select(Movement.item_id, func.max(Movement.id).label("last_id")).group_by(Movement.item_id).subquery()
    )
    ids = ledgers.subtree(path)
    query = (
        select(Item.id)
        .join(last, last.c.item_id == Item.id)
        .join(Movement, Movement.id == last.c.last_id)
        .where(Movement.to_location_id.in_(ids), Item.kind != "certificate")
    )
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    list(session.scalars(query.order_by(Item.id.desc()).limit(50)))
    return total or 0


def _walk_location_page(session, path: str) -> int:  # type: ignore[no-untyped-def]
    """Before the `latest` mark (the cabinet case): items newest first, each one's latest movement found by
    max(id), kept when it went into the subtree; a count capped at COUNT_CAP + 1 and a page of 50."""
    latest = aliased(Movement)
    ids = ledgers.subtree(path)
    query = (
        select(Item.id)
        .join(latest, latest.id == ledgers.latest_id(Item.id))
        .where(Item.kind != "certificate", latest.to_location_id.in_(ids))
        .order_by(Item.id.desc())
    )
    total = session.scalar(select(func.count()).select_from(query.limit(ledgers.COUNT_CAP + 1).subquery()))
    list(session.scalars(query.limit(50)))
    return total or 0


def measure(runtime: Runtime, runs: int) -> tuple[list[list[object]], dict]:
    cases = [
        ("archive, no filter", "archive", LedgerFilter(), 1),
        ("archive, one cabinet (subtree)", "archive", LedgerFilter(location="总部/档案室1/C柜"), 1),
        ("archive, one box", "archive", LedgerFilter(location="总部/档案室2/F柜/3层/07盒"), 1),
        ("archive, out on loan", "archive", LedgerFilter(status="out"), 1),
        ("archive, destroyed", "archive", LedgerFilter(status="destroyed"), 1),
        ("archive, customer", "archive", LedgerFilter(customer_id=77), 1),
        ("archive, room + in store + a year", "archive",
         LedgerFilter(location="总部/档案室2", status="in_store", date_from=datetime(2019, 1, 1).date(),
                      date_to=datetime(2019, 12, 31).date()), 1),
        ("archive, number/title contains", "archive", LedgerFilter(number="不存在的题名"), 1),
        ("certificates, no filter", "certificates", LedgerFilter(), 1),
        ("archive, page 200", "archive", LedgerFilter(), 200),
    ]  # fmt: skip
    rows: list[list[object]] = []
    worst = 0.0
    with runtime.factory() as session:
        for name, ledger, filters, page in cases:
            p50, p95, result, cpu = _time(
                lambda ledger=ledger, filters=filters, page=page: ledgers.item_page(
                    session, ledger=ledger, filters=filters, page=page, tz=TZ
                ),
                runs,
            )
            worst = max(worst, p95)
            total = f"{result.total:,}" + ("+" if result.more else "")  # type: ignore[attr-defined]
            rows.append([name, total, f"{p50:.1f}", f"{p95:.1f}", f"{cpu:.1f}"])
        ref50, ref95, _, _ = _time(
            lambda: _naive_location_page(session, "总部/档案室1/C柜"), max(5, runs // 3)
        )
        walk50, walk95, _, _ = _time(lambda: _walk_location_page(session, "总部/档案室1/C柜"), runs)
        ours = next(r for r in rows if r[0] == "archive, one cabinet (subtree)")
        t = time.perf_counter()
        data = printing.ledger_xlsx("archive", list(ledgers.item_rows(session, ledger="archive",
                                                                       filters=LedgerFilter(), tz=TZ)),
                                    lang="zh-CN", tz=TZ, filters="")  # fmt: skip
        xlsx_s = time.perf_counter() - t
        xlsx_rows = session.scalar(select(func.count(Item.id)).where(Item.kind != "certificate"))
        t = time.perf_counter()
        cabinet = list(ledgers.item_rows(session, ledger="archive", filters=LedgerFilter(location="总部/档案室1/C柜"),
                                         tz=TZ))  # fmt: skip
        pdf = printing.ledger_pdf("archive", cabinet, lang="zh-CN", tz=TZ, filters="C柜", printed="bench")
        pdf_s = time.perf_counter() - t
    extra = {
        "worst_p95": worst,
        "reference": (ref50, ref95),
        "walk": (walk50, walk95, walk95 / float(ours[3]) if float(ours[3]) else 0.0),
        "ratio": ref50 / float(ours[2]) if float(ours[2]) else 0.0,
        "xlsx": (xlsx_rows, xlsx_s, len(data)),
        "pdf": (len(cabinet), pdf_s, len(pdf)),
    }
    return rows, extra


def run(args: argparse.Namespace) -> str:
    parts = []
    for label, pg in (("SQLite", None), ("PostgreSQL", args.pg)):
        if (label == "PostgreSQL" and not pg) or (label == "SQLite" and args.no_sqlite):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            drop = None
            url = None
            if pg:
                url, drop = _schema(pg)
            try:
                settings = Settings(
                    home=Path(tmp), database_url=url, queue_backend="immediate", _env_file=None
                )
                runtime = Runtime(settings)
                initialise(runtime)
                made = build(runtime, args.items, args.movements)
                load_before = os.getloadavg()[0]
                rows, extra = measure(runtime, args.runs)
                load = (load_before, os.getloadavg()[0])
                runtime.close()
            finally:
                if drop:
                    drop()
        ref50, ref95 = extra["reference"]
        walk50, walk95, walk_ratio = extra["walk"]
        xrows, xs, xbytes = extra["xlsx"]
        prows, ps, pbytes = extra["pdf"]
        verdict = "meets" if extra["worst_p95"] < 200 else "MISSES"
        parts.append(
            f"### {label}\n\n{made['items']:,} items, {made['movements']:,} movements (built in "
            f"{made['seconds']:.0f} s). Filtered page of 50 with its total, {args.runs} runs each (load average "
            f"{load[0]:.1f} before the timings, {load[1]:.1f} after the exports; CPU: this process only):\n\n"
            + table(["ledger query", "rows matching", "p50 ms", "p95 ms", "CPU p50 ms"], rows)
            + f"\n\nWorst p95 {extra['worst_p95']:.1f} ms: {verdict} the 200 ms target. The same cabinet page, in the "
            f"same run, read as before the `latest` mark (items newest first, each one's last movement by "
            f"max(id), a count capped at 1,000): p50 {walk50:.1f} ms, p95 {walk95:.1f} ms, "
            f"{walk_ratio:.1f}× the marked page's p95. Naive reference (GROUP BY max(id) over "
            f"all movements): p50 {ref50:.0f} ms, p95 {ref95:.0f} ms, {extra['ratio']:.1f}× the marked page's "
            f"p50.\n\n"
            f"Exports: the whole archive ledger ({xrows:,} rows) to XLSX in {xs:.1f} s ({xrows / xs:,.0f} rows/s, "
            f"{xbytes / 1e6:.1f} MB); one cabinet ({prows:,} rows) to PDF in {ps:.1f} s ({pbytes / 1e6:.1f} MB).\n"
        )
    return (
        f"`python -m bench.custody --items {args.items} --movements {args.movements}`\n\n{machine()}\n\n"
        + "\n".join(parts)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pg", default=None, help="PostgreSQL URL (a schema is made and dropped)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    body = run(args)
    print(body)
    if not args.no_write:
        write_section("custody", body)


if __name__ == "__main__":
    main()
