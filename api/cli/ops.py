"""`dangan jobs list|run` (admins: the scheduled jobs, their last runs, one run now) and
`dangan users notify-channels` (one's own, or anyone's as an admin); each audited as the acting --user."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select

from access.duties import require_any
from access.models import User
from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit, fail
from core.job_runs import last_runs
from core.messages import bilingual
from workflows.notify import channels_of, set_channels
from workflows.scheduled import JOBS, manual_slot, run_job

NAME = "jobs"
app = typer.Typer(help="Scheduled jobs: list their last runs, run one now (admins).", no_args_is_help=True)
ADMIN = frozenset({"admin"})


@app.command("list")
def list_jobs(as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Each scheduled job: its time of day, last run, result and last success."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        require_any(who.user(session), ADMIN, action="job.list", client=who.client)
        runs = last_runs(session)
    rows = []
    for name, job in JOBS.items():
        run = runs.get(name)
        rows.append({"job": name, "at": getattr(runtime.settings, job.setting),
                     "state": run.state if run else "never",
                     "started_at": run.started_at if run else None,
                     "last_ok_at": run.last_ok_at if run else None,
                     "retry_at": run.retry_at if run else None,
                     "result": run.result if run else {}, "error": run.error if run else ""})  # fmt: skip
    if as_json:
        emit({"jobs": rows})
        return
    for row in rows:
        print(
            f"{row['job']:18} {row['at']:6} {row['state']:8} {row['started_at'] or '-'}  {row['error'][:80]}"
        )


@app.command("run")
def run_now(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(JOBS)}.")],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Run one scheduled job now, once (no retries); exit 1 when it fails. The --json answer carries the run's id."""
    if name not in JOBS:
        fail(bilingual("job.unknown", name=name, known=", ".join(JOBS)), 2)
    with command(user) as (runtime, who):
        with runtime.factory() as session, session.begin():
            actor = who.user(session)
            require_any(actor, ADMIN, action="job.run", object_type="job", object_id=name, client=who.client)
            login, role = actor.login, actor.role_label
        outcome = run_job(runtime, name, slot=manual_slot(), by=login, role=role, client=who.client)
    if as_json:
        emit(outcome.as_json())
    else:
        print(f"{name}: {outcome.state} {outcome.error or outcome.result}")
    if outcome.state != "ok":
        raise typer.Exit(1)


def notify_channels_command(
    login: Annotated[str, typer.Argument(metavar="USER")],
    channel: Annotated[
        list[str] | None, typer.Option("--channel", help="inapp, email, dingtalk, wecom or feishu (repeat).")
    ] = None,
    email: Annotated[str | None, typer.Option(help="The e-mail address notifications go to.")] = None,
    language: Annotated[str | None, typer.Option(help="zh-CN or en; empty: the archive's default.")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Show USER's notification channels, or set them (--channel …): the user themself, or an admin."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        actor = who.user(session)
        if channel is None and email is None and language is None:
            if actor.login != login:
                require_any(actor, ADMIN, action="user.notify_channels", object_type="user", object_id=login,
                            client=who.client)  # fmt: skip
            target = session.scalar(select(User).where(User.login == login))
            if target is None:
                fail(bilingual("user.not_found", login=login), 1)
        else:
            current = None
            if channel is None:
                found = session.scalar(select(User).where(User.login == login))
                current = channels_of(found) if found is not None else []
            target = set_channels(session, runtime.settings, actor=actor, login=login,
                                  channels=channel if channel is not None else current or [], email=email,
                                  language=language, client=who.client)  # fmt: skip
        shown = {"id": target.id, "login": target.login, "channels": channels_of(target),
                 "email": target.email, "language": target.language}  # fmt: skip
    if as_json:
        emit(shown)
    else:
        print(
            f"{shown['login']}: {', '.join(shown['channels'])}  {shown['email'] or ''}  {shown['language'] or ''}"
        )


def register(users_app: typer.Typer) -> None:
    """Add `notify-channels` to `dangan users`."""
    users_app.command("notify-channels")(notify_channels_command)
