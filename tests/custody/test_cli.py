"""`dangan custody …`: the command-line contract (ids, `where --json`, `loans --json`, the calendar)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from api.cli import app
from tests.api.world import add_document, build_world
from workflows.runtime import Runtime

BOX = "总部/档案室/A柜/2层/03盒"


@pytest.fixture
def env(monkeypatch, settings):
    monkeypatch.setenv("DANGAN_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("DANGAN_DATABASE_URL", settings.database_url)
    monkeypatch.setattr(Runtime, "today", lambda self: date(2026, 3, 9))  # a plain Monday
    return CliRunner()


@pytest.fixture
def company(env, settings):
    assert env.invoke(app, ["init"]).exit_code == 0
    runtime = Runtime(settings)
    yield build_world(None, runtime)
    runtime.close()


def run(env, *args: str, user: str = "archivist"):
    result = env.invoke(app, ["custody", *args, "--json", "--user", user])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_custody_commands_keep_their_contract(company, env):
    doc = add_document(company, "c1", "internal", title="借款合同")
    made = run(env, "location", "add", BOX, "--kind", "box")
    assert (made["path"], made["kind"]) == (BOX, "box") and isinstance(made["id"], int)
    run(env, "location", "add", "总部/档案室/保险柜", "--kind", "safe")
    item = run(
        env, "item", "add", "--document", str(doc), "--pieces", "2", "--pages", "12", "--location", BOX
    )
    assert isinstance(item["id"], int) and item["location"] == BOX and item["title"] == "借款合同"
    cert = run(env, "item", "add", "--customer", str(company.customers["c1"]), "--pieces", "1", "--pages", "2",
               "--kind", "certificate")  # fmt: skip
    assert cert["location"] == "总部/档案室/保险柜"
    run(env, "location", "add", "总部/档案室/B柜", "--kind", "cabinet")
    moved = run(env, "move", str(item["id"]), "--to", "总部/档案室/B柜", "--reason", "调整库位")
    assert moved["location"] == "总部/档案室/B柜"

    loan = run(
        env,
        "loan",
        "request",
        "--item",
        str(item["id"]),
        "--purpose",
        "贷后检查",
        "--days",
        "7",
        user="alice",
    )
    assert (
        loan["status"] == "requested"
        and isinstance(loan["id"], int)
        and loan["slip_no"] == "借字〔2026〕第001号"
    )
    loan_id = str(loan["id"])
    assert run(env, "loan", "approve", loan_id, user="gm")["status"] == "approved"
    out = run(env, "loan", "out", loan_id)
    assert (out["status"], out["due_date"]) == ("out", "2026-03-18")
    where = run(env, "where", str(item["id"]))
    assert (where["location"], where["out_on_loan"]) == (None, loan["id"])
    assert [m["kind"] for m in where["history"]] == ["put_away", "move", "lend"]

    listed = run(env, "loans", "--overdue", "--as-of", "2026-03-19")
    assert [(r["id"], r["status"], r["borrower"], r["items"], r["due_date"]) for r in listed] == [
        (loan["id"], "out", "alice", [item["id"]], "2026-03-18")
    ]
    assert run(env, "loans", "--overdue", "--as-of", "2026-03-18") == []
    renewed = run(env, "loan", "renew", loan_id, "--days", "3", user="alice")
    assert renewed["status"] == "renewal_requested"
    assert run(env, "loan", "approve", loan_id, user="gm")["due_date"] == "2026-03-23"

    short = env.invoke(app, ["custody", "loan", "return", loan_id, "--pieces", "2", "--pages", "11", "--json",
                             "--user", "archivist"])  # fmt: skip
    assert short.exit_code == 1 and json.loads(short.stdout)["complete"] is False
    back = run(env, "loan", "return", loan_id, "--pieces", "2", "--pages", "12")
    assert back["complete"] is True and back["loan"]["status"] == "returned"
    assert run(env, "where", str(item["id"]))["location"] == "总部/档案室/B柜"


def test_calendar_workdays_after_answers_a_date(company, env):
    assert run(env, "calendar", "workdays-after", "2026-02-13", "2") == {"date": "2026-02-24"}
    assert run(env, "calendar", "workdays-after", "2024-09-27", "3", user="alice") == {"date": "2024-10-08"}
    beyond = env.invoke(app, ["custody", "calendar", "workdays-after", "2026-12-31", "5", "--json"])
    assert beyond.exit_code == 0 and json.loads(beyond.stdout) == {"date": "2027-01-07", "estimated": True}
    assert (
        "chinesecalendar" in beyond.stderr and "override add" in beyond.stderr
    )  # the warning, both languages


@pytest.mark.parametrize(
    ("args", "user", "code"),
    [
        (["location", "add", BOX, "--kind", "box"], "alice", 2),  # not an archivist
        (["location", "add", BOX, "--kind", "vault"], "archivist", 1),  # unknown kind
        (["loan", "approve", "1"], "mgr1", 1),  # not an approver
        (["where", "999"], "archivist", 1),  # no such item
    ],
)
def test_refusals_exit_non_zero_with_one_line(company, env, args, user, code):
    result = env.invoke(app, ["custody", *args, "--json", "--user", user])
    assert result.exit_code == code, result.stdout
    assert result.stderr.strip() and "\n" not in result.stderr.strip()
