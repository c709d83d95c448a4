"""`dangan retention …`: schedules, due list, legal holds, destruction batches and their registers.

Every command acts as `--user` and is audited. `batch execute --json` prints one JSON object per record with
its verification results, then a final summary; a batch the store interrupted exits 1 after its summary.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit, fail
from api.limits import CLI_ID
from core.errors import DanganError
from core.messages import bilingual
from retention import views
from retention.batches import approve, batch_view, create_batch
from retention.destroy import BatchInterrupted, ExecutionReport, ItemResult
from retention.holds import hold_view
from retention.paper import PaperDestruction
from retention.register import store_register
from workflows.destruction import run_batch, submit_batch
from workflows.retention_changes import (
    extend_retention,
    lift_hold,
    place_hold,
    renew_locks,
    set_retention_rule,
)

NAME = "retention"
app = typer.Typer(
    help="Retention: schedules, due records, legal holds, destruction batches, registers.",
    no_args_is_help=True,
)
rules_app = typer.Typer(help="The retention schedule: one rule per document type.", no_args_is_help=True)
hold_app = typer.Typer(help="Legal holds: place, release, list.", no_args_is_help=True)
batch_app = typer.Typer(
    help="Destruction batches: create, appraise, approve, execute, show.", no_args_is_help=True
)
app.add_typer(rules_app, name="rules")
app.add_typer(hold_app, name="hold")
app.add_typer(batch_app, name="batch")


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(bilingual("request.invalid", detail=f"not a date (YYYY-MM-DD): {value}"), 2)


@rules_app.command("list")
def rules_list(as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Every document type's rule: period, trigger, action and basis."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rows = views.rules(session, actor=who.user(session), client=who.client)
    if as_json:
        emit(rows)
        return
    for r in rows:
        period = "permanent" if r["period_years"] is None else f"{r['period_years']}y"
        print(f"{r['doc_type']:<16} {period:<10} {r['trigger']:<17} {r['action']:<8} {r['basis']}")


@rules_app.command("set")
def rules_set(
    doc_type: Annotated[str, typer.Argument(metavar="TYPE", help="Document type code.")],
    years: Annotated[int | None, typer.Option(min=1, max=200, help="Period in years.")] = None,
    permanent: Annotated[bool, typer.Option(help="Keep permanently (no due date).")] = False,
    trigger: Annotated[
        str, typer.Option(help="document_date, contract_end, relationship_end or filing.")
    ] = "document_date",
    action: Annotated[str, typer.Option(help="review, destroy or transfer.")] = "destroy",
    basis: Annotated[str, typer.Option(help="The policy or law the rule rests on.")] = "",
    start: Annotated[
        str, typer.Option(help="next_year (1 January after the trigger) or trigger.")
    ] = "next_year",
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Set a type's rule (records officer; audited); its records' due dates are recomputed."""
    if permanent == (years is not None):
        fail(bilingual("retention.rule.invalid", field="years/permanent", value=years), 2)
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rule, changed = set_retention_rule(session, runtime, actor=who.user(session), doc_type=doc_type,
                                           period_years=years, trigger=trigger, action=action, basis=basis,
                                           start=start, client=who.client)  # fmt: skip
    emit({"rule": rule, "recomputed": changed}) if as_json else print(
        f"{doc_type}: {changed} records recomputed"
    )


@app.command("due")
def due(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Due by this date (default today).")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="Only this document type.")] = None,
    customer_id: Annotated[
        int | None, typer.Option("--customer-id", **CLI_ID, help="Only this customer file.")
    ] = None,
    action: Annotated[str, typer.Option(help="destroy, review, transfer or all.")] = "destroy",
    held: Annotated[bool, typer.Option("--held/--no-held", help="Include held records (marked).")] = True,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Records past their due date, with the reasoning, their holds and any open batch."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rows = views.due(session, runtime.index, actor=who.user(session), as_of=_day(as_of) or runtime.today(),
                         doc_type=doc_type, customer_id=customer_id, action=None if action == "all" else action,
                         include_held=held, client=who.client)  # fmt: skip
    if as_json:
        emit(rows)
        return
    for r in rows:
        marks = (" HELD " + ", ".join(r["holds"])) if r["holds"] else ""
        print(
            f"{r['document_id']:>7} {r['archive_no'] or '-'}  {r['due_date']}  {r['title']}  [{r['reasoning']}]{marks}"
        )


