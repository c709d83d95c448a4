"""REST: custody's ledgers, labels, inspections, label scans and overdue loans (/api/custody).

Each route calls one function of workflows.custody_records (or custody_reminders), which checks who may and
audits the call.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers, binary
from api.params import BodyId
from custody.ledgers import LedgerFilter
from workflows import custody_records

router = APIRouter(prefix="/api/custody", tags=["custody"], responses=SIGNED_IN | answers(400))

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Ledger = Literal["archive", "certificates", "loans"]


class Filters(BaseModel):
    customer_id: BodyId | None = None
    location: str | None = Field(None, max_length=500, description="A path: the place and all under it.")
    kind: Literal["original", "certificate", "other"] | None = None
    status: str | None = Field(
        None,
        max_length=30,
        description="in_store, out, destroyed, unplaced; loans: a loan status or overdue.",
    )
    date_from: date | None = Field(None, description="Entered (loans: requested) on or after this local day.")
    date_to: date | None = Field(None, description="… on or before this local day.")
    borrower: str | None = Field(None, max_length=100, description="Borrower's login (loan ledger).")
    number: str | None = Field(None, max_length=200, description="Archive number or title contains; slip no.")


class LabelBody(BaseModel):
    item_ids: list[BodyId] = Field(default_factory=list, max_length=1000)
    locations: list[str] = Field(default_factory=list, max_length=1000, description="Location paths.")


class InspectionBody(BaseModel):
    path: str = Field(min_length=1, max_length=500)
    findings: str = Field(min_length=1, max_length=4000)
    issues: list[Literal["damp", "pests", "damage"]] = Field(default_factory=list, max_length=3)
    on: date | None = Field(None, description="Inspection date (default today).")


@router.get("/ledgers/{ledger}", responses=answers(404))
def ledger(
    ledger: Ledger,
    caller: CurrentUser,
    rt: RuntimeDep,
    filters: Annotated[Filters, Query()],
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict:
    """A page of a ledger (台账: archive, certificates, loans), filtered; archivist, auditor (loans: approvers)."""
    with rt.factory() as session, session.begin():
        result = custody_records.ledger_page(session, ledger=ledger, filters=LedgerFilter(**filters.model_dump()),
                                             page=page, size=size, actor=caller.user(session), today=rt.today(),
                                             tz=rt.settings.timezone, client=caller.client)  # fmt: skip
    return asdict(result)


@router.get(
    "/ledgers/{ledger}/export",
    response_class=Response,
    responses=binary(XLSX, "application/pdf") | answers(404),
)
def export(
    ledger: Ledger,
    caller: CurrentUser,
    rt: RuntimeDep,
    filters: Annotated[Filters, Query()],
    format: Literal["xlsx", "pdf"] = "xlsx",
    lang: Literal["zh-CN", "en"] = "zh-CN",
) -> Response:
    """The whole filtered ledger as XLSX or PDF (audited as an export)."""
    with rt.factory() as session, session.begin():
        data = custody_records.export_ledger(session, ledger=ledger, filters=LedgerFilter(**filters.model_dump()),
                                             fmt=format, actor=caller.user(session), today=rt.today(),
                                             tz=rt.settings.timezone, lang=lang, client=caller.client)  # fmt: skip
    media = XLSX if format == "xlsx" else "application/pdf"
    headers = {"Content-Disposition": f'attachment; filename="ledger-{ledger}.{format}"'}
    return Response(data, media_type=media, headers=headers)


@router.post("/labels", response_class=Response, responses=binary("application/pdf") | answers(404))
def labels(body: LabelBody, caller: CurrentUser, rt: RuntimeDep) -> Response:
    """PDF sheets of QR labels for items and locations (archivist)."""
    with rt.factory() as session, session.begin():
        data = custody_records.labels(session, item_ids=body.item_ids, location_paths=body.locations,
                                      actor=caller.user(session), client=caller.client)  # fmt: skip
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="labels.pdf"'})  # fmt: skip


@router.get("/scan/{code}", responses=answers(404))
def scan(code: Annotated[str, PathParam(max_length=40)], caller: CurrentUser, rt: RuntimeDep) -> dict:
    """What a label code names: `{"kind": "item"|"location", "id"}`."""
    with rt.factory() as session, session.begin():
        return asdict(
            custody_records.scan(session, code=code, actor=caller.user(session), client=caller.client)
        )


@router.post("/inspections", status_code=201, responses=answers(404))
def inspect(body: InspectionBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Record an inspection of a location (archivist, POL-12)."""
    with rt.factory() as session, session.begin():
        return asdict(custody_records.inspect(session, path=body.path, findings=body.findings, issues=body.issues,
                                              on=body.on, today=rt.today(), actor=caller.user(session),
                                              client=caller.client))  # fmt: skip


@router.get("/inspections/overdue")
def overdue_inspections(
    caller: CurrentUser, rt: RuntimeDep, as_of: Annotated[date | None, Query()] = None
) -> list[dict]:
    """Rooms and safes whose inspection is overdue (archivist, auditor)."""
    with rt.factory() as session, session.begin():
        rows = custody_records.overdue_inspections(session, today=as_of or rt.today(),
                                                   cycle_days=rt.settings.inspection_days,
                                                   actor=caller.user(session), client=caller.client)  # fmt: skip
    return [asdict(r) for r in rows]
