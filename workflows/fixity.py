"""`dangan fixity`: every stored object re-hashed on a cycle, failures quarantined and repaired (FIX-3, FIX-4).

A run takes tonight's slice (storage.fixity.due_for_check; `--all`: everything), compares each object with
the hash its key names and keeps the result per object. The report counts checked, passed, changed (expected
and actual SHA-256), missing, and unexpected (stored objects no record names, older than the grace period).
A changed or missing object is quarantined — reads refuse it, saying so —, audited, and the admins are told (once
per run that finds new damage, through workflows.notify); then it is repaired
from the backup (`--repair-from DEST`, or DANGAN_BACKUP_DEST when set): the copy there is hashed first and
only a copy that verifies replaces the object.
"""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from access.notifications import holders, notify
from core import audit
from core.db import utcnow
from storage.base import KIND_PREFIXES, parse_key, spool
from storage.fixity import (
    Finding,
    Throttle,
    check_object,
    due_for_check,
    mark_repaired,
    quarantined,
    record_many,
)
from storage.retrying import retrying
from storage.targets import BackupTarget
from workflows.backup import finish_run, start_run, target_for
from workflows.backup_place import OBJECTS, named_objects
from workflows.runtime import Runtime

WORKERS = 4


@dataclass
class FixityReport:
    """What a fixity run found and did."""

    run_id: int
    scope: str  # slice | all
    checked: int = 0
    passed: int = 0
    changed: list[dict] = field(default_factory=list)  # key, expected, actual
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)  # in quarantine after the run
    repaired: list[str] = field(default_factory=list)
    not_repaired: list[dict] = field(default_factory=list)  # key, reason
    newly_failed: int = 0  # failures of objects not already in quarantine
    bytes: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.quarantined)

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"id": self.run_id, "ok": self.ok}


def run_fixity(
    runtime: Runtime,
    *,
    actor: str,
    role: str = "",
    client: str = "",
    everything: bool = False,
    repair_from: str | None = None,
) -> FixityReport:
    """Check tonight's slice (or everything), quarantine and audit failures, repair from a backup if any."""
    settings, store = runtime.settings, runtime.store
    budget = settings.storage_retry_seconds
    started, now = time.monotonic(), utcnow()
    run_id = start_run(runtime, "fixity", "", actor)
    report = FixityReport(run_id, "all" if everything else "slice")
    audit_as = {"actor": actor, "role": role, "client": client, "action": "fixity.run"}
    try:
        with runtime.factory() as session:
            known = named_objects(session)
        listing = {o.key: o for o in retrying(lambda: list(store.list()), seconds=budget, what="list")}
        checkpoints = KIND_PREFIXES["checkpoint"] + "/"
        universe = known | {k for k in listing if k.startswith(checkpoints)}
        grace = now - timedelta(hours=settings.orphan_grace_hours)
        report.unexpected = sorted(k for k, o in listing.items() if k not in universe and o.modified < grace)
        with runtime.factory() as session:
            todo = (
                sorted(universe)
                if everything
                else due_for_check(session, universe, cycle_days=settings.fixity_cycle_days, now=now)
            )
        throttle = Throttle(settings.fixity_max_mb_per_second) if settings.fixity_max_mb_per_second else None

        def check(key: str) -> Finding:
            return retrying(lambda: check_object(store, key, throttle), seconds=budget, what=key)

        workers = 1 if throttle is not None else WORKERS
        findings: list[Finding] = []
        with ThreadPoolExecutor(workers) as pool:
            for finding in pool.map(check, todo):
                findings.append(finding)
                if len(findings) >= 2000:
                    _keep(runtime, findings, report, actor, role, client)
                    findings = []
        _keep(runtime, findings, report, actor, role, client)
        if report.newly_failed:
            # The admins are told once per run that found new damage (a count and a link, never the keys).
            with runtime.factory() as session, session.begin():
                notify(session, user_ids=holders(session, ["admin"]), code="notify.fixity.failed", id=run_id,
                       count=report.newly_failed)  # fmt: skip
        source = repair_from or settings.backup_dest
        if source:
            repair(runtime, source=source, report=report, actor=actor, role=role, client=client)
        with runtime.factory() as session:
            report.quarantined = [row.key for row in quarantined(session)]
    except BaseException as exc:
        report.seconds = time.monotonic() - started
        finish_run(runtime, run_id, state="interrupted", summary=_summary(report), error=str(exc)[:500],
                   audit_as=audit_as)  # fmt: skip
        raise
    report.seconds = time.monotonic() - started
    finish_run(runtime, run_id, state="complete", summary=_summary(report), audit_as=audit_as)
    return report


