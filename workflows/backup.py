"""`dangan backup DEST` and `dangan backup verify DEST`: everything needed to rebuild the archive (POL-6, PRS-1).

A backup place holds
    objects/<key>                          every stored object, once: the key is its hash, so a second
                                           backup copies only what is new (and never rewrites a copy)
    registers/batch-<id>.json              every destroyed batch with its residual records, kept across
                                           generations (a restore of an older one re-applies them)
    generations/<UTC time>/                one consistent backup, a BagIt-style bag:
        database.sqlite | database.pgdump  the database (online backup API / pg_dump -Fc), with the audit
                                           trail; the chain's checkpoints are objects (a new one is written
                                           first, so the backup carries its own head)
        keyring.sealed                     the audit key ring sealed with DANGAN_BACKUP_PASSPHRASE, or left
                                           out (keyring-ids.json then names the keys a restore needs)
        settings.json                      the settings, secrets left out
        registers.json                     the residual records in this database
        manifest-sha256.txt, sizes.txt     every object's SHA-256 and size (paths relative to the place)
        bagit.txt, bag-info.txt, tagmanifest-sha256.txt
        COMPLETE                           written last: a generation without it is unfinished

Objects are hashed while copied and only bytes that hash to their key are kept; each copy appears whole or
not at all. A backup after a complete one trusts that generation's sealed sizes.txt for the copies there and
takes the archive's objects from the records that name them: neither side is listed, only what is new is read
(workflows.backup_place.listings). A store that stops answering is retried with backoff (storage.retrying); a run that gives up
leaves an unfinished generation and its run marked interrupted, and the next run copies only what is missing.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from core import audit
from core.db import utcnow
from core.settings import Settings
from retention.residuals import destroyed_batches
from storage.base import hash_file, parse_key, spool
from storage.filesystem import FilesystemStore
from storage.models import OperationRun
from storage.retrying import retrying
from storage.targets import BackupTarget, open_target
from workflows.backup_database import dump_database, dump_file_name
from workflows.backup_keyring import seal
from workflows.backup_place import (
    COMPLETE,
    GENERATIONS,
    OBJECTS,
    REGISTERS,
    listings,
    rotate,
    sha_bytes,
    write_register,
)
from workflows.runtime import Runtime

COPY_WORKERS = 8
SECRET_SETTINGS = {
    "s3_access_key", "s3_secret_key", "audit_key", "backup_s3_access_key", "backup_s3_secret_key",
    "backup_passphrase",
}  # fmt: skip


@dataclass
class BackupReport:
    """What a backup did."""

    run_id: int
    target: str
    generation: str
    objects: int = 0
    copied: int = 0
    bytes_copied: int = 0
    bytes_total: int = 0
    database: str = ""
    keyring: str = "left_out"  # sealed | left_out
    key_ids: list[str] = field(default_factory=list)
    registers: int = 0
    unverified: list[dict] = field(default_factory=list)  # source objects whose bytes do not match their key
    removed_generations: list[str] = field(default_factory=list)
    pruned_objects: int = 0
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"id": self.run_id}


def target_for(settings: Settings, where: str) -> BackupTarget:
    """The backup place a destination names, with the backup's S3 settings for `s3://`."""
    secret = settings.backup_s3_secret_key.get_secret_value() if settings.backup_s3_secret_key else None
    return open_target(
        where,
        endpoint=settings.backup_s3_endpoint or settings.s3_endpoint,
        access_key=settings.backup_s3_access_key,
        secret_key=secret,
        secure=settings.backup_s3_secure,
    )


def public_settings(settings: Settings) -> dict[str, Any]:
    """The settings as JSON with every secret left out (a database URL's password too)."""
    data = settings.model_dump(mode="json", exclude=SECRET_SETTINGS)
    if data.get("database_url"):
        from sqlalchemy.engine import make_url

        data["database_url"] = make_url(settings.database_url).render_as_string(hide_password=True)
    return data


def generation_name(now: datetime) -> str:
    """A generation's folder name: its UTC time, sortable."""
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def _start(session: Session, kind: str, target: str, actor: str, generation: str | None = None) -> int:
    run = OperationRun(kind=kind, target=target[:300], actor=actor, generation=generation, summary={})
    session.add(run)
    session.flush()
    return run.id


def start_run(runtime: Runtime, kind: str, target: str, actor: str, generation: str | None = None) -> int:
    """A new run row (state running); its id."""
    with runtime.factory() as session, session.begin():
        return _start(session, kind, target, actor, generation)


