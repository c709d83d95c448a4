"""Pages: loans of paper originals (request, approve or refuse, hand out, count the return, renew) and the
ledgers (台账) with their filters and downloads. The workflows check who may and audit each step.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.params import PathId, form_id
from api.web import language, render
from api.web.custody import parse_codes
from api.web.session import RuntimeDep, Viewer
from core.errors import DanganError
from custody.ledgers import ITEM_STATES, LEDGERS, LedgerFilter
from custody.models import LOAN_STATES
from workflows import custody, custody_records

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
Ledger = Literal["archive", "certificates", "loans"]


@router.get("/custody/loans", response_class=HTMLResponse)
def loans(
    request: Request, me: Viewer, rt: RuntimeDep, items: Annotated[str, Query(max_length=4000)] = ""
) -> HTMLResponse:
    """Loan slips (all for the keepers and approvers, else one's own) and the form for a new one."""
    with rt.factory() as session, session.begin():
        user = me.user(session)
        rows = custody.list_loans(session, actor=user, as_of=rt.today(), client=me.client)
        everyone = bool(user.roles & custody.LOAN_WATCHERS) or custody.is_approver(user)
    return render(request, "custody/loans.html", loans=rows, everyone=everyone, items=items,
                  default_days=rt.settings.loan_days, today=rt.today())  # fmt: skip


@router.post("/custody/loans")
def request_loan(
    me: Viewer,
    rt: RuntimeDep,
    items: Annotated[str, Form(max_length=4000)],
    purpose: Text,
    days: Annotated[str, Form(max_length=4)] = "",
) -> Response:
    item_ids, places = parse_codes(items)
    if places:
        raise DanganError("custody.loan.no_items")
    term = form_id(days) if days.strip() else None
    if days.strip() and term is None:
        raise DanganError("custody.loan.bad_days", days=days[:4])
    with rt.factory() as session, session.begin():
        loan = custody.request_loan(session, item_ids=item_ids, purpose=purpose, days=term, actor=me.user(session),
                                    today=rt.today(), default_days=rt.settings.loan_days,
                                    slip_pattern=rt.settings.loan_slip_pattern, client=me.client)  # fmt: skip
    return RedirectResponse(f"/custody/loans/{loan.id}", status_code=303)


@router.get("/custody/loans/{loan_id}", response_class=HTMLResponse)
def loan(
    request: Request,
    loan_id: PathId,
    me: Viewer,
    rt: RuntimeDep,
    result: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    """A loan slip with the steps the viewer may take on it."""
    with rt.factory() as session, session.begin():
        user = me.user(session)
        view = custody.show_loan(session, loan_id=loan_id, actor=user, client=me.client)
        from custody.loans import get_loan, loan_items

        lent = loan_items(session, get_loan(session, loan_id))
        approver = custody.is_approver(user)
        mine = view.borrower == user.login
    expected = (sum(i.pieces for i in lent), sum(i.pages for i in lent))
    return render(request, "custody/loan.html", loan=view, lent=lent, expected=expected, approver=approver,
                  mine=mine, result=result, today=rt.today())  # fmt: skip


@router.post("/custody/loans/{loan_id}/{step}")
def loan_step(
    loan_id: PathId,
    step: Literal["approve", "refuse", "out", "renew", "return"],
    me: Viewer,
    rt: RuntimeDep,
    pieces: Annotated[str, Form(max_length=7)] = "",
    pages: Annotated[str, Form(max_length=7)] = "",
    days: Annotated[str, Form(max_length=4)] = "",
) -> Response:
    result = ""
    with rt.factory() as session, session.begin():
        actor = me.user(session)
        if step == "approve":
            custody.approve_loan(session, loan_id=loan_id, actor=actor, client=me.client)
        elif step == "refuse":
            custody.refuse_loan(session, loan_id=loan_id, actor=actor, client=me.client)
        elif step == "out":
            custody.hand_out(session, loan_id=loan_id, actor=actor, today=rt.today(), client=me.client)
        elif step == "renew":
            custody.renew_loan(session, loan_id=loan_id, days=form_id(days) if days.strip() else None, actor=actor,
                               default_days=rt.settings.loan_days, client=me.client)  # fmt: skip
        else:
            counted = (_count(pieces), _count(pages))
            back = custody.take_back(session, loan_id=loan_id, pieces=counted[0], pages=counted[1], actor=actor,
                                     client=me.client)  # fmt: skip
            result = "complete" if back.complete else "short"
    return RedirectResponse(
        f"/custody/loans/{loan_id}" + (f"?result={result}" if result else ""), status_code=303
    )


def _count(text: str) -> int:
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        raise DanganError("request.invalid", detail=f"not a count: {text[:7]}")
    return int(text)


def _filters(
    customer: str,
    location: str,
    kind: str,
    status: str,
    date_from: str,
    date_to: str,
    borrower: str,
    number: str,
) -> LedgerFilter:
    def day(value: str) -> date | None:
        try:
            return date.fromisoformat(value) if value.strip() else None
        except ValueError as err:
            raise DanganError("request.invalid", detail=f"not a date (YYYY-MM-DD): {value[:10]}") from err

    customer_id = form_id(customer) if customer.strip() else None
    if customer.strip() and customer_id is None:
        raise DanganError("request.invalid", detail=f"not a customer id: {customer[:12]}")
    return LedgerFilter(customer_id=customer_id, location=location.strip() or None, kind=kind or None,
                        status=status or None, date_from=day(date_from), date_to=day(date_to),
                        borrower=borrower.strip() or None, number=number.strip() or None)  # fmt: skip


Q = Annotated[str, Query(max_length=500)]


@router.get("/custody/ledgers", response_class=HTMLResponse)
def ledgers_index() -> Response:
    return RedirectResponse("/custody/ledgers/archive", status_code=303)


@router.get("/custody/ledgers/{ledger}", response_class=HTMLResponse)
def ledger(
    request: Request, ledger: Ledger, me: Viewer, rt: RuntimeDep, customer: Q = "", location: Q = "", kind: Q = "",
    status: Q = "", date_from: Q = "", date_to: Q = "", borrower: Q = "", number: Q = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:  # fmt: skip
    """A ledger with its filters, one page at a time, and links to download it filtered."""
    filters = _filters(customer, location, kind, status, date_from, date_to, borrower, number)
    with rt.factory() as session, session.begin():
        result = custody_records.ledger_page(session, ledger=ledger, filters=filters, page=page,
                                             actor=me.user(session), today=rt.today(), tz=rt.settings.timezone,
                                             client=me.client)  # fmt: skip
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page" and v])
    states = ("overdue", *LOAN_STATES) if ledger == "loans" else ITEM_STATES
    return render(request, "custody/ledger.html", ledger=ledger, ledgers=LEDGERS, result=result, states=states,
                  form=dict(customer=customer, location=location, kind=kind, status=status, date_from=date_from,
                            date_to=date_to, borrower=borrower, number=number), query=query)  # fmt: skip


@router.get("/custody/ledgers/{ledger}/export.{fmt}")
def export(
    request: Request, ledger: Ledger, fmt: Literal["xlsx", "pdf"], me: Viewer, rt: RuntimeDep, customer: Q = "",
    location: Q = "", kind: Q = "", status: Q = "", date_from: Q = "", date_to: Q = "", borrower: Q = "",
    number: Q = "",
) -> Response:  # fmt: skip
    """The filtered ledger as XLSX or PDF, in the page's language."""
    filters = _filters(customer, location, kind, status, date_from, date_to, borrower, number)
    with rt.factory() as session, session.begin():
        data = custody_records.export_ledger(session, ledger=ledger, filters=filters, fmt=fmt, actor=me.user(session),
                                             today=rt.today(), tz=rt.settings.timezone, lang=language(request),
                                             client=me.client)  # fmt: skip
    media = (
        "application/pdf"
        if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="ledger-{ledger}.{fmt}"'})  # fmt: skip
