"""REST: customer files — open, list, show, edit (PATCH: profile; PUT: department/owner/status), contacts,
timeline entries and the approval of a complaint's handling.

Every signed-in user may list and view files (the profile, contacts and timeline only of files they may
read, access.policy.can_read_customer; only readable documents are shown). Opening a file: staff, managers,
archivists. Changing its profile, contacts and timeline: its owner, its department's manager, managers;
department and owner: managers; status: also archivists (access.customer_files). Approving a complaint: the
general manager. Money is integer fen. The level of a file is set by PUT /api/customers/{id}/level.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers
from api.params import PathId
from api.rest.customer_filters import Filters
from workflows.corrections import change_customer_file, edit_customer_file
from workflows.customer_files import LIST_LIMIT, customer_detail, customer_list
from workflows.customer_records import (
    add_customer_contact,
    add_customer_note,
    approve_customer_note,
    open_customer_file,
)

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


Short = Field(None, max_length=300)
Fen = Field(None, ge=0, lt=10**17, description="Integer fen (分).")


class ProfileBody(BaseModel):
    """Profile fields; in a PATCH a field sent as null is emptied, a field left out stays."""

    credit_code: str | None = Field(None, max_length=40, description="Unified social credit code.")
    legal_rep: str | None = Short
    registered_address: str | None = Short
    business_address: str | None = Short
    province: str | None = Short
    city: str | None = Short
    phone: str | None = Short
    fax: str | None = Short
    email: str | None = Short
    website: str | None = Short
    industry: str | None = Short
    nature: str | None = Short
    registered_capital: int | None = Fen
    founded_on: date | None = None
    business_scope: str | None = Field(None, max_length=20_000)
    kind: str | None = Field(None, description="distributor or end_customer.")
    grade: str | None = Field(None, description="A, B, C or D.")
    credit_standing: str | None = Short
    credit_limit: int | None = Fen


class NewFileBody(ProfileBody):
    name: str = Field(min_length=1, max_length=200)
    status: str | None = Field(None, description="potential (default), active, former or lost.")
    department: str | None = Field(None, max_length=100, description="Default: the caller's department.")
    owner: str | None = Field(None, max_length=100, description="Default: the caller (not for archivists).")


class EditBody(ProfileBody):
    name: str | None = Field(None, max_length=200)
    status: str | None = None
    department: str | None = Field(None, max_length=100)
    owner: str | None = Field(None, max_length=100)
    reason: str = Field(min_length=1, max_length=2000)


class ContactBody(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    title: str | None = Field(None, max_length=100)
    phones: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list, max_length=20)
    email: str | None = Field(None, max_length=200)
    birthday: date | None = None
    preferences: str | None = Field(None, max_length=20_000)
    notes: str | None = Field(None, max_length=20_000)


class EntryBody(BaseModel):
    kind: Literal["visit", "call", "complaint", "repair", "survey", "change"]
    date: dt.date  # the module's name: a field called date would hide the type
    text: str = Field(min_length=1, max_length=20_000)


@router.get("")
def list_all(
    caller: CurrentUser,
    rt: RuntimeDep,
    filters: Filters,
    sort: Annotated[
        Literal["name", "grade", "last_contact"], Query(description="name: pinyin order.")
    ] = "name",
    limit: Annotated[int, Query(ge=1, le=1000)] = LIST_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> list[dict]:
    """One page of customer files, current before former and lost; each says whether the caller may open it
    and how many of its documents they may read (audited). Profile filters match only files they may open."""
    with rt.factory() as session, session.begin():
        return customer_list(
            session,
            viewer=caller.user(session),
            filters=filters,
            sort=sort,
            limit=limit,
            offset=offset,
            client=caller.client,
        )


@router.post("", status_code=201, responses=answers(400))
def open_file(body: NewFileBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Open a customer file at first contact; the answer carries its id and files with very similar names."""
    values = body.model_dump(exclude={"name", "department", "owner"}, exclude_none=True)
    with rt.factory() as session, session.begin():
        return asdict(
            open_customer_file(
                session,
                actor=caller.user(session),
                name=body.name,
                department=body.department,
                owner=body.owner,
                values=values,
                client=caller.client,
            )
        )


@router.patch("/{customer_id}", responses=answers(400, 404))
def edit(customer_id: PathId, body: EditBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Change the fields sent (null empties one) as one revision with before and after."""
    changes = body.model_dump(include=body.model_fields_set - {"reason"})
    with rt.factory() as session, session.begin():
        return asdict(
            edit_customer_file(
                session,
                rt.index,
                customer_id=customer_id,
                actor=caller.user(session),
                changes=changes,
                reason=body.reason,
                client=caller.client,
            )
        )


@router.post("/{customer_id}/contacts", status_code=201, responses=answers(400, 404))
def add_contact(customer_id: PathId, body: ContactBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Add a contact to the file."""
    with rt.factory() as session, session.begin():
        return asdict(
            add_customer_contact(
                session,
                customer_id=customer_id,
                actor=caller.user(session),
                client=caller.client,
                **body.model_dump(),
            )
        )


@router.post("/{customer_id}/timeline", status_code=201, responses=answers(400, 404))
def add_entry(customer_id: PathId, body: EntryBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Add a dated entry to the file's timeline; a complaint waits for the general manager's approval."""
    with rt.factory() as session, session.begin():
        return asdict(
            add_customer_note(
                session,
                customer_id=customer_id,
                actor=caller.user(session),
                kind=body.kind,
                on=body.date,
                text=body.text,
                client=caller.client,
            )
        )


@router.post("/entries/{entry_id}/approve", responses=answers(404, 409))
def approve_entry(entry_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Approve how a complaint was handled (the general manager)."""
    with rt.factory() as session, session.begin():
        return asdict(
            approve_customer_note(
                session, entry_id=entry_id, actor=caller.user(session), client=caller.client
            )
        )


@router.get("/{customer_id}", responses=answers(404))
def one(customer_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """One customer file: for those who may read it, its profile, contacts, timeline and history; always the
    documents the caller may read, newest first (audited)."""
    with rt.factory() as session, session.begin():
        return customer_detail(
            session, viewer=caller.user(session), customer_id=customer_id, client=caller.client
        )


@router.put("/{customer_id}", responses=answers(400, 404))
def change(customer_id: PathId, body: CustomerBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Set the file's department, owner or status (omitted fields stay); its documents are re-indexed."""
    with rt.factory() as session, session.begin():
        return asdict(
            change_customer_file(
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
        )
