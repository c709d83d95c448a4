"""`dangan customers …`: customer files — list, show, and set department, owner and status (audited)."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit
from api.params import CLI_ID
from core.messages import bilingual
from workflows.customer_files import customer_detail, customer_list, set_customer

NAME = "customers"
app = typer.Typer(
    help="Customer files: list, show, set the keeping department, owner and status.", no_args_is_help=True
)


@app.command("list")
def list_customers(
    status: Annotated[str | None, typer.Option(help="Only files in this status.")] = None,
    department: Annotated[str | None, typer.Option(help="Only files kept by this department code.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only files owned by this login.")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Customer files by name, with how many of each file's documents the user may read (audited)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rows = customer_list(
            session,
            viewer=who.user(session),
            status=status,
            department=department,
            owner=owner,
            client=who.client,
        )
    if as_json:
        emit(rows)
        return
    for row in rows:
        print(
            f"{row['id']:>6}  {row['name']}  {row['status']}  {row['department'] or '-'}  "
            f"{row['owner'] or '-'}  {row['readable_documents']}"
        )


@app.command("show")
def show(
    customer_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """One customer file and its documents the user may read, newest first (audited)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        shown = customer_detail(session, viewer=who.user(session), customer_id=customer_id, client=who.client)
    if as_json:
        emit(shown)
        return
    print(f"{shown['name']}  {shown['status']}  {shown['department'] or '-'}  {shown['owner'] or '-'}")
    for doc in shown["documents"]:
        print(f"  [{doc['document_id']}] {doc['archive_no'] or '-'}  {doc['title']}  ({doc['level']})")


@app.command("set")
def set_file(
    customer_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    department: Annotated[str | None, typer.Option(help="Code of the department keeping the file.")] = None,
    owner: Annotated[str | None, typer.Option(help="Login of the responsible sales person (active).")] = None,
    status: Annotated[str | None, typer.Option(help="active, potential, former or lost.")] = None,
    reason: Annotated[str | None, typer.Option(help="Why (kept in the audit trail).")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Set a file's department, owner or status; its documents are re-indexed at once.

    Department and owner: a manager, or the manager of the department keeping the file; status: also an
    archivist. Audited with the values before and after.
    """
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        change = set_customer(
            session,
            runtime.index,
            customer_id=customer_id,
            actor=who.user(session),
            department=department,
            owner=owner,
            status=status,
            reason=reason or bilingual("customer.no_reason"),
            client=who.client,
        )
    if as_json:
        emit(change)
        return
    changes = ", ".join(f"{k}: {change['before'][k] or '-'} → {v}" for k, v in change["after"].items())
    print(f"{customer_id}: {changes}")
