"""Pages: paper originals — the custody hub with its scan box, locations as a tree (with inspections and
labels), an item with its history, label sheets. Loans and ledgers are in api/web/custody_loans.py.

A handheld scanner types the label's code and presses Enter: the scan box (and the search box, for a
string that is exactly a label code) sends it to /custody/scan, which opens the item or the location.
Permission checks stay in workflows.custody and workflows.custody_records.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.params import PathId, form_id
from api.web import render
from api.web.session import RuntimeDep, Viewer
from core.errors import DanganError
from custody.ledgers import item_code, parse_code
from custody.models import INSPECTION_ISSUES, LOCATION_KINDS, Loan
from workflows import custody, custody_records, custody_reminders

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]


@router.get("/custody", response_class=HTMLResponse)
def hub(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """The scan box, overdue loans (all for the keepers and approvers, else one's own), overdue inspections."""
    today = rt.today()
    with rt.factory() as session, session.begin():
        user = me.user(session)
        overdue = custody_reminders.overdue_loans(session, today=today, viewer=user)
        inspections = (
            custody_records.overdue_inspections(
                session, today=today, cycle_days=rt.settings.inspection_days, actor=user, client=me.client
            )  # fmt: skip
            if me.has("archivist", "auditor")
            else []
        )
    return render(request, "custody/hub.html", overdue=overdue, inspections=inspections)


@router.get("/custody/scan")
def scan(me: Viewer, rt: RuntimeDep, code: Annotated[str, Query(max_length=40)] = "") -> Response:
    """Open what a typed or scanned label code names."""
    with rt.factory() as session, session.begin():
        found = custody_records.scan(session, code=code, actor=me.user(session), client=me.client)
    where = f"/custody/items/{found.id}" if found.kind == "item" else f"/custody/locations/{found.id}"
    return RedirectResponse(where, status_code=303)


@router.get("/custody/locations", response_class=HTMLResponse)
def locations(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """The location tree (archivist)."""
    with rt.factory() as session, session.begin():
        rows = custody.list_locations(session, actor=me.user(session), client=me.client)
    tree = [(row, row.path.count("/")) for row in rows]
    return render(request, "custody/locations.html", tree=tree, kinds=LOCATION_KINDS)


@router.post("/custody/locations")
def add_location(
    me: Viewer,
    rt: RuntimeDep,
    path: Annotated[str, Form(max_length=500)],
    kind: Annotated[str, Form(max_length=20)],
) -> Response:
    with rt.factory() as session, session.begin():
        made = custody.add_location(session, path=path, kind=kind, actor=me.user(session), client=me.client)
    return RedirectResponse(f"/custody/locations/{made.id}", status_code=303)


@router.get("/custody/locations/{location_id}", response_class=HTMLResponse)
def location(request: Request, location_id: PathId, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """A location: the items kept in and under it, its inspections, its label (archivist)."""
    with rt.factory() as session, session.begin():
        detail = custody_records.location_detail(session, location_id=location_id, tz=rt.settings.timezone,
                                                 actor=me.user(session), client=me.client)  # fmt: skip
    return render(request, "custody/location.html", place=detail, issues=INSPECTION_ISSUES, today=rt.today())


@router.post("/custody/locations/{location_id}/inspect")
def inspect(
    location_id: PathId,
    me: Viewer,
    rt: RuntimeDep,
    findings: Text,
    on: Annotated[str, Form(max_length=10)] = "",
    issue: Annotated[list[str] | None, Form(max_length=20)] = None,
) -> Response:
    """Record an inspection (archivist); the ticked problems come as repeated `issue` fields."""
    try:
        day = date.fromisoformat(on) if on.strip() else None
    except ValueError as err:
        raise DanganError("request.invalid", detail=f"not a date (YYYY-MM-DD): {on}") from err
    with rt.factory() as session, session.begin():
        custody_records.inspect(session, location_id=location_id, findings=findings, issues=issue or [], on=day,
                                today=rt.today(), actor=me.user(session), client=me.client)  # fmt: skip
    return RedirectResponse(f"/custody/locations/{location_id}", status_code=303)


@router.get("/custody/items/{item_id}", response_class=HTMLResponse)
def item(request: Request, item_id: PathId, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """An item: catalogue data, where it is now (or the loan it is out on), its history."""
    with rt.factory() as session, session.begin():
        user = me.user(session)
        view = custody.where(session, item_id=item_id, actor=user, client=me.client)
        slip = session.get_one(Loan, view.out_on_loan).slip_no if view.out_on_loan is not None else None
    return render(request, "custody/item.html", item=view, code=item_code(view.id), slip=slip)


@router.post("/custody/items/{item_id}/move")
def move(
    item_id: PathId, me: Viewer, rt: RuntimeDep, to: Annotated[str, Form(max_length=500)], reason: Text
) -> Response:
    with rt.factory() as session, session.begin():
        custody.move_item(
            session, item_id=item_id, to=to, reason=reason, actor=me.user(session), client=me.client
        )
    return RedirectResponse(f"/custody/items/{item_id}", status_code=303)


@router.get("/custody/labels", response_class=HTMLResponse)
def labels_form(
    request: Request, me: Viewer, codes: Annotated[str, Query(max_length=4000)] = ""
) -> HTMLResponse:
    return render(request, "custody/labels.html", codes=codes)


def parse_codes(text: str) -> tuple[list[int], list[int]]:
    """Item and location ids from typed codes (I000012, L000003) or bare item ids, space or comma separated."""
    items: list[int] = []
    places: list[int] = []
    for word in text.replace(",", " ").replace("，", " ").split():
        parsed = parse_code(word)
        if parsed is not None:
            (items if parsed[0] == "item" else places).append(parsed[1])
        elif form_id(word) is not None:
            items.append(form_id(word))  # type: ignore[arg-type]
        else:
            raise DanganError("custody.scan.unknown", code=word[:40])
    return items, places


@router.get("/custody/labels.pdf")
def labels_pdf(me: Viewer, rt: RuntimeDep, codes: Annotated[str, Query(max_length=4000)] = "") -> Response:
    """The label sheet for the typed codes (archivist)."""
    items, places = parse_codes(codes)
    with rt.factory() as session, session.begin():
        data = custody_records.labels(session, item_ids=items, location_ids=places, actor=me.user(session),
                                      client=me.client)  # fmt: skip
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": 'inline; filename="labels.pdf"'})  # fmt: skip
