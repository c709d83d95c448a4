"""`dangan customers list|show|set`: the contract, the rights, and the search that follows a moved file."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app
from core.audit import AuditEvent
from core.messages import bilingual
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
    """`dangan init`, then the fixture company (tests/api/world.py) in the same archive."""
    assert env.invoke(app, ["init"]).exit_code == 0
    runtime = Runtime(settings)
    yield build_world(None, runtime)
    runtime.close()


def _json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_list_and_show_keep_their_contract(company, env):
    doc = add_document(company, "c1", "personal", title="个人级 拜访记录")
    rows = {r["name"]: r for r in _json(env.invoke(app, ["customers", "list", "--json", "--user", "carol"]))}
    assert set(rows["客户c1"]) == {
        "id",
        "name",
        "credit_code",
        "status",
        "level",
        "department",
        "owner",
        "needs_review",
        "readable_documents",
        "may_open",
        "ended",
        "stale",
        "kind",
        "grade",
        "industry",
        "province",
        "city",
        "last_contact",
    }
    assert (rows["客户c1"]["owner"], rows["客户c1"]["readable_documents"]) == ("alice", 0)
    mine = _json(env.invoke(app, ["customers", "list", "--owner", "alice", "--json", "--user", "alice"]))
    assert [(r["name"], r["readable_documents"]) for r in mine] == [("客户c1", 1)]
    shown = _json(
        env.invoke(app, ["customers", "show", str(company.customers["c1"]), "--json", "--user", "alice"])
    )
    assert [d["document_id"] for d in shown["documents"]] == [doc]
    hidden = _json(
        env.invoke(app, ["customers", "show", str(company.customers["c1"]), "--json", "--user", "bob"])
    )
    assert hidden["documents"] == []


def test_set_moves_a_file_and_search_follows(company, env):
    doc = add_document(company, "c1", "personal", title="个人级 拜访记录", text="拜访记录", index=True)
    before = _json(env.invoke(app, ["search", "拜访记录", "--json", "--user", "bob"]))
    assert before["total"] == 0
    changed = _json(
        env.invoke(
            app,
            [
                "customers",
                "set",
                str(company.customers["c1"]),
                "--owner",
                "bob",
                "--status",
                "former",
                "--reason",
                "alice 调岗，移交 bob",
                "--json",
                "--user",
                "mgr1",
            ],
        )
    )
    assert changed == {
        "customer_id": company.customers["c1"],
        "before": {"owner": "alice", "status": "active"},
        "after": {"owner": "bob", "status": "former"},
        "reindexed": 1,
    }
    after = _json(env.invoke(app, ["search", "拜访记录", "--json", "--user", "bob"]))
    assert [h["document_id"] for h in after["hits"]] == [doc] and after["total"] == 1
    assert _json(env.invoke(app, ["search", "拜访记录", "--json", "--user", "alice"]))["total"] == 0


def test_set_is_refused_with_one_line(company, env):
    cid = str(company.customers["c1"])
    refused = env.invoke(app, ["customers", "set", cid, "--owner", "alice", "--user", "alice"])
    assert refused.exit_code == 1 and refused.stdout == ""
    assert len(refused.stderr.strip().splitlines()) == 1 and " / " in refused.stderr
    unknown = env.invoke(app, ["customers", "set", cid, "--department", "nowhere", "--user", "mgr1"])
    assert unknown.exit_code == 1 and "nowhere" in unknown.stderr
    nothing = env.invoke(app, ["customers", "set", cid, "--user", "mgr1"])
    assert nothing.exit_code == 1
    assert env.invoke(app, ["customers", "list", "--user", "nobody"]).exit_code == 2
    # The archivist may set the status; without --reason the trail says none was given.
    status = env.invoke(app, ["customers", "set", cid, "--status", "lost", "--user", "archivist"])
    assert status.exit_code == 0, status.stderr
    with company.runtime.factory() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.change")).all()
    assert [(e.actor, e.result) for e in events] == [("alice", "denied"), ("archivist", "ok")]
    assert events[-1].details["reason"] == bilingual("customer.no_reason")


CODE = "91110000600037341L"


def test_add_opens_a_file_at_first_contact_and_answers_with_its_id(company, env):
    opened = _json(
        env.invoke(
            app,
            ["customers", "add", "杭州鸿达机电有限公司", "--credit-code", CODE, "--kind", "distributor"]
            + ["--industry", "机电", "--province", "浙江", "--json", "--user", "bob"],
        )
    )
    assert (opened["name"], opened["status"], opened["department"], opened["owner"]) == (
        "杭州鸿达机电有限公司",
        "potential",
        "sales1",
        "bob",
    )
    shown = _json(env.invoke(app, ["customers", "show", str(opened["id"]), "--json", "--user", "bob"]))
    assert (shown["profile"]["credit_code"], shown["profile"]["kind"]) == (CODE, "distributor")
    similar = _json(
        env.invoke(app, ["customers", "add", "杭州鸿达机电有限责任公司", "--json", "--user", "bob"])
    )
    assert [s["id"] for s in similar["similar"]] == [opened["id"]]


def test_add_refuses_a_wrong_or_taken_credit_code_with_one_line(company, env):
    env.invoke(app, ["customers", "add", "鸿达", "--credit-code", CODE, "--user", "bob"])
    wrong = env.invoke(app, ["customers", "add", "远景", "--credit-code", CODE[:-1] + "K", "--user", "bob"])
    assert wrong.exit_code == 1 and "校验位" in wrong.stderr and "check character" in wrong.stderr
    taken = env.invoke(app, ["customers", "add", "远景", "--credit-code", CODE, "--user", "bob"])
    assert taken.exit_code == 1 and "鸿达" in taken.stderr and len(taken.stderr.strip().splitlines()) == 1
    refused = env.invoke(app, ["customers", "add", "远景", "--user", "auditor"])
    assert refused.exit_code == 1 and refused.stdout == ""


def test_edit_keeps_a_revision_that_show_lists(company, env):
    cid = str(company.customers["c1"])
    changed = _json(
        env.invoke(
            app,
            ["customers", "edit", cid, "--registered-capital", "5,000,000", "--founded-on", "2011-03-08"]
            + ["--grade", "A", "--reason", "核对营业执照", "--json", "--user", "alice"],
        )
    )
    assert changed["after"] == {"registered_capital": 500_000_000, "founded_on": "2011-03-08", "grade": "A"}
    cleared = _json(
        env.invoke(app, ["customers", "edit", cid, "--clear", "grade", "--json", "--user", "mgr1"])
    )
    assert (cleared["before"], cleared["after"]) == ({"grade": "A"}, {"grade": None})
    shown = _json(env.invoke(app, ["customers", "show", cid, "--json", "--user", "alice"]))
    assert [r["after"] for r in shown["revisions"]] == [cleared["after"], changed["after"]]
    assert shown["revisions"][1]["reason"] == "核对营业执照"
    refused = env.invoke(app, ["customers", "edit", cid, "--phone", "1", "--user", "bob"])
    assert refused.exit_code == 1 and " / " in refused.stderr
    bad = env.invoke(app, ["customers", "edit", cid, "--credit-limit", "lots", "--user", "alice"])
    assert bad.exit_code == 1 and "lots" in bad.stderr


def test_contacts_notes_and_the_gms_approval(company, env):
    cid = str(company.customers["c1"])
    contact = _json(
        env.invoke(
            app,
            ["customers", "contact", "add", cid, "--name", "王经理", "--title", "采购部经理"]
            + ["--phone", "13800000000", "--phone", "0571-88888888", "--birthday", "1980-06-01", "--json"]
            + ["--user", "alice"],
        )
    )
    assert contact["id"] and contact["phones"] == ["13800000000", "0571-88888888"]
    complaint = _json(
        env.invoke(
            app,
            ["customers", "note", cid, "--kind", "complaint", "--date", "2026-05-02", "--text", "交货延误"]
            + ["--json", "--user", "alice"],
        )
    )
    assert complaint["id"] and complaint["state"] == "needs_approval"
    assert (
        env.invoke(app, ["customers", "note-approve", str(complaint["id"]), "--user", "mgr1"]).exit_code == 1
    )
    approved = _json(
        env.invoke(app, ["customers", "note-approve", str(complaint["id"]), "--json", "--user", "gm"])
    )
    assert (approved["state"], approved["approved_by"]) == ("approved", "gm")
    shown = _json(env.invoke(app, ["customers", "show", cid, "--json", "--user", "bob"]))
    assert [c["name"] for c in shown["contacts"]] == ["王经理"]
    assert [(t["kind"], t["state"]) for t in shown["timeline"]] == [("complaint", "approved")]
    wrong_kind = env.invoke(
        app, ["customers", "note", cid, "--kind", "gossip", "--text", "x", "--user", "alice"]
    )
    assert wrong_kind.exit_code == 1
    with company.runtime.factory() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "customer", AuditEvent.result == "ok")
        ).all()
    assert {"customer.contact", "customer.note", "customer.note_approve", "customer.view"} <= set(actions)


def test_list_filters_sorts_and_pages_in_the_cli(company, env):
    for name, grade in (("北京远景", "B"), ("阿里物流", "A"), ("杭州鸿达", None)):
        args = ["customers", "add", name, "--status", "active", "--user", "bob"]
        cid = _json(env.invoke(app, [*args, "--json"]))["id"]
        if grade:
            env.invoke(app, ["customers", "edit", str(cid), "--grade", grade, "--user", "bob"])
    names = [
        r["name"]
        for r in _json(env.invoke(app, ["customers", "list", "--owner", "bob", "--json", "--user", "bob"]))
    ]
    assert names == ["阿里物流", "北京远景", "杭州鸿达"]  # pinyin order
    by_grade = _json(
        env.invoke(app, ["customers", "list", "--owner", "bob", "--sort", "grade", "--json", "--user", "bob"])
    )
    assert [r["grade"] for r in by_grade] == ["A", "B", None]
    page = _json(
        env.invoke(
            app,
            [
                "customers",
                "list",
                "--owner",
                "bob",
                "--limit",
                "1",
                "--offset",
                "1",
                "--json",
                "--user",
                "bob",
            ],
        )
    )
    assert [r["name"] for r in page] == ["北京远景"]
    graded = _json(env.invoke(app, ["customers", "list", "--grade", "A", "--json", "--user", "bob"]))
    assert [r["name"] for r in graded] == ["阿里物流"]
    assert env.invoke(app, ["customers", "list", "--sort", "size", "--user", "bob"]).exit_code == 1


def test_an_alias_staff_add_finds_the_files_records_and_is_audited(company, env):
    cid = str(company.customers["c1"])
    doc = add_document(company, "c1", "internal", title="借款合同", text="借款期限十二个月", index=True)
    assert _json(env.invoke(app, ["search", "鸿远集团", "--json", "--user", "alice"]))["total"] == 0
    added = _json(
        env.invoke(app, ["customers", "alias", "add", cid, "鸿远集团", "--json", "--user", "alice"])
    )
    assert added == {"customer_id": int(cid), "alias": "鸿远集团", "source": "staff", "present": True}
    found = _json(env.invoke(app, ["search", "鸿远集团", "--json", "--user", "alice"]))
    assert [h["document_id"] for h in found["hits"]] == [doc]
    listed = env.invoke(app, ["customers", "alias", "list", cid, "--json", "--user", "bob"])
    assert [json.loads(line)["alias"] for line in listed.stdout.splitlines()] == ["鸿远集团"]
    refused = env.invoke(app, ["customers", "alias", "remove", cid, "鸿远集团", "--user", "bob"])
    assert refused.exit_code == 1 and len(refused.stderr.strip().splitlines()) == 1
    short = env.invoke(app, ["customers", "alias", "add", cid, "鸿", "--user", "alice"])
    assert short.exit_code == 1 and "别名" in short.stderr and "Alias" in short.stderr
    assert (
        env.invoke(app, ["customers", "alias", "remove", cid, "鸿远集团", "--user", "alice"]).exit_code == 0
    )
    assert _json(env.invoke(app, ["search", "鸿远集团", "--json", "--user", "alice"]))["total"] == 0
    with company.runtime.factory() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.alias")).all()
    assert [(e.actor, e.result) for e in events] == [("alice", "ok"), ("bob", "denied"), ("alice", "ok")]
