"""`dangan documents …`: a document's confidentiality level and its revision history."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit
from api.limits import CLI_ID
from core.errors import DanganError
from core.messages import bilingual
from workflows import corrections, reading

NAME = "documents"
app = typer.Typer(help="Documents: confidentiality level, revision history.", no_args_is_help=True)


@app.command("set-level")
def set_level(
    document_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    level: Annotated[str, typer.Argument(metavar="LEVEL", help="internal, department, company or personal.")],
    reason: Annotated[str | None, typer.Option(help="Why (kept in the revision and the trail).")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Set a document's level: a manager who reads it by right; kept as a revision, audited, re-indexed."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        change = corrections.set_document_level(
            session,
            runtime.index,
            document_id=document_id,
            level=level,
            actor=who.user(session),
            reason=reason or bilingual("level.no_reason"),
            client=who.client,
        )
    emit(change) if as_json else print(f"{document_id}: {change.before} → {change.after}")


@app.command("correct")
def correct(
    document_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    reason: Annotated[str, typer.Option(help="Why (kept in the revision and the trail).")],
    doc_type: Annotated[str | None, typer.Option("--type", help="Document type code.")] = None,
    title: Annotated[str | None, typer.Option(help="Title.")] = None,
    doc_date: Annotated[str | None, typer.Option("--date", help="Document date, YYYY-MM-DD.")] = None,
    customer_id: Annotated[
        int | None, typer.Option("--customer-id", **CLI_ID, help="Move to this customer file.")
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Correct type, title, date or customer file (archivist or manager); kept as a revision, re-indexed."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        change = corrections.correct_metadata(
            session,
            runtime.index,
            document_id=document_id,
            actor=who.user(session),
            reason=reason,
            doc_type=doc_type,
            title=title,
            doc_date=parse_date(doc_date),
            customer_id=customer_id,
            client=who.client,
        )
    emit(change) if as_json else print(f"{document_id}: {change.before} → {change.after}")


def parse_date(value: str | None) -> date | None:
    """YYYY-MM-DD, or a one-line bilingual refusal."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DanganError("request.invalid", detail=f"--date {value}") from None


@app.command("history")
def history(
    document_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """A document's metadata revisions, for its readers (audited)."""
    with command(user) as (runtime, who):
        shown = reading.read_document(
            runtime.factory,
            user_id=who.user_id,
            document_id=document_id,
            action="history",
            client=who.client,
            show=reading.history_view,
        )
    if as_json:
        emit(shown)
        return
    for rev in shown["revisions"]:
        print(f"{rev['at']}  {rev['actor']}  {rev['before']} → {rev['after']}  {rev['reason']}")


@app.command("retry")
def retry(
    document_id: Annotated[int, typer.Argument(metavar="ID")],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Read, file and index a failed or interrupted document again (those who capture and may read it)."""
    from workflows import recovery  # the capture path: loaded for this command only

    with command(user) as (runtime, who):
        result = recovery.retry(runtime, document_id=document_id, user_id=who.user_id, client=who.client)
    if as_json:
        emit({"document_id": result.document_id, "state": result.state, "error": result.error})
    else:
        print(f"{result.document_id}: {result.state} {result.error or ''}".rstrip())
    if result.state not in ("filed", "indexed"):
        raise typer.Exit(1)
