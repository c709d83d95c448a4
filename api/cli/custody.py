"""`dangan custody …`: locations, paper items, moves, where an item is, loans, the working-day calendar.

Every command acts as `--user` and is audited; `--json` prints one JSON object (a list for `loans`), and a
command that creates something carries its `id`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit, fail
from api.limits import CLI_ID
from core.messages import bilingual
from workflows import custody

NAME = "custody"
app = typer.Typer(help="Paper originals: locations, items, moves, loans.", no_args_is_help=True)
location_app = typer.Typer(
    help="Locations: building, room, cabinet, shelf, box, the safe.", no_args_is_help=True
)
item_app = typer.Typer(help="Paper items: originals and certificates (权证).", no_args_is_help=True)
loan_app = typer.Typer(help="Loans against a loan slip (出借单).", no_args_is_help=True)
calendar_app = typer.Typer(help="The working-day calendar (holidays and 调休).", no_args_is_help=True)
app.add_typer(location_app, name="location")
app.add_typer(item_app, name="item")
app.add_typer(loan_app, name="loan")
app.add_typer(calendar_app, name="calendar")

IdArg = Annotated[int, typer.Argument(metavar="ID", help="Loan id.", **CLI_ID)]


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(bilingual("request.invalid", detail=f"not a date (YYYY-MM-DD): {value}"), 2)


@location_app.command("add")
def location_add(
    path: Annotated[str, typer.Argument(metavar="PATH", help="Like 总部/档案室/A柜/2层/03盒.")],
    kind: Annotated[
        str, typer.Option("--kind", help="building, room, cabinet, shelf, box, folder, safe, other.")
    ],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Add a location and its missing parents (archivist)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        made = custody.add_location(session, path=path, kind=kind, actor=who.user(session), client=who.client)
    emit(made) if as_json else print(f"{made.code}  {made.path}  [{made.kind}]")


@location_app.command("list")
def location_list(as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Every location with its label code (archivist)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rows = custody.list_locations(session, actor=who.user(session), client=who.client)
    if as_json:
        emit(rows)
        return
    for row in rows:
        print(f"{row.code}  {row.path}  [{row.kind}]")


@item_app.command("add")
def item_add(
    pieces: Annotated[int, typer.Option("--pieces", help="Pieces (件).")],
    pages: Annotated[int, typer.Option("--pages", help="Pages (页), covers included.")],
    document: Annotated[
        int | None, typer.Option("--document", help="The document it is the original of.", **CLI_ID)
    ] = None,
    customer: Annotated[
        int | None, typer.Option("--customer", help="The customer file it belongs to.", **CLI_ID)
    ] = None,
    kind: Annotated[str, typer.Option("--kind", help="original, certificate or other.")] = "original",
    location: Annotated[
        str | None,
        typer.Option("--location", help="Where it is put away (certificates: the safe by default)."),
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Register a paper original and put it away (archivist)."""
    if (document is None) == (customer is None):
        fail(bilingual("request.invalid", detail="give --document ID or --customer ID"), 2)
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        item = custody.add_item(session, document_id=document, customer_id=customer, pieces=pieces, pages=pages,
                                kind=kind, location=location, actor=who.user(session), client=who.client)  # fmt: skip
    emit(item) if as_json else print(f"{item.id}  {item.location or '-'}")


