"""Reading customer files and their contacts from a spreadsheet (XLSX with openpyxl, or CSV), and checking each
row as a file opened by hand would be (records.customer_profile.check_values): issue 12, POL-1.

The first row names the columns, in Chinese or English or by field code (the template says which); each
further row is one customer file, with at most one contact. A file that is not a spreadsheet, too large, a
zip bomb, or without a header or rows is refused as a whole with a clear reason; a bad row is reported with
its reason, and a formula is never evaluated — it is refused (the value is not known, and it may be hostile).
Which owner and department exist, and which names are taken, is decided by the caller (workflows.customer_import).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.errors import DanganError, RejectedInput
from core.messages import translate
from records.customer_profile import MONEY_FIELDS, PROFILE_FIELDS, check_values, field_names
from records.models import CUSTOMER_KINDS, CUSTOMER_STATUSES

MAX_BYTES = 20 * 2**20  # 20 MiB of spreadsheet
MAX_UNZIPPED = 200 * 2**20  # what an XLSX may unpack to (a zip bomb unpacks to gigabytes)
MAX_ROWS = 50_000
# The columns of the template, in order: the profile, who keeps the file, then one contact.
FILE_COLUMNS = (*PROFILE_FIELDS, "status", "department", "owner")
CONTACT_COLUMNS = ("contact_name", "contact_title", "contact_phones", "contact_email", "contact_birthday")
COLUMNS = FILE_COLUMNS + CONTACT_COLUMNS
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


@dataclass(frozen=True)
class SheetRow:
    """One row of the sheet: its number as the spreadsheet shows it, and its cells by column code."""

    row: int
    cells: dict[str, Any]


@dataclass
class CheckedRow:
    """A row checked on its own: the file's values, its contact, or the first problem found."""

    row: int
    name: str | None
    values: dict[str, Any] = field(default_factory=dict)
    contact: dict[str, Any] | None = None
    problem: DanganError | None = None


def column_label(code: str, language: str) -> str:
    """A column's heading in the template."""
    label = translate(_label_code(code), language)
    if code in MONEY_FIELDS:
        label += translate("customer_import.in_yuan", language)
    return label


def _label_code(code: str) -> str:
    return f"customer_import.column.{code}" if code in CONTACT_COLUMNS else f"ui.customer.field.{code}"


def _fold(heading: str) -> str:
    text = heading.strip().lower().rstrip("*").strip()
    for unit in ("（元）", "(元)", "(yuan)", "（yuan）"):
        text = text.replace(unit, "")
    return text.strip()


def _headings() -> dict[str, str]:
    known: dict[str, str] = {}
    for code in COLUMNS:
        for heading in (code, translate(_label_code(code), "zh-CN"), translate(_label_code(code), "en")):
            known.setdefault(_fold(heading), code)
    return known


def _choices(prefix: str, codes: tuple[str, ...]) -> dict[str, str]:
    found = {code: code for code in codes}
    for code in codes:
        for language in ("zh-CN", "en"):
            found[translate(f"{prefix}.{code}", language).lower()] = code
    return found


def template(language: str = "zh-CN") -> bytes:
    """An empty XLSX with the headings and one example row (to be replaced)."""
    book = Workbook()
    sheet = book.active
    sheet.title = translate("customer_import.sheet", language)[:31]
    sheet.append([column_label(code, language) for code in COLUMNS])
    example = {"name": translate("customer_import.example_name", language), "credit_code": "91310115MA1K3YJ3X6",
               "status": "potential", "kind": "distributor", "province": "上海", "city": "上海",
               "registered_capital": 5_000_000, "founded_on": "2019-03-01", "contact_name": "张伟",
               "contact_phones": "13800000000"}  # fmt: skip
    sheet.append([example.get(code, "") for code in COLUMNS])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_table(data: bytes) -> list[SheetRow]:
    """The rows of an XLSX or CSV file, by column code; RejectedInput when it is not one we can read."""
    if not data.strip():
        raise RejectedInput("customer_import.empty")
    if len(data) > MAX_BYTES:
        raise RejectedInput("customer_import.too_large", limit_mb=MAX_BYTES // 2**20)
    if data.startswith(_OLE_MAGIC):
        raise RejectedInput("customer_import.old_excel")
    rows = _xlsx_rows(data) if data.startswith(_XLSX_MAGIC) else _csv_rows(data)
    header: list[Any] | None = None
    for _number, cells in rows:
        if any(_blank(c) is not None for c in cells):
            header = list(cells)
            break
    if header is None:
        raise RejectedInput("customer_import.empty")
    known = _headings()
    columns = {i: known.get(_fold(str(h))) for i, h in enumerate(header) if _blank(h) is not None}
    if "name" not in columns.values():
        raise RejectedInput("customer_import.no_name_column", name=translate("ui.customer.field.name"))
    table: list[SheetRow] = []
    for number, cells in rows:
        values = {columns[i]: c for i, c in enumerate(cells) if columns.get(i) and _blank(c) is not None}
        if not values:
            continue
        if len(table) >= MAX_ROWS:
            raise RejectedInput("customer_import.too_many_rows", limit=MAX_ROWS)
        table.append(SheetRow(number, values))
    if not table:
        raise RejectedInput("customer_import.empty")
    return table


def _blank(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _xlsx_rows(data: bytes):  # type: ignore[no-untyped-def]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise RejectedInput("customer_import.too_large", limit_mb=MAX_BYTES // 2**20)
            if "xl/workbook.xml" not in archive.namelist():
                raise RejectedInput("customer_import.not_spreadsheet")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise RejectedInput("customer_import.not_spreadsheet") from None
    sheet = book.worksheets[0]

    def rows():  # type: ignore[no-untyped-def]
        # Values only (no cell objects: a third of the time); with data_only=False a formula reads as "=…".
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_Formula(v) if isinstance(v, str) and v.startswith("=") else v for v in row]

    return _Rows(rows())


class _Rows:
    """Rows read once but walked twice (the header, then the data): the first walk stops at the header."""

    def __init__(self, source) -> None:  # type: ignore[no-untyped-def]
        self._source = iter(source)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return self._source


class _Formula(str):
    """A cell that held a formula (its text kept only to name it)."""


def _csv_rows(data: bytes) -> _Rows:
    if b"\x00" in data[:4096]:
        raise RejectedInput("customer_import.not_spreadsheet")
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RejectedInput("customer_import.not_spreadsheet")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)

    def rows():  # type: ignore[no-untyped-def]
        try:
            for number, row in enumerate(reader, start=1):
                yield number, [_Formula(v) if v.startswith("=") else v for v in row]
        except csv.Error:
            raise RejectedInput("customer_import.not_spreadsheet") from None

    return _Rows(rows())


