"""`dangan ingest/show/search` end to end: real OCR, real index, the JSON contract of the README."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app
from tests.ingest import samples

LICENCE = [
    "营业执照",
    "统一社会信用代码：91310115MA1K4Q8X21",
    "名称：上海明远贸易有限公司",
    "法定代表人：王明远",
    "注册资本：人民币伍佰万元整",
    "成立日期：2018年6月12日",
    "经营范围：日用百货、五金交电的批发与零售。",
]


@pytest.fixture
def cli_env(monkeypatch, settings):
    monkeypatch.setenv("DANGAN_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("DANGAN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DANGAN_OCR_WORKERS", "2")
    monkeypatch.setenv("DANGAN_ORG_NAME", "北京鸿达科技有限公司")
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    return runner


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def _reader(settings, *document_ids: int) -> list[str]:
    """`--user reader`: a staff account with live grants on the documents.

    Files opened by capture have no department or owner yet, so their department-level and personal
    documents are readable by no one until a grant (or a records officer assigning the file) says so.
    """
    from access.models import User, UserRole
    from tests.api.world import World, add_grant
    from workflows.runtime import Runtime

    runtime = Runtime(settings)
    try:
        with runtime.factory() as session, session.begin():
            user = session.scalar(select(User).where(User.login == "reader"))
            if user is None:
                user = User(login="reader", name="reader")
                user.role_rows = [UserRole(role="staff")]
                session.add(user)
                session.flush()
            world = World(None, runtime, users={"reader": user.id})
            for document_id in document_ids:
                add_grant(session, world, "reader", document_id=document_id)
    finally:
        runtime.close()
    return ["--user", "reader"]


@pytest.mark.slow
def test_ingest_folder_reports_each_file_and_files_them(cli_env, settings, tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    samples.save_png(samples.render_page(), inbox / "contract.png")
    samples.write_text_pdf(inbox / "licence.pdf", [LICENCE])
    (inbox / "empty.pdf").write_bytes(b"")
    (inbox / "notes.pdf").write_text("just some text, not a PDF", encoding="utf-8")
    shutil.copy(inbox / "contract.png", inbox / "sub" / "contract-again.png")

    result = cli_env.invoke(app, ["ingest", str(inbox), "--json"])
    rows = {r["file"].rsplit("/", 1)[-1]: r for r in _lines(result.stdout)}

    assert result.exit_code == 1  # some files were rejected
    assert set(rows) == {"contract.png", "licence.pdf", "empty.pdf", "notes.pdf", "contract-again.png"}
    assert rows["contract.png"]["status"] == "ingested"
    assert rows["licence.pdf"]["status"] == "ingested"
    assert rows["contract-again.png"]["status"] == "duplicate"
    assert rows["contract-again.png"]["document_id"] == rows["contract.png"]["document_id"]
    assert rows["empty.pdf"]["status"] == "rejected" and "文件为空" in rows["empty.pdf"]["reason"]
    assert "empty" in rows["empty.pdf"]["reason"]
    assert rows["notes.pdf"]["status"] == "rejected" and rows["notes.pdf"]["document_id"] is None
    assert all(set(r) == {"file", "status", "document_id", "sha256", "reason"} for r in rows.values())

    contract_id, licence_id = rows["contract.png"]["document_id"], rows["licence.pdf"]["document_id"]
    refused = cli_env.invoke(app, ["show", str(contract_id), "--json"])  # the admin reads nothing by role
    assert refused.exit_code == 1 and len(refused.stderr.strip().splitlines()) == 1
    reader = _reader(settings, contract_id, licence_id)
    shown = cli_env.invoke(app, ["show", str(contract_id), "--json", *reader])
    doc = json.loads(shown.stdout)
    assert doc["doc_type"] == "contract"
    assert doc["customer"] == "上海明远贸易有限公司"
    assert re.fullmatch(r"A001-KH·\d{4}-D30-XS-\d{4}", doc["archive_no"])
    assert doc["pages"][0]["method"] == "ocr" and doc["pages"][0]["confidence"] > 50
    assert "借款合同" in doc["pages"][0]["text"]
    assert "91310115MA1K4Q8X21" in [c["value"] for c in doc["extracted"]["credit_codes"]]
    assert 100_000_000 in [a["fen"] for a in doc["extracted"]["amounts"]]
    assert [d["kind"] for d in doc["derivatives"]] == ["searchable_pdf"]
    assert doc["derivatives"][0]["sha256"] != doc["sha256"]

    licence = json.loads(cli_env.invoke(app, ["show", str(licence_id), "--json", *reader]).stdout)
    assert licence["doc_type"] == "licence" and licence["pages"][0]["method"] == "text_layer"
    assert licence["customer"] == "上海明远贸易有限公司"  # matched by credit code to the same file
    assert licence["customer_id"] == doc["customer_id"]

    assert json.loads(cli_env.invoke(app, ["search", "借款合同", "--json"]).stdout)["total"] == 0
    found = json.loads(cli_env.invoke(app, ["search", "借款合同", "--json", "--limit", "5", *reader]).stdout)
    assert found["total"] >= 1
    hit = found["hits"][0]
    assert hit["document_id"] == doc["document_id"] and "<mark>" in hit["snippet"]
    assert set(hit) >= {  # the README's contract; later fields may be added
        "document_id",
        "sha256",
        "title",
        "archive_no",
        "doc_type",
        "customer",
        "score",
        "snippet",
    }


def test_show_unknown_document_exits_non_zero_with_one_line(cli_env):
    # Refused as a record one may not read: a different answer would tell which ids hold records.
    result = cli_env.invoke(app, ["show", "999", "--json"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "You are not cleared to read this record" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_second_ingest_of_the_same_files_says_duplicate(cli_env, tmp_path):
    pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    first = _lines(cli_env.invoke(app, ["ingest", str(pdf), "--json"]).stdout)
    again = cli_env.invoke(app, ["ingest", str(pdf), "--json"])
    assert again.exit_code == 0
    assert _lines(again.stdout)[0]["status"] == "duplicate"
    assert _lines(again.stdout)[0]["document_id"] == first[0]["document_id"]


def test_unknown_type_is_refused_before_anything_is_stored(cli_env, tmp_path):
    pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    result = cli_env.invoke(app, ["ingest", str(pdf), "--type", "nonsense", "--json"])
    assert result.exit_code == 2 and "nonsense" in result.stderr


def test_customer_and_type_given_on_the_command_line_win(cli_env, settings, tmp_path):
    pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    row = _lines(
        cli_env.invoke(
            app, ["ingest", str(pdf), "--json", "--customer", "杭州青禾农业合作社", "--type", "customer_form"]
        ).stdout
    )[0]
    reader = _reader(settings, row["document_id"])
    doc = json.loads(cli_env.invoke(app, ["show", str(row["document_id"]), "--json", *reader]).stdout)
    assert doc["customer"] == "杭州青禾农业合作社" and doc["doc_type"] == "customer_form"