@app.command("extend")
def extend_cmd(
    document_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    until: Annotated[str, typer.Option("--until", help="The new due date, YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option(help="The appraisal's reason.")],
    approver: Annotated[str, typer.Option(help="Who approved the extension.")],
    decided: Annotated[str | None, typer.Option(help="Date of the decision (default today).")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Extend a record's retention by appraisal (records officer; audited)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        row = extend_retention(session, runtime, actor=who.user(session), document_id=document_id,
                               new_due=_day(until), reason=reason, approver=approver, decided_on=_day(decided),
                               client=who.client)  # fmt: skip
        shown = views.record_retention(session, document_id)
    emit(shown) if as_json else print(f"{document_id}: {row.due_date} — {shown['reasoning']}")


@app.command("lock")
def lock(user: UserOpt = DEFAULT_USER) -> None:
    """WORM job: recompute due dates, move S3 retain-until dates forward, renew permanent ones, sync legal holds."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        _changed, moved, held = renew_locks(session, runtime, actor=who.user(session), client=who.client)
    print(f"locked {moved} records, legal hold synced on {held}")


@hold_app.command("add")
def hold_add(
    name: Annotated[str, typer.Option(help="The hold's name (e.g. the case).")],
    reason: Annotated[str, typer.Option(help="Why.")],
    document: Annotated[
        list[int] | None, typer.Option("--document", **CLI_ID, help="A record id (repeat).")
    ] = None,
    customer_id: Annotated[
        int | None, typer.Option("--customer-id", **CLI_ID, help="A whole customer file, later records too.")
    ] = None,
    query: Annotated[str | None, typer.Option("--query", help="A saved search, re-evaluated.")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Place a legal hold on records, a customer file or a saved search (records officer; audited)."""
    scope = (
        "documents" if document else "customer" if customer_id is not None else "search" if query else "none"
    )
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        hold = place_hold(session, runtime, actor=who.user(session), name=name, reason=reason, scope=scope,
                          document_ids=document, customer_id=customer_id, query=query, client=who.client)  # fmt: skip
        shown = hold_view(session, hold)
    emit(shown) if as_json else print(f"hold {shown.id}: {shown.name} — {len(shown.documents)} records")


@hold_app.command("release")
def hold_release(
    hold_id: Annotated[int, typer.Argument(metavar="HOLD", **CLI_ID)],
    reason: Annotated[str, typer.Option(help="Why the hold ends.")],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Release a hold (records officer; audited). Nothing is destroyed: due records need a fresh batch."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        hold = lift_hold(
            session, runtime, actor=who.user(session), hold_id=hold_id, reason=reason, client=who.client
        )
        shown = hold_view(session, hold)
    emit(shown) if as_json else print(f"hold {hold_id} released")


@hold_app.command("list")
def hold_list(
    released: Annotated[bool, typer.Option("--all", help="Released holds too.")] = False,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Holds, newest first, with the records each covers."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rows = views.holds(session, actor=who.user(session), include_released=released, client=who.client)
    if as_json:
        emit(rows)
        return
    for h in rows:
        state = "active" if h["active"] else f"released {h['released_at']}"
        print(
            f"{h['id']:>5} {h['name']}  {h['scope']}  {state}  {len(h['documents'])} records  — {h['reason']}"
        )


@batch_app.command("create")
def batch_create(
    document_ids: Annotated[
        list[int], typer.Argument(metavar="ID...", **CLI_ID, help="Record ids from the due list.")
    ],
    note: Annotated[str, typer.Option(help="A note for the approvers.")] = "",
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Propose a destruction batch (records officer); refuses, naming each, records that may not enter."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        batch = create_batch(session, runtime.index, actor=who.user(session), document_ids=document_ids, note=note,
                             today=runtime.today(), approvers_needed=runtime.settings.destruction_approvers,
                             client=who.client)  # fmt: skip
        shown = batch_view(batch)
    emit(shown) if as_json else print(f"batch {shown['id']}: {shown['count']} records, {shown['state']}")


@batch_app.command("appraise")
def batch_appraise(
    batch_id: Annotated[int, typer.Argument(metavar="BATCH", **CLI_ID)],
    opinion: Annotated[str, typer.Option(help="The appraisal opinion (鉴定意见).")],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Record the appraisal opinion of a proposed batch (records officer)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        shown = batch_view(
            submit_batch(
                session, actor=who.user(session), batch_id=batch_id, opinion=opinion, client=who.client
            )
        )
    emit(shown) if as_json else print(f"batch {batch_id}: {shown['state']}")


@batch_app.command("approve")
def batch_approve(
    batch_id: Annotated[int, typer.Argument(metavar="BATCH", **CLI_ID)],
    opinion: Annotated[str, typer.Option(help="The approver's opinion.")] = "",
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Approve an appraised batch (a manager who did not propose it; each approver once)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        shown = batch_view(
            approve(session, actor=who.user(session), batch_id=batch_id, opinion=opinion, client=who.client)
        )
    emit(shown) if as_json else print(
        f"batch {batch_id}: {shown['state']} ({len(shown['approvals'])}/{shown['approvers_needed']})"
    )


def _item_json(result: ItemResult) -> dict:
    return {"document_id": result.document_id, "archive_no": result.archive_no, "state": result.state,
            "verified": bool(result.checks) and all(c["ok"] for c in result.checks), "checks": result.checks,
            "error": result.error}  # fmt: skip


def _summary(report: ExecutionReport) -> dict:
    return {"summary": {"batch_id": report.batch_id, "state": report.state, "destroyed": len(report.destroyed),
                        "partial": report.partial, "untouched": report.untouched, "detail": report.detail,
                        "seconds": round(report.seconds, 3)}}  # fmt: skip


@batch_app.command("execute")
def batch_execute(
    batch_id: Annotated[int, typer.Argument(metavar="BATCH", **CLI_ID)],
    paper_method: Annotated[
        str | None, typer.Option(help="Paper originals: method (e.g. 碎纸机粉碎).")
    ] = None,
    paper_place: Annotated[str | None, typer.Option(help="Paper originals: where.")] = None,
    paper_date: Annotated[str | None, typer.Option(help="Paper originals: when (YYYY-MM-DD).")] = None,
    witness: Annotated[list[str] | None, typer.Option(help="A witness (监销人); give two.")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Execute (or resume) an approved batch: re-check, delete every copy, verify, keep residual records."""
    paper = None
    if paper_method or paper_place or witness:
        witnesses = tuple(witness or [])
        paper = PaperDestruction(paper_method or "", paper_place or "", _day(paper_date) or date.today(),
                                 witnesses if len(witnesses) == 2 else ("", ""))  # type: ignore[arg-type]  # fmt: skip
    printer = (
        (lambda r: emit(_item_json(r)))
        if as_json
        else (lambda r: print(f"{r.document_id:>7} {r.archive_no}  {r.state}"))
    )
    with command(user) as (runtime, who):
        try:
            report = run_batch(runtime, batch_id=batch_id, actor_id=who.user_id, paper=paper, client=who.client,
                               on_item=printer)  # fmt: skip
        except DanganError as err:
            if as_json:  # what a stopped or interrupted run did, then the one-line failure on stderr
                report = err.report if isinstance(err, BatchInterrupted) else None
                summary = _summary(report)["summary"] if report else {"batch_id": batch_id, "state": "failed"}
                emit({"summary": summary | {"error": err.code, "message": err.both()}})
            raise
    emit(_summary(report)) if as_json else print(
        f"batch {batch_id}: {report.state}, {len(report.destroyed)} destroyed"
    )


@batch_app.command("show")
def batch_show(
    batch_id: Annotated[int, typer.Argument(metavar="BATCH", **CLI_ID)],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """A batch: its cover, workflow, and each record with its verification results."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        shown = views.batch(session, actor=who.user(session), batch_id=batch_id, client=who.client)
    if as_json:
        emit(shown)
        return
    print(
        f"batch {shown['id']}: {shown['state']}, {shown['count']} records, proposed by {shown['proposed_by']}"
    )
    for i in shown["items"]:
        print(f"  {i['no']:>4} {i['archive_no']}  {i['title']}  {i['state']}")


@app.command("register")
def register(
    batch_id: Annotated[int, typer.Argument(metavar="BATCH", **CLI_ID)],
    pdf: Annotated[Path, typer.Option("--pdf", help="Write the register PDF here.")],
    csv: Annotated[Path, typer.Option("--csv", help="Write the register CSV here.")],
    user: UserOpt = DEFAULT_USER,
) -> None:
    """The destruction register (销毁清册) of a destroyed batch as PDF and CSV, stored permanently once."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        made = store_register(session, runtime.store, batch_id=batch_id, actor=who.user(session), today=runtime.today(),
                              lock_years=runtime.settings.s3_lock_permanent_years, client=who.client)  # fmt: skip
    pdf.write_bytes(made["pdf"][0])
    csv.write_bytes(made["csv"][0])
    print(f"{pdf} sha256={made['pdf'][1].sha256}\n{csv} sha256={made['csv'][1].sha256}")
