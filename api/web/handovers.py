"""Pages: handover lists (移交, POL-7, POL-8) — each party's inbox (to sign, to review, to accept), the create
form, a list's page with counting, signing and returning, its lines rewritten after a return, the PDF.

All through workflows.handovers, as the API and the CLI: who may take which step is decided there.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.params import PathId, QueryId, form_id
from api.web import language, render
from api.web.session import RuntimeDep, Viewer, keep_refusal
from core.errors import DanganError
from custody.handovers import Line
from workflows import custody, handovers

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
Texts = Annotated[list[str], Form(max_length=500)]
BLANK_LINES = 6  # empty rows on the create form


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _lines(titles: list[str], pieces: list[str], pages: list[str], documents: list[str], certs: list[str],
           remarks: list[str]) -> tuple[list[Line], list[tuple[str, dict]]]:  # fmt: skip
    """The rows typed in (rows left empty are skipped) and what is wrong with them."""
    lines, problems = [], []
    rows = zip(titles, pieces, pages, documents, certs, remarks, strict=False)
    for n, (title, piece, page, document, cert, remark) in enumerate(rows, 1):
        if not (title.strip() or piece.strip() or page.strip() or document.strip() or cert.strip()):
            continue
        count = (_number(piece), _number(page))
        document_id = form_id(document) if document.strip() else None
        if None in count or (document.strip() and document_id is None):
            problems.append(("custody.handover.bad_count", {"position": n, "pieces": piece, "pages": page}))
            continue
        lines.append(Line(title, count[0], count[1], document_id, cert, remark))  # type: ignore[arg-type]
    return lines, problems


@router.get("/custody/handovers", response_class=HTMLResponse)
def inbox(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """Lists to sign (A), to review (B), to accept (the archive), and one's others."""
    with rt.factory() as session, session.begin():
        boxes = handovers.inbox(session, actor=me.user(session), today=rt.today(), client=me.client)
    return render(request, "custody/handovers.html", boxes=boxes, can_create=me.has("staff", "manager"))


def _form_page(
    request: Request, me: Viewer, rt: RuntimeDep, form: dict, errors: list, status: int = 200
) -> HTMLResponse:
    with rt.factory() as session:
        customers, people = handovers.form_choices(session, actor=me.user(session))
    return render(request, "custody/handover_new.html", status_code=status, form=form, errors=errors,
                  customers=customers, people=people, blank=BLANK_LINES)  # fmt: skip


@router.get("/custody/handovers/new", response_class=HTMLResponse)
def new(request: Request, me: Viewer, rt: RuntimeDep, certificates_of: QueryId | None = None) -> HTMLResponse:
    """The create form; with `certificates_of`, the certificates (权证) list of that file list."""
    form = {"title": "", "customer": "", "reviewer": "", "finished": rt.today().isoformat(), "lines": [],
            "certificates_of": certificates_of or ""}  # fmt: skip
    return _form_page(request, me, rt, form, [])


@router.post("/custody/handovers", response_class=HTMLResponse)
def create(
    request: Request, me: Viewer, rt: RuntimeDep, title: Text = "", customer: Text = "", reviewer: Text = "",
    finished: Text = "", certificates_of: Text = "", line_title: Texts = [], line_pieces: Texts = [], line_pages: Texts = [],  # noqa: B006
    line_document: Texts = [], line_cert: Texts = [], line_remarks: Texts = [],  # noqa: B006
) -> Response:  # fmt: skip
    lines, errors = _lines(line_title, line_pieces, line_pages, line_document, line_cert, line_remarks)
    customer_id = form_id(customer)
    file_id = form_id(certificates_of) if certificates_of.strip() else None
    try:
        finished_on = date.fromisoformat(finished) if finished.strip() else None
    except ValueError:
        errors.append(("ui.error.date", {}))
        finished_on = None
    if not errors:
        try:
            with rt.factory() as session, session.begin():
                made = handovers.create_handover(session, title=title, customer_id=customer_id, reviewer=reviewer,
                                                 lines=lines, actor=me.user(session), today=rt.today(),
                                                 prefix=rt.settings.handover_prefix, finished_on=finished_on,
                                                 certificates_of=file_id, client=me.client)  # fmt: skip
            return RedirectResponse(f"/custody/handovers/{made.id}", status_code=303)
        except DanganError as error:
            keep_refusal(rt, error)
            if error.status_code == 403:
                return render(request, "error.html", status_code=403, code=error.code, params=error.params)
            errors.append((error.code, error.params))
    form = {"title": title, "customer": customer, "reviewer": reviewer, "finished": finished, "lines": lines,
            "certificates_of": certificates_of}  # fmt: skip
    return _form_page(request, me, rt, form, errors, status=400)


def _show(request: Request, me: Viewer, rt: RuntimeDep, handover_id: int, error=None, status: int = 200,  # type: ignore[no-untyped-def]
          typed: dict | None = None):  # fmt: skip
    with rt.factory() as session, session.begin():
        user = me.user(session)
        view = handovers.show_handover(session, handover_id=handover_id, actor=user, today=rt.today(),
                                       client=me.client)  # fmt: skip
        places = []
        if view.status == "accepting" and me.has("archivist"):
            places = custody.list_locations(session, actor=user, client=me.client)
    # What was typed comes back with a refusal: nothing the user entered is lost.
    typed = typed or {"counts": {}, "exception": "", "missing": "", "location": ""}
    return render(request, "custody/handover.html", status_code=status, h=view, places=places, error=error,
                  done=request.query_params.get("done"), typed=typed)  # fmt: skip


