"""Destruction at scale: a batch of N records executed and verified against a real S3 server (SeaweedFS).

    .venv/bin/python -m bench.retention [--records 10000] [--chunk 100] [--no-write]

The records are made cheaply — rows inserted in bulk, a small original and a small searchable-PDF derivative
each in the bucket, one index entry each — not through OCR. The batch is proposed, appraised and approved
by two managers, then executed: per record both objects deleted (every version), the index entry and text
removed, and every check run (both keys stat'ed, searches by archive number, title and a phrase of its text,
the database rows). Figures go to BENCHMARKS.md (section `retention`); the target is ≥ 100 records/s.
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select

from bench.report import machine, table, write_section
from core.settings import Settings
from records.models import Derivative, Document, Page
from retention.batches import appraise, approve, create_batch
from retention.destroy import execute_batch
from retention.schedule import recompute
from search import IndexDoc
from tests.api.world import build_world
from tests.support.s3server import running_s3_server
from workflows.runtime import Runtime
from workflows.setup import initialise

TODAY = date(2060, 6, 1)
WORDS = [
    "续贷",
    "担保",
    "抵押",
    "还款",
    "利息",
    "授信",
    "审批",
    "放款",
    "展期",
    "保证",
    "反担保",
    "评估",
    "合同",
    "函件",
    "通知",
    "回执",
]


def _put_objects(store, count: int, workers: int = 16) -> list[tuple[object, object]]:  # type: ignore[no-untyped-def]
    def one(i: int):  # type: ignore[no-untyped-def]
        original = store.put_stream(
            io.BytesIO(f"%PDF-1.4\n% record {i} {random.random()}\n".encode()), kind="original"
        )
        derived = store.put_stream(
            io.BytesIO(f"%PDF-1.4 searchable {i} {random.random()}\n".encode()), kind="derivative"
        )
        return original, derived

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, range(count)))


def _records(runtime: Runtime, customer_id: int, count: int) -> list[int]:
    objects = _put_objects(runtime.store, count)
    rows, texts = [], {}
    for i, (original, _) in enumerate(objects):
        text = f"第{i}号往来函件 {''.join(random.sample(WORDS, 6))} 编号{random.randrange(10**9):09d}"
        texts[i] = text
        rows.append({
            "sha256": original.sha256, "size": original.size, "mime": "application/pdf", "original_filename": f"{i}.pdf",
            "object_key": original.key, "title": f"函件 {i:05d} 号", "doc_type": "correspondence",
            "doc_date": date(2010, 1 + i % 12, 1 + i % 28), "customer_id": customer_id, "level": "internal",
            "state": "indexed", "page_count": 1, "archive_no": f"A001-KH·2010-D10-XS-{i:05d}", "extracted": {},
            "review_reasons": [],
        })  # fmt: skip
    with runtime.factory() as session, session.begin():
        session.execute(insert(Document), rows)
        ids = dict(session.execute(select(Document.archive_no, Document.id)).all())
        doc_ids = [ids[r["archive_no"]] for r in rows]
        session.execute(insert(Page), [{"document_id": d, "number": 1, "text": texts[i], "method": "text_layer"}
                                       for i, d in enumerate(doc_ids)])  # fmt: skip
        session.execute(insert(Derivative), [
            {"document_id": d, "kind": "searchable_pdf", "sha256": objects[i][1].sha256, "size": objects[i][1].size,
             "object_key": objects[i][1].key} for i, d in enumerate(doc_ids)
        ])  # fmt: skip
    runtime.index.add_documents(
        IndexDoc(document_id=d, title=rows[i]["title"], text=texts[i], customer="客户c1", doc_type="correspondence",
                 archive_no=rows[i]["archive_no"], doc_date=rows[i]["doc_date"], level="internal",
                 customer_id=customer_id)
        for i, d in enumerate(doc_ids)
    )  # fmt: skip
    return doc_ids


def run(records: int, chunk: int) -> dict:
    """Make the records, run the batch, return the figures."""
    with tempfile.TemporaryDirectory(prefix="dangan-bench-retention-") as home, running_s3_server() as server:
        settings = Settings(home=Path(home), queue_backend="immediate", index_batch_size=2000,
                            **server.settings("bench-retention"), _env_file=None)  # fmt: skip
        runtime = Runtime(settings)
        initialise(runtime)
        world = build_world(None, runtime)
        t0 = time.perf_counter()
        ids = _records(runtime, world.customers["c1"], records)
        made = time.perf_counter() - t0
        users = {login: world.users[login] for login in ("officer", "mgr1", "gm")}
        from access.models import User

        t0 = time.perf_counter()
        with runtime.factory() as session, session.begin():
            recompute(session)
            officer = session.get_one(User, users["officer"])
            batch = create_batch(session, runtime.index, actor=officer, document_ids=ids, today=TODAY).id
        proposed = time.perf_counter() - t0
        with runtime.factory() as session, session.begin():
            appraise(session, actor=session.get_one(User, users["officer"]), batch_id=batch, opinion="到期")
        for login in ("mgr1", "gm"):
            with runtime.factory() as session, session.begin():
                approve(session, actor=session.get_one(User, users[login]), batch_id=batch)
        t0 = time.perf_counter()
        report = execute_batch(runtime.factory, runtime.store, runtime.index, batch_id=batch,
                               actor_id=users["officer"], today=TODAY, chunk=chunk)  # fmt: skip
        executed = time.perf_counter() - t0
        checks = len(report.items[0].checks) if report.items else 0
        failed = sum(1 for item in report.items if not all(c["ok"] for c in item.checks))
        left = sum(1 for _ in runtime.store.list())
        runtime.close()
    return {"records": records, "made": made, "proposed": proposed, "executed": executed, "state": report.state,
            "destroyed": len(report.destroyed), "checks": checks, "failed": failed, "left": left, "chunk": chunk}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--no-write", action="store_true", help="Print only; leave BENCHMARKS.md alone.")
    args = parser.parse_args()
    f = run(args.records, args.chunk)
    rate = f["destroyed"] / f["executed"] if f["executed"] else 0.0
    body = "\n".join([
        "## Destruction batch (bench/retention.py)",
        "",
        f"Machine: {machine()}. SeaweedFS `weed mini` on 127.0.0.1, SQLite, Whoosh; chunks of {f['chunk']} records.",
        "Every record of this archive is in the batch, so once the index is purged the verification searches",
        "run on an emptied index; in an archive that keeps most of its records each of them costs what a",
        "user's search costs. One hash-chained audit event is written per destroyed record.",
        "",
        table(["measure", "value"], [
            ["records in the batch (original + searchable PDF each)", f["records"]],
            ["setup: objects stored, rows inserted, indexed (s)", f"{f['made']:.1f}"],
            ["due dates computed and batch proposed, re-checked (s)", f"{f['proposed']:.1f}"],
            ["executed and verified (s)", f"{f['executed']:.1f}"],
            ["**records destroyed per second** (target ≥ 100)", f"**{rate:.0f}**"],
            ["batch state / records destroyed", f"{f['state']} / {f['destroyed']}"],
            ["checks per record / records with a failed check", f"{f['checks']} / {f['failed']}"],
            ["objects left in the bucket", f["left"]],
        ]),
    ])  # fmt: skip
    print(body)
    if not args.no_write:
        write_section("retention", body)


if __name__ == "__main__":
    main()
