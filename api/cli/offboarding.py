"""`dangan users offboard|holdings`: an employee's leaving (POL-5) — every file, duty and loan to a successor in
one transaction, a handover report (PDF), the account disabled (admin; audited as the acting --user)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit
from workflows.handover_report import handover_pdf
from workflows.offboarding import holdings_of, offboard


def offboard_command(
    login: Annotated[str, typer.Argument(metavar="USER")],
    successor: Annotated[str, typer.Option("--to", help="The successor's login.")],
    reason: Annotated[str, typer.Option(help="Why (kept with every revision and in the report).")],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the handover report (PDF) here.")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Hand every customer file, approval duty and open loan of USER to the successor, withdraw their requests,
    revoke their grants and disable the account — all or nothing; prints the report (with its id)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        report = offboard(
            session,
            runtime.index,
            actor=who.user(session),
            login=login,
            successor=successor,
            reason=reason,
            client=who.client,
        )
    if pdf is not None:
        pdf.write_bytes(handover_pdf(report, zone=runtime.settings.timezone))
    if as_json:
        emit(report | {"pdf": str(pdf) if pdf else None})
        return
    print(f"{login} → {successor}: {len(report['files'])} files, {len(report['loans'])} loans, "
          f"posts {', '.join(report['posts']) or '-'}, departments {', '.join(report['departments']) or '-'}")  # fmt: skip


def holdings_command(login: str, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """What USER holds: files, requests, posts, departments, grants and open loans (admin; audited)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        held = holdings_of(session, actor=who.user(session), login=login, client=who.client)
    if as_json:
        emit(held)
        return
    for key, values in held.items():
        if isinstance(values, list) and values:
            print(f"{key}: {len(values)}")


def register(app: typer.Typer) -> None:
    """Add these commands to `dangan users`."""
    app.command("offboard")(offboard_command)
    app.command("holdings")(holdings_command)
