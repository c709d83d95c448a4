"""`dangan customers followups|grades|regrade|merge` and `dangan users holdings|offboard|disable`: the CLI
contract issue 12 fixes (JSON shapes, ids, refusals in one bilingual line, every command audited)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pdfplumber
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from api.cli import app
from core.audit import AuditEvent
from records.models import Customer, Document
from tests.api.world import add_document, build_world
from workflows.runtime import Runtime


@pytest.fixture
def env(monkeypatch, settings):
    monkeypatch.setenv("DANGAN_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("DANGAN_DATABASE_URL", settings.database_url)
    return CliRunner()


@pytest.fixture
def company(env, settings):
    assert env.invoke(app, ["init"]).exit_code == 0
    runtime = Runtime(settings)
    yield build_world(None, runtime)
    runtime.close()


def _json(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return json.loads(result.stdout)


def _audited(company, action: str, actor: str) -> int:
    with company.runtime.factory() as session:
        return session.scalar(
            select(func.count()).where(AuditEvent.action == action, AuditEvent.actor == actor)
        )


def test_a_sale_schedules_three_follow_ups_and_a_visit_closes_the_first(company, env):
    cid = str(company.customers["c1"])
    sold = date(2026, 3, 2)
    _json(env.invoke(app, ["customers", "note", cid, "--kind", "sale", "--date", sold.isoformat(),
                           "--text", "签订年度合同", "--json", "--user", "alice"]))  # fmt: skip
    rows = _json(
        env.invoke(app, ["customers", "followups", "--as-of", sold.isoformat(), "--json", "--user", "alice"])
    )
    assert [r["due_on"] for r in rows] == [(sold + timedelta(days=d)).isoformat() for d in (3, 30, 60)]
    assert {r["customer_id"] for r in rows} == {company.customers["c1"]}
    late = (sold + timedelta(days=10)).isoformat()
    due = _json(
        env.invoke(app, ["customers", "followups", "--due", "--as-of", late, "--json", "--user", "alice"])
    )
    assert [(r["due_on"], r["state"]) for r in due] == [((sold + timedelta(days=3)).isoformat(), "overdue")]
    _json(env.invoke(app, ["customers", "note", cid, "--kind", "followup", "--date", late,
                           "--text", "回访：使用正常", "--json", "--user", "alice"]))  # fmt: skip
    left = _json(env.invoke(app, ["customers", "followups", "--as-of", late, "--json", "--user", "alice"]))
    assert [r["due_on"] for r in left] == [(sold + timedelta(days=d)).isoformat() for d in (30, 60)]
    # another owner's files are not alice's to see
    assert (
        _json(env.invoke(app, ["customers", "followups", "--as-of", late, "--json", "--user", "carol"])) == []
    )
    bad = env.invoke(app, ["customers", "followups", "--as-of", "2026-13-01", "--user", "alice"])
    assert bad.exit_code != 0 and "2026-13-01" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_grade_rules_are_data_a_manager_edits_and_a_manual_grade_stays(company, env):
    rules = _json(env.invoke(app, ["customers", "grades", "show", "--json", "--user", "mgr1"]))
    assert [r["grade"] for r in rules] == ["A", "B", "C", "D"]
    refused = env.invoke(app, ["customers", "grades", "set", "A", "--min-sales", "1", "--user", "alice"])
    assert refused.exit_code != 0 and len(refused.stderr.strip().splitlines()) == 1
    saved = _json(env.invoke(app, ["customers", "grades", "set", "A", "--min-sales", "1000000",
                                   "--json", "--user", "mgr1"]))  # fmt: skip
    assert (saved["grade"], saved["min_annual_sales"]) == ("A", 100_000_000)  # yuan in, fen kept
    assert _audited(company, "customer.grade_rule", "mgr1") == 1
    c1, c2 = str(company.customers["c1"]), str(company.customers["c2"])
    _json(env.invoke(app, ["customers", "edit", c1, "--annual-sales", "2000000", "--json", "--user", "mgr1"]))
    _json(env.invoke(app, ["customers", "edit", c2, "--grade", "B", "--json", "--user", "mgr2"]))
    done = _json(env.invoke(app, ["customers", "regrade", "--json", "--user", "gm"]))
    changed = {r["id"]: r["grade"] for r in done["changed"]}
    assert changed.get(company.customers["c1"]) == "A"
    assert any(r["id"] == company.customers["c2"] and r["grade"] == "B" for r in done["overridden"])
    shown = _json(env.invoke(app, ["customers", "show", c1, "--json", "--user", "alice"]))
    assert shown["profile"]["grade"] == "A"


def test_merge_keeps_archive_numbers_and_leaves_a_pointer(company, env):
    added = _json(env.invoke(app, ["customers", "add", "客户c1（重复）", "--department", "sales1", "--owner", "alice",
                                   "--json", "--user", "mgr1"]))  # fmt: skip
    doc = add_document(company, "c1", "internal", title="合同 甲")
    with company.runtime.factory() as session, session.begin():
        d = session.get(Document, doc)
        d.customer_id, before = added["id"], d.archive_no
    into = company.customers["c1"]
    missing_reason = env.invoke(app, ["customers", "merge", str(added["id"]), str(into), "--user", "mgr1"])
    assert missing_reason.exit_code != 0
    merged = _json(env.invoke(app, ["customers", "merge", str(added["id"]), str(into), "--reason", "同一客户重复建档",
                                    "--json", "--user", "mgr1"]))  # fmt: skip
    assert merged["document_ids"] == [doc]
    with company.runtime.factory() as session:
        assert session.get(Document, doc).customer_id == into
        assert session.get(Document, doc).archive_no == before
        pointer = session.get(Customer, added["id"])
        assert (pointer.status, pointer.merged_into) == ("merged", into)
    listed = _json(env.invoke(app, ["customers", "list", "--json", "--user", "mgr1"]))
    assert added["id"] not in {r["id"] for r in listed}
    assert _audited(company, "customer.merge", "mgr1") >= 1
    again = env.invoke(
        app, ["customers", "merge", str(added["id"]), str(into), "--reason", "x", "--user", "mgr1"]
    )
    assert again.exit_code != 0 and len(again.stderr.strip().splitlines()) == 1


def test_offboarding_moves_everything_and_only_then_disables(company, env, tmp_path):
    refused = env.invoke(app, ["users", "disable", "alice", "--user", "admin"])
    assert refused.exit_code != 0 and "客户c1" in refused.stderr
    held = _json(env.invoke(app, ["users", "holdings", "alice", "--json", "--user", "admin"]))
    assert [f["id"] for f in held["files"]] == [company.customers["c1"]]
    pdf = tmp_path / "交接.pdf"
    report = _json(env.invoke(app, ["users", "offboard", "alice", "--to", "bob", "--reason", "离职",
                                    "--pdf", str(pdf), "--json", "--user", "admin"]))  # fmt: skip
    assert report["id"] and [f["id"] for f in report["files"]] == [company.customers["c1"]]
    with pdfplumber.open(pdf) as opened:
        text = "".join(page.extract_text() or "" for page in opened.pages)
    assert "客户c1" in text and "bob" in text
    after = _json(env.invoke(app, ["users", "holdings", "alice", "--json", "--user", "admin"]))
    assert all(not v for v in after.values() if isinstance(v, list))
    users = {u["login"]: u for u in _json(env.invoke(app, ["users", "list", "--json", "--user", "admin"]))}
    assert users["alice"]["active"] is False
    shown = _json(
        env.invoke(app, ["customers", "show", str(company.customers["c1"]), "--json", "--user", "bob"])
    )
    assert shown["owner"] == "bob"
    assert _audited(company, "user.offboard", "admin") >= 1
    not_admin = env.invoke(
        app, ["users", "offboard", "carol", "--to", "bob", "--reason", "x", "--user", "mgr2"]
    )
    assert not_admin.exit_code != 0
