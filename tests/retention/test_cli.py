"""`dangan retention …`: the CLI contract — rules, due, hold, batch, register — each acting as --user, audited."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app
from core.audit import AuditEvent
from tests.api.world import build_world
from tests.retention.conftest import add_record
from workflows.runtime import Runtime

OLD = date(2010, 3, 5)  # correspondence due 2021-01-01: past, whatever day the test runs


@pytest.fixture
def cli(monkeypatch, settings):
    monkeypatch.setenv("DANGAN_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("DANGAN_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    runtime = Runtime(settings)
    world = build_world(None, runtime)

    def run(*args: str, user: str = "officer", ok: bool = True):
        result = runner.invoke(app, ["retention", *args, "--user", user])
        if ok:
            assert result.exit_code == 0, result.stderr
        return result

    yield world, run
    runtime.close()


def lines(result):
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_rules_list_and_set(cli):
    world, run = cli
    rules = {r["doc_type"]: r for r in lines(run("rules", "list", "--json", user="alice"))[0]}
    assert rules["contract"]["period_years"] == 30
    run("rules", "set", "correspondence", "--years", "12", "--trigger", "document_date", "--basis", "新制度")
    assert {r["doc_type"]: r for r in lines(run("rules", "list", "--json"))[0]}["correspondence"][
        "period_years"
    ] == 12
    refused = run("rules", "set", "contract", "--years", "5", user="archivist", ok=False)
    assert refused.exit_code == 2


def test_whole_batch_from_due_list_to_register(cli, tmp_path):
    world, run = cli
    docs = [add_record(world, doc_date=OLD) for _ in range(3)]
    held_doc = add_record(world, doc_date=OLD)
    due = lines(run("due", "--json"))[0]
    assert {d["document_id"] for d in due} == {*docs, held_doc}
    hold = lines(
        run("hold", "add", "--name", "仲裁", "--reason", "仲裁通知", "--document", str(held_doc), "--json")
    )[0]
    assert lines(run("hold", "list", "--json"))[0][0]["documents"] == [held_doc]
    refused = run("batch", "create", *map(str, [*docs, held_doc]), ok=False)
    assert refused.exit_code == 1 and f"#{held_doc}" in refused.stderr and "仲裁" in refused.stderr
    batch = lines(run("batch", "create", *map(str, docs), "--json"))[0]["id"]
    run("batch", "appraise", str(batch), "--opinion", "已到期")
    assert run("batch", "approve", str(batch), user="officer", ok=False).exit_code == 2
    run("batch", "approve", str(batch), user="mgr1")
    assert lines(run("batch", "approve", str(batch), "--json", user="gm"))[0]["state"] == "approved"
    out = lines(run("batch", "execute", str(batch), "--json"))
    assert [o["document_id"] for o in out[:-1]] == docs
    assert all(o["state"] == "destroyed" and o["verified"] and o["checks"] for o in out[:-1])
    assert out[-1]["summary"]["state"] == "destroyed" and out[-1]["summary"]["destroyed"] == 3
    shown = lines(run("batch", "show", str(batch), "--json", user="auditor"))[0]
    assert [i["state"] for i in shown["items"]] == ["destroyed"] * 3
    run("register", str(batch), "--pdf", str(tmp_path / "r.pdf"), "--csv", str(tmp_path / "r.csv"))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF") and len(
        (tmp_path / "r.csv").read_text().splitlines()
    ) == 4
    run("hold", "release", str(hold["id"]), "--reason", "结案")
    assert lines(run("hold", "list", "--json"))[0] == []
    with world.runtime.factory() as session:
        actions = {(e.actor, e.action) for e in session.scalars(select(AuditEvent))}
    for expected in [("officer", "retention.due"), ("officer", "retention.hold.add"), ("officer", "retention.batch.create"),
                     ("mgr1", "retention.batch.approve"), ("officer", "retention.destroy"),
                     ("auditor", "retention.batch.show"), ("officer", "retention.register"),
                     ("officer", "retention.hold.release"), ("officer", "retention.batch.execute")]:  # fmt: skip
        assert expected in actions, expected
