"""REST: custody of paper originals — locations, items, moves, loans, the working-day calendar (/api/custody).

Each route calls one workflow in workflows.custody, which checks who may (archivist, approver, borrower,
readers of the item's documents) and audits the call.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers
from api.params import BodyId, PathId
from workflows import custody

router = APIRouter(prefix="/api/custody", tags=["custody"], responses=SIGNED_IN | answers(400))


class LocationBody(BaseModel):
    path: str = Field(min_length=1, max_length=500, description="Like 总部/档案室/A柜/2层/03盒.")
    kind: str = Field(description="building, room, cabinet, shelf, box, folder, safe or other.")


class ItemBody(BaseModel):
    document_id: BodyId | None = None
    customer_id: BodyId | None = None
    pieces: int = Field(ge=1, le=100_000)
    pages: int = Field(ge=1, le=1_000_000)
    kind: str = Field("original", description="original, certificate or other.")
    location: str | None = Field(None, max_length=500, description="Path; certificates: the safe by default.")


class MoveBody(BaseModel):
    to: str = Field(min_length=1, max_length=500)
    reason: str = Field(min_length=1, max_length=2000)


class LoanBody(BaseModel):
    item_ids: list[BodyId] = Field(max_length=1000)
    purpose: str = Field(min_length=1, max_length=2000)
    days: int | None = Field(None, description="Working days; default DANGAN_LOAN_DAYS.")
    borrower: str | None = Field(None, max_length=100, description="Must be the caller: no lending on.")


class RenewBody(BaseModel):
    days: int | None = Field(None, description="More working days; default DANGAN_LOAN_DAYS.")


class ReturnBody(BaseModel):
    pieces: int = Field(ge=0)
    pages: int = Field(ge=0)


@router.post("/locations", status_code=201)
def add_location(body: LocationBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Add a location and its missing parents (archivist)."""
    with rt.factory() as session, session.begin():
        made = custody.add_location(session, path=body.path, kind=body.kind, actor=caller.user(session),
                                    client=caller.client)  # fmt: skip
    return asdict(made)


@router.get("/locations")
def list_locations(caller: CurrentUser, rt: RuntimeDep) -> list[dict]:
    """Every location with its label code (archivist)."""
    with rt.factory() as session, session.begin():
        return [
            asdict(x)
            for x in custody.list_locations(session, actor=caller.user(session), client=caller.client)
        ]


@router.post("/items", status_code=201)
def add_item(body: ItemBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Register a paper original and put it away (archivist)."""
    with rt.factory() as session, session.begin():
        return asdict(
            custody.add_item(session, actor=caller.user(session), client=caller.client, **body.model_dump())
        )


@router.get("/items/{item_id}", responses=answers(404, 409))
def where(item_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Where an item is (`location` null while out), the loan it is out on, and its history."""
    with rt.factory() as session, session.begin():
        return asdict(
            custody.where(session, item_id=item_id, actor=caller.user(session), client=caller.client)
        )


@router.post("/items/{item_id}/move", responses=answers(404, 409))
def move(item_id: PathId, body: MoveBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Move an item to another location (archivist)."""
    with rt.factory() as session, session.begin():
        return asdict(custody.move_item(session, item_id=item_id, to=body.to, reason=body.reason,
                                        actor=caller.user(session), client=caller.client))  # fmt: skip


@router.post("/loans", status_code=201)
def request_loan(body: LoanBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Ask to borrow items; the chairman's, GM's and deputy GMs' own requests are approved at once."""
    with rt.factory() as session, session.begin():
        return asdict(custody.request_loan(session, item_ids=body.item_ids, purpose=body.purpose, days=body.days,
                                           borrower=body.borrower, actor=caller.user(session), today=rt.today(),
                                           default_days=rt.settings.loan_days,
                                           slip_pattern=rt.settings.loan_slip_pattern, client=caller.client))  # fmt: skip


@router.get("/loans")
def list_loans(
    caller: CurrentUser, rt: RuntimeDep, overdue: bool = False, as_of: Annotated[date | None, Query()] = None
) -> list[dict]:
    """Loans, newest first: all for the archivist, auditors and approvers, else the caller's own."""
    with rt.factory() as session, session.begin():
        rows = custody.list_loans(session, actor=caller.user(session), overdue=overdue, as_of=as_of or rt.today(),
                                  client=caller.client)  # fmt: skip
    return [asdict(r) for r in rows]


@router.get("/loans/{loan_id}", responses=answers(404, 409))
def show_loan(loan_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """One loan slip (its borrower, the archivist, auditors and approvers)."""
    with rt.factory() as session, session.begin():
        return asdict(
            custody.show_loan(session, loan_id=loan_id, actor=caller.user(session), client=caller.client)
        )


@router.post("/loans/{loan_id}/approve", responses=answers(404, 409))
def approve(loan_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Approve a loan or its renewal (the chairman, the GM or a deputy GM)."""
    with rt.factory() as session, session.begin():
        return asdict(
            custody.approve_loan(session, loan_id=loan_id, actor=caller.user(session), client=caller.client)
        )


@router.post("/loans/{loan_id}/refuse", responses=answers(404, 409))
def refuse(loan_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Refuse a loan or its renewal (the chairman, the GM or a deputy GM)."""
    with rt.factory() as session, session.begin():
        return asdict(
            custody.refuse_loan(session, loan_id=loan_id, actor=caller.user(session), client=caller.client)
        )


@router.post("/loans/{loan_id}/out", responses=answers(404, 409))
def hand_out(loan_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Hand the items out (archivist); the due date is counted from today."""
    with rt.factory() as session, session.begin():
        return asdict(custody.hand_out(session, loan_id=loan_id, actor=caller.user(session), today=rt.today(),
                                       client=caller.client))  # fmt: skip


@router.post("/loans/{loan_id}/renew", responses=answers(404, 409))
def renew(loan_id: PathId, body: RenewBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Ask for more time (the borrower); an approver decides."""
    with rt.factory() as session, session.begin():
        return asdict(custody.renew_loan(session, loan_id=loan_id, days=body.days, actor=caller.user(session),
                                         default_days=rt.settings.loan_days, client=caller.client))  # fmt: skip


@router.post("/loans/{loan_id}/return", responses=answers(404, 409))
def take_back(loan_id: PathId, body: ReturnBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Take the items back, counted (archivist); a shortfall opens an incident and the loan stays out."""
    with rt.factory() as session, session.begin():
        return asdict(custody.take_back(session, loan_id=loan_id, pieces=body.pieces, pages=body.pages,
                                        actor=caller.user(session), client=caller.client))  # fmt: skip


@router.get("/calendar/workdays-after")
def workdays_after(
    caller: CurrentUser,
    rt: RuntimeDep,
    day: Annotated[date, Query(alias="date")],
    n: Annotated[int, Query(ge=0, le=10_000)],
) -> dict:
    """The date n working days after `date` (public holidays, 调休 and the company's own days).

    A date in a year the holiday package does not know yet is counted on weekdays and the company's days
    alone, and the answer says so: `"estimated": true`.
    """
    from workflows.calendar_days import workdays_after as count_after

    with rt.factory() as session, session.begin():
        result = count_after(session, day=day, n=n)
    return {"date": result.date.isoformat()} | ({"estimated": True} if result.estimated else {})
