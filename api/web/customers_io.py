"""Pages: the customer analysis (tables, and ECharts charts drawn by a static script from the JSON of
/api/customers/analysis — the CSP allows no inline script), and the import (upload, dry-run table, confirm).

Downloads (analysis CSV/XLSX, the list's XLSX, the catalogues) are the REST routes, linked from the pages.
A file waiting for confirmation is kept under DANGAN_HOME/imports, named by a random token and its
uploader, and read again — checked again — when confirmed; it is deleted after the real run.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse

from access.customer_files import OPEN_ROLES
from access.errors import AccessDenied
from api.web import render
from api.web.session import RuntimeDep, Viewer, keep_refusal
from core.errors import DanganError, RejectedInput
from records.customer_import import MAX_BYTES
from records.customer_query import CustomerFilter
from workflows.customer_import import import_customers
from workflows.customer_reports import customer_analysis

router = APIRouter(include_in_schema=False)
Filter = Annotated[str, Query(max_length=100)]
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@router.get("/customers/analysis", response_class=HTMLResponse)
def analysis(
    request: Request,
    me: Viewer,
    rt: RuntimeDep,
    status: Filter = "",
    grade: Filter = "",
    kind: Filter = "",
    industry: Filter = "",
    region: Filter = "",
    department: Filter = "",
    owner: Filter = "",
    stale_days: Annotated[str, Query(max_length=6)] = "",
) -> HTMLResponse:
    given = {"status": status, "grade": grade, "kind": kind, "industry": industry, "region": region,
             "department": department, "owner": owner, "stale_days": stale_days}  # fmt: skip
    try:
        filters = CustomerFilter.from_text(**given)
        with rt.factory() as session, session.begin():
            result = customer_analysis(session, viewer=me.user(session), filters=filters,
                                       timezone=rt.settings.timezone, client=me.client)  # fmt: skip
    except DanganError as error:
        keep_refusal(rt, error)
        return render(
            request, "error.html", status_code=error.status_code, code=error.code, params=error.params
        )
    query = urlencode(filters.given())
    return render(request, "customers/analysis.html", result=result, query=query, chosen=filters.given())


@router.get("/customers/import", response_class=HTMLResponse)
def import_form(request: Request, me: Viewer) -> HTMLResponse:
    return render(request, "customers/import.html", result=None, token="", may_import=me.has(*OPEN_ROLES))


def _waiting(rt: RuntimeDep, login: str, token: str) -> Path:
    folder = Path(rt.settings.home) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{login}-{token}.upload"


@router.post("/customers/import", response_class=HTMLResponse)
def import_check(
    request: Request, me: Viewer, rt: RuntimeDep, file: Annotated[UploadFile, File()]
) -> HTMLResponse:
    """The dry run: every row with its status and reason; the file waits for confirmation."""
    data = file.file.read(MAX_BYTES + 1)
    token = secrets.token_urlsafe(24)
    try:
        if len(data) > MAX_BYTES:
            raise RejectedInput("customer_import.too_large", limit_mb=MAX_BYTES // 2**20)
        with rt.factory() as session, session.begin():
            result = import_customers(
                session, actor=me.user(session), data=data, dry_run=True, client=me.client
            )
    except DanganError as error:
        return _refused(request, rt, me, error)
    if not result.errors:
        _waiting(rt, me.login, token).write_bytes(data)
    return render(request, "customers/import.html", result=result, token=token if not result.errors else "",
                  may_import=True, status_code=200 if not result.errors else 400)  # fmt: skip


@router.post("/customers/import/confirm", response_class=HTMLResponse)
def import_confirm(
    request: Request, me: Viewer, rt: RuntimeDep, token: Annotated[str, Form(max_length=64)] = ""
) -> HTMLResponse:
    """The real run of a file checked before: every file created, or none."""
    path = _waiting(rt, me.login, token) if _TOKEN.match(token) else None
    try:
        if path is None or not path.is_file():
            raise DanganError("customer_import.upload_gone")
        data = path.read_bytes()
        with rt.factory() as session, session.begin():
            result = import_customers(
                session, actor=me.user(session), data=data, dry_run=False, client=me.client
            )
    except DanganError as error:
        return _refused(request, rt, me, error)
    if result.imported:
        path.unlink(missing_ok=True)
    return render(request, "customers/import.html", result=result, token="", may_import=True,
                  status_code=200 if result.imported else 400)  # fmt: skip


def _refused(request: Request, rt: RuntimeDep, me, error: DanganError) -> HTMLResponse:  # type: ignore[no-untyped-def]
    keep_refusal(rt, error)
    if isinstance(error, AccessDenied):
        return render(request, "error.html", status_code=403, code=error.code, params=error.params)
    return render(request, "customers/import.html", result=None, token="", may_import=me.has(*OPEN_ROLES),
                  errors={"form": (error.code, error.params)}, status_code=error.status_code)  # fmt: skip
