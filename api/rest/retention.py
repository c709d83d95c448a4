"""REST: retention — schedule, due list, legal holds, destruction batches and registers (under /api/retention).

Rules are read by everyone signed in and set by records officers; due lists, holds and batches are seen by
records officers, approving managers and auditors (retention.views); each step checks its own role in the
domain (retention.roles). Every call is audited.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers, binary
from api.params import BodyId, PathId, QueryId
from retention import views
from retention.batches import approve, batch_view, create_batch
from retention.holds import hold_view
from retention.paper import PaperDestruction
from retention.register import store_register
from workflows.destruction import run_batch, submit_batch
from workflows.retention_changes import extend_retention, lift_hold, place_hold, set_retention_rule

router = APIRouter(prefix="/api/retention", tags=["retention"], responses=SIGNED_IN | answers(400))


class RuleBody(BaseModel):
    period_years: int | None = Field(None, ge=1, le=200, description="Years; null for permanent.")
    trigger: str = Field(description="document_date, contract_end, relationship_end or filing.")
    action: str = Field(description="review, destroy or transfer.")
    basis: str = Field("", max_length=2000)
    start: str = Field("next_year", description="next_year or trigger.")


class ExtensionBody(BaseModel):
    new_due: date
    reason: str = Field(min_length=1, max_length=2000)
    approver: str = Field(min_length=1, max_length=100)
    decided_on: date | None = None


class HoldBody(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
    scope: Literal["documents", "customer", "search"]
    document_ids: list[BodyId] = Field(default_factory=list, max_length=100_000)
    customer_id: BodyId | None = None
    query: str | None = Field(None, max_length=1000)


class ReasonBody(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class BatchBody(BaseModel):
    document_ids: list[BodyId] = Field(max_length=100_000)
    note: str = Field("", max_length=2000)


class OpinionBody(BaseModel):
    opinion: str = Field("", max_length=2000)


class ExecuteBody(BaseModel):
    paper_method: str | None = Field(None, max_length=200)
    paper_place: str | None = Field(None, max_length=200)
    paper_date: date | None = None
    witnesses: list[str] = Field(default_factory=list, max_length=2)


@router.get("/rules")
def rules(caller: CurrentUser, rt: RuntimeDep) -> list[dict]:
    """The retention schedule (audited)."""
    with rt.factory() as session, session.begin():
        return views.rules(session, actor=caller.user(session), client=caller.client)


@router.put("/rules/{doc_type}")
def put_rule(doc_type: str, body: RuleBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Set a type's rule (records officer); its records' due dates are recomputed."""
    with rt.factory() as session, session.begin():
        rule, changed = set_retention_rule(
            session,
            rt,
            actor=caller.user(session),
            doc_type=doc_type,
            client=caller.client,
            **body.model_dump(),
        )
    return {"rule": asdict(rule), "recomputed": changed}


@router.get("/due")
def due(
    caller: CurrentUser,
    rt: RuntimeDep,
    as_of: date | None = None,
    doc_type: Annotated[str | None, Query(max_length=40)] = None,
    customer_id: QueryId | None = None,
    action: Annotated[
        str | None, Query(description="destroy (default), review, transfer or all.")
    ] = "destroy",
    include_held: bool = True,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
) -> list[dict]:
    """Records due by as_of (default today), with reasoning, holds and open batch (audited)."""
    with rt.factory() as session, session.begin():
        return views.due(session, rt.index, actor=caller.user(session), as_of=as_of or rt.today(), doc_type=doc_type,
                         customer_id=customer_id, action=None if action == "all" else action,
                         include_held=include_held, limit=limit, client=caller.client)  # fmt: skip


@router.post("/documents/{document_id}/extension", responses=answers(404, 409))
def post_extension(
    document_id: PathId, body: ExtensionBody, caller: CurrentUser, rt: RuntimeDep
) -> dict | None:
    """Extend a record's retention by appraisal (records officer)."""
    with rt.factory() as session, session.begin():
        extend_retention(session, rt, actor=caller.user(session), document_id=document_id, new_due=body.new_due,
                         reason=body.reason, approver=body.approver, decided_on=body.decided_on,
                         client=caller.client)  # fmt: skip
        return views.record_retention(session, document_id)


@router.get("/holds")
def holds(caller: CurrentUser, rt: RuntimeDep, include_released: bool = False) -> list[dict]:
    """Legal holds, newest first (audited)."""
    with rt.factory() as session, session.begin():
        return views.holds(
            session, actor=caller.user(session), include_released=include_released, client=caller.client
        )


