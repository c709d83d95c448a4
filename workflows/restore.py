"""`dangan restore SRC`: an archive rebuilt from a backup into an empty home (or empty database and bucket).

In order: the generation is chosen (the newest complete one unless named) and its database dump checked
against the tag manifest; the audit key ring is unsealed (DANGAN_BACKUP_PASSPHRASE) or must already be in
place — a restore that could not verify or extend the audit chain is refused before anything is written;
the database is loaded and brought to the newest schema; every object is copied into the store, hashed on
the way (only bytes matching their key are stored); destruction registers newer than the backup are
re-applied (retention.residuals: destroyed records stay destroyed, and the report names them); the index is
rebuilt; `check` and a full `fixity` run; the whole is audited and reported.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select

from access.duties import require_any
from access.models import User
from core.audit_keys import Keyring
from core.db import utcnow
from core.errors import Conflict, DanganError
from core.migrate import upgrade
from retention.residuals import reapply
from storage.base import hash_file, parse_key, spool
from storage.models import OperationRun
from storage.retrying import retrying
from storage.targets import BackupTarget, FolderTarget
from workflows.backup import finish_run, start_run, target_for
from workflows.backup_database import PG_FILE, SQLITE_FILE, database_is_empty, load_database
from workflows.backup_keyring import unseal
from workflows.backup_place import GENERATIONS, OBJECTS, REGISTERS, read_manifest
from workflows.backup_verify import pick_generation
from workflows.runtime import Runtime

WORKERS = 8
MARKER = "restore-in-progress.json"


@dataclass
class RestoreReport:
    """What a restore did, and what check and fixity said afterwards."""

    run_id: int | None
    source: str
    generation: str
    database: str = ""
    objects: int = 0
    bytes: int = 0
    corrupt: list[str] = field(default_factory=list)  # backup copies that did not verify (not restored)
    keyring: str = ""  # unsealed | present | none_needed
    reapplied: list[dict] = field(default_factory=list)
    indexed: int = 0
    check: dict = field(default_factory=dict)
    fixity: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            not self.corrupt
            and bool(self.check.get("consistent", True))
            and bool(self.fixity.get("ok", True))
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"id": self.run_id, "ok": self.ok}


def _ensure_empty(runtime: Runtime) -> None:
    if not database_is_empty(runtime.engine):
        raise Conflict("restore.database_not_empty")
    if next(iter(runtime.store.list()), None) is not None:
        raise Conflict("restore.store_not_empty")


def _keyring(runtime: Runtime, target: BackupTarget, base: str, tags: dict[str, str]) -> str:
    """Put the backup's key ring in place, or make sure the operator has; refuse before any write."""
    settings = runtime.settings
    needed = json.loads(target.read_bytes(f"{base}/keyring-ids.json")).get("key_ids", [])
    given = settings.audit_key.get_secret_value() if settings.audit_key else ""
    have = set(Keyring(settings.audit_key_path, given).ids())
    if not set(needed) - have:
        return "present" if needed else "none_needed"
    if "keyring.sealed" not in tags or settings.backup_passphrase is None:
        raise DanganError("restore.keyring_needed", ids=", ".join(sorted(set(needed) - have)))
    text = unseal(target.read_bytes(f"{base}/keyring.sealed"), settings.backup_passphrase.get_secret_value())
    path = settings.audit_key_path
    if path.exists():  # keep what is there; add the backup's keys after it
        text = path.read_text(encoding="utf-8") + text
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path.with_suffix(".restoring"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(path.with_suffix(".restoring"), path)
    if set(needed) - set(Keyring(path, given).ids()):
        raise DanganError("restore.keyring_needed", ids=", ".join(sorted(set(needed) - have)))
    return "unsealed"


def _put_object(runtime: Runtime, target: BackupTarget, key: str, scratch: Path) -> tuple[int, bool]:
    """Copy one object from the backup into the store if it verifies; (bytes, verified)."""
    kind, expected = parse_key(key)
    path = f"{OBJECTS}/{key}"
    if isinstance(target, FolderTarget):
        local = target.local_path(path)
        actual, size = hash_file(local)
        if actual != expected:
            return 0, False
        runtime.store.put_file(local, kind=kind, sha256=expected)
        return size, True
    with target.open(path) as stream:
        temp, actual, size = spool(stream, scratch)
    try:
        if actual != expected:
            return 0, False
        runtime.store.put_file(temp, kind=kind, sha256=expected)
    finally:
        temp.unlink(missing_ok=True)
    return size, True


def run_restore(
    runtime: Runtime,
    *,
    source: str,
    generation: str | None = None,
    login: str = "admin",
    client: str = "",
    on_object: Any = None,
) -> RestoreReport:
    """Restore the backup at source into this (empty) archive, then re-index, check and fixity."""
    settings = runtime.settings
    budget = settings.storage_retry_seconds
    started = time.monotonic()
    target = target_for(settings, source)
    name = pick_generation(target, generation, budget=budget)
    base = f"{GENERATIONS}/{name}"
    report = RestoreReport(None, target.description, name)
    marker = settings.home / MARKER
    mark = {"generation": name, "source": target.description}
    # A restore killed midway left this marker: the same restore continues (nothing else may write here).
    continuing = marker.exists() and json.loads(marker.read_text() or "{}") == mark
    resumed = _unfinished_restore(runtime, name, target.description) if continuing else None
    if not continuing:
        _ensure_empty(runtime)
        settings.home.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps(mark))
    tags = {p: d for d, p in read_manifest(target, name, "tagmanifest-sha256.txt", budget=budget)}
    report.keyring = _keyring(runtime, target, base, tags)
    (settings.home / "tmp").mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="restore-", dir=settings.home / "tmp"))
    try:
        dump = next((n for n in (SQLITE_FILE, PG_FILE) if n in tags), None)
        if dump is None:
            raise DanganError("restore.no_database", generation=name)
        report.database = dump
        if resumed is None:  # not yet past the database: (re)load it whole
            local = scratch / dump
            retrying(lambda: target.get_file(f"{base}/{dump}", local), seconds=budget, what=dump)
            if hash_file(local)[0] != tags[dump]:
                raise DanganError("restore.database_corrupt", generation=name)
            load_database(runtime.engine, local, replace=continuing)
            upgrade(runtime.engine)
            _settle_runs(runtime, name)
        _require_admin(runtime, login, client)
        # The run row marks the restore under way: a restore killed after it continues where it stopped.
        run_id = resumed or start_run(runtime, "restore", target.description, login, name)
        report.run_id = run_id
        audit_as = {
            "actor": login,
            "role": _role(runtime, login),
            "client": client,
            "action": "backup.restore",
        }
        try:
            _restore_objects(runtime, target, name, scratch, report, on_object)
            _reapply_registers(runtime, target, scratch, report)
            _rebuild_check_fixity(runtime, login, client, report)
        except BaseException as exc:
            report.seconds = time.monotonic() - started
            finish_run(runtime, run_id, state="interrupted", summary=_summary(report), error=str(exc)[:500],
                       audit_as=audit_as)  # fmt: skip
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report.seconds = time.monotonic() - started
    finish_run(runtime, run_id, state="complete" if report.ok else "failed", summary=_summary(report),
               audit_as=audit_as)  # fmt: skip
    marker.unlink(missing_ok=True)
    return report


