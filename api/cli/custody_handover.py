"""`dangan custody handover …` (移交, POL-7, POL-8) and `dangan custody calendar override …` (HND-1).

Registered on the custody app by api.cli (register()). Every command acts as `--user` and is audited;
`--json` prints one JSON object (a list for `list`), and `create` carries the new list's `id`.

A line is written TITLE:PIECES:PAGES, optionally followed by :DOCUMENT_ID, :cert=权证号 and :note=备注
(the title may itself hold colons); a count is LINE:PIECES:PAGES.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit, fail
from api.limits import CLI_ID
from core.messages import bilingual
from custody.handovers import Line

handover_app = typer.Typer(
    help="Handover of a finished matter (移交): A lists, B reviews, the archive numbers and accepts.",
    no_args_is_help=True,
)
override_app = typer.Typer(
    help="The company's own days (admin): days off and extra workdays.", no_args_is_help=True
)

IdArg = Annotated[int, typer.Argument(metavar="ID", help="Handover list id.", **CLI_ID)]
ItemOpt = Annotated[
    list[str],
    typer.Option("--item", help="A line: TITLE:PIECES:PAGES[:DOCUMENT_ID][:cert=NO][:note=TEXT] (repeat)."),
]
CountOpt = Annotated[
    list[str] | None,
    typer.Option("--count", help="A line counted: LINE:PIECES:PAGES (repeat for each line)."),
]


def register(custody_app: typer.Typer, calendar_app: typer.Typer) -> None:
    """Add `handover` and `calendar override` to the custody commands."""
    custody_app.add_typer(handover_app, name="handover")
    calendar_app.add_typer(override_app, name="override")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(bilingual("request.invalid", detail=f"not a date (YYYY-MM-DD): {value}"), 2)


def parse_line(value: str) -> Line:
    """TITLE:PIECES:PAGES[:DOCUMENT_ID][:cert=NO][:note=TEXT] → a Line (the title may hold colons)."""
    parts = value.split(":")
    extra: dict[str, str] = {}
    document: int | None = None
    while parts and (parts[-1].startswith(("cert=", "note=")) or (len(parts) > 3 and _is_int(parts[-1]) and
                                                                    _is_int(parts[-2]) and _is_int(parts[-3]))):  # fmt: skip
        last = parts.pop()
        if last.startswith(("cert=", "note=")):
            key, _, text = last.partition("=")
            extra[key] = text
        else:
            document = int(last)
    if len(parts) < 3 or not _is_int(parts[-1]) or not _is_int(parts[-2]):
        fail(bilingual("custody.handover.bad_line", line=value), 2)
    title = ":".join(parts[:-2])
    return Line(title=title, pieces=int(parts[-2]), pages=int(parts[-1]), document_id=document,
                certificate_no=extra.get("cert", ""), remarks=extra.get("note", ""))  # fmt: skip


def _is_int(text: str) -> bool:
    return text.strip().isascii() and text.strip().isdigit() and len(text.strip()) <= 9


def parse_counts(values: list[str] | None) -> dict[int, tuple[int, int]]:
    """LINE:PIECES:PAGES… → {line: (pieces, pages)}."""
    counts: dict[int, tuple[int, int]] = {}
    for value in values or []:
        parts = value.split(":")
        if len(parts) != 3 or not all(_is_int(p) for p in parts):
            fail(bilingual("custody.handover.bad_count_spec", count=value), 2)
        counts[int(parts[0])] = (int(parts[1]), int(parts[2]))
    return counts


def _print(view) -> None:  # type: ignore[no-untyped-def]
    due = f"  due {view.due}{' LATE' if view.late else ''}" if view.due else ""
    print(f"{view.id:>5} {view.number or '-'}  {view.kind:<11} {view.status:<9} {view.title}{due}")


@handover_app.command("create")
def create(
    items: ItemOpt,
    title: Annotated[str, typer.Option("--title", help="The finished matter, e.g. 某公司流动资金贷款.")] = "",
    customer: Annotated[int | None, typer.Option("--customer", help="The customer file.", **CLI_ID)] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Reviewer B's login.")] = None,
    finished: Annotated[
        str | None,
        typer.Option("--finished", help="When the matter ended (default today): A's 3 days start."),
    ] = None,
    prefix: Annotated[
        str | None,
        typer.Option("--prefix", help="Number prefix (default DANGAN_HANDOVER_PREFIX, e.g. 鸿借字)."),
    ] = None,
    certificates_of: Annotated[
        int | None,
        typer.Option("--certificates-of", help="A certificates (权证) list for this file list id.", **CLI_ID),
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Prepare a handover list (preparer A: staff or a manager) naming reviewer B."""
    from workflows import handovers

    lines = [parse_line(v) for v in items]
    finished_on = _day(finished) if finished else None
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        view = handovers.create_handover(
            session, title=title, customer_id=customer, reviewer=reviewer, lines=lines, actor=who.user(session),
            today=runtime.today(), prefix=prefix or runtime.settings.handover_prefix, finished_on=finished_on,
            certificates_of=certificates_of, client=who.client,
        )  # fmt: skip
    emit(view) if as_json else _print(view)


