"""The REST side of issue 12: the analysis as JSON, CSV and XLSX; the import (dry run, real run, hostile
file); the export; the catalogues as PDF and XLSX — in the caller's language, with what the caller may see."""

from __future__ import annotations

import io

import pdfplumber
from openpyxl import Workbook, load_workbook

from records.customer_import import column_label
from records.models import Customer
from tests.api.world import add_document


def _c1_closed_to_carol(world) -> None:
    with world.runtime.factory() as session, session.begin():
        c1 = session.get_one(Customer, world.customers["c1"])
        c1.level, c1.grade, c1.industry = "department", "A", "机电"


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_analysis_answers_in_json_csv_and_xlsx_hiding_what_the_caller_may_not_open(world):
    _c1_closed_to_carol(world)
    body = world.client("carol").get("/api/customers/analysis").json()
    grade = next(d for d in body["dimensions"] if d["name"] == "grade")
    assert (body["total"], body["openable"], grade["hidden"]) == (2, 1, 1)
    assert all(b["value"] != "A" for b in grade["buckets"])
    filtered = world.client("alice").get("/api/customers/analysis", params={"department": "sales1"}).json()
    assert filtered["total"] == 1 and filtered["filters"] == {"department": "sales1"}
    csv = world.client("carol").get("/api/customers/analysis", params={"format": "csv", "lang": "en"})
    assert csv.headers["content-type"].startswith("text/csv") and "Not open to you" in csv.content.decode(
        "utf-8-sig"
    )
    xlsx = world.client("carol").get("/api/customers/analysis", params={"format": "xlsx"})
    cells = [[c.value for c in r] for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()]
    assert ["维度", "取值", "名称", "数量", "占比"] in cells
    bad = world.client("carol").get("/api/customers/analysis", params={"status": "gone"})
    assert bad.status_code == 400 and bad.json()["message_zh"] and bad.json()["message_en"]


def test_import_dry_run_then_real_run_over_rest(world):
    data = _xlsx([[column_label("name", "zh-CN"), column_label("owner", "zh-CN")], ["接口导入客户", "bob"],
                  ["无主客户", "nobody"]])  # fmt: skip
    files = {"file": ("c.xlsx", data, "application/octet-stream")}
    dry = world.client("alice").post("/api/customers/import", files=files).json()
    assert (dry["dry_run"], dry["imported"], dry["errors"]) == (True, False, 1)
    assert [(r["row"], r["status"], r["code"]) for r in dry["rows"]] == [
        (2, "ok", None),
        (3, "error", "user.not_found"),
    ]
    refused = (
        world.client("alice").post("/api/customers/import", params={"dry_run": "false"}, files=files).json()
    )
    assert (refused["imported"], refused["created"]) == (False, 0)
    good = {"file": ("c.xlsx", _xlsx([["name"], ["接口导入客户"]]), "application/octet-stream")}
    done = world.client("alice").post("/api/customers/import", params={"dry_run": "false"}, files=good).json()
    assert done["imported"] and done["rows"][0]["status"] == "created"
    shown = world.client("alice").get(f"/api/customers/{done['rows'][0]['id']}").json()
    assert (shown["name"], shown["owner"], shown["department"]) == ("接口导入客户", "alice", "sales1")
    hostile = world.client("alice").post(
        "/api/customers/import", files={"file": ("x.xlsx", b"\x00\x01", "x/y")}
    )
    assert hostile.status_code == 422 and hostile.json()["error"] == "customer_import.not_spreadsheet"
    template = world.client("alice").get("/api/customers/import/template", headers={"Accept-Language": "en"})
    assert next(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))[0] == "Name"


def test_export_and_catalogues_download_with_what_the_caller_may_read(world):
    _c1_closed_to_carol(world)
    add_document(world, "c1", "department", title="借款合同 乙")
    add_document(world, "c1", "internal", title="营业执照 乙")
    export = world.client("carol").get("/api/customers/export", params={"sort": "grade"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert export.headers["content-disposition"].startswith("attachment;") and len(rows) == 3
    c1 = world.customers["c1"]
    pdf = world.client("carol").get(f"/api/customers/{c1}/catalogue", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        text = "\n".join(p.extract_text() or "" for p in document.pages)
    assert "营业执照" in text and "借款合同" not in text and "无权查阅" in text
    files = world.client("carol").get("/api/customers/catalogue", params={"format": "xlsx", "owner": "carol"})
    lines = list(load_workbook(io.BytesIO(files.content)).active.iter_rows(values_only=True))
    assert [line[2] for line in lines[3:]] == ["客户c2"]
    assert world.client("carol").get("/api/customers/999999/catalogue").status_code == 404
    assert (
        world.client("carol").get(f"/api/customers/{c1}/catalogue", params={"format": "doc"}).status_code
        == 422
    )
