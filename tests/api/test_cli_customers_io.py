"""`dangan customers import|export|analysis|catalogue|files-catalogue`: spreadsheets in and out, the analysis
and the printed catalogues, with what each reader may see (issue 12)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pdfplumber
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from api.cli import app
from core.audit import AuditEvent
from records.customer_import import COLUMNS, column_label
from records.models import Customer, CustomerContact
from tests.api.world import add_document, build_world
from workflows.runtime import Runtime

GOOD_CODE = "91310115MA1K3YJ3X6"


@pytest.fixture
def env(monkeypatch, settings):
    monkeypatch.setenv("DANGAN_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("DANGAN_DATABASE_URL", settings.database_url)
    return CliRunner()


@pytest.fixture
def company(env, settings):
    """The fixture company; c1 (sales1, alice) is department-level with a profile, so carol may not open it."""
    assert env.invoke(app, ["init"]).exit_code == 0
    runtime = Runtime(settings)
    world = build_world(None, runtime)
    with runtime.factory() as session, session.begin():
        c1 = session.get_one(Customer, world.customers["c1"])
        c1.level, c1.grade, c1.industry, c1.province, c1.kind = (
            "department",
            "A",
            "机电",
            "浙江",
            "distributor",
        )
        c2 = session.get_one(Customer, world.customers["c2"])
        c2.grade, c2.industry, c2.province, c2.status = "B", "物流", "上海", "active"
    yield world
    runtime.close()


def _sheet(path, rows: list[dict], headings: list[str] | None = None) -> None:
    book = Workbook()
    sheet = book.active
    codes = headings or ["name", "credit_code", "status", "owner", "department", "founded_on", "contact_name",
                         "contact_phones", "registered_capital"]  # fmt: skip
    sheet.append([column_label(c, "zh-CN") for c in codes])
    for row in rows:
        sheet.append([row.get(c) for c in codes])
    book.save(path)


def _lines(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _count(company, model=Customer) -> int:
    with company.runtime.factory() as session:
        return session.scalar(select(func.count()).select_from(model))


GOOD = [
    {"name": "杭州新客户甲", "credit_code": GOOD_CODE, "status": "合作中", "owner": "alice", "department": "sales1",
     "founded_on": date(2019, 3, 1), "contact_name": "张伟", "contact_phones": 13800000000,
     "registered_capital": 5000000},
    {"name": "杭州新客户乙", "status": "potential", "founded_on": "2020-1-5", "registered_capital": "1,200.50"},
]  # fmt: skip


def test_a_dry_run_reports_every_row_with_its_reason_and_creates_nothing(company, env, tmp_path):
    bad = [
        *GOOD,
        {"name": "坏代码公司", "credit_code": "91310115MA1K3YJ3X7"},  # checksum
        {"name": "杭州新客户甲"},  # the first row again
        {"name": "客户c2"},  # an existing file
        {"name": "无主公司", "owner": "nobody"},
        {"name": "无部门公司", "department": "sales9"},
        {"name": "坏日期公司", "founded_on": "2019-02-30"},
        {"name": "公式公司", "registered_capital": "=1+1"},
    ]
    path = tmp_path / "customers.xlsx"
    _sheet(path, bad)
    before = _count(company)
    result = env.invoke(app, ["customers", "import", str(path), "--dry-run", "--json", "--user", "alice"])
    assert result.exit_code == 0, result.stderr
    rows = _lines(result)
    assert [(r["row"], r["status"]) for r in rows][:2] == [(2, "ok"), (3, "ok")]
    codes = [r["code"] for r in rows[2:]]
    assert codes == ["uscc.checksum", "customer_import.duplicate_in_file", "customer.name_taken",
                     "user.not_found", "department.not_found", "customer.date_invalid",
                     "customer_import.formula"]  # fmt: skip
    assert all(" / " in r["reason"] and r["reason_zh"] and r["reason_en"] for r in rows[2:])
    assert "第 2 行" in rows[3]["reason_zh"] and "row 2" in rows[3]["reason_en"]
    assert _count(company) == before


def test_a_real_run_with_one_bad_row_imports_nothing_and_says_so(company, env, tmp_path):
    path = tmp_path / "customers.xlsx"
    _sheet(path, [*GOOD, {"name": "坏代码公司", "credit_code": "123"}])
    before = _count(company)
    result = env.invoke(app, ["customers", "import", str(path), "--json", "--user", "alice"])
    assert result.exit_code == 1
    assert "全部未导入" in result.stderr and "nothing was imported" in result.stderr
    assert [r["status"] for r in _lines(result)] == ["ok", "ok", "error"]
    assert _count(company) == before
    with company.runtime.factory() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.import")).one()
    assert (event.result, event.details["errors"]) == ("refused", 1)


def test_a_clean_file_imports_every_file_with_its_contact_and_is_audited(company, env, tmp_path):
    path = tmp_path / "customers.xlsx"
    _sheet(path, GOOD)
    result = env.invoke(app, ["customers", "import", str(path), "--json", "--user", "alice"])
    assert result.exit_code == 0, result.stderr
    rows = _lines(result)
    assert [r["status"] for r in rows] == ["created", "created"] and all(r["id"] for r in rows)
    with company.runtime.factory() as session:
        first = session.get_one(Customer, rows[0]["id"])
        second = session.get_one(Customer, rows[1]["id"])
        contact = session.scalars(
            select(CustomerContact).where(CustomerContact.customer_id == first.id)
        ).one()
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.import")).one()
    assert (first.credit_code, first.status, first.owner, first.department) == (
        GOOD_CODE,
        "active",
        "alice",
        "sales1",
    )
    assert (first.founded_on, first.registered_capital) == (date(2019, 3, 1), 500_000_000)
    assert (second.founded_on, second.registered_capital, second.owner) == (
        date(2020, 1, 5),
        120_050,
        "alice",
    )
    assert (contact.name, contact.phones) == ("张伟", ["13800000000"])
    assert event.details["created"] == [
        {"id": first.id, "name": "杭州新客户甲"},
        {"id": second.id, "name": "杭州新客户乙"},
    ]
    assert (event.result, len(event.details["sha256"]), event.actor) == ("ok", 64, "alice")


def test_csv_in_gbk_with_english_headings_is_read(company, env, tmp_path):
    path = tmp_path / "customers.csv"
    text = "Name,Unified social credit code,Kind\n宁波新客户,,End customer\n"
    path.write_bytes(text.encode("gb18030"))
    result = env.invoke(app, ["customers", "import", str(path), "--json", "--user", "alice"])
    assert result.exit_code == 0, result.stderr
    with company.runtime.factory() as session:
        made = session.scalar(select(Customer).where(Customer.name == "宁波新客户"))
    assert made.kind == "end_customer"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "空的"),
        (b"%PDF-1.7\n\x00\x01binary", "无法读取"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "旧版 Excel"),
        ("备注\n只有备注\n".encode(), "没有“客户名称”列"),
        (b"PK\x03\x04not really a zip", "无法读取"),
    ],
)
def test_a_hostile_file_gets_one_clear_error(company, env, tmp_path, content, code):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    result = env.invoke(app, ["customers", "import", str(path), "--json", "--user", "alice"])
    assert result.exit_code == 1
    assert code in result.stderr and " / " in result.stderr and "Traceback" not in result.stderr


def test_a_huge_file_is_refused_before_it_is_read(company, env, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.truncate(21 * 2**20)
    result = env.invoke(app, ["customers", "import", str(path), "--user", "alice"])
    assert result.exit_code == 1 and "文件过大" in result.stderr


def test_only_those_who_open_files_may_import(company, env, tmp_path):
    path = tmp_path / "customers.xlsx"
    _sheet(path, GOOD)
    result = env.invoke(app, ["customers", "import", str(path), "--user", "auditor"])
    assert result.exit_code != 0 and _count(company) == 2


def test_the_template_has_every_column_in_both_languages(company, env, tmp_path):
    for lang in ("zh-CN", "en"):
        path = tmp_path / f"template-{lang}.xlsx"
        assert env.invoke(app, ["customers", "import-template", str(path), "--lang", lang]).exit_code == 0
        headings = [c.value for c in next(load_workbook(path).active.iter_rows(max_row=1))]
        assert headings == [column_label(c, lang) for c in COLUMNS]
    assert "客户名称" in headings or "Name" in headings


def test_export_writes_the_filtered_list_hiding_profiles_the_reader_may_not_open(company, env, tmp_path):
    with company.runtime.factory() as session, session.begin():
        session.add(Customer(name='=HYPERLINK("http://x")', status="potential"))
    path = tmp_path / "list.xlsx"
    result = env.invoke(app, ["customers", "export", str(path), "--json", "--user", "carol"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["files"] == 3
    sheet = load_workbook(path).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["序号", "客户名称", "统一社会信用代码", "状态"]
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["客户c1"][4] is None and by_name["客户c1"][13] == "无权查看资料"  # grade hidden from carol
    assert by_name["客户c2"][4] == "B" and by_name["客户c2"][6] == "物流"
    formula = next(c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("http://x")')
    assert formula.data_type == "s"  # a name is text, never a formula
    graded = env.invoke(app, ["customers", "export", str(path), "--grade", "B", "--json", "--user", "carol"])
    assert json.loads(graded.stdout)["files"] == 1
    with company.runtime.factory() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.export")).all()
    assert [e.details["filters"] for e in events] == [{}, {"grade": "B"}]


def test_analysis_counts_profiles_only_over_files_the_reader_may_open(company, env, tmp_path):
    add_document(company, "c1", "internal", title="营业执照")
    add_document(company, "c1", "department", title="借款合同")
    carol = json.loads(env.invoke(app, ["customers", "analysis", "--json", "--user", "carol"]).stdout)
    alice = json.loads(env.invoke(app, ["customers", "analysis", "--json", "--user", "alice"]).stdout)
    dims = {d["name"]: d for d in carol["dimensions"]}
    assert (carol["total"], carol["openable"], carol["documents"]) == (2, 1, 1)
    assert {b["value"]: b["count"] for b in dims["status"]["buckets"]} == {"active": 2}
    assert {b["value"]: b["count"] for b in dims["grade"]["buckets"]} == {"B": 1}
    assert dims["grade"]["hidden"] == 1 and dims["grade"]["buckets"][0]["share"] == 0.5
    assert dims["grade"]["buckets"][0]["label_zh"] == "B 级"
    mine = {d["name"]: d for d in alice["dimensions"]}
    assert {b["value"]: b["count"] for b in mine["grade"]["buckets"]} == {"A": 1, "B": 1}
    assert alice["documents"] == 2 and mine["grade"]["hidden"] == 0
    assert sum(b["count"] for b in mine["month"]["buckets"]) == 2
    csv_path, xlsx_path = tmp_path / "a.csv", tmp_path / "a.xlsx"
    result = env.invoke(app, ["customers", "analysis", "--csv", str(csv_path), "--xlsx", str(xlsx_path),
                              "--lang", "en", "--user", "carol"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert ["Grade", "", "Not open to you", "1", "0.5"] in lines
    cells = [[c.value for c in row] for row in load_workbook(xlsx_path).active.iter_rows()]
    assert ["Grade", "B", "Grade B", 1, 0.5] in cells


def _pdf_text(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_a_files_catalogue_lists_readable_titles_and_marks_the_rest(company, env, tmp_path):
    add_document(company, "c1", "internal", title="营业执照 副本")
    add_document(company, "c1", "department", title="借款合同 甲")
    c1 = company.customers["c1"]
    pdf, xlsx = tmp_path / "c.pdf", tmp_path / "c.xlsx"
    args = ["customers", "catalogue", str(c1), "--pdf", str(pdf), "--xlsx", str(xlsx), "--json"]
    carol = env.invoke(app, [*args, "--user", "carol"])
    assert carol.exit_code == 0, carol.stderr
    text = _pdf_text(pdf)
    assert "卷内目录" in text and f"KH-{c1:06d}" in text and "客户c1" in text
    assert (
        "营业执照" in text and "借款合同" not in text and "无权查阅" in text and "第 1 页 / 共 1 页" in text
    )
    rows = [[c.value for c in row] for row in load_workbook(xlsx).active.iter_rows()]
    assert rows[2] == ["序号", "档号", "题名", "责任者", "日期", "页数", "密级", "备注"]
    assert [r[2] for r in rows[3:]] == ["营业执照 副本", "（无权查阅）"]
    assert rows[4][3:6] == [None, None, None]
    alice = env.invoke(app, [*args, "--user", "alice", "--lang", "en"])
    assert alice.exit_code == 0
    assert "借款合同" in _pdf_text(pdf) and "Catalogue of the file" in _pdf_text(pdf)


def test_a_catalogue_of_files_follows_the_filter(company, env, tmp_path):
    pdf, xlsx = tmp_path / "files.pdf", tmp_path / "files.xlsx"
    result = env.invoke(app, ["customers", "files-catalogue", "--grade", "B", "--pdf", str(pdf), "--xlsx",
                              str(xlsx), "--user", "carol"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = _pdf_text(pdf)
    assert "案卷目录" in text and "客户c2" in text and "客户c1" not in text
    rows = [[c.value for c in row] for row in load_workbook(xlsx).active.iter_rows()]
    assert rows[3][:3] == [1, f"KH-{company.customers['c2']:06d}", "客户c2"]
