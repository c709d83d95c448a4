"""`dangan customers alias list|add|remove|learn`: short names of customer files (issue 18), learned from their
names and edited by staff; every change audited and the file's documents re-indexed."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit
from api.limits import CLI_ID
from workflows.customer_aliases import change_customer_alias, customer_aliases, learn_all_aliases

alias_app = typer.Typer(
    help="A customer file's short names (明远 for 上海明远贸易有限公司): list, add, remove, learn.",
    no_args_is_help=True,
)
CustomerId = Annotated[int, typer.Argument(metavar="ID", **CLI_ID)]
Alias = Annotated[str, typer.Argument(metavar="ALIAS", help="The short name, e.g. 明远.")]


@alias_app.command("list")
def alias_list(customer_id: CustomerId, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """A file's aliases: learned from its name, and added by staff."""
    with command(user) as (runtime, _who), runtime.factory() as session:
        aliases = customer_aliases(session, customer_id=customer_id)
    for alias in aliases:
        emit(asdict(alias)) if as_json else print(f"{alias.alias}\t{alias.source}")


def _change(customer_id: int, alias: str, *, present: bool, as_json: bool, user: str) -> None:
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        changed = change_customer_alias(
            session,
            runtime.index,
            customer_id=customer_id,
            alias=alias,
            present=present,
            actor=who.user(session),
            client=who.client,
        )
    if as_json:
        emit(asdict(changed) | {"present": present})
        return
    print(f"{customer_id}: {'+' if present else '-'}{changed.alias}")


@alias_app.command("add")
def alias_add(
    customer_id: CustomerId, alias: Alias, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER
) -> None:
    """Add an alias (the file's owner, its department's manager or a manager; audited)."""
    _change(customer_id, alias, present=True, as_json=as_json, user=user)


@alias_app.command("remove")
def alias_remove(
    customer_id: CustomerId, alias: Alias, as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER
) -> None:
    """Remove an alias, learned or added; a removed learned alias is not learned again (audited)."""
    _change(customer_id, alias, present=False, as_json=as_json, user=user)


@alias_app.command("learn")
def alias_learn(as_json: JsonOpt = False, user: UserOpt = DEFAULT_USER) -> None:
    """Every file learns the aliases its name gives (for files opened before aliases existed)."""
    with command(user) as (runtime, _who), runtime.factory() as session, session.begin():
        learned = learn_all_aliases(session, runtime.index)
    if as_json:
        emit({"learned": learned})
        return
    for customer_id, aliases in learned.items():
        print(f"{customer_id}: {' '.join(aliases)}")


def register(app: typer.Typer) -> None:
    """Add `alias` to `dangan customers`."""
    app.add_typer(alias_app, name="alias")
