"""REST: the customer list's analysis (JSON, CSV, XLSX), its XLSX export, the import of customer files from
XLSX or CSV (dry run or real) with its template, and the printable catalogues (issue 12).

Every signed-in user may ask for the analysis, the export and the catalogues: they show what the list shows
everyone, and profile values and documents only as far as the caller may read them (workflows.customer_reports,
customer_sheets, customer_catalogue). Importing: those who may open files (staff, managers, archivists).
Included before api.rest.customers, whose /api/customers/{id} would otherwise take these paths.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from api.auth import CurrentUser, RuntimeDep
from api.i18n import language
from api.openapi import SIGNED_IN, answers, binary
from api.params import PathId
from api.rest.customer_filters import Filters
from core.errors import RejectedInput
from records.customer_import import MAX_BYTES, template
from workflows.customer_catalogue import file_catalogue, files_catalogue, render
from workflows.customer_import import import_customers
from workflows.customer_reports import customer_analysis
from workflows.customer_sheets import XLSX_TYPE, analysis_csv, analysis_xlsx, export_list

router = APIRouter(prefix="/api/customers", tags=["customers"], responses=SIGNED_IN)
Format = Literal["json", "csv", "xlsx"]
Printable = Literal["pdf", "xlsx"]
Sort = Annotated[Literal["name", "grade", "last_contact"], Query(description="name: pinyin order.")]
_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE, "pdf": "application/pdf"}


def _download(data: bytes, fmt: str, name: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(f'{name}.{fmt}', safe='')}"
    return Response(data, media_type=_TYPES[fmt], headers={"Content-Disposition": disposition})


@router.get("/analysis", responses=binary(XLSX_TYPE, "text/csv") | answers(400))
def analysis(
    request: Request, caller: CurrentUser, rt: RuntimeDep, filters: Filters, format: Format = "json"
) -> Response:
    """Counts and shares by status, grade, industry, region and kind, documents per type and new files per
    month (policy 9 §4.3, POL-2), as far as the caller may see; JSON, or a CSV or XLSX download (audited)."""
    lang = language(request)
    with rt.factory() as session, session.begin():
        result = customer_analysis(session, viewer=caller.user(session), filters=filters,
                                   timezone=rt.settings.timezone, client=caller.client)  # fmt: skip
    if format == "json":
        return JSONResponse(asdict(result))
    data = (
        analysis_csv(result, lang=lang).encode("utf-8-sig")
        if format == "csv"
        else analysis_xlsx(result, lang=lang)
    )
    return _download(data, format, "customer-analysis")


@router.get("/export", responses=binary(XLSX_TYPE) | answers(400))
def export(
    request: Request, caller: CurrentUser, rt: RuntimeDep, filters: Filters, sort: Sort = "name"
) -> Response:
    """The filtered customer list (客户一览表) as XLSX; profile values only of files the caller may open (audited)."""
    with rt.factory() as session, session.begin():
        data, _count = export_list(session, viewer=caller.user(session), filters=filters, sort=sort,
                                   lang=language(request), client=caller.client)  # fmt: skip
    return _download(data, "xlsx", "customers")


@router.get("/import/template", responses=binary(XLSX_TYPE))
def import_template(request: Request, caller: CurrentUser) -> Response:
    """The import template: every column's heading and an example row."""
    return _download(template(language(request)), "xlsx", "customer-import-template")


@router.post("/import", responses=answers(400))
def import_file(
    caller: CurrentUser,
    rt: RuntimeDep,
    file: Annotated[UploadFile, File(description="XLSX or CSV (UTF-8 or GBK), headings as in the template.")],
    dry_run: Annotated[bool, Query(description="Check every row; create nothing.")] = True,
) -> dict:
    """Import customer files and their contacts: every row with its status (ok, created, error) and reason; a
    real run (dry_run=false) creates every file or, when any row has a problem, none (audited). A file that is
    not a spreadsheet, too large or empty is a 422."""
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RejectedInput("customer_import.too_large", limit_mb=MAX_BYTES // 2**20)
    with rt.factory() as session, session.begin():
        result = import_customers(session, actor=caller.user(session), data=data, dry_run=dry_run,
                                  client=caller.client)  # fmt: skip
    return asdict(result)


@router.get("/catalogue", responses=binary("application/pdf", XLSX_TYPE) | answers(400))
def catalogue_of_files(
    request: Request, caller: CurrentUser, rt: RuntimeDep, filters: Filters, format: Printable = "pdf"
) -> Response:
    """The catalogue of the files the filters select (案卷目录), as PDF or XLSX (audited)."""
    lang = language(request)
    with rt.factory() as session, session.begin():
        listing = files_catalogue(session, viewer=caller.user(session), filters=filters, lang=lang,
                                  client=caller.client)  # fmt: skip
    return _download(render(listing, format, lang=lang, files=True), format, "customer-files-catalogue")


@router.get("/{customer_id}/catalogue", responses=binary("application/pdf", XLSX_TYPE) | answers(404))
def catalogue(
    request: Request, customer_id: PathId, caller: CurrentUser, rt: RuntimeDep, format: Printable = "pdf"
) -> Response:
    """A file's catalogue (卷内目录) as PDF or XLSX: documents the caller may not read are listed as existing,
    without title (audited)."""
    lang = language(request)
    with rt.factory() as session, session.begin():
        listing, _lines = file_catalogue(session, viewer=caller.user(session), customer_id=customer_id,
                                         lang=lang, client=caller.client)  # fmt: skip
    return _download(render(listing, format, lang=lang), format, f"catalogue-{customer_id}")