def check_row(sheet_row: SheetRow) -> CheckedRow:
    """The row's values checked like a file opened by hand; the first problem is kept, naming its column."""
    cells = sheet_row.cells
    name = _text(cells.get("name"))
    checked = CheckedRow(sheet_row.row, name)
    for code, value in cells.items():
        if isinstance(value, _Formula):
            checked.problem = DanganError("customer_import.formula", **_names(code))
            return checked
    if name is None:
        checked.problem = DanganError("customer_import.name_missing")
        return checked
    statuses = _choices("ui.customer_status", CUSTOMER_STATUSES)
    kinds = _choices("ui.customer_kind", CUSTOMER_KINDS)
    raw: dict[str, Any] = {}
    try:
        for code in FILE_COLUMNS:
            if code not in cells or code in ("department", "owner"):
                continue
            value = cells[code]
            if code in MONEY_FIELDS:
                raw[code] = _fen(value, code)
            elif code == "founded_on":
                raw[code] = _day(value, code)
            elif code == "status":
                raw[code] = statuses.get(_text(value).lower(), _text(value))
            elif code == "kind":
                raw[code] = kinds.get(_text(value).lower(), _text(value))
            elif code == "grade":
                raw[code] = _text(value).upper()
            else:
                raw[code] = _text(value)
        checked.values = check_values(raw)
        checked.values["department"] = _text(cells.get("department"))
        checked.values["owner"] = _text(cells.get("owner"))
        checked.contact = _contact(cells)
    except DanganError as problem:
        checked.problem = problem
    return checked


def _contact(cells: dict[str, Any]) -> dict[str, Any] | None:
    given = {code: cells[code] for code in CONTACT_COLUMNS if code in cells}
    if not given:
        return None
    name = _text(given.get("contact_name"))
    if name is None:
        raise DanganError("customer_import.contact_name_missing")
    if len(name) > 100:
        raise DanganError("customer.too_long", **_names("contact_name"), limit=100)
    phones = [p.strip() for p in (_text(given.get("contact_phones")) or "").replace("，", ",").split(",")]
    email = _text(given.get("contact_email"))
    if email is not None:
        check_values({"email": email})
    birthday = given.get("contact_birthday")
    return {
        "name": name,
        "title": (_text(given.get("contact_title")) or "")[:100] or None,
        "phones": [p[:60] for p in phones if p],
        "email": email,
        "birthday": _day(birthday, "contact_birthday") if birthday is not None else None,
    }


def _names(code: str) -> dict[str, str]:
    if code in CONTACT_COLUMNS:
        label = _label_code(code)
        return {"field_zh": translate(label, "zh-CN"), "field_en": translate(label, "en")}
    return field_names(code)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number or a code typed into a number cell
    if isinstance(value, datetime):
        value = value.date()
    text = str(value).strip()
    return text or None


def _fen(value: Any, code: str) -> int:
    from records.customer_profile import yuan_to_fen

    if isinstance(value, bool):
        raise DanganError("customer.money_invalid", **_names(code), value=value)
    if isinstance(value, int | float):
        value = str(Decimal(str(value)))
    return yuan_to_fen(str(value), field=code)


def _day(value: Any, code: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = (_text(value) or "").replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        try:  # 2019-3-1: a date typed without leading zeros
            year, month, day = (int(part) for part in text.split("-"))
            return date(year, month, day)
        except ValueError:
            raise DanganError("customer.date_invalid", **_names(code), value=value) from None
