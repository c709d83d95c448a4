"""The CLI contract of accounts and access: --user, users, documents set-level, access, show refusals."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from access.login import authenticate
from api.cli import app
from core.audit import AuditEvent
from tests.api.world import add_document as file_document
from tests.api.world import build_world
from tests.ingest import samples
from workflows.runtime import Runtime


@pytest.fixture
def env(monkeypatch, settings):
    monkeypatch.setenv("DANGAN_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("DANGAN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DANGAN_OCR_WORKERS", "2")
    return CliRunner()


@pytest.fixture
def company(env, settings):
    """`dangan init`, then the fixture company (tests/api/world.py) in the same archive."""
    assert env.invoke(app, ["init"]).exit_code == 0
    runtime = Runtime(settings)
    world = build_world(None, runtime)
    yield world
    runtime.close()


def _json(result) -> dict | list:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _events(world, **where) -> list[AuditEvent]:
    with world.runtime.factory() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEvent, name) == value)
        return list(session.scalars(query))


def test_init_prints_a_one_time_password_once_and_is_idempotent(env, settings):
    first = env.invoke(app, ["init"])
    assert first.exit_code == 0 and "One-time password of admin" in first.stdout
    password = first.stdout.strip().rsplit(": ", 1)[1]
    again = env.invoke(app, ["init"])
    assert again.exit_code == 0 and again.stdout == ""
    runtime = Runtime(settings)
    with runtime.factory() as session, session.begin():
        result = authenticate(session, login="admin", password=password)
    runtime.close()
    assert result.ok and result.must_change_password


def test_init_takes_the_admin_password_from_a_file(env, settings, tmp_path):
    secret = tmp_path / "admin.pw"
    secret.write_text("a-long-admin-password\n", encoding="utf-8")
    result = env.invoke(app, ["init", "--admin-password-file", str(secret)])
    assert result.exit_code == 0 and result.stdout == ""
    runtime = Runtime(settings)
    with runtime.factory() as session, session.begin():
        login = authenticate(session, login="admin", password="a-long-admin-password")
    runtime.close()
    assert login.ok and not login.must_change_password


@pytest.mark.parametrize(("login", "code"), [("nobody", "user.not_found"), ("bob", "user.disabled")])
def test_unknown_or_disabled_user_exits_2_with_one_bilingual_line_and_is_audited(company, env, login, code):
    assert env.invoke(app, ["users", "disable", "bob"]).exit_code == 0
    result = env.invoke(app, ["search", "合同", "--user", login])
    assert result.exit_code == 2
    line = _one_line(result)
    assert login in line and " / " in line  # 中文 / English
    assert [(e.actor, e.details["reason"]) for e in _events(company, action="cli.act_as")] == [(login, code)]


def test_users_commands_keep_their_contract(company, env, tmp_path):
    pw = tmp_path / "pw"
    pw.write_text("hunter2-but-longer\n", encoding="utf-8")
    added = _json(
        env.invoke(
            app,
            [
                "users",
                "add",
                "erin",
                "--name",
                "Erin",
                "--department",
                "legal",
                "--role",
                "staff",
                "--role",
                "archivist",
                "--password-file",
                str(pw),
                "--json",
            ],
        )
    )
    assert added["department"] == "legal" and added["roles"] == ["archivist", "staff"]
    assert added["one_time_password"] is None and not added["must_change_password"]
    boss = _json(
        env.invoke(
            app,
            [
                "users",
                "add",
                "lena",
                "--department",
                "legal",
                "--role",
                "manager",
                "--position",
                "department_manager",
                "--json",
            ],
        )
    )
    assert boss["manages"] == ["legal"] and len(boss["one_time_password"]) == 16
    listed = {u["login"]: u for u in _json(env.invoke(app, ["users", "list", "--json"]))}
    assert {"admin", "erin", "lena", "alice"} <= set(listed)
    assert set(listed["erin"]) >= {"login", "name", "department", "roles", "positions", "active"}
    assert env.invoke(app, ["users", "grant-role", "erin", "auditor"]).exit_code == 0
    assert env.invoke(app, ["users", "disable", "erin"]).exit_code == 0
    reset = _json(env.invoke(app, ["users", "reset-password", "erin", "--json"]))
    assert len(reset["one_time_password"]) == 16
    listed = {u["login"]: u for u in _json(env.invoke(app, ["users", "list", "--json"]))}
    assert listed["erin"]["roles"] == ["archivist", "auditor", "staff"] and listed["erin"]["active"] is False
    changes = [(e.actor, e.action) for e in _events(company, object_type="user") if e.action != "login"]
    assert ("admin", "permission.change") in changes and ("admin", "user.disable") in changes


def test_only_admins_manage_users(company, env):
    result = env.invoke(app, ["users", "add", "mallory", "--role", "admin", "--user", "alice"])
    assert result.exit_code == 2 and "admin" in _one_line(result)
    assert [(e.actor, e.result) for e in _events(company, action="user.add") if e.actor == "alice"] == [
        ("alice", "denied")
    ]


def test_admin_lists_and_revokes_a_users_tokens_from_the_cli(company, env):
    listed = _json(env.invoke(app, ["users", "tokens", "alice", "--json"]))
    assert [(t["login"], t["name"], t["live"]) for t in listed] == [("alice", "tests", True)]
    plain = env.invoke(app, ["users", "tokens", "alice"])
    assert plain.exit_code == 0 and "live" in plain.stdout and "tests" in plain.stdout
    refused = env.invoke(app, ["users", "tokens", "alice", "--user", "bob"])
    assert refused.exit_code == 2 and "admin" in _one_line(refused)
    revoked = _json(env.invoke(app, ["users", "revoke-token", str(listed[0]["id"]), "--json"]))
    assert revoked == {"id": listed[0]["id"], "revoked": True}
    assert [t["live"] for t in _json(env.invoke(app, ["users", "tokens", "alice", "--json"]))] == [False]
    again = env.invoke(app, ["users", "revoke-token", str(listed[0]["id"])])
    assert again.exit_code == 1 and "revoked" in _one_line(again)
    assert [(e.actor, e.result) for e in _events(company, action="token.list")] == [
        ("admin", "ok"),
        ("admin", "ok"),
        ("bob", "denied"),
        ("admin", "ok"),
    ]
    assert [e.actor for e in _events(company, action="token.revoke")] == ["admin"]


def test_show_refuses_an_uncleared_user_then_a_request_and_approval_let_them_read(company, env):
    secret = file_document(company, "c2", "department", text="抵押物清单")
    refused = env.invoke(app, ["show", str(secret), "--json", "--user", "alice"])
    assert refused.exit_code == 1 and refused.stdout == ""
    assert "submit an access request" in _one_line(refused)
    asked = _json(
        env.invoke(
            app,
            [
                "access",
                "request",
                "--document",
                str(secret),
                "--reason",
                "续贷复核",
                "--days",
                "5",
                "--json",
                "--user",
                "alice",
            ],
        )
    )
    assert asked["state"] == "pending" and asked["document_ids"] == [secret]
    assert (
        env.invoke(app, ["access", "approve", str(asked["id"]), "--comment", "x", "--user", "mgr1"]).exit_code
        == 1
    )
    approved = _json(
        env.invoke(
            app, ["access", "approve", str(asked["id"]), "--comment", "同意", "--json", "--user", "mgr2"]
        )
    )
    assert approved["state"] == "approved"
    grants = _json(env.invoke(app, ["access", "grants", "--json", "--user", "alice"]))
    assert [(g["document_id"], g["live"]) for g in grants] == [(secret, True)]
    shown = _json(env.invoke(app, ["show", str(secret), "--json", "--user", "alice"]))
    assert shown["access"] == {"reason": "access.reason.grant", "grant_id": grants[0]["id"]}
    views = [(e.result, e.reference, e.client.startswith("cli")) for e in _events(company, action="view")]
    assert views == [("denied", "", True), ("ok", f"grant:{grants[0]['id']}", True)]


def test_refuse_needs_a_comment(company, env):
    secret = file_document(company, "c2", "department")
    asked = _json(
        env.invoke(
            app,
            [
                "access",
                "request",
                "--document",
                str(secret),
                "--reason",
                "r",
                "--days",
                "2",
                "--json",
                "--user",
                "alice",
            ],
        )
    )
    assert env.invoke(app, ["access", "refuse", str(asked["id"]), "--user", "mgr2"]).exit_code == 1
    refused = _json(
        env.invoke(
            app, ["access", "refuse", str(asked["id"]), "--comment", "不需要", "--json", "--user", "mgr2"]
        )
    )
    assert refused["state"] == "refused" and refused["steps"][0]["comment"] == "不需要"


def test_set_level_needs_a_manager_who_reads_the_document(company, env):
    doc = file_document(company, "c1", "department")
    refused = env.invoke(app, ["documents", "set-level", str(doc), "internal", "--user", "alice"])
    assert refused.exit_code == 1 and "manager" in _one_line(refused)
    changed = _json(
        env.invoke(
            app,
            [
                "documents",
                "set-level",
                str(doc),
                "company",
                "--reason",
                "含授信额度",
                "--json",
                "--user",
                "mgr1",
            ],
        )
    )
    assert (changed["before"], changed["after"]) == ("department", "company")
    no_reason = _json(
        env.invoke(app, ["documents", "set-level", str(doc), "internal", "--json", "--user", "md"])
    )
    assert no_reason["after"] == "internal"
    history = _json(env.invoke(app, ["documents", "history", str(doc), "--json", "--user", "alice"]))
    assert [r["reason"] for r in history["revisions"]] == [
        "含授信额度",
        "未说明理由（命令行） / No reason given (command line)",
    ]


def test_search_is_filtered_for_the_user(company, env):
    file_document(company, "c1", "department", text="授信审批报告", index=True)
    file_document(company, "c2", "department", text="授信审批报告", index=True)
    mine = _json(env.invoke(app, ["search", "授信审批报告", "--json", "--user", "alice"]))
    theirs = _json(env.invoke(app, ["search", "授信审批报告", "--json", "--user", "carol"]))
    nobody = _json(
        env.invoke(app, ["search", "授信审批报告", "--json"])
    )  # the admin reads no confidential file
    assert (mine["total"], theirs["total"], nobody["total"]) == (1, 1, 0)
    assert mine["hits"][0]["document_id"] != theirs["hits"][0]["document_id"]


def test_ingest_needs_a_user_allowed_to_capture(company, env, tmp_path):
    pdf = samples.write_text_pdf(tmp_path / "a.pdf", [["营业执照", "名称：上海明远贸易有限公司"]])
    result = env.invoke(app, ["ingest", str(pdf), "--json", "--user", "auditor"])
    assert result.exit_code == 2 and "archivist" in _one_line(result)
    assert list(company.runtime.store.list()) == []
    assert [(e.actor, e.result) for e in _events(company, action="capture")] == [("auditor", "denied")]


def test_documents_correct_keeps_the_archivists_correction(company, env):
    doc = file_document(company, "c1", "internal")
    refused = env.invoke(
        app, ["documents", "correct", str(doc), "--type", "contract", "--reason", "x", "--user", "alice"]
    )
    assert refused.exit_code == 1
    changed = _json(
        env.invoke(
            app,
            [
                "documents",
                "correct",
                str(doc),
                "--type",
                "contract",
                "--date",
                "2024-03-05",
                "--reason",
                "复核",
                "--json",
                "--user",
                "archivist",
            ],
        )
    )
    assert changed["after"] == {"doc_type": "contract", "doc_date": "2024-03-05"}
    bad = env.invoke(
        app,
        ["documents", "correct", str(doc), "--date", "2024-02-30", "--reason", "x", "--user", "archivist"],
    )
    assert bad.exit_code != 0 and "2024-02-30" in _one_line(bad)
