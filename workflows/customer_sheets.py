"""Spreadsheets of the customer files: the analysis as CSV or XLSX, and the filtered list (客户一览表) as XLSX
(openpyxl), in the reader's language.

A value a person typed is never a formula in what we write: an XLSX cell that starts with "=" is kept as text,
and a CSV cell that a spreadsheet would run (=, +, -, @) is prefixed with an apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from access.customer_scope import openable_filter
from access.models import User
from access.policy import read_scope
from core import audit
from core.db import utcnow
from core.errors import DanganError
from core.messages import translate
from records.customer_query import CustomerFilter, count_matching, list_query
from workflows.customer_files import rows_for
from workflows.customer_reports import Analysis

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 100_000  # files per list export (openpyxl streams; 100k rows take a few seconds)
_BATCH = 2000
_RISKY = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet: Worksheet, value: Any) -> Any:
    """A write-only cell holding value; a string is always text, never a formula."""
    if not isinstance(value, str) or not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell


def csv_safe(value: Any) -> Any:
    """A CSV value a spreadsheet will not run as a formula."""
    return f"'{value}" if isinstance(value, str) and value.startswith(_RISKY) else value


def _filters_text(filters: dict[str, Any], lang: str) -> str:
    if not filters:
        return translate("customer_report.no_filters", lang)
    return "; ".join(f"{k}={v}" for k, v in filters.items())


def _analysis_rows(analysis: Analysis, lang: str) -> Iterable[list[Any]]:
    zh = lang == "zh-CN"
    hidden = translate("customer_report.hidden", lang)
    for dim in analysis.dimensions:
        name = dim.label_zh if zh else dim.label_en
        for b in dim.buckets:
            yield [name, b.value or "", b.label_zh if zh else b.label_en, b.count, b.share]
        if dim.hidden:
            yield [name, "", hidden, dim.hidden, round(dim.hidden / (dim.total or 1), 4)]


def _analysis_head(analysis: Analysis, lang: str) -> list[str]:
    return [
        translate("customer_report.sheet", lang),
        translate("customer_report.summary", lang, total=analysis.total, openable=analysis.openable,
                  documents=analysis.documents),
        translate("customer_report.filters", lang, filters=_filters_text(analysis.filters, lang)),
        translate("customer_report.generated", lang, at=analysis.generated_at),
    ]  # fmt: skip


def analysis_csv(analysis: Analysis, *, lang: str = "zh-CN") -> str:
    """The analysis as CSV: a header line per fact, then one line per dimension value."""
    out = io.StringIO()
    writer = csv.writer(out)
    for line in _analysis_head(analysis, lang):
        writer.writerow([csv_safe(line)])
    writer.writerow(translate("customer_report.columns", lang).split("|"))
    for row in _analysis_rows(analysis, lang):
        writer.writerow([csv_safe(v) for v in row])
    return out.getvalue()


def analysis_xlsx(analysis: Analysis, *, lang: str = "zh-CN") -> bytes:
    """The analysis as an XLSX workbook of one sheet; shares are numbers formatted as percentages."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(translate("customer_report.sheet", lang)[:31])
    for line in _analysis_head(analysis, lang):
        sheet.append([text_cell(sheet, line)])
    sheet.append(translate("customer_report.columns", lang).split("|"))
    for row in _analysis_rows(analysis, lang):
        share = WriteOnlyCell(sheet, row[4])
        share.number_format = "0.00%"
        sheet.append([text_cell(sheet, v) for v in row[:4]] + [share])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_list(
    session: Session,
    *,
    viewer: User,
    filters: CustomerFilter | None = None,
    sort: str = "name",
    lang: str = "zh-CN",
    client: str = "",
) -> tuple[bytes, int]:
    """The filtered list as an XLSX workbook and how many files it holds: the list's rows (profile values
    only of files the reader may open); audited as an export (AUD-2)."""
    chosen = (filters or CustomerFilter()).checked()
    scope = read_scope(session, viewer)
    openable = openable_filter(scope)
    now = utcnow()
    count = count_matching(session, chosen, openable=openable, now=now)
    if count > EXPORT_LIMIT:
        raise DanganError("customer_export.too_many", limit=EXPORT_LIMIT, count=count)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(translate("customer_export.sheet", lang))
    sheet.append(translate("customer_export.columns", lang).split("|"))
    closed = translate("customer_export.closed", lang)
    query = list_query(chosen, sort=sort, openable=openable, now=now)
    number = 0
    for offset in range(0, count, _BATCH):
        page = list(session.scalars(query.offset(offset).limit(_BATCH)))
        for row in rows_for(session, scope, page, now=now):
            number += 1
            values = [
                number, row["name"], row["credit_code"] or "",
                translate(f"ui.customer_status.{row['status']}", lang), row["grade"] or "",
                translate(f"ui.customer_kind.{row['kind']}", lang) if row["kind"] else "",
                row["industry"] or "", row["province"] or "", row["city"] or "", row["department"] or "",
                row["owner"] or "", row["last_contact"] or "", row["readable_documents"],
                "" if row["may_open"] else closed,
            ]  # fmt: skip
            sheet.append([text_cell(sheet, v) for v in values])
    out = io.BytesIO()
    book.save(out)
    audit.record(
        session,
        actor=viewer.login,
        role=viewer.role_label,
        action="customer.export",
        client=client,
        details={"filters": chosen.given(), "sort": sort, "count": number, "format": "xlsx"},
    )
    return out.getvalue(), number
