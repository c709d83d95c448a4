"""`dangan custody ledger|labels|inspect|inspections|remind-overdue`: the command-line contract."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from sqlalchemy import select

from access.models import Notification
from api.cli import app
from core.audit import AuditEvent
from tests.api.world import add_document
from tests.custody.test_cli import BOX, company, env, run  # noqa: F401 - fixtures

SAFE = "总部/档案室/保险柜"


def test_ledger_labels_and_inspections_from_the_command_line(company, env, tmp_path):  # noqa: F811
    doc = add_document(company, "c1", "internal", title="借款合同")
    run(env, "location", "add", BOX, "--kind", "box")
    run(env, "location", "add", SAFE, "--kind", "safe")
    item = run(
        env, "item", "add", "--document", str(doc), "--pieces", "2", "--pages", "12", "--location", BOX
    )
    xlsx, pdf = tmp_path / "archive.xlsx", tmp_path / "archive.pdf"
    answer = run(env, "ledger", "archive", "--location", "总部/档案室", "--status", "in_store",
                 "--xlsx", str(xlsx), "--pdf", str(pdf))  # fmt: skip
    assert (
        answer["total"] == 1
        and answer["rows"][0]["id"] == item["id"]
        and answer["rows"][0]["location"] == BOX
    )
    assert answer["rows"][0]["code"] == f"I{item['id']:06d}"
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[3][2] == "借款合同" and pdf.read_bytes().startswith(b"%PDF")
    assert run(env, "ledger", "certificates")["total"] == 0
    assert run(env, "ledger", "loans", "--status", "overdue")["rows"] == []

    labels = tmp_path / "labels.pdf"
    made = run(env, "labels", str(item["id"]), "--location", BOX, "--pdf", str(labels))
    assert made["items"] == [item["id"]] and labels.read_bytes().startswith(b"%PDF")

    overdue = run(env, "inspections", "--overdue")
    assert [o["location"] for o in overdue] == ["总部/档案室", SAFE]
    inspected = run(env, "inspect", "总部/档案室", "--findings", "未见异常")
    assert isinstance(inspected["id"], int) and inspected["inspector"] == "archivist"
    assert inspected["inspected_on"] == "2026-03-09"
    assert run(env, "inspections", "--overdue") == []
    assert run(env, "remind-overdue") == {"notifications": 0}
    with company.runtime.factory() as session:
        actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("custody.%"))))
        assert not session.scalars(select(Notification)).first()
    assert {"custody.ledger", "custody.ledger.export", "custody.labels", "custody.inspect"} <= actions


def test_ledger_refusals_are_one_bilingual_line(company, env):  # noqa: F811
    result = env.invoke(app, ["custody", "ledger", "archive", "--json", "--user", "alice"])
    assert result.exit_code != 0 and "/" in result.stderr.strip().splitlines()[-1]
    result = env.invoke(
        app, ["custody", "ledger", "archive", "--status", "lost", "--json", "--user", "archivist"]
    )
    assert result.exit_code != 0 and "lost" in result.stderr
    result = env.invoke(app, ["custody", "ledger", "archive", "--from", "2026-13-01", "--user", "archivist"])
    assert result.exit_code == 2
    assert (
        json.loads(env.invoke(app, ["custody", "ledger", "loans", "--json", "--user", "auditor"]).stdout)[
            "total"
        ]
        == 0
    )
