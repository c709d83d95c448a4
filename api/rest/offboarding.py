"""REST: an employee's leaving (POL-5) — what they hold, the offboarding itself (one transaction), and its
handover report as JSON or PDF (admins; workflows.offboarding)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers, binary
from api.params import PathId
from workflows.handover_report import handover_pdf
from workflows.offboarding import get_offboarding, holdings_of, offboard

router = APIRouter(prefix="/api/users", tags=["users"], responses=SIGNED_IN | answers(400))
Login = Annotated[str, Path(min_length=1, max_length=100)]


class OffboardBody(BaseModel):
    to: str = Field(min_length=1, max_length=100, description="The successor's login.")
    reason: str = Field(min_length=1, max_length=2000)


@router.get("/offboardings/{offboarding_id}", responses=answers(404))
def report(offboarding_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """A kept handover report (as `users offboard --json` answered)."""
    with rt.factory() as session, session.begin():
        return get_offboarding(
            session, actor=caller.user(session), offboarding_id=offboarding_id, client=caller.client
        )


@router.get(
    "/offboardings/{offboarding_id}/pdf",
    response_class=Response,
    responses=binary("application/pdf") | answers(404),
)
def report_pdf(offboarding_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> Response:
    """The handover report as a PDF in Chinese."""
    with rt.factory() as session, session.begin():
        shown = get_offboarding(
            session, actor=caller.user(session), offboarding_id=offboarding_id, client=caller.client
        )
    headers = {"Content-Disposition": f'attachment; filename="handover-{offboarding_id}.pdf"'}
    return Response(
        handover_pdf(shown, zone=rt.settings.timezone), media_type="application/pdf", headers=headers
    )


@router.get("/{login}/holdings", responses=answers(404))
def holdings(login: Login, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """What the user holds: files, requests, posts, departments, grants, open loans (as `users holdings --json`)."""
    with rt.factory() as session, session.begin():
        return holdings_of(session, actor=caller.user(session), login=login, client=caller.client)


@router.post("/{login}/offboard", status_code=201, responses=answers(404, 409))
def offboard_user(login: Login, body: OffboardBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Hand everything to the successor and disable the account, all or nothing; the report with its `id`."""
    with rt.factory() as session, session.begin():
        return offboard(session, rt.index, actor=caller.user(session), login=login, successor=body.to,
                        reason=body.reason, client=caller.client)  # fmt: skip
