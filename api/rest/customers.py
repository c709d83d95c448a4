"""REST: customer files — the list, one file with the documents the caller may read, department/owner/status.

Every signed-in user may list and view files (only readable documents are shown); changing a file's
department or owner needs a manager or the manager of its department, its status also an archivist
(access.customer_files). The level of a file is set by PUT /api/customers/{id}/level (routes/documents.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers
from api.params import PathId
from workflows.customer_files import customer_detail, customer_list, set_customer

router = APIRouter(prefix="/api/customers", tags=["customers"], responses=SIGNED_IN)


class CustomerBody(BaseModel):
    department: str | None = Field(
        None, min_length=1, max_length=100, description="Code of the keeping department."
    )
    owner: str | None = Field(
        None, min_length=1, max_length=100, description="Login of the responsible sales person."
    )
    status: str | None = Field(None, description="active, potential, former or lost.")
    reason: str = Field(min_length=1, max_length=2000)


@router.get("")
def list_all(
    caller: CurrentUser,
    rt: RuntimeDep,
    status: Annotated[str | None, Query(description="active, potential, former or lost.")] = None,
    department: Annotated[str | None, Query(max_length=100)] = None,
    owner: Annotated[str | None, Query(max_length=100)] = None,
) -> list[dict]:
    """Customer files by name, with how many of each file's documents the caller may read (audited)."""
    with rt.factory() as session, session.begin():
        return customer_list(
            session,
            viewer=caller.user(session),
            status=status,
            department=department,
            owner=owner,
            client=caller.client,
        )


@router.get("/{customer_id}", responses=answers(404))
def one(customer_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """One customer file and its documents the caller may read, newest first (audited)."""
    with rt.factory() as session, session.begin():
        return customer_detail(
            session, viewer=caller.user(session), customer_id=customer_id, client=caller.client
        )


@router.put("/{customer_id}", responses=answers(400, 404))
def change(customer_id: PathId, body: CustomerBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Set the file's department, owner or status (omitted fields stay); its documents are re-indexed."""
    with rt.factory() as session, session.begin():
        return set_customer(
            session,
            rt.index,
            customer_id=customer_id,
            actor=caller.user(session),
            department=body.department,
            owner=body.owner,
            status=body.status,
            reason=body.reason,
            client=caller.client,
        )
