"""`dangan audit …`: verify the hash chain (or an exported slice), export a slice (AUD-3, AUD-4).

`verify` exits 0 when intact and 1 naming the first broken link (2 when it may not run). `export` writes
CSV or JSON lines with each event's prev_hash and hash, so `verify --file` checks the slice on its own;
the summary on stderr gives the slice's first prev_hash and last hash to compare with the live trail.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from api.cli.support import DEFAULT_USER, UserOpt, acting, command, fail, make_runtime, reported
from core.audit_export import FORMATS, SliceReport, verify_export
from core.messages import bilingual
from core.when import parse_when
from workflows.trail import export_trail, verify_trail

NAME = "audit"
app = typer.Typer(help="The audit trail: verify, export.", no_args_is_help=True)


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
    """Walk the hash chain (auditors, admins); exit 1 naming the first broken link."""
    runtime = make_runtime()
    try:
        who = acting(runtime, user)
        if file is not None:
            _verify_file(file, fmt)
            return
        with reported(runtime):
            report = verify_trail(runtime.factory, user_id=who.user_id, client=who.client)
    finally:
        runtime.close()
    if not report.intact:
        fail(bilingual("audit.chain_broken", id=report.broken_at, reason=report.reason), 1)
    print(bilingual("audit.chain_intact", count=report.checked))


def _verify_file(file: Path, fmt: str | None) -> None:
    try:
        with open(file, encoding="utf-8", newline="") as stream:
            report = verify_export(stream, fmt)
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
