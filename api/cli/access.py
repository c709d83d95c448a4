"""`dangan access …`: access requests (查阅申请), their approval, and grants, as the acting --user."""

from __future__ import annotations

from typing import Annotated

import typer

from access import grants, requests
from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit
from api.limits import CLI_ID

NAME = "access"
app = typer.Typer(help="Access requests and grants.", no_args_is_help=True)


def _ids(values: list[str] | None) -> list[int]:
    """Document ids from repeated and/or comma-separated --document values."""
    try:
        ids = [int(part) for value in values or [] for part in value.split(",") if part.strip()]
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--document") from None
    for value in ids:
        if not CLI_ID["min"] <= value <= CLI_ID["max"]:
            raise typer.BadParameter(f"{value} ∉ {CLI_ID['min']}..{CLI_ID['max']}", param_hint="--document")
    return ids


def _show(info: requests.RequestInfo, as_json: bool) -> None:
    if as_json:
        emit(info)
        return
    steps = ", ".join(f"{s.position}:{s.decision}" for s in info.steps)
    print(f"request {info.id}  {info.state}  {info.level}  until {info.ends_at.isoformat()}  [{steps}]")


@app.command("request")
def ask(
    document: Annotated[
        list[str] | None, typer.Option("--document", help="Document id(s); repeat or comma-separate.")
    ] = None,
    customer: Annotated[
        int | None, typer.Option("--customer", **CLI_ID, help="Ask for this whole customer file.")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why you need to read it.")] = "",
    days: Annotated[int, typer.Option(min=1, max=3650, help="For how many days.")] = 7,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Ask to read documents or a customer file; the approval chain of the highest level signs."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        info = requests.request_access(
            session,
            requester=who.user(session),
            document_ids=_ids(document),
            customer_id=customer,
            reason=reason,
            days=days,
            max_days=runtime.settings.access_max_days,
            client=who.client,
        )
    _show(info, as_json)


def _decide(request_id: int, approve: bool, comment: str, as_json: bool, user: str) -> None:
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        info = requests.decide_request(
            session,
            request_id=request_id,
            approver=who.user(session),
            approve=approve,
            comment=comment,
            client=who.client,
        )
    _show(info, as_json)


@app.command("approve")
def approve(
    request_id: Annotated[int, typer.Argument(metavar="REQUEST", **CLI_ID)],
    comment: Annotated[str, typer.Option(help="Your comment.")] = "",
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Sign the request's current step; the last signature grants access for the period."""
    _decide(request_id, True, comment, as_json, user)


@app.command("refuse")
def refuse(
    request_id: Annotated[int, typer.Argument(metavar="REQUEST", **CLI_ID)],
    comment: Annotated[str, typer.Option(help="Why (required).")] = "",
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Refuse the request at its current step, saying why."""
    _decide(request_id, False, comment, as_json, user)


@app.command("mine")
def mine(as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Your own requests, newest first."""
    _list(lambda session, who: requests.my_requests(session, user=who.user(session)), as_json, user)


@app.command("awaiting")
def awaiting(as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Requests waiting for your signature, oldest first."""
    _list(lambda session, who: requests.awaiting(session, approver=who.user(session)), as_json, user)


def _list(fetch, as_json: bool, user: str) -> None:  # type: ignore[no-untyped-def]
    with command(user) as (runtime, who), runtime.factory() as session:
        rows = fetch(session, who)
    if as_json:
        emit(rows)
        return
    for info in rows:
        _show(info, False)


@app.command("grants")
def list_grants(
    everyone: Annotated[bool, typer.Option("--all", help="Everyone's (admins, auditors, managers).")] = False,
    of: Annotated[
        str | None, typer.Option("--of", help="Another user's (admins, auditors, managers).")
    ] = None,
    live: Annotated[bool, typer.Option(help="Only grants in force now.")] = False,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Your grants (or another user's, or everyone's)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rows = grants.list_grants(
            session,
            viewer=who.user(session),
            login=of,
            everyone=everyone,
            live_only=live,
            client=who.client,
        )
    if as_json:
        emit(rows)
        return
    for g in rows:
        target = f"document {g.document_id}" if g.document_id else f"customer {g.customer_id}"
        print(
            f"grant {g.id}  {g.user}  {target}  until {g.valid_until.isoformat()}  {'live' if g.live else '-'}"
        )


@app.command("revoke")
def revoke(
    grant_id: Annotated[int, typer.Argument(metavar="GRANT", **CLI_ID)],
    reason: Annotated[str, typer.Option(help="Why.")] = "",
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """End a grant now (its holder, a signer of its request, a manager or an admin)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        info = grants.revoke_grant(
            session, grant_id=grant_id, actor=who.user(session), reason=reason, client=who.client
        )
    emit(info) if as_json else print(f"grant {info.id}: revoked")