@app.command("move")
def move(
    item: Annotated[int, typer.Argument(metavar="ITEM", help="Item id.", **CLI_ID)],
    to: Annotated[str, typer.Option("--to", help="The new location's path.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it moves.")],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Move an item to another location (archivist)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        view = custody.move_item(session, item_id=item, to=to, reason=reason, actor=who.user(session),
                                 client=who.client)  # fmt: skip
    emit(view) if as_json else print(f"{view.id}  {view.location}")


@app.command("where")
def where(
    item: Annotated[int, typer.Argument(metavar="ITEM", help="Item id.", **CLI_ID)],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Where an item is (null while out on loan) and every movement it made."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        view = custody.where(session, item_id=item, actor=who.user(session), client=who.client)
    if as_json:
        emit(view)
        return
    if view.location is None and view.out_on_loan is not None:
        print(f"out on loan {view.out_on_loan}")
    else:
        print(view.location or "-")
    for m in view.history:
        print(
            f"  {m.at:%Y-%m-%d %H:%M} {m.kind:<9} {m.from_location or '-'} → {m.to_location or m.holder or '-'}"
        )


@loan_app.command("request")
def loan_request(
    items: Annotated[list[int], typer.Option("--item", help="Item id (repeat for several).", **CLI_ID)],
    purpose: Annotated[str, typer.Option("--purpose", help="What the loan is for.")],
    days: Annotated[
        int | None, typer.Option("--days", help="Term in working days (default DANGAN_LOAN_DAYS).")
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Ask to borrow items (a loan slip); the chairman's, GM's and deputy GMs' own are approved at once."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        loan = custody.request_loan(session, item_ids=items, purpose=purpose, days=days, actor=who.user(session),
                                    today=runtime.today(), default_days=runtime.settings.loan_days,
                                    slip_pattern=runtime.settings.loan_slip_pattern, client=who.client)  # fmt: skip
    emit(loan) if as_json else print(f"{loan.id}  {loan.slip_no}  {loan.status}")


def _loan_step(step: str, loan_id: int, as_json: bool, user: str, **extra: object) -> None:
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        actor = who.user(session)
        if step == "approve":
            loan = custody.approve_loan(session, loan_id=loan_id, actor=actor, client=who.client)
        elif step == "refuse":
            loan = custody.refuse_loan(session, loan_id=loan_id, actor=actor, client=who.client)
        elif step == "out":
            loan = custody.hand_out(
                session, loan_id=loan_id, actor=actor, today=runtime.today(), client=who.client
            )
        else:
            loan = custody.renew_loan(session, loan_id=loan_id, actor=actor, days=extra.get("days"),  # type: ignore[arg-type]
                                      default_days=runtime.settings.loan_days, client=who.client)  # fmt: skip
    emit(loan) if as_json else print(f"{loan.id}  {loan.slip_no}  {loan.status}  {loan.due_date or ''}")


@loan_app.command("approve")
def loan_approve(loan_id: IdArg, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Approve a loan or its renewal (the chairman, the GM or a deputy GM)."""
    _loan_step("approve", loan_id, as_json, user)


@loan_app.command("refuse")
def loan_refuse(loan_id: IdArg, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Refuse a loan or its renewal (the chairman, the GM or a deputy GM)."""
    _loan_step("refuse", loan_id, as_json, user)


@loan_app.command("out")
def loan_out(loan_id: IdArg, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Hand the items out (archivist): they leave their locations; the due date is counted from today."""
    _loan_step("out", loan_id, as_json, user)


@loan_app.command("renew")
def loan_renew(
    loan_id: IdArg,
    days: Annotated[
        int | None, typer.Option("--days", help="More working days (default DANGAN_LOAN_DAYS).")
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Ask for more time (the borrower); an approver decides."""
    _loan_step("renew", loan_id, as_json, user, days=days)


@loan_app.command("return")
def loan_return(
    loan_id: IdArg,
    pieces: Annotated[int, typer.Option("--pieces", help="Pieces counted back.")],
    pages: Annotated[int, typer.Option("--pages", help="Pages counted back.")],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Take the items back, counted (archivist): a shortfall opens an incident and exits 1."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        result = custody.take_back(session, loan_id=loan_id, pieces=pieces, pages=pages, actor=who.user(session),
                                   client=who.client)  # fmt: skip
    if as_json:
        emit({"id": result.loan.id, "complete": result.complete, "incident_id": result.incident_id,
              "loan": result.loan})  # fmt: skip
    else:
        print(f"{result.loan.id}  {result.loan.slip_no}  {result.loan.status}")
    if not result.complete:
        fail(bilingual("custody.loan.short_return", id=loan_id, incident=result.incident_id), 1)


@app.command("loans")
def loans(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only loans past their due date.")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Overdue by this date (default today).")
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Loans, newest first: all for the archivist, auditors and approvers, else one's own."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rows = custody.list_loans(session, actor=who.user(session), overdue=overdue,
                                  as_of=_day(as_of) if as_of else runtime.today(), client=who.client)  # fmt: skip
    if as_json:
        emit(rows)
        return
    for r in rows:
        print(
            f"{r.id:>5} {r.slip_no}  {r.status:<17} {r.borrower:<12} due {r.due_date or '-'}  items {r.items}"
        )


@calendar_app.command("workdays-after")
def calendar_workdays_after(
    day: Annotated[str, typer.Argument(metavar="DATE", help="YYYY-MM-DD (not counted).")],
    n: Annotated[int, typer.Argument(metavar="N", help="Working days.")],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """The date N working days after DATE (public holidays, 调休 and the company's own days)."""
    from workflows.calendar_days import last_covered_year
    from workflows.calendar_days import workdays_after as count_after

    start = _day(day)
    with command(user) as (runtime, _who), runtime.factory() as session, session.begin():
        result = count_after(session, day=start, n=n)
    if result.estimated:  # a year chinesecalendar does not know: weekdays and the company's days only
        typer.echo(bilingual("calendar.estimated", year=result.date.year, last=last_covered_year()), err=True)
    answer = {"date": result.date.isoformat()} | ({"estimated": True} if result.estimated else {})
    emit(answer) if as_json else print(result.date.isoformat())


# --- ledgers, labels, inspections, reminders (api/cli/custody_records.py, issue 13) ---------------------
from api.cli import custody_records  # noqa: E402

custody_records.register(app)
