"""A whole handover in headless Chromium against `dangan serve` (issue 13's proof): preparer A lists a
finished matter and signs, reviewer B counts a page short and returns it, A finds the page and signs again,
B passes it, the archivist counts, numbers and files it; the PDF is downloaded. Screenshots in artifacts/.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from playwright.sync_api import expect

from access.models import User
from workflows import custody
from workflows.runtime import Runtime

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BOX = "总部/档案室/移交演示盒"


@pytest.fixture
def box(server):  # type: ignore[no-untyped-def]
    runtime = Runtime(server.world.runtime.settings)
    world = replace(server.world, runtime=runtime)
    with runtime.factory() as session, session.begin():
        archivist = session.get_one(User, world.users["archivist"])
        custody.add_location(session, path=BOX, kind="box", actor=archivist)
    runtime.close()
    return BOX


def test_a_handover_returned_for_a_missing_page_then_passed_and_filed(person, server, box, tmp_path):
    alice = person("alice")
    page = alice.page
    alice.goto("/custody/handovers")
    page.click("#new-handover")
    page.fill("#title", "鸿达公司流动资金贷款")
    page.select_option("#customer", str(server.world.customers["c1"]))
    page.select_option("#reviewer", "bob")
    page.fill("#line-title-1", "借款合同")
    page.fill("#line-pieces-1", "1")
    page.fill("#line-pages-1", "12")
    page.fill("#line-document-1", str(server.docs["public"]))
    page.fill("#line-title-2", "项目调查报告")
    page.fill("#line-pieces-2", "1")
    page.fill("#line-pages-2", "30")
    alice.shot("new")
    page.click("#handover-form button.primary")
    expect(page.locator("#status")).to_have_text("待移交人签字")
    handover_url = page.url
    page.click("#sign-prepared")
    expect(page.locator("#status")).to_have_text("待审核")
    alice.shot("signed")

    bob = person("bob")
    bob.goto("/custody/handovers")
    expect(bob.page.locator("#box-to_review")).to_contain_text("鸿达公司流动资金贷款")
    bob.page.click("#box-to_review a")
    bob.page.fill("#count-pages-1", "11")  # one page short
    bob.page.click("#sign")
    expect(bob.page.locator("#step-error")).to_contain_text("清点结果与清单不符")
    bob.shot("mismatch")
    expect(bob.page.locator("#count-pages-1")).to_have_value("11")  # what was counted is kept
    bob.page.fill("#missing", "借款合同缺第5页（签字页）")
    bob.page.click("#return")
    expect(bob.page.locator("#status")).to_have_text("已退回补充")
    expect(bob.page.locator("#line-1")).to_contain_text("1/11")

    alice.page.goto(handover_url)
    expect(alice.page.locator("#steps")).to_contain_text("借款合同缺第5页")
    alice.shot("returned")
    alice.page.click("#sign-prepared")  # the page is found and put back
    expect(alice.page.locator("#status")).to_have_text("待审核")

    bob.page.goto(handover_url)
    bob.page.click("#sign")  # counted as listed this time
    expect(bob.page.locator("#status")).to_have_text("待档案室接收")
    bob.shot("passed")

    archivist = person("archivist")
    archivist.goto("/custody/handovers")
    expect(archivist.page.locator("#box-to_accept")).to_contain_text("鸿达公司流动资金贷款")
    archivist.page.goto(handover_url)
    archivist.page.select_option("#location", BOX)
    archivist.page.click("#sign")
    expect(archivist.page.locator("#status")).to_have_text("已归档")
    expect(archivist.page.locator("h1")).to_contain_text("第001号")
    expect(archivist.page.locator("#location")).to_have_text(BOX)
    archivist.shot("filed")
    with archivist.page.expect_download() as download:
        archivist.page.click("#pdf-link")
    saved = tmp_path / "handover.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
