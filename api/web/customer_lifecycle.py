"""Pages of a customer file's life (issue 12): the follow-ups due (policy 8), the grade rules and re-grading
(POL-1, managers), and merging a file into another — each a call of workflows.customer_lifecycle."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from access.errors import AccessDenied
from api.params import PathId
from api.web import render
from api.web.session import RuntimeDep, Viewer, keep_refusal
from core.errors import DanganError
from core.messages import translate
from records.customer_profile import yuan_to_fen
from workflows.customer_lifecycle import (
    followups_for,
    grade_rules,
    merge_customer_files,
    regrade_files,
    set_grade_rule,
    stale_files,
)

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]


@router.get("/customers/followups", response_class=HTMLResponse)
def followups(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        user = me.user(session)
        rows = followups_for(session, viewer=user, as_of=rt.today(), client=me.client)
        stale = stale_files(session, viewer=user)
    return render(request, "customers/followups.html", followups=rows, stale=stale)


def _grades(
    request: Request, me: Viewer, rt: RuntimeDep, *, status_code: int = 200, **extra: object
) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        rules = {r["grade"]: r for r in grade_rules(session, actor=me.user(session), client=me.client)}
    return render(request, "customers/grades.html", status_code=status_code, rules=rules,
                  may_edit=me.has("manager"), errors=extra.pop("errors", {}), **extra)  # fmt: skip


@router.get("/customers/grades", response_class=HTMLResponse)
def grades(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    return _grades(request, me, rt)


@router.post("/customers/grades/{grade}", response_class=HTMLResponse)
def save_grade(
    request: Request,
    grade: Literal["A", "B", "C", "D"],
    me: Viewer,
    rt: RuntimeDep,
    min_sales: Text = "",
    min_years: Text = "",
    standings: Text = "",
) -> Response:
    try:
        sales = yuan_to_fen(min_sales, field="annual_sales") if min_sales.strip() else None
        if min_years.strip() and not min_years.strip().isdigit():
            raise DanganError("grade.years_invalid", value=min_years)
        years = int(min_years) if min_years.strip() else None
        with rt.factory() as session, session.begin():
            set_grade_rule(session, actor=me.user(session), grade=grade, min_annual_sales=sales, min_years=years,
                           credit_standings=standings.replace("，", ",").split(","), client=me.client)  # fmt: skip
    except DanganError as error:
        if isinstance(error, AccessDenied):
            raise
        keep_refusal(rt, error)
        return _grades(
            request, me, rt, status_code=error.status_code, errors={grade: (error.code, error.params)}
        )
    return RedirectResponse("/customers/grades", status_code=303)


@router.post("/customers/grades-regrade", response_class=HTMLResponse)
def regrade(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        done = regrade_files(session, actor=me.user(session), reason=translate("grade.regrade_reason"),
                             client=me.client)  # fmt: skip
    return _grades(request, me, rt, done=done)


@router.post("/customers/{customer_id}/merge", response_class=HTMLResponse)
def merge(
    request: Request, customer_id: PathId, me: Viewer, rt: RuntimeDep, into: Text = "", reason: Text = ""
) -> Response:
    from api.web.customers import _refused_on_file

    try:
        if not into.strip().isdigit() or not 1 <= int(into) <= 2_147_483_647:
            raise DanganError("customer.not_found", id=into)
        with rt.factory() as session, session.begin():
            merge_customer_files(session, rt.index, actor=me.user(session), from_id=customer_id, into_id=int(into),
                                 reason=reason, client=me.client)  # fmt: skip
    except DanganError as error:
        return _refused_on_file(
            request, me, rt, customer_id, error, "merge", {"into": into, "reason": reason}
        )
    return RedirectResponse(f"/customers/{int(into)}?merged_from={customer_id}", status_code=303)
