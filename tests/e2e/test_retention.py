"""A whole destruction batch in headless Chromium against `dangan serve` (issue 6's proof): the records
officer builds a batch from the due list, appraises it, two managers approve, the officer executes it with
the paper witnesses, watches the progress, and downloads the register. Screenshots go to tests/e2e/artifacts/.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from playwright.sync_api import expect

from custody.models import PaperOriginal
from tests.retention.conftest import add_record
from workflows.runtime import Runtime

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def due_records(server):  # type: ignore[no-untyped-def]
    """Two letters of 2010 (due 2021-01-01) in the served archive, one with its paper original in store."""
    runtime = Runtime(server.world.runtime.settings)
    world = replace(server.world, runtime=runtime)
    docs = [add_record(world, doc_date=date(2010, 3, 5), title=f"销毁演示函件{i}") for i in range(2)]
    with runtime.factory() as session, session.begin():
        session.add(PaperOriginal(document_id=docs[0], location="档案室 A-03-2-15"))
    runtime.close()
    return docs


def test_officer_destroys_a_batch_from_proposal_to_register(person, due_records, tmp_path):
    officer = person("officer", prefix="retention-officer")
    page = officer.page
    officer.goto("/retention/due")
    for doc in due_records:
        page.check(f"#due-{doc} input[type=checkbox]")
    page.fill("#note", "2021 年到期函件")
    officer.shot("due-list")
    page.click("#create-batch")
    expect(page.locator("h1")).to_contain_text("销毁批次")
    batch_url = page.url
    page.fill("#opinion", "已过保管期限，无继续保存价值")
    page.click("#appraise-form button")
    expect(page.locator("#batch-state")).to_have_text("已鉴定")
    for login in ("mgr1", "gm"):
        manager = person(login, prefix=f"retention-{login}")
        manager.page.goto(batch_url)
        manager.page.fill("#approve-opinion", "同意销毁")
        manager.page.click("#approve-form button")
        expect(manager.page.locator("#approvals")).to_contain_text(login)
        manager.shot("approved")
    page.goto(batch_url)
    expect(page.locator("#batch-state")).to_have_text("已批准")
    page.fill("#paper_method", "碎纸机粉碎")
    page.fill("#paper_place", "档案室")
    page.fill("#witness1", "王监销")
    page.fill("#witness2", "李监销")
    officer.shot("execute")
    page.click("#execute-form button")
    expect(page.locator("#batch-state")).to_have_text("已销毁", timeout=60_000)  # polled while it runs
    page.reload()
    expect(page.locator("#items tr.good")).to_have_count(2)
    expect(page.locator("#cover")).to_contain_text("王监销")
    officer.shot("destroyed")
    with page.expect_download() as download:
        page.click("#registers a[href$='register.pdf']")
    saved = tmp_path / "register.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    officer.goto("/retention/due")
    for doc in due_records:
        expect(page.locator(f"#due-{doc}")).to_have_count(0)


def test_officer_saves_a_rule_through_the_form_with_no_script_the_policy_blocks(person):
    officer = person("officer", prefix="retention-rule")
    page = officer.page
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    officer.goto("/retention")
    page.select_option("#doc_type", "correspondence")
    page.fill("#years", "7")
    page.fill("#basis", "公司档案管理制度第十二条")
    page.click("#rule-form button.primary")
    page.wait_for_url("**/retention")
    expect(page.locator("#rule-correspondence")).to_contain_text("定期7年")
    expect(page.locator("#rule-correspondence")).to_contain_text("第十二条")
    officer.shot("rule-saved")
    assert blocked == []
