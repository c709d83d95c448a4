"""REST: handover lists (移交, POL-7, POL-8) under /api/custody/handovers.

Each route calls one workflow in workflows.handovers, which checks who may (preparer A, reviewer B, an
archivist; auditors read) and audits the call.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers, binary
from api.params import BodyId, PathId
from custody.handovers import Line
from workflows import handovers

router = APIRouter(prefix="/api/custody/handovers", tags=["custody"], responses=SIGNED_IN | answers(400))


class LineBody(BaseModel):
    title: str = Field(min_length=1, max_length=200, description="What it is, e.g. 借款合同.")
    pieces: int = Field(ge=1, le=100_000)
    pages: int = Field(ge=1, le=1_000_000, description="Pages, covers and every sheet included.")
    document_id: BodyId | None = Field(None, description="The scanned document it is the original of.")
    certificate_no: str = Field("", max_length=100, description="权证号, for a certificate.")
    remarks: str = Field("", max_length=500)

    def line(self) -> Line:
        return Line(self.title, self.pieces, self.pages, self.document_id, self.certificate_no, self.remarks)


class HandoverBody(BaseModel):
    title: str = Field(
        "", max_length=200, description="The finished matter (a certificates list: its file's)."
    )
    customer_id: BodyId | None = Field(None, description="The customer file (not for a certificates list).")
    reviewer: str | None = Field(
        None, max_length=100, description="Reviewer B's login (not for certificates)."
    )
    lines: list[LineBody] = Field(min_length=1, max_length=500)
    finished_on: date | None = Field(None, description="When the matter ended (default today).")
    prefix: str | None = Field(
        None, max_length=20, description="Number prefix; default DANGAN_HANDOVER_PREFIX."
    )
    certificates_of: BodyId | None = Field(
        None, description="Make a certificates (权证) list for this file list."
    )


class LinesBody(BaseModel):
    lines: list[LineBody] = Field(min_length=1, max_length=500)


class CountBody(BaseModel):
    position: int = Field(ge=1, le=500)
    pieces: int = Field(ge=0, le=100_000)
    pages: int = Field(ge=0, le=1_000_000)


class SignBody(BaseModel):
    counts: list[CountBody] = Field(default_factory=list, max_length=500, description="B's or the archive's.")
    as_listed: bool = Field(False, description="Lines not in `counts` were counted as listed.")
    exception: str = Field(
        "", max_length=2000, description="Sign despite a mismatch, with this reason (HND-2)."
    )
    location: str | None = Field(
        None, max_length=500, description="Archivist: where it goes (certificates: safe)."
    )


class ReturnBody(BaseModel):
    missing: str = Field(min_length=1, max_length=2000, description="What is missing or must be completed.")
    counts: list[CountBody] = Field(default_factory=list, max_length=500)


def _counts(rows: list[CountBody]) -> dict[int, tuple[int, int]]:
    return {row.position: (row.pieces, row.pages) for row in rows}


@router.post("", status_code=201, responses=answers(404, 409))
def create(body: HandoverBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Prepare a list (preparer A: staff or a manager) naming reviewer B, or a certificates list for a file's."""
    with rt.factory() as session, session.begin():
        view = handovers.create_handover(
            session, title=body.title, customer_id=body.customer_id, reviewer=body.reviewer,
            lines=[x.line() for x in body.lines], actor=caller.user(session), today=rt.today(),
            prefix=body.prefix or rt.settings.handover_prefix, finished_on=body.finished_on,
            certificates_of=body.certificates_of, client=caller.client,
        )  # fmt: skip
    return asdict(view)


@router.get("")
def list_(
    caller: CurrentUser,
    rt: RuntimeDep,
    late: bool = False,
    open_only: Annotated[bool, Query(alias="open")] = False,
    as_of: Annotated[date | None, Query()] = None,
) -> list[dict]:
    """Lists, newest first: all for archivists and auditors, else the caller's; `late`: past the deadline."""
    with rt.factory() as session, session.begin():
        rows = handovers.list_handovers(session, actor=caller.user(session), as_of=as_of or rt.today(), late=late,
                                        open_only=open_only, client=caller.client)  # fmt: skip
    return [asdict(r) for r in rows]


@router.get("/{handover_id}", responses=answers(404))
def show(handover_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """One list with its lines, counts, steps and deadlines (its parties, archivists, auditors)."""
    with rt.factory() as session, session.begin():
        return asdict(handovers.show_handover(session, handover_id=handover_id, actor=caller.user(session),
                                              today=rt.today(), client=caller.client))  # fmt: skip


@router.get("/{handover_id}/pdf", response_class=Response, responses=answers(404) | binary("application/pdf"))
def pdf(handover_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> Response:
    """The list as printed: three copies (preparer, reviewer, archive) with signature lines."""
    with rt.factory() as session, session.begin():
        view, data = handovers.print_handover(session, handover_id=handover_id, actor=caller.user(session),
                                              today=rt.today(), tz=rt.settings.timezone, client=caller.client)  # fmt: skip
    name = f"handover-{view.id}.pdf"
    return Response(
        data, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.put("/{handover_id}/lines", responses=answers(404, 409))
def amend(handover_id: PathId, body: LinesBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Rewrite the lines (preparer A, before signing or after a return)."""
    with rt.factory() as session, session.begin():
        return asdict(handovers.amend_handover(session, handover_id=handover_id, actor=caller.user(session),
                                               lines=[x.line() for x in body.lines], today=rt.today(),
                                               client=caller.client))  # fmt: skip


@router.post("/{handover_id}/sign", responses=answers(404, 409))
def sign(handover_id: PathId, body: SignBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Sign the step the list awaits from the caller: A's, B's (counted) or the archivist's (counted, numbered)."""
    with rt.factory() as session, session.begin():
        return asdict(handovers.sign_handover(
            session, handover_id=handover_id, actor=caller.user(session), today=rt.today(),
            pattern=rt.settings.handover_number_pattern, counts=_counts(body.counts), as_listed=body.as_listed,
            exception=body.exception, location=body.location, client=caller.client,
        ))  # fmt: skip


@router.post("/{handover_id}/return", responses=answers(404, 409))
def return_(handover_id: PathId, body: ReturnBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Send the list back to A with what is missing (reviewer B while reviewing, an archivist while accepting)."""
    with rt.factory() as session, session.begin():
        return asdict(handovers.return_handover(session, handover_id=handover_id, missing=body.missing,
                                                counts=_counts(body.counts) or None, actor=caller.user(session),
                                                today=rt.today(), client=caller.client))  # fmt: skip