def finish_run(
    runtime: Runtime, run_id: int, *, state: str, summary: dict, error: str | None = None, audit_as: dict
) -> None:
    """Close a run and audit it (audit_as: actor, role, client, action)."""
    with runtime.factory() as session, session.begin():
        run = session.get_one(OperationRun, run_id)
        run.state, run.finished_at, run.summary, run.error = state, utcnow(), summary, error
        run.objects = int(summary.get("objects", 0) or 0)
        run.copied = int(summary.get("copied", 0) or 0)
        run.bytes = int(summary.get("bytes_copied", 0) or 0)
        details = {k: v for k, v in summary.items() if not isinstance(v, list)} | {"target": run.target}
        if error:
            details["error"] = error[:500]
        audit.record(
            session,
            actor=audit_as["actor"],
            role=audit_as.get("role", ""),
            action=audit_as["action"],
            object_type="operation_run",
            object_id=run_id,
            client=audit_as.get("client", ""),
            result="ok" if state == "complete" else "failed",
            details=details,
        )


def _copy_object(runtime: Runtime, target: BackupTarget, key: str, scratch: Path) -> tuple[int, dict | None]:
    """Copy one object into target/objects/<key> once its bytes hash to its key; (bytes, problem)."""
    try:
        return _copy_present_object(runtime, target, key, scratch)
    except FileNotFoundError:  # named by a record but not in the store: fixity and check report it
        return 0, {"key": key, "actual": "missing"}


def _copy_present_object(
    runtime: Runtime, target: BackupTarget, key: str, scratch: Path
) -> tuple[int, dict | None]:
    store, expected = runtime.store, parse_key(key)[1]
    path = f"{OBJECTS}/{key}"
    if isinstance(store, FilesystemStore):
        local = store.root / key
        actual, size = hash_file(local)
        if actual == expected:
            target.put_file(path, local)
        return (size, None) if actual == expected else (0, {"key": key, "actual": actual})
    with store.open(key) as stream:
        temp, actual, size = spool(stream, scratch)
    try:
        if actual != expected:
            return 0, {"key": key, "actual": actual}
        target.put_file(path, temp)
    finally:
        temp.unlink(missing_ok=True)
    return size, None


def _manifest(sizes: dict[str, int]) -> tuple[str, str]:
    keys = sorted(sizes)
    # A key ends with its SHA-256 (every key here was parsed or named by a record: no second parse).
    sha = "".join(f"{k.rsplit('/', 1)[1]}  {OBJECTS}/{k}\n" for k in keys)
    return sha, "".join(f"{sizes[k]}  {OBJECTS}/{k}\n" for k in keys)


