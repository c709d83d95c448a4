"""REST: a customer file's life — follow-ups due after a sale (policy 8), grade rules (POL-1) and re-grading,
and merging two files of one customer. Each route is one workflow call (workflows.customer_lifecycle)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers
from api.params import PathId
from core.messages import translate
from workflows.customer_lifecycle import (
    followups_for,
    grade_rules,
    merge_customer_files,
    regrade_files,
    remove_grade_rule,
    set_grade_rule,
)

router = APIRouter(prefix="/api/customers", tags=["customers"], responses=SIGNED_IN | answers(400))
Grade = Literal["A", "B", "C", "D"]


class GradeRuleBody(BaseModel):
    min_annual_sales: int | None = Field(None, ge=0, lt=10**17, description="Fen; None: any.")
    min_years: int | None = Field(None, ge=0, le=200, description="Full years as a customer; None: any.")
    credit_standings: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=20)


class RegradeBody(BaseModel):
    reason: str | None = Field(None, max_length=2000)
    customer_ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] | None = Field(None, max_length=10_000)


class MergeBody(BaseModel):
    into: int = Field(ge=1, le=2_147_483_647, description="The file that receives everything.")
    reason: str = Field(min_length=1, max_length=2000)


@router.get("/followups")
def followups(
    caller: CurrentUser,
    rt: RuntimeDep,
    due: bool = False,
    as_of: date | None = None,
    owner: Annotated[str | None, Query(max_length=100)] = None,
) -> list[dict]:
    """Open follow-up visits of the caller's files (or `owner`'s they keep), as `customers followups --json`."""
    with rt.factory() as session, session.begin():
        return followups_for(session, viewer=caller.user(session), as_of=as_of or rt.today(), due_only=due,
                             owner=owner, client=caller.client)  # fmt: skip


@router.get("/grade-rules")
def rules(caller: CurrentUser, rt: RuntimeDep) -> list[dict]:
    """The grade rules, A first (as `customers grades show --json`)."""
    with rt.factory() as session, session.begin():
        return grade_rules(session, actor=caller.user(session), client=caller.client)


@router.put("/grade-rules/{grade}")
def put_rule(grade: Grade, body: GradeRuleBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Create or replace one grade's rule (a manager; audited with before and after)."""
    with rt.factory() as session, session.begin():
        return set_grade_rule(session, actor=caller.user(session), grade=grade, min_annual_sales=body.min_annual_sales,
                              min_years=body.min_years, credit_standings=body.credit_standings, client=caller.client)  # fmt: skip


@router.delete("/grade-rules/{grade}", responses=answers(404))
def delete_rule(grade: Grade, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Remove one grade's rule (a manager; audited)."""
    with rt.factory() as session, session.begin():
        remove_grade_rule(session, actor=caller.user(session), grade=grade, client=caller.client)
    return {"grade": grade, "removed": True}


@router.post("/regrade")
def regrade(body: RegradeBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Apply the grade rules (a manager): `changed`, `overridden` (a manual grade kept) and `checked`."""
    with rt.factory() as session, session.begin():
        return regrade_files(session, actor=caller.user(session), reason=body.reason or translate("grade.regrade_reason"),
                             customer_ids=body.customer_ids, client=caller.client)  # fmt: skip


@router.post("/{customer_id}/merge", responses=answers(404, 409))
def merge(customer_id: PathId, body: MergeBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Merge this file into `into` (as `customers merge FROM INTO --json`): archive numbers unchanged."""
    with rt.factory() as session, session.begin():
        return merge_customer_files(session, rt.index, actor=caller.user(session), from_id=customer_id,
                                    into_id=body.into, reason=body.reason, client=caller.client)  # fmt: skip
