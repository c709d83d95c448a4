"""`dangan audit …`: verify the keyed hash chain (or an exported slice), checkpoint its head, rotate its key,
export a slice (AUD-3, AUD-4).

`verify` exits 0 when intact and 1 naming the first broken link or the checkpoint that disagrees (2 when it
may not run). `checkpoint` writes a checkpoint of the head to the object store (schedule it). `rotate-key`
signs onward with a new key. `export` writes CSV or JSON lines with each event's prev_hash, hash and key id,
so `verify --file` checks the slice on its own with the key ring; the summary on stderr gives the slice's
first prev_hash and last hash to compare with the live trail.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from api.cli.support import (
    DEFAULT_USER,
    JsonOpt,
    UserOpt,
    acting,
    command,
    emit,
    fail,
    make_runtime,
    reported,
)
from core.audit_export import FORMATS, SliceReport, verify_export
from core.db import keyring_for
from core.messages import bilingual
from core.when import parse_when
from workflows.trail import checkpoint_trail, export_trail, rotate_audit_key, verify_trail

NAME = "audit"
app = typer.Typer(help="The audit trail: verify, checkpoint, rotate-key, export.", no_args_is_help=True)


def _summary(report: SliceReport) -> str:
    return (
        f"{report.count} events, ids {report.first_id}–{report.last_id}, "
        f"after hash {report.first_prev_hash}, last hash {report.last_hash}"
    )


@app.command("verify")
def verify(
    file: Annotated[
        Path | None, typer.Option("--file", help="Verify this export instead of the database.")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv or jsonl (default: from the content).")
    ] = None,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Walk the chain with the key ring and compare it with every checkpoint (auditors, admins); exit 1 naming
    the first broken link or the checkpoint that disagrees. When intact, a new checkpoint is written."""
    runtime = make_runtime()
    try:
        who = acting(runtime, user)
        if file is not None:
            _verify_file(runtime, file, fmt)
            return
        with reported(runtime):
            report = verify_trail(runtime, user_id=who.user_id, client=who.client)
    finally:
        runtime.close()
    if not report.intact:
        fail(bilingual("audit.chain_broken", id=report.broken_at, reason=report.reason), 1)
    print(bilingual("audit.chain_intact_keyed", count=report.checked, checkpoints=report.checkpoints))


@app.command("checkpoint")
def checkpoint(as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Write a signed checkpoint of the chain's head to the object store (auditors, admins; schedule it)."""
    with command(user) as (runtime, who):
        made = checkpoint_trail(runtime, user_id=who.user_id, client=who.client)
    if as_json:
        emit({"name": made.name, "head_id": made.head_id, "head_hash": made.head_hash, "count": made.count,
              "key_id": made.key_id, "at": made.at})  # fmt: skip
        return
    print(bilingual("audit.checkpoint_written", name=made.name, id=made.head_id, count=made.count))


@app.command("rotate-key")
def rotate_key(as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Sign onward with a new audit key (admin): the chain records the change, signed with the old key; the
    new key is appended to the key ring file, which keeps the old ones. Copy the file to every machine."""
    with command(user) as (runtime, who):
        old, new = rotate_audit_key(runtime, user_id=who.user_id, client=who.client)
    if as_json:
        emit({"old_key_id": old, "new_key_id": new})
        return
    print(bilingual("audit.key_rotated", old=old, new=new))


def _verify_file(runtime, file: Path, fmt: str | None) -> None:  # type: ignore[no-untyped-def]
    try:
        with open(file, encoding="utf-8", newline="") as stream:
            report = verify_export(stream, keyring_for(runtime.settings), fmt)
    except OSError as err:
        fail(f"{file}: {err.strerror}", 2)
    if not report.intact:
        fail(bilingual("audit.chain_broken", id=report.broken_at, reason=report.reason), 1)
    print(bilingual("audit.chain_intact", count=report.count) + f" ({_summary(report)})")


@app.command("export")
def export(
    since: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD or ISO 8601, local time.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD (included) or ISO 8601.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl.")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Export the events of a period with their chain hashes (auditors only; the export is audited)."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r}: use csv or jsonl", param_hint="--format")
    with command(user) as (runtime, who):
        tz = runtime.settings.timezone
        start, end = parse_when(since, tz), parse_when(until, tz, end=True)
        with open(output, "w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout) as out:
            report = export_trail(
                runtime.factory,
                out,
                user_id=who.user_id,
                since=start,
                until=end,
                fmt=fmt,
                client=who.client,
            )
    typer.echo(f"exported {_summary(report)}", err=True)
