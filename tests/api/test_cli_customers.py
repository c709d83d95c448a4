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