@router.post("/holds", status_code=201, responses=answers(404, 409))
def post_hold(body: HoldBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Place a legal hold (records officer)."""
    with rt.factory() as session, session.begin():
        hold = place_hold(session, rt, actor=caller.user(session), client=caller.client, **body.model_dump())
        return asdict(hold_view(session, hold))


@router.get("/holds/{hold_id}", responses=answers(404))
def one_hold(hold_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """One hold and the records it covers (audited)."""
    with rt.factory() as session, session.begin():
        return views.hold(session, actor=caller.user(session), hold_id=hold_id, client=caller.client)


@router.post("/holds/{hold_id}/release", responses=answers(404, 409))
def post_release(hold_id: PathId, body: ReasonBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Release a hold with a reason (records officer); nothing is destroyed."""
    with rt.factory() as session, session.begin():
        hold = lift_hold(session, rt, actor=caller.user(session), hold_id=hold_id, reason=body.reason,
                         client=caller.client)  # fmt: skip
        return asdict(hold_view(session, hold))


@router.get("/batches")
def batches(caller: CurrentUser, rt: RuntimeDep) -> list[dict]:
    """Destruction batches, newest first (audited)."""
    with rt.factory() as session, session.begin():
        return views.batches(session, actor=caller.user(session), client=caller.client)


@router.post("/batches", status_code=201, responses=answers(404, 409))
def post_batch(body: BatchBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Propose a batch (records officer); refuses, naming each, records that may not enter (409)."""
    with rt.factory() as session, session.begin():
        batch = create_batch(session, rt.index, actor=caller.user(session), document_ids=body.document_ids, note=body.note,
                             today=rt.today(), approvers_needed=rt.settings.destruction_approvers, client=caller.client)  # fmt: skip
        return batch_view(batch)


@router.get("/batches/{batch_id}", responses=answers(404))
def one_batch(batch_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """A batch with its items and their verification results (audited)."""
    with rt.factory() as session, session.begin():
        return views.batch(session, actor=caller.user(session), batch_id=batch_id, client=caller.client)


@router.post("/batches/{batch_id}/appraise", responses=answers(404, 409))
def post_appraise(batch_id: PathId, body: OpinionBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Record the appraisal opinion (records officer)."""
    with rt.factory() as session, session.begin():
        return batch_view(
            submit_batch(
                session,
                actor=caller.user(session),
                batch_id=batch_id,
                opinion=body.opinion,
                client=caller.client,
            )
        )


@router.post("/batches/{batch_id}/approve", responses=answers(404, 409))
def post_approve(batch_id: PathId, body: OpinionBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Approve (a manager who did not propose the batch; each once)."""
    with rt.factory() as session, session.begin():
        return batch_view(
            approve(
                session,
                actor=caller.user(session),
                batch_id=batch_id,
                opinion=body.opinion,
                client=caller.client,
            )
        )


@router.post("/batches/{batch_id}/execute", responses=answers(404, 409, 503))
def post_execute(batch_id: PathId, body: ExecuteBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Execute or resume an approved batch (records officer): each record deleted and verified."""
    paper = None
    if body.paper_method or body.paper_place or body.witnesses:
        witnesses = tuple(body.witnesses) if len(body.witnesses) == 2 else ("", "")
        paper = PaperDestruction(
            body.paper_method or "", body.paper_place or "", body.paper_date or rt.today(), witnesses
        )  # type: ignore[arg-type]
    report = run_batch(rt, batch_id=batch_id, actor_id=caller.user_id, paper=paper, client=caller.client)
    return asdict(report)


@router.get(
    "/batches/{batch_id}/register/{kind}",
    response_class=Response,
    responses=binary("application/pdf", "text/csv") | answers(404, 409),
)
def register(batch_id: PathId, kind: Literal["pdf", "csv"], caller: CurrentUser, rt: RuntimeDep) -> Response:
    """The register (销毁清册) as PDF or CSV; made and stored permanently on first request (officer, auditor)."""
    with rt.factory() as session, session.begin():
        made = store_register(session, rt.store, batch_id=batch_id, actor=caller.user(session), today=rt.today(),
                              lock_years=rt.settings.s3_lock_permanent_years, client=caller.client)  # fmt: skip
    data, row = made[kind]
    media = "application/pdf" if kind == "pdf" else "text/csv; charset=utf-8"
    headers = {
        "Content-Disposition": f'attachment; filename="register-{batch_id}.{kind}"',
        "X-SHA256": row.sha256,
    }
    return Response(data, media_type=media, headers=headers)