@router.get("/custody/handovers/{handover_id}", response_class=HTMLResponse)
def show(request: Request, handover_id: PathId, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    return _show(request, me, rt, handover_id)


@router.get("/custody/handovers/{handover_id}/list.pdf")
def pdf(request: Request, handover_id: PathId, me: Viewer, rt: RuntimeDep) -> Response:
    """The list as printed, three copies, in the page's language."""
    with rt.factory() as session, session.begin():
        view, data = handovers.print_handover(session, handover_id=handover_id, actor=me.user(session),
                                              today=rt.today(), tz=rt.settings.timezone, language=language(request),
                                              client=me.client)  # fmt: skip
    disposition = f'attachment; filename="handover-{view.id}.pdf"'
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": disposition})


def _counts(positions: list[str], pieces: list[str], pages: list[str]) -> dict[int, tuple[int, int]] | None:
    counts = {}
    for position, piece, page in zip(positions, pieces, pages, strict=False):
        numbers = (_number(position), _number(piece), _number(page))
        if None in numbers:
            return None
        counts[numbers[0]] = (numbers[1], numbers[2])
    return counts


def _typed(positions: list[str], pieces: list[str], pages: list[str], **fields: str) -> dict:
    """The form as typed, to show again with a refusal."""
    counts = {p: (a, b) for p, a, b in zip(positions, pieces, pages, strict=False)}
    return {"counts": counts, "exception": "", "missing": "", "location": ""} | fields


def _step(
    request: Request, me: Viewer, rt: RuntimeDep, handover_id: int, act, typed: dict | None = None
) -> Response:  # type: ignore[no-untyped-def]
    """Run a step; a refusal the user can mend (a mismatch, a missing field) is shown on the list's page."""
    try:
        with rt.factory() as session, session.begin():
            act(session, me.user(session))
    except DanganError as error:
        keep_refusal(rt, error)
        if error.status_code in (403, 404):
            return render(
                request, "error.html", status_code=error.status_code, code=error.code, params=error.params
            )
        return _show(request, me, rt, handover_id, error=(error.code, error.params), status=error.status_code,
                     typed=typed)  # fmt: skip
    return RedirectResponse(f"/custody/handovers/{handover_id}?done=1", status_code=303)


@router.post("/custody/handovers/{handover_id}/sign", response_class=HTMLResponse)
def sign(
    request: Request, handover_id: PathId, me: Viewer, rt: RuntimeDep, exception: Text = "", location: Text = "",
    count_position: Texts = [], count_pieces: Texts = [], count_pages: Texts = [],  # noqa: B006
) -> Response:  # fmt: skip
    counts = _counts(count_position, count_pieces, count_pages)
    typed = _typed(count_position, count_pieces, count_pages, exception=exception, location=location)
    if counts is None:
        return _show(request, me, rt, handover_id, error=("ui.error.number", {}), status=400, typed=typed)

    def act(session, user):  # type: ignore[no-untyped-def]
        handovers.sign_handover(session, handover_id=handover_id, actor=user, today=rt.today(),
                                pattern=rt.settings.handover_number_pattern, counts=counts, exception=exception,
                                location=location or None, client=me.client)  # fmt: skip

    return _step(request, me, rt, handover_id, act, typed)


@router.post("/custody/handovers/{handover_id}/return", response_class=HTMLResponse)
def return_(
    request: Request, handover_id: PathId, me: Viewer, rt: RuntimeDep, missing: Text = "",
    count_position: Texts = [], count_pieces: Texts = [], count_pages: Texts = [],  # noqa: B006
) -> Response:  # fmt: skip
    counts = _counts(count_position, count_pieces, count_pages)
    typed = _typed(count_position, count_pieces, count_pages, missing=missing)
    if counts is None:
        return _show(request, me, rt, handover_id, error=("ui.error.number", {}), status=400, typed=typed)

    def act(session, user):  # type: ignore[no-untyped-def]
        handovers.return_handover(session, handover_id=handover_id, missing=missing, counts=counts or None,
                                  actor=user, today=rt.today(), client=me.client)  # fmt: skip

    return _step(request, me, rt, handover_id, act, typed)


@router.post("/custody/handovers/{handover_id}/lines", response_class=HTMLResponse)
def amend(
    request: Request, handover_id: PathId, me: Viewer, rt: RuntimeDep,
    line_title: Texts = [], line_pieces: Texts = [], line_pages: Texts = [],  # noqa: B006
    line_document: Texts = [], line_cert: Texts = [], line_remarks: Texts = [],  # noqa: B006
) -> Response:  # fmt: skip
    lines, errors = _lines(line_title, line_pieces, line_pages, line_document, line_cert, line_remarks)
    if errors:
        return _show(request, me, rt, handover_id, error=errors[0], status=400)

    def act(session, user):  # type: ignore[no-untyped-def]
        handovers.amend_handover(session, handover_id=handover_id, lines=lines, actor=user, today=rt.today(),
                                 client=me.client)  # fmt: skip

    return _step(request, me, rt, handover_id, act)
