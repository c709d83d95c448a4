"""Admin pages for an employee's leaving (POL-5): what they hold, the handover form (successor and reason), the
result with its report as a PDF — each a call of workflows.offboarding (admins only, audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from access.errors import AccessDenied
from api.params import PathId
from api.web import render
from api.web.session import RuntimeDep, Viewer, keep_refusal
from core.errors import DanganError
from workflows.handover_report import handover_pdf
from workflows.offboarding import get_offboarding, holdings_of, offboard
from workflows.people import people

router = APIRouter(include_in_schema=False)
Login = Annotated[str, Path(min_length=1, max_length=100)]
Text = Annotated[str, Form(max_length=2000)]


def _page(
    request: Request, me: Viewer, rt: RuntimeDep, login: str, *, status_code: int = 200, **extra: object
) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        held = holdings_of(session, actor=me.user(session), login=login, client=me.client)
        candidates = [
            p["login"] for p in people(session) if p["active"] and p["login"] not in (login, me.login)
        ]
    return render(request, "admin/offboard.html", status_code=status_code, held=held, candidates=candidates,
                  errors=extra.pop("errors", {}), form=extra.pop("form", {}), **extra)  # fmt: skip


@router.get("/admin/users/{login}/offboard", response_class=HTMLResponse)
def offboard_form(request: Request, login: Login, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    return _page(request, me, rt, login)


@router.post("/admin/users/{login}/offboard", response_class=HTMLResponse)
def offboard_user(
    request: Request, login: Login, me: Viewer, rt: RuntimeDep, successor: Text = "", reason: Text = ""
) -> HTMLResponse:
    try:
        with rt.factory() as session, session.begin():
            report = offboard(session, rt.index, actor=me.user(session), login=login, successor=successor,
                              reason=reason, client=me.client)  # fmt: skip
    except DanganError as error:
        if isinstance(error, AccessDenied):
            raise
        keep_refusal(rt, error)
        form = {"successor": successor, "reason": reason}
        return _page(
            request,
            me,
            rt,
            login,
            status_code=error.status_code,
            errors={"form": (error.code, error.params)},
            form=form,
        )
    return render(request, "admin/offboarded.html", report=report)


@router.get("/admin/offboardings/{offboarding_id}/pdf")
def report_pdf(offboarding_id: PathId, me: Viewer, rt: RuntimeDep) -> Response:
    with rt.factory() as session, session.begin():
        shown = get_offboarding(
            session, actor=me.user(session), offboarding_id=offboarding_id, client=me.client
        )
    headers = {"Content-Disposition": f'attachment; filename="handover-{offboarding_id}.pdf"'}
    return Response(
        handover_pdf(shown, zone=rt.settings.timezone), media_type="application/pdf", headers=headers
    )
