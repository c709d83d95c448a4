"""Catalogues to print (POL-11: 卷内目录 of one customer file; 案卷目录 of the files a filter selects), as PDF
(fpdf2, A4, a CJK font, a header naming the file and page numbers) and XLSX (openpyxl).

A file's catalogue lists every document of the file in filing order (CLS-2), with CLS-3's columns: no.,
archive number, title, responsible party (责任者: the customer whose file it is), date (YYYYMMDD), pages,
confidentiality, remarks. A document the reader may not read is listed as existing (its number and archive
number, marked "not open to you", no title or other content), as the customer list shows that a file exists
(POL-2); a destroyed one is marked destroyed. The catalogue of files lists each file with what the list shows
everyone, and its document count and pages only as far as the reader may read them. Both are audited (AUD-2:
print, export).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.customer_scope import openable_filter
from access.models import User
from access.policy import decide, decide_customer, read_scope, scope_filter
from core import audit
from core.db import utcnow
from core.errors import DanganError
from core.messages import translate
from records.customer_files import get_customer
from records.customer_query import CustomerFilter, count_matching, list_query
from records.models import Document
from retention.register import FONTS
from workflows.customer_sheets import text_cell

FORMATS = ("pdf", "xlsx")
FILES_LIMIT = 5_000  # files per catalogue of files (a PDF of some hundred pages)
_WIDTHS = (10, 52, 62, 28, 18, 10, 14, 16)  # mm across A4 portrait's 190
_FILE_WIDTHS = (10, 22, 56, 14, 20, 12, 12, 28, 16)


@dataclass(frozen=True)
class CatalogueLine:
    """One line of a catalogue; readable False: the line says only that the item exists."""

    no: int
    archive_no: str
    title: str
    party: str
    date: str
    pages: int | None
    level: str
    remarks: str
    readable: bool


@dataclass(frozen=True)
class Catalogue:
    """A printable catalogue: its title, the header line, the column names and the lines."""

    title: str
    header: str
    columns: list[str]
    lines: list[list[str | int]]


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise DanganError("customer_report.format_unknown", format=fmt, known=", ".join(FORMATS))


def file_catalogue(
    session: Session, *, viewer: User, customer_id: int, lang: str = "zh-CN", client: str = ""
) -> tuple[Catalogue, list[CatalogueLine]]:
    """The 卷内目录 of one file for this reader; audited as customer.catalogue."""
    customer = get_customer(session, customer_id)
    scope = read_scope(session, viewer)
    documents = session.scalars(
        select(Document)
        .where(Document.customer_id == customer.id)
        .order_by(Document.item_no.is_(None), Document.item_no, Document.created_at, Document.id)
    )
    lines: list[CatalogueLine] = []
    for number, doc in enumerate(documents, start=1):
        readable = decide(scope, doc).allowed
        destroyed = doc.state == "destroyed"
        remarks = translate("catalogue.destroyed", lang) if destroyed else ""
        if not readable:
            lines.append(CatalogueLine(number, doc.archive_no or "", translate("catalogue.closed", lang), "",
                                       "", None, "", remarks or translate("catalogue.ask", lang), False))  # fmt: skip
            continue
        day = doc.doc_date or doc.created_at.date()
        lines.append(CatalogueLine(number, doc.archive_no or "", doc.title or doc.original_filename,
                                   customer.name, day.strftime("%Y%m%d"), doc.page_count or None,
                                   translate(f"ui.level.{doc.level}", lang), remarks, True))  # fmt: skip
    audit.record(
        session,
        actor=viewer.login,
        role=viewer.role_label,
        action="customer.catalogue",
        object_type="customer",
        object_id=customer.id,
        client=client,
        details={"listed": len(lines), "readable": [n.no for n in lines if n.readable]},
    )
    header = translate("catalogue.file_header", lang, number=file_number(customer.id), name=customer.name)
    catalogue = Catalogue(
        translate("catalogue.file_title", lang),
        header,
        translate("catalogue.columns", lang).split("|"),
        [[n.no, n.archive_no, n.title, n.party, n.date, n.pages or "", n.level, n.remarks] for n in lines],
    )
    return catalogue, lines


def file_number(customer_id: int) -> str:
    """How a customer file is numbered on paper."""
    return f"KH-{customer_id:06d}"


def files_catalogue(
    session: Session,
    *,
    viewer: User,
    filters: CustomerFilter | None = None,
    lang: str = "zh-CN",
    client: str = "",
) -> Catalogue:
    """The 案卷目录 of the files matching the filters, in the list's order; audited as customer.files_catalogue."""
    chosen = (filters or CustomerFilter()).checked()
    scope = read_scope(session, viewer)
    openable = openable_filter(scope)
    now = utcnow()
    count = count_matching(session, chosen, openable=openable, now=now)
    if count > FILES_LIMIT:
        raise DanganError("customer_export.too_many", limit=FILES_LIMIT, count=count)
    files = list(session.scalars(list_query(chosen, sort="name", openable=openable, now=now)))
    stats: dict[int, tuple[int, int, object, object]] = {}
    ids = [c.id for c in files]
    for start in range(0, len(ids), 500):
        query = (
            select(Document.customer_id, func.count(), func.sum(Document.page_count),
                   func.min(Document.doc_date), func.max(Document.doc_date))
            .where(scope_filter(scope), Document.customer_id.in_(ids[start : start + 500]),
                   Document.state != "destroyed")
            .group_by(Document.customer_id)
        )  # fmt: skip
        for cid, n, pages, first, last in session.execute(query):
            stats[cid] = (n, pages or 0, first, last)
    lines: list[list[str | int]] = []
    closed = translate("customer_export.closed", lang)
    for number, customer in enumerate(files, start=1):
        n, pages, first, last = stats.get(customer.id, (0, 0, None, None))
        span = "–".join(sorted({d.strftime("%Y%m%d") for d in (first, last) if d}))
        may_open = openable is None or decide_customer(scope, customer).allowed
        status = translate(f"ui.customer_status.{customer.status}", lang)
        lines.append([number, file_number(customer.id), customer.name, status, customer.department or "",
                      n, pages, span, "" if may_open else closed])  # fmt: skip
    audit.record(
        session,
        actor=viewer.login,
        role=viewer.role_label,
        action="customer.files_catalogue",
        client=client,
        details={"filters": chosen.given(), "files": len(lines)},
    )
    return Catalogue(
        translate("catalogue.files_title", lang),
        translate("catalogue.files_header", lang, count=len(lines), at=now.date().isoformat()),
        translate("catalogue.files_columns", lang).split("|"),
        lines,
    )


