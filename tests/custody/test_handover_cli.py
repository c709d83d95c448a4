"""`dangan custody handover …` and `dangan custody calendar override …`: the command-line contract."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli.custody_handover import parse_line
from custody.handovers import Line
from tests.api.world import add_document, build_world
from workflows.runtime import Runtime

BOX = "总部/档案室/A柜/2层/03盒"


@pytest.fixture
def env(monkeypatch, settings):
    monkeypatch.setenv("DANGAN_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("DANGAN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DANGAN_HANDOVER_NUMBER_PATTERN", "{prefix}第{n:03d}号")  # as the policy prints it
    monkeypatch.setattr(Runtime, "today", lambda self: date(2026, 3, 9))  # a plain Monday
    return CliRunner()


@pytest.fixture
def company(env, settings):
    assert env.invoke(app, ["init"]).exit_code == 0
    runtime = Runtime(settings)
    yield build_world(None, runtime)
    runtime.close()


def run(env, *args: str, user: str):
    result = env.invoke(app, ["custody", *args, "--json", "--user", user])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_lines_are_read_from_the_right_so_titles_may_hold_colons():
    assert parse_line("借款合同:1:12") == Line("借款合同", 1, 12)
    assert parse_line("合同:附件A:2:30:17:note=含封面") == Line(
        "合同:附件A", 2, 30, document_id=17, remarks="含封面"
    )
    assert parse_line("房产证:1:2:cert=沪(2026)第1号") == Line("房产证", 1, 2, certificate_no="沪(2026)第1号")


def test_a_handover_through_the_command_line(company, env, tmp_path):
    doc = add_document(company, "c1", "department", title="借款合同")
    run(env, "location", "add", BOX, "--kind", "box", user="archivist")
    made = run(env, "handover", "create", "--title", "甲公司流动资金贷款", "--customer", str(company.customers["c1"]),
               "--reviewer", "bob", "--item", f"借款合同:1:12:{doc}", "--item", "项目调查报告:1:30", user="alice")  # fmt: skip
    assert (
        isinstance(made["id"], int) and made["status"] == "preparing" and made["preparer_due"] == "2026-03-12"
    )
    assert [(x["title"], x["document_id"]) for x in made["lines"]] == [
        ("借款合同", doc),
        ("项目调查报告", None),
    ]
    hid = str(made["id"])
    run(env, "handover", "sign", hid, user="alice")
    short = env.invoke(
        app, ["custody", "handover", "sign", hid, "--count", "1:1:11", "--as-listed", "--user", "bob"]
    )
    assert short.exit_code == 1 and "清点结果与清单不符" in short.stderr and "does not match" in short.stderr
    back = run(env, "handover", "return", hid, "--missing", "借款合同缺第5页", "--count", "1:1:11", "--count",
               "2:1:30", user="bob")  # fmt: skip
    assert back["status"] == "returned" and back["lines"][0]["reviewer_count"] == [1, 11]
    run(env, "handover", "sign", hid, user="alice")
    run(env, "handover", "sign", hid, "--as-listed", user="bob")
    assert [h["id"] for h in run(env, "handover", "list", "--open", user="archivist")] == [made["id"]]
    done = run(env, "handover", "sign", hid, "--as-listed", "--location", BOX, user="archivist")
    assert (done["status"], done["number"], done["location"]) == ("accepted", "鸿借字第001号", BOX)
    item = done["lines"][0]["item_id"]
    assert run(env, "where", str(item), user="archivist")["location"] == BOX

    out = tmp_path / "list.pdf"
    shown = run(env, "handover", "show", hid, "--pdf", str(out), user="bob")
    assert shown["number"] == "鸿借字第001号" and out.read_bytes().startswith(b"%PDF")
    refused = env.invoke(app, ["custody", "handover", "show", hid, "--user", "carol"])
    assert refused.exit_code == 1 and "当事人" in refused.stderr
    assert run(env, "handover", "list", user="carol") == []
    assert run(env, "handover", "list", "--late", "--as-of", "2026-04-01", user="alice") == []


def test_late_lists_are_listed_for_those_who_owe_them(company, env):
    made = run(env, "handover", "create", "--title", "乙项目", "--customer", str(company.customers["c1"]),
               "--reviewer", "bob", "--item", "合同:1:3", "--finished", "2026-02-13", user="alice")  # fmt: skip
    assert made["preparer_due"] == "2026-02-25"  # over the Spring Festival
    late = run(env, "handover", "list", "--late", user="alice")  # today is 9 March
    assert [(h["id"], h["owed_by"], h["late"]) for h in late] == [(made["id"], "preparer", True)]
    assert run(env, "handover", "list", "--late", "--as-of", "2026-02-25", user="alice") == []
    # B and the archive see the late list too, owed by A.
    for login in ("bob", "archivist"):
        assert [h["owed_by_login"] for h in run(env, "handover", "list", "--late", user=login)] == ["alice"]
    assert run(env, "handover", "list", "--late", user="carol") == []


def test_the_company_days_are_kept_by_the_admin(company, env):
    made = run(
        env, "calendar", "override", "add", "2027-01-04", "--holiday", "--reason", "元旦调休", user="admin"
    )
    assert made == {"day": "2027-01-04", "workday": False, "reason": "元旦调休"}
    run(env, "calendar", "override", "add", "2027-01-01", "--holiday", "--reason", "元旦", user="admin")
    listed = run(env, "calendar", "override", "list", user="admin")
    assert [x["day"] for x in listed] == ["2027-01-01", "2027-01-04"]
    assert run(env, "calendar", "workdays-after", "2026-12-31", "1", user="alice") == {
        "date": "2027-01-05",
        "estimated": True,
    }
    assert run(env, "calendar", "override", "remove", "2027-01-04", user="admin")["day"] == "2027-01-04"
    assert run(env, "calendar", "workdays-after", "2026-12-31", "1", user="alice")["date"] == "2027-01-04"
    for args in (["add", "2026-03-09", "--holiday", "--reason", "x"], ["list"], ["remove", "2027-01-01"]):
        refused = env.invoke(app, ["custody", "calendar", "override", *args, "--user", "archivist"])
        assert refused.exit_code == 2, args  # an admin's task
    for args, code in (
        (["add", "2026-03-09", "--reason", "x"], 2),  # neither --workday nor --holiday
        (["add", "2026-03-09", "--holiday", "--reason", " "], 1),
        (["add", "09/03/2026", "--holiday", "--reason", "x"], 2),
        (["remove", "2026-05-05"], 1),
    ):
        assert (
            env.invoke(app, ["custody", "calendar", "override", *args, "--user", "admin"]).exit_code == code
        ), args
