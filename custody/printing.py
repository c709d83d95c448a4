"""What custody prints: ledgers as XLSX (openpyxl) and PDF (fpdf2), label sheets of QR codes (segno).

PDFs embed a CJK TrueType font (WenQuanYi Zen Hei, Noto as fallback) as the destruction register does, so
their Chinese text can be searched and copied.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from core.messages import translate
from custody.ledgers import ItemRow, LoanRow

FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
)

ITEM_COLUMNS = (
    ("code", 18), ("number", 40), ("title", 60), ("customer", 40), ("kind", 14), ("pieces", 10),
    ("pages", 10), ("status", 16), ("location", 60), ("entered_at", 24),
)  # fmt: skip
LOAN_COLUMNS = (
    ("slip_no", 38), ("status", 14), ("borrower", 16), ("department", 14), ("items", 52), ("pieces", 8),
    ("pages", 8), ("purpose", 30), ("level", 12), ("approved_by", 14), ("out_at", 20), ("due_date", 14),
    ("returned_at", 20), ("return_check", 16), ("handler", 14),
)  # fmt: skip


@dataclass(frozen=True)
class Label:
    """One label: the code the QR carries and two lines printed under it."""

    code: str
    line1: str
    line2: str = ""


def _font(pdf: FPDF, size: float = 9) -> None:
    for path, number in FONTS:
        if Path(path).exists():
            pdf.add_font("cjk", "", path, collection_font_number=number)
            pdf.set_font("cjk", size=size)
            return
    raise RuntimeError("no CJK font found: install fonts-noto-cjk or fonts-wqy-zenhei")


def _cell(row: ItemRow | LoanRow, column: str, lang: str, tz: str) -> str | int:
    value = getattr(row, column)
    if column in ("status",) and isinstance(row, ItemRow):
        return translate(f"custody.state.{value}", lang)
    if column == "status":
        text = translate(f"custody.loan.state.{value}", lang)
        return text + (translate("custody.ledger.overdue_mark", lang) if row.overdue else "")  # type: ignore[union-attr]
    if column == "kind":
        return translate(f"custody.kind.{value}", lang)
    if column == "level":
        return translate(f"ui.level.{value}", lang) if value else ""
    if column == "location" and value is None and isinstance(row, ItemRow) and row.holder:
        return translate("custody.ledger.with_holder", lang, holder=row.holder)
    if column == "return_check" and value:
        complete = value.endswith("complete")
        shorts = value.split(":")[1].split("/")[0] if value.startswith("short") else ""
        text = translate("custody.ledger.check_complete", lang) if complete else ""
        if shorts:
            text = (translate("custody.ledger.check_short", lang, n=shorts) + " " + text).strip()
        return text
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    return value


def _columns(ledger: str) -> tuple[tuple[str, int], ...]:
    return LOAN_COLUMNS if ledger == "loans" else ITEM_COLUMNS


def ledger_xlsx(ledger: str, rows: Iterable[ItemRow | LoanRow], *, lang: str, tz: str, filters: str) -> bytes:
    """The ledger as a workbook: a title line, the filters, a header and one line per row (write-only)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(translate(f"custody.ledger.{ledger}", lang)[:31])
    columns = _columns(ledger)
    for i, (_, width) in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + i)].width = width / 2 + 4
    sheet.append([translate(f"custody.ledger.{ledger}", lang)])
    sheet.append([filters] if filters else [])
    sheet.freeze_panes = "A4"
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    header = []
    for name, _ in columns:
        cell = WriteOnlyCell(sheet, value=translate(f"custody.column.{name}", lang))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(row, name, lang, tz) for name, _ in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ledger_pdf(
    ledger: str, rows: Iterable[ItemRow | LoanRow], *, lang: str, tz: str, filters: str, printed: str
) -> bytes:
    """The ledger as a landscape A4 PDF table with a title, the filters and the print date."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    _font(pdf, 8)
    pdf.add_page()
    pdf.set_font_size(15)
    pdf.cell(0, 9, translate(f"custody.ledger.{ledger}", lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(8)
    pdf.cell(0, 5, f"{filters}    {translate('custody.ledger.printed', lang, at=printed)}",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    columns = _columns(ledger)
    widths = tuple(w for _, w in columns)
    heading = FontFace(emphasis="", fill_color=(230, 230, 230))  # one regular CJK face: no bold variant
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5, headings_style=heading) as table:
        header = table.row()
        for name, _ in columns:
            header.cell(translate(f"custody.column.{name}", lang))
        for row in rows:
            line = table.row()
            for name, _ in columns:
                line.cell(str(_cell(row, name, lang, tz)))
    return bytes(pdf.output())


def labels_pdf(labels: Sequence[Label], *, columns: int = 3, rows: int = 7) -> bytes:
    """A4 sheets of labels: each a QR code (segno) of the code, the code in print, and two short lines."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    _font(pdf, 8)
    margin_x, margin_y = 8.0, 10.0
    width, height = (210 - 2 * margin_x) / columns, (297 - 2 * margin_y) / rows
    size = min(height - 6, width * 0.45)
    for n, label in enumerate(labels):
        if n % (columns * rows) == 0:
            pdf.add_page()
        slot = n % (columns * rows)
        x = margin_x + (slot % columns) * width
        y = margin_y + (slot // columns) * height
        pdf.set_draw_color(200, 200, 200)
        pdf.rect(x + 1, y + 1, width - 2, height - 2)
        image = io.BytesIO()
        segno.make_qr(label.code, error="m").save(image, kind="png", scale=8, border=2)
        image.seek(0)
        pdf.image(image, x=x + 2, y=y + (height - size) / 2, w=size, h=size)
        text_x, text_w = x + size + 3, width - size - 5
        pdf.set_xy(text_x, y + 5)
        pdf.set_font_size(12)
        pdf.cell(text_w, 6, label.code, new_x="LEFT", new_y="NEXT")
        pdf.set_font_size(7.5)
        pdf.multi_cell(text_w, 3.6, label.line1[:60], new_x="LEFT", new_y="NEXT")
        if label.line2:
            pdf.multi_cell(text_w, 3.6, label.line2[:60], new_x="LEFT", new_y="NEXT")
    return bytes(pdf.output())