def run_backup(
    runtime: Runtime,
    *,
    dest: str,
    actor: str,
    role: str = "",
    client: str = "",
    keep: int | None = None,
    on_object: Any = None,
    recheck: bool = False,
) -> BackupReport:
    """Back the archive up to dest (a folder or s3://bucket/prefix); keep the newest `keep` generations.
    recheck: list the copies at dest instead of trusting the last complete generation's manifest."""
    from workflows.trail import write_checkpoint

    settings = runtime.settings
    target = target_for(settings, dest)
    started = time.monotonic()
    generation = generation_name(utcnow())
    run_id = start_run(runtime, "backup", target.description, actor, generation)
    report = BackupReport(run_id, target.description, generation)
    audit_as = {"actor": actor, "role": role, "client": client, "action": "backup.run"}
    budget = settings.storage_retry_seconds
    (settings.home / "tmp").mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="backup-", dir=settings.home / "tmp"))
    base = f"{GENERATIONS}/{generation}"
    try:
        # The audit chain's head, checkpointed outside the database, goes into this very backup.
        retrying(lambda: write_checkpoint(runtime, actor=actor, role=role, client=client),
                 seconds=budget, what="checkpoint")  # fmt: skip
        database = scratch / dump_file_name(runtime.engine)
        dump_database(
            runtime.engine, database, busy_seconds=settings.database_busy_seconds
        )  # before the objects: every object it names exists
        report.database = database.name
        with runtime.factory() as session:
            batches = destroyed_batches(session)
        stored, have = listings(runtime, target, recheck=recheck, budget=budget)
        todo = [k for k, size in stored.items() if size is None or have.get(f"{OBJECTS}/{k}") != size]

        def copy(key: str) -> tuple[str, int, dict | None]:
            size, problem = retrying(
                lambda: _copy_object(runtime, target, key, scratch), seconds=budget, what=key
            )
            if on_object is not None:
                on_object(key)
            return key, size, problem

        with ThreadPoolExecutor(COPY_WORKERS) as pool:
            for key, size, problem in pool.map(copy, todo):
                if problem is None:
                    report.copied += 1
                    report.bytes_copied += size
                    stored[key] = size
                else:
                    report.unverified.append(problem)
        bad = {p["key"] for p in report.unverified}
        # A generation's manifest names the good copies it can restore; a bad source object is left for
        # fixity (reported here, and its older good copy, if any, stays in objects/).
        kept = {k: size for k, size in stored.items()
                if size is not None and (k not in bad or have.get(f"{OBJECTS}/{k}") == size)}  # fmt: skip
        report.objects, report.bytes_total = len(stored), sum(kept.values())
        manifest, sizes = _manifest(kept)
        registers_have = retrying(lambda: target.list(f"{REGISTERS}/"), seconds=budget, what="list registers")
        for batch in batches:
            write_register(target, batch, have=registers_have, budget=budget, scratch=scratch)
        report.registers = len(batches)
        files: dict[str, bytes | Path] = {
            database.name: database,
            "settings.json": json.dumps(public_settings(settings), ensure_ascii=False, indent=1).encode(),
            "registers.json": json.dumps(batches, ensure_ascii=False, sort_keys=True).encode(),
            "manifest-sha256.txt": manifest.encode(),
            "sizes.txt": sizes.encode(),
        }
        files.update(_keyring_files(settings, report))
        files["bagit.txt"] = b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"
        files["bag-info.txt"] = (
            f"Source-Organization: {settings.org_name}\nBagging-Date: {utcnow().date().isoformat()}\n"
            f"Payload-Oxum: {sum(kept.values())}.{len(kept)}\nExternal-Identifier: {generation}\n"
            f"Database: {database.name}\nKeyring: {report.keyring}\n"
        ).encode()
        tags = []
        for name, body in files.items():
            digest = hash_file(body)[0] if isinstance(body, Path) else sha_bytes(body)
            tags.append(f"{digest}  {name}\n")
            put = (lambda n=name, b=body: target.put_file(f"{base}/{n}", b)) if isinstance(body, Path) else (
                lambda n=name, b=body: target.put_bytes(f"{base}/{n}", b, scratch))  # fmt: skip
            retrying(put, seconds=budget, what=name)
        tagmanifest = "".join(sorted(tags, key=lambda t: t.split("  ")[1])).encode()
        retrying(lambda: target.put_bytes(f"{base}/tagmanifest-sha256.txt", tagmanifest, scratch),
                 seconds=budget, what="tagmanifest")  # fmt: skip
        done = json.dumps({"generation": generation, "objects": len(kept), "run_id": run_id}).encode()
        retrying(lambda: target.put_bytes(f"{base}/{COMPLETE}", done, scratch), seconds=budget, what=COMPLETE)
        removed, pruned = rotate(target, keep or settings.backup_keep, budget=budget)
        report.removed_generations, report.pruned_objects = removed, pruned
    except BaseException as exc:
        report.seconds = time.monotonic() - started
        finish_run(runtime, run_id, state="interrupted", summary=_summary(report),
                   error=_reason(exc), audit_as=audit_as)  # fmt: skip
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report.seconds = time.monotonic() - started
    finish_run(runtime, run_id, state="complete", summary=_summary(report), audit_as=audit_as)
    return report


def _reason(exc: BaseException) -> str:
    both = getattr(exc, "both", None)
    return both() if callable(both) else f"{type(exc).__name__}: {exc}"


def _summary(report: BackupReport) -> dict[str, Any]:
    out = report.as_json()
    out.pop("id", None)
    return out


def _keyring_files(settings: Settings, report: BackupReport) -> dict[str, bytes]:
    """keyring.sealed when a passphrase is set; always keyring-ids.json (the ids reveal nothing)."""
    from core.audit_keys import Keyring

    given = settings.audit_key.get_secret_value() if settings.audit_key else ""
    ring = Keyring(settings.audit_key_path, given)
    report.key_ids = ring.ids()
    out = {"keyring-ids.json": json.dumps({"key_ids": report.key_ids}).encode()}
    if settings.backup_passphrase is not None and settings.audit_key_path.exists():
        text = settings.audit_key_path.read_text(encoding="utf-8")
        if given:
            text += "\n".join(given.split(",")) + "\n"
        out["keyring.sealed"] = seal(text, settings.backup_passphrase.get_secret_value())
        report.keyring = "sealed"
    return out
