"""`dangan custody ledger|labels|inspect|inspections|remind-overdue`: custody's registers and checks.

Registered on `dangan custody` by api/cli/custody.py. Every command acts as `--user` and is audited; `--json`
prints one JSON object (the inspection made carries its `id`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit, fail
from api.limits import CLI_ID
from core.messages import bilingual
from custody.ledgers import LedgerFilter
from workflows import custody_records


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(bilingual("request.invalid", detail=f"not a date (YYYY-MM-DD): {value}"), 2)


def ledger(
    which: Annotated[str, typer.Argument(metavar="LEDGER", help="archive, certificates or loans.")],
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Write the filtered ledger to this XLSX file.")
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write the filtered ledger to this PDF file.")
    ] = None,
    customer: Annotated[int | None, typer.Option("--customer", help="Customer id.", **CLI_ID)] = None,
    location: Annotated[
        str | None, typer.Option("--location", help="A path: the place and all under it.")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="original or other (archive ledger).")] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="in_store, out, destroyed, unplaced; loans: a loan status or overdue."),
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Entered (loans: requested) on or after.")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="… on or before (YYYY-MM-DD).")] = None,
    borrower: Annotated[
        str | None, typer.Option("--borrower", help="Borrower's login (loan ledger).")
    ] = None,
    number: Annotated[
        str | None, typer.Option("--number", help="Archive number or title contains; slip no.")
    ] = None,
    page: Annotated[int, typer.Option("--page", min=1, max=100_000, help="Page of --json/printed rows.")] = 1,
    size: Annotated[int, typer.Option("--size", min=1, max=1000, help="Rows per page.")] = 50,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """A ledger (台账): archive, certificates or loans, filtered; --xlsx/--pdf write all of its rows."""
    filters = LedgerFilter(customer_id=customer, location=location, kind=kind, status=status,
                           date_from=_day(date_from), date_to=_day(date_to), borrower=borrower, number=number)  # fmt: skip
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        actor, tz, today = who.user(session), runtime.settings.timezone, runtime.today()
        result = custody_records.ledger_page(session, ledger=which, filters=filters, page=page, size=size,
                                             actor=actor, today=today, tz=tz, client=who.client)  # fmt: skip
        for fmt, out in (("xlsx", xlsx), ("pdf", pdf)):
            if out is not None:
                data = custody_records.export_ledger(session, ledger=which, filters=filters, fmt=fmt, actor=actor,
                                                     today=today, tz=tz, client=who.client)  # fmt: skip
                out.write_bytes(data)
    if as_json:
        emit({"ledger": which, "total": result.total, "page": result.page, "size": result.size,
              "rows": result.rows, "xlsx": str(xlsx) if xlsx else None, "pdf": str(pdf) if pdf else None})  # fmt: skip
        return
    for row in result.rows:
        if which == "loans":
            print(
                f"{row.slip_no}  {row.status:<17} {row.borrower:<12} due {row.due_date or '-'}  {row.items}"
            )
        else:
            print(
                f"{row.code}  {row.number or '-'}  {row.title}  {row.status}  {row.location or row.holder or '-'}"
            )
    print(f"({result.total})")


def labels(
    items: Annotated[list[int] | None, typer.Argument(metavar="ITEM…", help="Item ids.", **CLI_ID)] = None,
    pdf: Annotated[Path, typer.Option("--pdf", help="The PDF file of label sheets to write.")] = Path(
        "labels.pdf"
    ),
    location: Annotated[
        list[str] | None, typer.Option("--location", help="A location's path (repeat for several).")
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """PDF sheets of QR labels (segno) for items and locations; scanning one opens it in the web UI."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        data = custody_records.labels(session, item_ids=items or [], location_paths=location or [],
                                      actor=who.user(session), client=who.client)  # fmt: skip
    pdf.write_bytes(data)
    if as_json:
        emit({"pdf": str(pdf), "items": items or [], "locations": location or [], "bytes": len(data)})
    else:
        print(pdf)


def inspect(
    path: Annotated[
        str, typer.Argument(metavar="PATH", help="The location inspected (covers all under it).")
    ],
    findings: Annotated[str, typer.Option("--findings", help="What was found (e.g. 未见异常, 墙角受潮).")],
    issue: Annotated[
        list[str] | None, typer.Option("--issue", help="damp, pests or damage (repeat for several).")
    ] = None,
    on: Annotated[str | None, typer.Option("--on", help="Inspection date (default today).")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Record an inspection of a store (POL-12): date, inspector (the acting user), findings."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        made = custody_records.inspect(session, path=path, findings=findings, issues=issue or [], on=_day(on),
                                       today=runtime.today(), actor=who.user(session), client=who.client)  # fmt: skip
    emit(made) if as_json else print(f"{made.id}  {made.inspected_on}  {made.location}  {made.findings}")


def inspections(
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only rooms and safes overdue (the default).")
    ] = True,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Overdue by this date (default today).")
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Rooms and safes whose inspection is overdue (cycle: DANGAN_INSPECTION_DAYS)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rows = custody_records.overdue_inspections(session, today=_day(as_of) or runtime.today(),
                                                   cycle_days=runtime.settings.inspection_days,
                                                   actor=who.user(session), client=who.client)  # fmt: skip
    if as_json:
        emit(rows)
        return
    for r in rows:
        print(f"{r.code}  {r.location}  last {r.last_inspected or '-'}")


def remind_overdue(as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Send today's overdue-loan reminders now (the worker does it daily); archivist."""
    from workflows.custody_reminders import remind_now

    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        sent = remind_now(session, actor=who.user(session), today=runtime.today(), client=who.client)
    emit({"notifications": sent}) if as_json else print(sent)


def register(app: typer.Typer) -> None:
    """Add these commands to `dangan custody`."""
    app.command("ledger")(ledger)
    app.command("labels")(labels)
    app.command("inspect")(inspect)
    app.command("inspections")(inspections)
    app.command("remind-overdue")(remind_overdue)
