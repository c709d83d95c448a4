"""Pages: customer files — the list, and one file's documents newest first, grouped by type.

Through workflows.customer_files (customer_list / customer_detail): only documents the user may read are listed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.params import PathId
from api.web import render
from api.web.session import RuntimeDep, Viewer
from records.models import CUSTOMER_STATUSES
from workflows.customer_files import customer_detail, customer_list

router = APIRouter(include_in_schema=False)


@router.get("/customers", response_class=HTMLResponse)
def customers(
    request: Request, me: Viewer, rt: RuntimeDep, status: Annotated[str, Query(max_length=20)] = ""
) -> HTMLResponse:
    chosen = status if status in CUSTOMER_STATUSES else None
    with rt.factory() as session, session.begin():
        rows = customer_list(session, viewer=me.user(session), status=chosen, client=me.client)
    return render(request, "customers/list.html", rows=rows, status=chosen, statuses=CUSTOMER_STATUSES)


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer(request: Request, customer_id: PathId, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        file = customer_detail(session, viewer=me.user(session), customer_id=customer_id, client=me.client)
    groups: dict[str | None, list[dict]] = {}
    for doc in file["documents"]:  # newest first already
        groups.setdefault(doc["doc_type"], []).append(doc)
    return render(request, "customers/show.html", file=file, groups=groups)