class _Printed(FPDF):
    """A4 pages with the catalogue's header line and page numbers in the footer."""

    def __init__(self, catalogue: Catalogue, lang: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.catalogue, self.lang = catalogue, lang
        self.set_auto_page_break(True, margin=16)
        self.set_margins(10, 12, 10)
        for path, number in FONTS:
            if Path(path).exists():
                self.add_font("cjk", "", path, collection_font_number=number)
                self.set_font("cjk", size=9)
                break
        else:
            raise RuntimeError("no CJK font found: install fonts-noto-cjk or fonts-wqy-zenhei")

    def header(self) -> None:
        self.set_font_size(14)
        self.cell(0, 8, self.catalogue.title, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font_size(9)
        self.cell(0, 6, self.catalogue.header, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font_size(8)
        self.cell(0, 6, translate("catalogue.page", self.lang, page=self.page_no(), pages="{nb}"), align="C")


def catalogue_pdf(catalogue: Catalogue, *, lang: str = "zh-CN", files: bool = False) -> bytes:
    """The catalogue as a printable A4 PDF."""
    pdf = _Printed(catalogue, lang)
    pdf.alias_nb_pages()
    pdf.add_page()
    widths = _FILE_WIDTHS if files else _WIDTHS
    heading = FontFace(emphasis="")  # one regular CJK face: no bold variant is loaded
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5, headings_style=heading,
                   repeat_headings=1) as table:  # fmt: skip
        table.row(catalogue.columns)
        for line in catalogue.lines:
            cells = [str(v) for v in line] + [""] * (len(catalogue.columns) - len(line))
            table.row(cells)
    return bytes(pdf.output())


def catalogue_xlsx(catalogue: Catalogue) -> bytes:
    """The catalogue as an XLSX sheet: title, header line, column names, lines."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(catalogue.title[:31])
    sheet.append([text_cell(sheet, catalogue.title)])
    sheet.append([text_cell(sheet, catalogue.header)])
    sheet.append(catalogue.columns)
    for line in catalogue.lines:
        sheet.append([text_cell(sheet, v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(catalogue: Catalogue, fmt: str, *, lang: str = "zh-CN", files: bool = False) -> bytes:
    """The catalogue in a format (pdf or xlsx)."""
    _check_format(fmt)
    return catalogue_pdf(catalogue, lang=lang, files=files) if fmt == "pdf" else catalogue_xlsx(catalogue)