def _unfinished_restore(runtime: Runtime, generation: str, where: str) -> int | None:
    """The id of an interrupted restore of this very generation from this place, to continue; else None."""
    if "operation_run" not in inspect(runtime.engine).get_table_names():
        return None
    with runtime.factory() as session:
        return session.scalar(
            select(OperationRun.id).where(
                OperationRun.kind == "restore", OperationRun.generation == generation,
                OperationRun.target == where[:300], OperationRun.state.in_(("running", "interrupted")),
            ).order_by(OperationRun.id.desc()).limit(1)
        )  # fmt: skip


def _settle_runs(runtime: Runtime, generation: str) -> None:
    """Runs the dump caught under way: the backup that made this generation completed; others did not here."""
    with runtime.factory() as session, session.begin():
        for run in session.scalars(select(OperationRun).where(OperationRun.state == "running")):
            done = run.kind == "backup" and run.generation == generation
            run.state = "complete" if done else "interrupted"
            run.finished_at = run.finished_at or utcnow()


def _require_admin(runtime: Runtime, login: str, client: str) -> None:
    """The restored archive's own admins may finish a restore (refusals audited in it)."""
    with runtime.factory() as session:
        user = session.scalar(select(User).where(User.login == login))
        if user is None:
            raise DanganError("user.not_found", login=login)
        require_any(user, ("admin",), action="backup.restore", client=client)


