"""`dangan users …`: accounts, for admins (each change audited as the acting --user)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from access.errors import require_role
from access.tokens import revoke_token, tokens_of
from access.users import reset_password, set_active, set_role
from api.cli.support import (
    DEFAULT_USER,
    JsonOpt,
    UserOpt,
    command,
    emit,
    read_password_file,
)
from core.messages import bilingual
from workflows.offboarding import disable_user
from workflows.people import add_person, people, person

NAME = "users"
app = typer.Typer(
    help="Accounts: add, list, disable, reset passwords, grant roles, list and revoke tokens (admin).",
    no_args_is_help=True,
)

PasswordFileOpt = Annotated[
    Path | None, typer.Option("--password-file", help="Read the password from this file (first line).")
]


def _one_time(login: str, password: str | None) -> None:
    if password:
        print(bilingual("user.one_time_password", login=login, password=password))


@app.command("add")
def add(
    login: Annotated[str, typer.Argument(help="The new login.")],
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    department: Annotated[str | None, typer.Option(help="Department code (created if new).")] = None,
    role: Annotated[list[str] | None, typer.Option("--role", help="A role (repeat for several).")] = None,
    position: Annotated[
        list[str] | None,
        typer.Option("--position", help="A position, e.g. department_manager, gm (repeatable)."),
    ] = None,
    password_file: PasswordFileOpt = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Add an account; without --password-file a one-time password is printed once and must be changed.

    With --position department_manager and --department D the account becomes D's manager.
    """
    password = read_password_file(password_file)
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        new = add_person(
            session,
            actor=who.user(session),
            login=login,
            name=name,
            department=department,
            roles=role or ["staff"],
            positions=position or [],
            password=password,
            min_password_length=runtime.settings.password_min_length,
            client=who.client,
        )
        shown = person(session, new.user)
    if as_json:
        emit(shown | {"one_time_password": new.one_time_password})
        return
    print(f"{shown['login']}  {', '.join(shown['roles'])}  {shown['department'] or '-'}")
    _one_time(login, new.one_time_password)


@app.command("list")
def list_users(as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Every account, with roles, positions and state."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        require_role(who.user(session), "admin", action="user.list", client=who.client)
        rows = people(session)
    if as_json:
        emit(rows)
        return
    for row in rows:
        state = "" if row["active"] else "  (disabled)"
        print(f"{row['login']:20} {','.join(row['roles']):30} {row['department'] or '-'}{state}")


def _set_active(login: str, active: bool, as_json: bool, user: str) -> None:
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        # Disabling is refused while the account still holds files or duties (POL-5: offboard first).
        change = disable_user if not active else partial(set_active, active=True)
        shown = person(session, change(session, actor=who.user(session), login=login, client=who.client))
    emit(shown) if as_json else print(f"{login}: {'enabled' if active else 'disabled'}")


@app.command("disable")
def disable(login: str, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Disable an account: its sessions and tokens end (and stay ended if it is enabled again)."""
    _set_active(login, False, as_json, user)


@app.command("enable")
def enable(login: str, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Enable a disabled account again."""
    _set_active(login, True, as_json, user)


@app.command("reset-password")
def reset(
    login: str, password_file: PasswordFileOpt = None, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER
) -> None:
    """Set a new password (or print a one-time one); unlocks the account, ends its sessions and tokens."""
    password = read_password_file(password_file)
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        one_time = reset_password(
            session,
            actor=who.user(session),
            login=login,
            password=password,
            min_password_length=runtime.settings.password_min_length,
            client=who.client,
        )
    if as_json:
        emit({"login": login, "one_time_password": one_time})
        return
    _one_time(login, one_time)


def _set_role(login: str, role: str, granted: bool, as_json: bool, user: str) -> None:
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        shown = person(
            session,
            set_role(
                session,
                actor=who.user(session),
                login=login,
                role=role,
                granted=granted,
                client=who.client,
            ),
        )
    emit(shown) if as_json else print(f"{login}: {', '.join(shown['roles'])}")


@app.command("grant-role")
def grant_role(login: str, role: str, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Give an account a role (admin, archivist, staff, manager, records_officer, auditor)."""
    _set_role(login, role, True, as_json, user)


@app.command("revoke-role")
def revoke_role(login: str, role: str, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Take a role away from an account."""
    _set_role(login, role, False, as_json, user)


@app.command("tokens")
def tokens(login: str, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """An account's API tokens, newest first, without secrets (admin; the look is audited)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        found = tokens_of(session, actor=who.user(session), login=login, client=who.client)
    if as_json:
        emit(found)
        return
    for t in found:
        state = "live" if t.live else "revoked" if t.revoked_at else "ended"
        expires = t.expires_at.isoformat(timespec="minutes") if t.expires_at else "-"
        print(f"{t.id:6}  {t.prefix}…  {state:8} expires {expires}  {t.name}")


@app.command("revoke-token")
def revoke(token_id: int, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Revoke any API token by its id (admin; one's own for anyone; audited)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        revoke_token(session, actor=who.user(session), token_id=token_id, client=who.client)
    emit({"id": token_id, "revoked": True}) if as_json else print(f"token {token_id}: revoked")
