"""`dangan customers followups|grades|regrade|merge`: follow-up visits due after a sale (policy 8), grade rules a
manager edits (POL-1), and merging two files of one customer (every command audited as the acting --user)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit, fail
from api.limits import CLI_ID
from core.errors import DanganError
from core.messages import bilingual, translate
from records.customer_profile import yuan_to_fen
from workflows.customer_lifecycle import (
    followups_for,
    grade_rules,
    merge_customer_files,
    regrade_files,
    remove_grade_rule,
    set_grade_rule,
)

grades_app = typer.Typer(help="Grade rules (data a manager edits): show, set, remove.", no_args_is_help=True)


def _day(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(bilingual("customer.date_invalid", field_zh="--as-of", field_en="--as-of", value=value))


def followups(
    due: Annotated[
        bool, typer.Option("--due", help="Only follow-ups due (within 3 days) or overdue.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day to judge by, YYYY-MM-DD (default today).")
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Another owner's files you keep (managers).")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Open follow-up visits of your files after a sale (3, 30, 60 days: policy 8), earliest first (audited)."""
    day = _day(as_of)
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rows = followups_for(
            session, viewer=who.user(session), as_of=day, due_only=due, owner=owner, client=who.client
        )
    if as_json:
        emit(rows)
        return
    for row in rows:
        state = translate(f"ui.followup.state.{row['state']}")
        print(f"{row['due_on']}  {state}  [{row['customer_id']}] {row['customer']}  +{row['days']}d")


@grades_app.command("show")
def grades_show(as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """The grade rules, A first."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rules = grade_rules(session, actor=who.user(session), client=who.client)
    if as_json:
        emit(rules)
        return
    for rule in rules:
        sales = "-" if rule["min_annual_sales"] is None else f"≥{rule['min_annual_sales'] / 100:,.2f}"
        years = "-" if rule["min_years"] is None else f"≥{rule['min_years']}"
        print(
            f"{rule['grade']}  sales {sales}  years {years}  credit {','.join(rule['credit_standings']) or '-'}"
        )


@grades_app.command("set")
def grades_set(
    grade: Annotated[str, typer.Argument(help="A, B, C or D.")],
    min_sales: Annotated[str | None, typer.Option(help="Minimum annual sales in yuan (元).")] = None,
    min_years: Annotated[int | None, typer.Option(help="Minimum full years as a customer.")] = None,
    credit: Annotated[
        list[str] | None, typer.Option(help="An accepted credit standing (repeatable).")
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Create or replace one grade's rule (a manager; audited with before and after)."""
    try:
        sales = yuan_to_fen(min_sales, field="annual_sales") if min_sales is not None else None
    except DanganError as error:
        fail(error.both())
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rule = set_grade_rule(
            session,
            actor=who.user(session),
            grade=grade,
            min_annual_sales=sales,
            min_years=min_years,
            credit_standings=credit or [],
            client=who.client,
        )
    emit(rule) if as_json else print(f"{rule['grade']}: saved")


@grades_app.command("remove")
def grades_remove(grade: str, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Remove one grade's rule (a manager; audited)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        remove_grade_rule(session, actor=who.user(session), grade=grade, client=who.client)
    emit({"grade": grade, "removed": True}) if as_json else print(f"{grade}: removed")


def regrade(
    customer_id: Annotated[
        list[int] | None, typer.Option("--id", help="Only this file (repeatable).")
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why (kept with each revision).")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Apply the grade rules to current files (a manager): each change a revision; a manual grade stays."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        done = regrade_files(
            session,
            actor=who.user(session),
            reason=reason or translate("grade.regrade_reason"),
            customer_ids=customer_id,
            client=who.client,
        )
    if as_json:
        emit(done)
        return
    for row in done["changed"]:
        print(f"[{row['id']}] {row['name']}: {row['grade'] or '-'}")
    for row in done["overridden"]:
        print(f"[{row['id']}] {row['name']}: {row['grade']} (manual; rules: {row['rule_grade'] or '-'})")


def merge(
    from_id: Annotated[int, typer.Argument(metavar="FROM", **CLI_ID)],
    into_id: Annotated[int, typer.Argument(metavar="INTO", **CLI_ID)],
    reason: Annotated[str, typer.Option(help="Why (kept with both files' revisions).")],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Merge file FROM into file INTO: documents (archive numbers unchanged), contacts, timeline, follow-ups and
    paper items move; FROM stays as a pointer. Refused across credit codes, under a hold (audited)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        merged = merge_customer_files(
            session,
            runtime.index,
            actor=who.user(session),
            from_id=from_id,
            into_id=into_id,
            reason=reason,
            client=who.client,
        )
    if as_json:
        emit(merged)
        return
    print(f"{from_id} → {into_id}: {len(merged['document_ids'])} documents, {merged['contacts']} contacts, "
          f"{merged['entries']} entries")  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add these commands to `dangan customers`."""
    app.command("followups")(followups)
    app.add_typer(grades_app, name="grades")
    app.command("regrade")(regrade)
    app.command("merge")(merge)