def _role(runtime: Runtime, login: str) -> str:
    with runtime.factory() as session:
        user = session.scalar(select(User).where(User.login == login))
        return user.role_label if user else ""


def _summary(report: RestoreReport) -> dict[str, Any]:
    out = report.as_json()
    out.pop("id", None)
    out["reapplied"] = [r["document_id"] for r in report.reapplied]
    return out


def _restore_objects(runtime, target, name, scratch, report, on_object) -> None:  # type: ignore[no-untyped-def]
    budget = runtime.settings.storage_retry_seconds
    paths = [p for _d, p in read_manifest(target, name, "manifest-sha256.txt", budget=budget)]
    keys = [p.removeprefix(f"{OBJECTS}/") for p in paths]
    report.objects = len(keys)

    def one(key: str) -> tuple[str, int, bool]:
        size, good = retrying(lambda: _put_object(runtime, target, key, scratch), seconds=budget, what=key)
        if on_object is not None:
            on_object(key)
        return key, size, good

    with ThreadPoolExecutor(WORKERS) as pool:
        for key, size, good in pool.map(one, keys):
            report.bytes += size
            if not good:
                report.corrupt.append(key)


def _reapply_registers(runtime, target, scratch, report) -> None:  # type: ignore[no-untyped-def]
    """Destroyed records stay destroyed: the registers kept at the backup place are re-applied."""
    budget = runtime.settings.storage_retry_seconds
    paths = sorted(retrying(lambda: target.list(f"{REGISTERS}/"), seconds=budget, what="registers"))
    batches = [json.loads(retrying(lambda p=p: target.read_bytes(p), seconds=budget, what=p)) for p in paths]
    if not batches:
        return
    with runtime.factory() as session, session.begin():
        done, keys = reapply(session, batches)
    if keys:
        retrying(lambda: runtime.store.delete_many(keys), seconds=budget, what="delete again")
    files = [f["object_key"] for b in batches for f in b["register_files"]]
    for key in files:  # the register PDFs and CSVs of batches newer than the backup, where the place has them
        if not runtime.store.exists(key) and target.size(f"{OBJECTS}/{key}") is not None:
            retrying(lambda k=key: _put_object(runtime, target, k, scratch), seconds=budget, what=key)
    report.reapplied = [asdict(r) | {"keys": list(r.keys)} for r in done]


def _rebuild_check_fixity(runtime: Runtime, login: str, client: str, report: RestoreReport) -> None:
    from workflows.checking import check_archive
    from workflows.fixity import run_fixity
    from workflows.rebuilding import plan_rebuild, rebuild_index
    from workflows.setup import initialise

    initialise(runtime)
    with runtime.factory() as session:  # closed before the rebuild: SQLite sessions hold the write lock
        user = session.scalar(select(User).where(User.login == login))
        if user is None:
            raise DanganError("user.not_found", login=login)
        role = user.role_label  # loads the roles, kept on the detached object
        session.expunge(user)
    plan = plan_rebuild(runtime, engine=None)
    report.indexed = rebuild_index(runtime, plan, actor=user, chunk=2000, workers=1, client=client).written
    checked = check_archive(runtime, actor=user, client=client)
    report.check = checked.as_json() | {"consistent": not checked.damaged}
    fixity = run_fixity(runtime, actor=login, role=role, client=client, everything=True)
    report.fixity = {k: v for k, v in fixity.as_json().items() if k != "unexpected"} | {
        "unexpected": len(fixity.unexpected)
    }