@handover_app.command("amend")
def amend(handover_id: IdArg, items: ItemOpt, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Rewrite the lines (preparer A, before signing or after a return)."""
    from workflows import handovers

    lines = [parse_line(v) for v in items]
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        view = handovers.amend_handover(session, handover_id=handover_id, lines=lines, actor=who.user(session),
                                        today=runtime.today(), client=who.client)  # fmt: skip
    emit(view) if as_json else _print(view)


@handover_app.command("sign")
def sign(
    handover_id: IdArg,
    counts: CountOpt = None,
    as_listed: Annotated[
        bool, typer.Option("--as-listed", help="Lines without --count were counted as listed.")
    ] = False,
    exception: Annotated[
        str, typer.Option("--exception", help="Sign despite a count mismatch, with this reason (HND-2).")
    ] = "",
    location: Annotated[
        str | None,
        typer.Option("--location", help="Archivist: where it is put away (certificates: the safe)."),
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Sign the step the list awaits from you: A's, B's (counted) or the archivist's (counted, numbered)."""
    from workflows import handovers

    counted = parse_counts(counts)
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        view = handovers.sign_handover(
            session, handover_id=handover_id, actor=who.user(session), today=runtime.today(),
            pattern=runtime.settings.handover_number_pattern, counts=counted, as_listed=as_listed,
            exception=exception, location=location, client=who.client,
        )  # fmt: skip
    emit(view) if as_json else _print(view)


@handover_app.command("return")
def return_(
    handover_id: IdArg,
    missing: Annotated[str, typer.Option("--missing", help="What is missing or must be completed.")],
    counts: CountOpt = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Send the list back to preparer A with what is missing (reviewer B, or the archivist)."""
    from workflows import handovers

    counted = parse_counts(counts)
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        view = handovers.return_handover(session, handover_id=handover_id, missing=missing, counts=counted or None,
                                         actor=who.user(session), today=runtime.today(), client=who.client)  # fmt: skip
    emit(view) if as_json else _print(view)


@handover_app.command("show")
def show(
    handover_id: IdArg,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write the list as a PDF (three copies) to this file.")
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """One handover list with its lines, counts, steps and deadlines (its parties, archivists, auditors)."""
    from workflows import handovers

    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        if pdf is None:
            view = handovers.show_handover(session, handover_id=handover_id, actor=who.user(session),
                                           today=runtime.today(), client=who.client)  # fmt: skip
        else:
            view, data = handovers.print_handover(session, handover_id=handover_id, actor=who.user(session),
                                                  today=runtime.today(), tz=runtime.settings.timezone,
                                                  client=who.client)  # fmt: skip
            try:
                pdf.write_bytes(data)
            except OSError as err:
                fail(bilingual("request.invalid", detail=f"cannot write {pdf}: {err.strerror}"), 1)
    if as_json:
        emit(view)
        return
    _print(view)
    for line in view.lines:
        counted = " ".join(
            f"{who}={c[0]}/{c[1]}"
            for who, c in (("B", line.reviewer_count), ("archive", line.archivist_count))
            if c is not None
        )
        print(f"   {line.position:>3}. {line.title}  {line.pieces}/{line.pages}  {counted}")
    for step in view.steps:
        print(f"   {step.at:%Y-%m-%d %H:%M} {step.kind:<7} {step.actor} {step.note or step.exception}")


@handover_app.command("list")
def list_(
    late: Annotated[
        bool, typer.Option("--late", help="Only lists whose step owed is past its deadline.")
    ] = False,
    open_only: Annotated[bool, typer.Option("--open", help="Only lists not yet accepted.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Late by this date (default today).")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Handover lists, newest first: all for archivists and auditors, else those you are a party to."""
    from workflows import handovers

    when = _day(as_of) if as_of else None
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rows = handovers.list_handovers(session, actor=who.user(session), as_of=when or runtime.today(),
                                        late=late, open_only=open_only, client=who.client)  # fmt: skip
    if as_json:
        emit(rows)
        return
    for row in rows:
        _print(row)


@override_app.command("add")
def override_add(
    day: Annotated[str, typer.Argument(metavar="DATE", help="YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (e.g. 公司年会, 2027年春节调休).")],
    workday: Annotated[
        bool | None,
        typer.Option("--workday/--holiday", help="A day worked, or a day off.", show_default=False),
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Make DATE a workday or a day off for the company (admin); it wins over the state calendar."""
    from workflows import calendar_days

    if workday is None:
        fail(bilingual("request.invalid", detail="give --workday or --holiday"), 2)
    when = _day(day)
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        made = calendar_days.add_override(session, day=when, workday=workday, reason=reason,
                                          actor=who.user(session), client=who.client)  # fmt: skip
    emit(made) if as_json else print(f"{made.day}  {'workday' if made.workday else 'holiday'}  {made.reason}")


@override_app.command("list")
def override_list(as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """The company's own days, oldest first (admin)."""
    from workflows import calendar_days

    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rows = calendar_days.list_overrides(session, actor=who.user(session), client=who.client)
    if as_json:
        emit(rows)
        return
    for row in rows:
        print(f"{row.day}  {'workday' if row.workday else 'holiday'}  {row.reason}")


@override_app.command("remove")
def override_remove(
    day: Annotated[str, typer.Argument(metavar="DATE", help="YYYY-MM-DD.")],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Remove the company's day: the state calendar applies again (admin)."""
    from workflows import calendar_days

    when = _day(day)
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        gone = calendar_days.remove_override(session, day=when, actor=who.user(session), client=who.client)
    emit(gone) if as_json else print(f"{gone.day}  removed")