def _summary(report: FixityReport) -> dict[str, Any]:
    return {
        "scope": report.scope, "checked": report.checked, "passed": report.passed,
        "changed": len(report.changed), "missing": len(report.missing), "unexpected": len(report.unexpected),
        "quarantined": len(report.quarantined), "repaired": len(report.repaired),
        "not_repaired": len(report.not_repaired), "bytes": report.bytes, "seconds": round(report.seconds, 3),
        "failures": [c["key"] for c in report.changed] + report.missing,
    }  # fmt: skip


def _keep(runtime: Runtime, findings: list[Finding], report: FixityReport, actor, role, client) -> None:  # type: ignore[no-untyped-def]
    """Record a chunk of findings; each newly failed object is quarantined and audited."""
    if not findings:
        return
    with runtime.factory() as session, session.begin():
        newly_quarantined = record_many(session, findings)
        for finding, newly in zip(findings, newly_quarantined, strict=True):
            report.checked += 1
            report.bytes += finding.size or 0
            if finding.result == "passed":
                report.passed += 1
                continue
            if finding.result == "changed":
                report.changed.append(
                    {"key": finding.key, "expected": finding.expected, "actual": finding.actual}
                )
            else:
                report.missing.append(finding.key)
            report.newly_failed += int(newly)
            audit.record(
                session, actor=actor, role=role, action="fixity.failed", object_type="object",
                object_id=finding.key, client=client, result="failed",
                details={"result": finding.result, "expected": finding.expected, "actual": finding.actual,
                         "quarantined": True, "newly": newly},
            )  # fmt: skip


def repair(
    runtime: Runtime, *, source: str, report: FixityReport, actor: str, role: str = "", client: str = ""
) -> None:
    """Replace each quarantined object with the backup's copy at source, if that copy verifies."""
    target = target_for(runtime.settings, source)
    with runtime.factory() as session:
        keys = [row.key for row in quarantined(session)]
    for key in keys:
        problem = _repair_one(runtime, target, key)
        if problem is not None:
            report.not_repaired.append({"key": key, "reason": problem})
            continue
        with runtime.factory() as session, session.begin():
            mark_repaired(session, key, source=target.description)
            audit.record(session, actor=actor, role=role, action="fixity.repaired", object_type="object",
                         object_id=key, client=client, details={"from": target.description})  # fmt: skip
        report.repaired.append(key)


def _repair_one(runtime: Runtime, target: BackupTarget, key: str) -> str | None:
    """Put the backup's copy of key back if it verifies; None when done, else why not."""
    settings, store = runtime.settings, runtime.store
    budget = settings.storage_retry_seconds
    kind, expected = parse_key(key)
    scratch = settings.home / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)

    def fetch() -> tuple[Path, str, int] | None:
        try:
            with target.open(f"{OBJECTS}/{key}") as stream:
                return spool(stream, scratch)
        except FileNotFoundError:
            return None

    got = retrying(fetch, seconds=budget, what=key)
    if got is None:
        return "no_copy"
    temp, actual, _size = got
    try:
        if actual != expected:
            return f"copy_corrupt: {actual}"

        def replace() -> None:
            with contextlib.suppress(FileNotFoundError):
                store.delete(key)
            store.put_file(temp, kind=kind, sha256=expected)

        try:
            retrying(replace, seconds=budget, what=key)
        except PermissionError as exc:  # a locked (WORM) object cannot be replaced by us
            return f"refused: {exc}"[:200]
    finally:
        temp.unlink(missing_ok=True)
    return None if check_object(store, key).result == "passed" else "still_failing"
