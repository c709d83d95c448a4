"""Backup, restore and fixity figures (issue 14), written to BENCHMARKS.md (section `backup`).

    .venv/bin/python -m bench.backup [--docs 10000] [--kb 40] [--s3] [--no-write]

An archive of N synthetic documents (one original each, `--kb` KB of incompressible bytes) is made on the
filesystem (and with --s3 in a SeaweedFS bucket), then:
- fixity: `dangan fixity --all`'s work (workflows.fixity.run_fixity) against `sha256sum` over the very same
  object files, both with a warm page cache (the reference measured in the same run; target ≥ 0.8×);
- a full backup to a folder (S3: to another bucket), its MB/s; then 1% new documents and an incremental
  backup (target < 5% of the full one's time); a restore into an empty archive (objects, index rebuilt,
  check and fixity included), its MB/s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from bench.report import machine, table, write_section
from core.settings import Settings
from records.models import Document
from workflows.backup import run_backup
from workflows.fixity import run_fixity
from workflows.restore import run_restore
from workflows.runtime import Runtime
from workflows.setup import ensure_first_admin, initialise


def make_documents(runtime: Runtime, count: int, kb: int, start: int = 0) -> int:
    """count documents with random originals of kb KB; their total bytes."""
    total, rows = 0, []
    for n in range(start, start + count):
        data = os.urandom(kb * 1024)
        put = runtime.store.put_stream(__import__("io").BytesIO(data), kind="original")
        total += put.size
        rows.append({
            "sha256": put.sha256, "size": put.size, "mime": "application/pdf", "original_filename": f"{n}.pdf",
            "object_key": put.key, "title": f"合同{n}", "state": "filed", "level": "internal", "page_count": 0,
        })  # fmt: skip
    with runtime.factory() as session, session.begin():
        for offset in range(0, len(rows), 1000):
            session.execute(insert(Document), rows[offset : offset + 1000])
    return total


def sha256sum_seconds(files: list[Path]) -> float:
    started = time.monotonic()
    for offset in range(0, len(files), 1000):
        subprocess.run(["sha256sum", *map(str, files[offset : offset + 1000])], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    return time.monotonic() - started


def measure(
    settings: Settings, docs: int, kb: int, dest: str, label: str, restore_settings: Settings
) -> list:
    runtime = Runtime(settings)
    initialise(runtime)
    ensure_first_admin(runtime, "bench-password-1")
    rows = []
    try:
        total = make_documents(runtime, docs, kb)
        mb = total / 1e6
        if label == "filesystem":
            files = [settings.objects_dir / o.key for o in runtime.store.list()]
            sha256sum_seconds(files)  # warm the page cache for both
            reference = sha256sum_seconds(files)
            started = time.monotonic()
            run_fixity(runtime, actor="admin", everything=True)  # the first run also writes a row per object
            first = time.monotonic() - started
            started = time.monotonic()
            report = run_fixity(runtime, actor="admin", everything=True)
            ours = time.monotonic() - started
            assert report.ok
            rows.append([f"first fixity run (a row per object written), {label}", f"{first:.2f} s",
                         f"{mb / first:.0f} MB/s", f"{reference / first:.2f}× sha256sum"])  # fmt: skip
            rows.append([f"fixity, {docs} objects ({mb:.0f} MB), {label}", f"{ours:.2f} s ({mb / ours:.0f} MB/s)",
                         f"sha256sum {reference:.2f} s ({mb / reference:.0f} MB/s)",
                         f"{reference / ours:.2f}× sha256sum (target ≥ 0.8×)"])  # fmt: skip
        full = run_backup(runtime, dest=dest, actor="admin")
        rows.append([f"full backup, {docs} documents ({mb:.0f} MB), {label}", f"{full.seconds:.2f} s",
                     f"{mb / full.seconds:.0f} MB/s", f"{full.copied} objects copied"])  # fmt: skip
        make_documents(runtime, max(1, docs // 100), kb, start=docs)
        again = run_backup(runtime, dest=dest, actor="admin")
        rows.append([f"incremental backup after 1% new ({docs // 100}), {label}", f"{again.seconds:.2f} s",
                     f"{again.seconds / full.seconds:.1%} of the full one (target < 5%)",
                     f"{again.copied} objects copied"])  # fmt: skip
        key_ring = settings.audit_key_path.read_bytes()
    finally:
        runtime.close()
    target = Runtime(restore_settings)
    try:
        restore_settings.audit_key_path.parent.mkdir(parents=True, exist_ok=True)
        restore_settings.audit_key_path.write_bytes(key_ring)
        restored = run_restore(target, source=dest, login="admin")
        assert restored.ok, restored.as_json()
        rmb = restored.bytes / 1e6
        rows.append([f"restore, {restored.objects} objects ({rmb:.0f} MB), {label}", f"{restored.seconds:.2f} s",
                     f"{rmb / restored.seconds:.0f} MB/s", "incl. index rebuild, check and fixity --all"])  # fmt: skip
    finally:
        target.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--kb", type=int, default=40)
    parser.add_argument("--s3", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        base = Path(tmp)

        def settings(home: str, **kw: object) -> Settings:
            return Settings(home=base / home, queue_backend="immediate", ocr_workers=1, _env_file=None, **kw)

        rows += measure(settings("fs"), args.docs, args.kb, str(base / "backup"), "filesystem",
                        settings("fs-restored"))  # fmt: skip
        if args.s3:
            from pydantic import SecretStr

            from tests.support.s3server import running_s3_server

            with running_s3_server() as server:
                s3 = server.settings("archive")
                backup = {"backup_s3_endpoint": server.endpoint, "backup_s3_access_key": server.access_key,
                          "backup_s3_secret_key": SecretStr(server.secret_key)}  # fmt: skip
                rows += measure(settings("s3", **s3, **backup), args.docs, args.kb, "s3://backups/dangan", "S3",
                                settings("s3-restored", **(s3 | {"s3_bucket": "restored"}), **backup))  # fmt: skip
    body = "\n".join([
        "## Backup, restore and fixity (issue 14)", "",
        f"Machine: {machine()}. `python -m bench.backup --docs {args.docs} --kb {args.kb}{' --s3' if args.s3 else ''}`"
        " — synthetic originals of random bytes; S3 is one local SeaweedFS (`weed mini`) for archive and backup.", "",
        table(["what", "time", "rate / ratio", "note"], rows),
    ])  # fmt: skip
    print(body)
    if not args.no_write:
        write_section("backup", body)


if __name__ == "__main__":
    main()
