"""Pages: retention — schedule, legal holds, due list and batch building, batches with approvals, execution
progress and registers. Each page calls the same domain functions as the API (retention.*), which check roles.

Execution runs in a thread of the server so that the batch page can show its progress (polled by htmx);
the batch's own state in the database is the progress, so a reload or a second browser sees the same.
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from api.params import PathId, form_id
from api.web import render
from api.web.session import RuntimeDep, Viewer
from core.errors import DanganError
from retention import views
from retention.batches import BatchRefused, approve, create_batch, get_batch
from retention.models import ACTIONS, TRIGGERS, BatchItem
from retention.paper import PaperDestruction, check_paper, has_paper
from retention.register import store_register
from workflows.destruction import run_batch, submit_batch
from workflows.retention_changes import lift_hold, place_hold, set_retention_rule

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
Id = PathId
Text = Annotated[str, Form(max_length=2000)]
_running: set[int] = set()
_running_lock = threading.Lock()


def _refused(request: Request, error: BatchRefused) -> HTMLResponse:
    from api.web import language

    params = dict(error.params) | {"items": "; ".join(r.text(language(request)) for r in error.refusals)}
    return render(request, "error.html", status_code=409, code=error.code, params=params)


@router.get("/retention", response_class=HTMLResponse)
def schedule(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        rules = views.rules(session, actor=me.user(session), client=me.client)
    return render(request, "retention/schedule.html", rules=rules, triggers=TRIGGERS, actions=ACTIONS)


@router.post("/retention/rules")
def put_rule(
    request: Request, doc_type: Annotated[str, Form(max_length=40)], me: Viewer, rt: RuntimeDep,
    trigger: Text, action: Text, years: Annotated[str, Form(max_length=4)] = "", basis: Text = "",
) -> Response:  # fmt: skip
    period = int(years) if years.strip().isascii() and years.strip().isdigit() else None
    with rt.factory() as session, session.begin():
        set_retention_rule(session, rt, actor=me.user(session), doc_type=doc_type, period_years=period,
                           trigger=trigger, action=action, basis=basis, client=me.client)  # fmt: skip
    return RedirectResponse("/retention", status_code=303)


@router.get("/retention/holds", response_class=HTMLResponse)
def holds(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        rows = views.holds(session, actor=me.user(session), include_released=True, client=me.client)
    return render(request, "retention/holds.html", holds=rows)


@router.post("/retention/holds")
def post_hold(
    request: Request, me: Viewer, rt: RuntimeDep, name: Text, reason: Text, scope: Text,
    documents: Text = "", customer_id: Annotated[str, Form(max_length=20)] = "", query: Text = "",
) -> Response:  # fmt: skip
    ids = _ids(documents.replace(",", " ").split())
    with rt.factory() as session, session.begin():
        place_hold(session, rt, actor=me.user(session), name=name, reason=reason, scope=scope, document_ids=ids,
                   customer_id=_ids([customer_id])[0] if customer_id.strip() else None, query=query or None,
                   client=me.client)  # fmt: skip
    return RedirectResponse("/retention/holds", status_code=303)


@router.post("/retention/holds/{hold_id}/release")
def post_release(request: Request, hold_id: Id, me: Viewer, rt: RuntimeDep, reason: Text) -> Response:
    with rt.factory() as session, session.begin():
        lift_hold(session, rt, actor=me.user(session), hold_id=hold_id, reason=reason, client=me.client)
    return RedirectResponse("/retention/holds", status_code=303)


@router.get("/retention/due", response_class=HTMLResponse)
def due(
    request: Request, me: Viewer, rt: RuntimeDep,
    doc_type: Annotated[str, Query(max_length=40)] = "", as_of: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:  # fmt: skip
    try:
        when = date.fromisoformat(as_of) if as_of else rt.today()
    except ValueError:
        when = rt.today()
    with rt.factory() as session, session.begin():
        rows = views.due(session, rt.index, actor=me.user(session), as_of=when, doc_type=doc_type or None,
                         limit=2000, client=me.client, language=_lang(request))  # fmt: skip
    return render(request, "retention/due.html", rows=rows, doc_type=doc_type, as_of=when.isoformat())


def _ids(values: list[str]) -> list[int]:
    """Record ids typed or ticked in a form; anything else is refused rather than dropped."""
    ids = [form_id(v) for v in values]
    if None in ids:
        raise DanganError("ui.error.number")
    return ids  # type: ignore[return-value]


def _lang(request: Request) -> str:
    from api.web import language

    return language(request)


@router.post("/retention/batches")
def post_batch(
    request: Request, me: Viewer, rt: RuntimeDep,
    document: Annotated[list[str], Form(max_length=100_000)] = [],  # noqa: B006 - FastAPI copies defaults
    note: Text = "",
) -> Response:  # fmt: skip
    ids = _ids(document)
    try:
        with rt.factory() as session, session.begin():
            batch_id = create_batch(session, rt.index, actor=me.user(session), document_ids=ids, note=note,
                                    today=rt.today(), approvers_needed=rt.settings.destruction_approvers,
                                    client=me.client).id  # fmt: skip
    except BatchRefused as error:
        return _refused(request, error)
    return RedirectResponse(f"/retention/batches/{batch_id}", status_code=303)


@router.get("/retention/batches", response_class=HTMLResponse)
def batches(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        rows = views.batches(session, actor=me.user(session), client=me.client)
    return render(request, "retention/batches.html", batches=rows)


def _progress(rt, batch_id: int) -> dict:  # type: ignore[no-untyped-def]
    with rt.factory() as session:
        counts = dict(session.execute(
            select(BatchItem.state, func.count()).where(BatchItem.batch_id == batch_id).group_by(BatchItem.state)
        ).all())  # fmt: skip
    return {"counts": counts, "total": sum(counts.values()), "running": batch_id in _running}


@router.get("/retention/batches/{batch_id}", response_class=HTMLResponse)
def batch(request: Request, batch_id: Id, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        shown = views.batch(session, actor=me.user(session), batch_id=batch_id, client=me.client)
    return render(request, "retention/batch.html", batch=shown, progress=_progress(rt, batch_id))


@router.get("/retention/batches/{batch_id}/progress", response_class=HTMLResponse)
def progress(request: Request, batch_id: Id, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        shown = views.batch(session, actor=me.user(session), batch_id=batch_id, client=me.client)
    return render(request, "retention/_progress.html", batch=shown, progress=_progress(rt, batch_id))


@router.post("/retention/batches/{batch_id}/appraise")
def post_appraise(request: Request, batch_id: Id, me: Viewer, rt: RuntimeDep, opinion: Text) -> Response:
    with rt.factory() as session, session.begin():
        submit_batch(session, actor=me.user(session), batch_id=batch_id, opinion=opinion, client=me.client)
    return RedirectResponse(f"/retention/batches/{batch_id}", status_code=303)


@router.post("/retention/batches/{batch_id}/approve")
def post_approve(request: Request, batch_id: Id, me: Viewer, rt: RuntimeDep, opinion: Text = "") -> Response:
    with rt.factory() as session, session.begin():
        approve(session, actor=me.user(session), batch_id=batch_id, opinion=opinion, client=me.client)
    return RedirectResponse(f"/retention/batches/{batch_id}", status_code=303)


@router.post("/retention/batches/{batch_id}/execute")
def post_execute(
    request: Request, batch_id: Id, me: Viewer, rt: RuntimeDep, paper_method: Text = "", paper_place: Text = "",
    paper_date: Annotated[str, Form(max_length=10)] = "", witness1: Text = "", witness2: Text = "",
) -> Response:  # fmt: skip
    from retention.roles import require_officer

    with rt.factory() as session:
        require_officer(me.user(session), action="retention.batch.execute", object_type="destruction_batch",
                        object_id=batch_id, client=me.client)  # fmt: skip
        shown = get_batch(session, batch_id)
        needs_paper = not shown.paper and has_paper(
            session, [i.document_id for i in shown.items if i.state != "destroyed"]
        )
    paper = None
    if paper_method or paper_place or witness1 or witness2:
        try:
            on = date.fromisoformat(paper_date) if paper_date else rt.today()
        except ValueError:
            on = rt.today()
        paper = PaperDestruction(paper_method, paper_place, on, (witness1, witness2))
        check_paper(paper, executor=me.login)
    if needs_paper and paper is None:
        raise DanganError("batch.paper_required")
    with _running_lock:
        if batch_id not in _running:
            _running.add(batch_id)
            threading.Thread(
                target=_execute, args=(rt, batch_id, me.user_id, me.client, paper), daemon=True
            ).start()
    return RedirectResponse(f"/retention/batches/{batch_id}", status_code=303)


def _execute(rt, batch_id: int, user_id: int, client: str, paper: PaperDestruction | None) -> None:  # type: ignore[no-untyped-def]
    try:
        run_batch(rt, batch_id=batch_id, actor_id=user_id, paper=paper, client=client)
    except DanganError as error:  # the batch keeps its state and reason; the page shows them
        log.warning("destruction batch %s: %s", batch_id, error.both())
    except Exception:
        log.exception("destruction batch %s failed", batch_id)
    finally:
        with _running_lock:
            _running.discard(batch_id)


@router.get("/retention/batches/{batch_id}/register.{kind}")
def register(request: Request, batch_id: Id, kind: Annotated[str, Path(pattern="^(pdf|csv)$")], me: Viewer,
             rt: RuntimeDep) -> Response:  # fmt: skip
    with rt.factory() as session, session.begin():
        made = store_register(session, rt.store, batch_id=batch_id, actor=me.user(session), today=rt.today(),
                              lock_years=rt.settings.s3_lock_permanent_years, client=me.client)  # fmt: skip
    data, row = made[kind]
    media = "application/pdf" if kind == "pdf" else "text/csv; charset=utf-8"
    headers = {
        "Content-Disposition": f'attachment; filename="register-{batch_id}.{kind}"',
        "X-SHA256": row.sha256,
    }
    return Response(data, media_type=media, headers=headers)
