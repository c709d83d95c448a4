"""`dangan backup`, `dangan backup verify`, `dangan restore`, `dangan fixity` (admins; issue 14).

backup DEST copies the archive to a folder or `s3://bucket/prefix` (a BagIt-style generation; objects once
by hash, trusting the last complete generation's manifest for what is already there; `--recheck` lists the
copies again); `backup verify DEST [--generation G]` checks a generation's completeness and every hash (exit 1
when it fails). restore SRC rebuilds an empty archive from a backup, then re-indexes, checks and runs fixity
(exit 1 when check or fixity find a problem). fixity re-hashes tonight's slice (`--all`: every object) and
repairs from `--repair-from DEST` or DANGAN_BACKUP_DEST (exit 1 while an object stays quarantined). A folder
literally named `verify` is given as `./verify`.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from access.duties import require_any
from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, cli_client, command, fail, make_runtime, reported
from core.errors import DanganError
from core.messages import bilingual

err_console = Console(stderr=True)
ADMIN = ("admin",)
GenerationOpt = Annotated[
    str | None, typer.Option("--generation", help="A generation's name (default: the newest complete one).")
]


def _admin(runtime, who, action: str):  # type: ignore[no-untyped-def]
    with runtime.factory() as session:
        user = who.user(session)
        require_any(user, ADMIN, action=action, client=who.client)
        return user.login, user.role_label


def backup(
    first: Annotated[str, typer.Argument(metavar="DEST | verify", help="Where to back up, or `verify`.")],
    second: Annotated[str | None, typer.Argument(metavar="[DEST]", help="With verify: the backup.")] = None,
    keep: Annotated[
        int | None, typer.Option("--keep", min=1, help="Generations kept (DANGAN_BACKUP_KEEP).")
    ] = None,
    generation: GenerationOpt = None,
    recheck: Annotated[
        bool,
        typer.Option(
            "--recheck",
            help="List every copy at DEST instead of trusting the last complete generation's manifest "
            "(after `backup verify` found a copy missing).",
        ),
    ] = False,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Back up the database, objects, audit trail and settings to DEST; or `backup verify DEST`."""
    if first == "verify" and second is not None:
        _verify(second, generation, as_json, user)
        return
    if second is not None:
        fail(bilingual("backup.bad_target", target=f"{first} {second}"), 2)
    from workflows.backup import run_backup

    with command(user) as (runtime, who):
        login, role = _admin(runtime, who, "backup.run")
        try:
            report = run_backup(
                runtime, dest=first, actor=login, role=role, client=who.client, keep=keep, recheck=recheck
            )
        except DanganError as err:
            fail(bilingual("backup.interrupted", reason=err.both()), 1)
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        err_console.print(bilingual("backup.done", generation=report.generation, objects=report.objects,
                                    copied=report.copied, bytes=report.bytes_copied,
                                    seconds=f"{report.seconds:.1f}"), highlight=False)  # fmt: skip
    if report.keyring == "left_out":
        err_console.print(
            bilingual("backup.keyring_left_out", ids=", ".join(report.key_ids)), highlight=False
        )
    if report.unverified:
        err_console.print(
            bilingual("backup.unverified_sources", count=len(report.unverified)), highlight=False
        )


def _verify(dest: str, generation: str | None, as_json: bool, user: str) -> None:
    from workflows.backup import target_for
    from workflows.backup_verify import verify_backup

    with command(user) as (runtime, who):
        login, role = _admin(runtime, who, "backup.verify")
        report = verify_backup(
            target_for(runtime.settings, dest),
            generation=generation,
            budget=runtime.settings.storage_retry_seconds,
        )
        _audit(runtime, login, role, who.client, "backup.verify", report.as_json(), report.ok)
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    elif report.ok:
        err_console.print(bilingual("backup.verified", generation=report.generation, objects=report.objects,
                                    bytes=report.bytes), highlight=False)  # fmt: skip
    if not report.ok:
        if not as_json:
            for path in report.missing[:20]:
                print(f"missing: {path}")
            for item in report.corrupt[:20]:
                print(f"corrupt: {item['path']} expected {item['expected']} actual {item['actual']}")
            for problem in report.tag_problems[:20]:
                print(f"tag: {problem}")
        fail(bilingual("backup.verify_failed", generation=report.generation, missing=len(report.missing),
                       wrong_size=len(report.wrong_size), corrupt=len(report.corrupt),
                       tags=len(report.tag_problems)), 1)  # fmt: skip


def _audit(runtime, login: str, role: str, client: str, action: str, details: dict, ok: bool) -> None:  # type: ignore[no-untyped-def]
    from core import audit

    brief = {k: (len(v) if isinstance(v, list) else v) for k, v in details.items()}
    with runtime.factory() as session, session.begin():
        audit.record(session, actor=login, role=role, action=action, client=client,
                     result="ok" if ok else "failed", details=brief)  # fmt: skip


def restore(
    source: Annotated[str, typer.Argument(metavar="SRC", help="The backup: a folder or s3://bucket/prefix.")],
    generation: GenerationOpt = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Restore an empty archive from a backup; re-index, check, fixity; report (the user must be an admin
    in the backup)."""
    from workflows.restore import run_restore

    runtime = make_runtime()
    try:
        with reported(runtime):
            report = run_restore(
                runtime, source=source, generation=generation, login=user, client=cli_client()
            )
    finally:
        runtime.close()
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False, default=str))
    else:
        word = {True: bilingual("restore.ok"), False: bilingual("restore.failed")}
        err_console.print(
            bilingual("restore.done", generation=report.generation, objects=report.objects, indexed=report.indexed,
                      check=word[bool(report.check.get("consistent"))], fixity=word[bool(report.fixity.get("ok"))]),
            highlight=False,
        )  # fmt: skip
    if report.reapplied:
        names = "; ".join(
            f"{r['archive_no'] or r['document_id']} {r['title']}" for r in report.reapplied[:20]
        )
        err_console.print(
            bilingual("restore.reapplied", count=len(report.reapplied), names=names), highlight=False
        )
    if not report.ok:
        raise typer.Exit(1)


def fixity(
    everything: Annotated[bool, typer.Option("--all", help="Every object now, not tonight's slice.")] = False,
    repair_from: Annotated[
        str | None, typer.Option("--repair-from", help="Repair quarantined objects from this backup.")
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Re-hash stored objects (FIX-3); quarantine, audit and repair what failed (FIX-4)."""
    from workflows.fixity import run_fixity

    with command(user) as (runtime, who):
        login, role = _admin(runtime, who, "fixity.run")
        report = run_fixity(runtime, actor=login, role=role, client=who.client, everything=everything,
                            repair_from=repair_from)  # fmt: skip
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        err_console.print(bilingual("fixity.done", checked=report.checked, passed=report.passed,
                                    changed=len(report.changed), missing=len(report.missing),
                                    unexpected=len(report.unexpected), quarantined=len(report.quarantined),
                                    repaired=len(report.repaired)), highlight=False)  # fmt: skip
        for item in report.changed[:20]:
            print(f"changed: {item['key']} expected {item['expected']} actual {item['actual']}")
        for key in report.missing[:20]:
            print(f"missing: {key}")
        for key in report.unexpected[:20]:
            print(f"unexpected: {key}")
    if report.quarantined:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the commands to the top-level app."""
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("fixity")(fixity)
