"""What every `dangan` command shares: the runtime, the acting user (`--user`), one-line failures, JSON.

Exit status: 0 done; 1 the command failed or was refused for this object (a document the user may not
read, a request that is not theirs, bad input); 2 it may not run at all (unknown or disabled `--user`, or
a role the command needs). Every failure is one line on stderr, in Chinese and English.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.duties import require_capture
from access.errors import AccessDenied, record_denial
from access.models import User
from access.users import ADMIN_LOGIN
from core import audit
from core.errors import DanganError
from core.messages import bilingual
from core.settings import Settings
from workflows.runtime import Runtime

UserOpt = Annotated[str, typer.Option("--user", help="Act as this user (audited); default the local admin.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
DEFAULT_USER = ADMIN_LOGIN


def make_runtime() -> Runtime:
    """The runtime for the environment's settings."""
    return Runtime(Settings())


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, non-zero exit."""
    typer.echo(" ".join(message.split()), err=True)
    raise typer.Exit(code)


def cli_client() -> str:
    """How the audit trail names a command-line client: cli:<operating-system user>."""
    try:
        return f"cli:{getpass.getuser()}"[:100]
    except (KeyError, OSError):
        return "cli"


@dataclass(frozen=True)
class Acting:
    """The user a command acts as."""

    user_id: int
    login: str
    client: str

    def user(self, session: Session) -> User:
        """The account, loaded in this session."""
        return session.get_one(User, self.user_id)


def acting(runtime: Runtime, login: str) -> Acting:
    """The active user named by --user; otherwise an audited refusal and exit 2."""
    client = cli_client()
    with runtime.factory() as session, session.begin():
        user = session.scalar(select(User).where(User.login == login))
        problem = "user.not_found" if user is None else None if user.active else "user.disabled"
        if problem is not None:
            audit.record(
                session,
                actor=login[:100],
                role=user.role_label if user else "",
                action="cli.act_as",
                object_type="user",
                object_id=user.id if user else "",
                result="denied",
                client=client,
                details={"reason": problem},
            )
    if problem is not None or user is None:
        fail(bilingual(problem or "user.not_found", login=login), 2)
    return Acting(user.id, user.login, client)


def capturer(runtime: Runtime, login: str) -> Acting:
    """The acting user, if they may capture documents; otherwise an audited refusal and exit 2."""
    who = acting(runtime, login)
    with reported(runtime), runtime.factory() as session:
        require_capture(who.user(session), client=who.client)
    return who


@contextmanager
def reported(runtime: Runtime) -> Iterator[None]:
    """Turn domain errors into one line and an exit status; refusals are written to the trail first."""
    try:
        yield
    except AccessDenied as err:
        if err.event is not None:
            with runtime.factory() as session, session.begin():
                record_denial(session, err)
        fail(err.both(), 2 if err.code == "permission.role_required" else 1)
    except DanganError as err:
        fail(err.both(), 1)


def read_password_file(path: Path | None) -> str | None:
    """The password in a file (its first line), or None when no file is named."""
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
    except (OSError, UnicodeDecodeError):
        fail(bilingual("password.file_unreadable", path=str(path)), 2)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def emit(value: Any) -> None:
    """Print a value as one line of JSON (dataclasses, datetimes and sets included)."""
    print(
        json.dumps(
            _plain(value) if dataclasses.is_dataclass(value) else value, ensure_ascii=False, default=_plain
        )
    )


@contextmanager
def command(login: str) -> Iterator[tuple[Runtime, Acting]]:
    """One command's runtime and acting user: domain errors reported as one line, the runtime closed."""
    runtime = make_runtime()
    try:
        who = acting(runtime, login)
        with reported(runtime):
            yield runtime, who
    finally:
        runtime.close()
