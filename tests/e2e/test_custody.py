"""Paper originals in headless Chromium against `dangan serve` (issue 13's proof): scanning a label opens the
item; a loan asked for, approved, handed out, coming back one page short (an incident, the loan stays open)
and then complete; an overdue loan on the borrower's and the archivist's dashboards."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from playwright.sync_api import expect

from access.models import User
from custody.ledgers import item_code
from tests.api.world import add_document
from workflows import custody
from workflows.runtime import Runtime

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
BOX = "总部/档案室/E柜/1层/01盒"


def _item(server, title: str, *, pieces: int, pages: int) -> dict:
    """A document of c1 with its paper original in the box, in the served archive."""
    runtime = Runtime(server.world.runtime.settings)
    world = replace(server.world, runtime=runtime)
    doc = add_document(world, "c1", "internal", title=title)
    with runtime.factory() as session, session.begin():
        archivist = session.get_one(User, world.users["archivist"])
        if BOX not in {x.path for x in custody.list_locations(session, actor=archivist)}:
            custody.add_location(session, path=BOX, kind="box", actor=archivist)
        made = custody.add_item(session, document_id=doc, customer_id=None, pieces=pieces, pages=pages,
                                location=BOX, actor=archivist)  # fmt: skip
    runtime.close()
    return {"id": made.id, "code": item_code(made.id), "doc": doc}


def test_a_scanned_label_opens_the_item(person, server):
    item = _item(server, "扫码演示合同", pieces=1, pages=3)
    archivist = person("archivist", prefix="custody-scan")
    archivist.goto("/custody")
    page = archivist.page
    page.fill("#scan", item["code"])  # a handheld scanner types the code …
    page.press("#scan", "Enter")  # … and presses Enter
    expect(page.locator("h1")).to_contain_text(item["code"])
    expect(page.locator("#where-now")).to_have_text(BOX)
    archivist.shot("item")
    archivist.goto("/")
    page.fill("#q", item["code"])  # the search box knows a label code too
    page.press("#q", "Enter")
    expect(page.locator("h1")).to_contain_text(item["code"])


def test_a_loan_comes_back_one_page_short_and_then_complete(person, server):
    item = _item(server, "借阅演示合同", pieces=2, pages=12)
    alice = person("alice", prefix="custody-alice")
    alice.goto(f"/custody/items/{item['id']}")
    alice.page.click("#borrow")
    expect(alice.page.locator("#loan-items")).to_have_value(item["code"])
    alice.page.fill("#loan-purpose", "贷后检查")
    alice.page.fill("#loan-days", "7")
    alice.shot("request")
    alice.page.click("#loan-form button")
    expect(alice.page.locator("#loan-status")).to_have_text("待审批")
    loan_url = alice.page.url

    gm = person("gm", prefix="custody-gm")
    gm.page.goto(loan_url)
    gm.page.click("#approve-form button")
    expect(gm.page.locator("#loan-status")).to_have_text("已批准")

    archivist = person("archivist", prefix="custody-archivist")
    page = archivist.page
    page.goto(loan_url)
    page.click("#out-form button")
    expect(page.locator("#loan-status")).to_contain_text("已借出")
    expect(page.locator("#expected")).to_contain_text("2 件 12 页")
    page.fill("#return-pieces", "2")
    page.fill("#return-pages", "11")  # one page short
    page.click("#return-form button")
    expect(page.locator("#return-result")).to_contain_text("归还短缺")
    expect(page.locator("#loan-status")).to_contain_text("已借出")
    expect(page.locator("#loan-incidents")).to_have_text("1")
    archivist.shot("short")
    page.goto(f"{server.url}/custody/items/{item['id']}")
    expect(page.locator("#where-now")).to_contain_text("已借出")
    page.goto(loan_url)
    page.fill("#return-pieces", "2")
    page.fill("#return-pages", "12")
    page.click("#return-form button")
    expect(page.locator("#return-result")).to_contain_text("已全部归还")
    expect(page.locator("#loan-status")).to_have_text("已归还")
    archivist.shot("returned")
    page.goto(f"{server.url}/custody/items/{item['id']}")
    expect(page.locator("#where-now")).to_have_text(BOX)
    page.goto(f"{server.url}/documents/{item['doc']}")
    expect(page.locator("#originals")).to_contain_text(BOX)


def test_an_overdue_loan_shows_on_the_dashboard(person, server):
    item = _item(server, "逾期演示合同", pieces=1, pages=5)
    runtime = Runtime(server.world.runtime.settings)
    with runtime.factory() as session, session.begin():
        alice = session.get_one(User, server.world.users["alice"])
        loan = custody.request_loan(session, item_ids=[item["id"]], purpose="诉讼", days=7, actor=alice,
                                    today=date(2026, 3, 2), default_days=10, slip_pattern="借字〔{year}〕第{seq:03d}号")  # fmt: skip
    with runtime.factory() as session, session.begin():
        gm = session.get_one(User, server.world.users["gm"])
        archivist = session.get_one(User, server.world.users["archivist"])
        custody.approve_loan(session, loan_id=loan.id, actor=gm)
        custody.hand_out(session, loan_id=loan.id, actor=archivist, today=date(2026, 3, 2))  # due 2026-03-11
    runtime.close()
    for login in ("alice", "archivist"):
        who = person(login, prefix=f"custody-overdue-{login}")
        who.goto("/")
        tile = who.page.locator("#overdue-loans")
        expect(tile).to_contain_text("逾期未还")
        expect(tile).to_contain_text(loan.slip_no)
        who.shot("dashboard")
    bob = person("bob", prefix="custody-overdue-bob")
    bob.goto("/")
    expect(bob.page.locator("#overdue-loans")).to_have_count(0)
