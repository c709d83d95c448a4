"""REST: a customer file's short names (issue 18) — list them (those who may view the file), add and remove
them (those who may edit it: its owner, its department's manager, managers). Each route is one workflow call
(workflows.customer_aliases); a change re-indexes the file's documents."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.auth import Caller, CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers
from api.params import PathId
from records.customer_aliases import ALIAS_LENGTH
from workflows.customer_aliases import change_customer_alias, customer_aliases
from workflows.runtime import Runtime

router = APIRouter(prefix="/api/customers", tags=["customers"], responses=SIGNED_IN)
AliasPath = Annotated[str, Path(min_length=1, max_length=ALIAS_LENGTH)]


class AliasBody(BaseModel):
    alias: str = Field(min_length=1, max_length=ALIAS_LENGTH, description="A short name, e.g. 明远.")


@router.get("/{customer_id}/aliases", responses=answers(404))
def list_aliases(customer_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> list[dict]:
    """The file's aliases in use: learned from its name, and added by staff."""
    with rt.factory() as session:
        return [asdict(a) for a in customer_aliases(session, customer_id=customer_id)]


@router.post("/{customer_id}/aliases", status_code=201, responses=answers(400, 404))
def add_alias(customer_id: PathId, body: AliasBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Add an alias to the file (audited; its documents re-indexed)."""
    return _change(customer_id, body.alias, True, caller, rt)


@router.delete("/{customer_id}/aliases/{alias}", responses=answers(400, 404))
def remove_alias(customer_id: PathId, alias: AliasPath, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Remove an alias, learned or added; a removed learned alias is not learned again."""
    return _change(customer_id, alias, False, caller, rt)


def _change(customer_id: int, alias: str, present: bool, caller: Caller, rt: Runtime) -> dict:
    with rt.factory() as session, session.begin():
        changed = change_customer_alias(
            session,
            rt.index,
            customer_id=customer_id,
            alias=alias,
            present=present,
            actor=caller.user(session),
            client=caller.client,
        )
    return asdict(changed) | {"present": present}
