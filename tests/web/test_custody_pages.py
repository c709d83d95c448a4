"""Custody pages (issue 13): locations, items, scanning a label, loans step by step, ledgers and downloads,
the originals on the document and customer pages, overdue loans on the dashboard — in Chinese and English."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from custody.ledgers import item_code
from tests.api.world import add_document
from tests.web.conftest import text_of
from workflows import custody
from workflows.runtime import Runtime

BOX = "总部/档案室/A柜/2层/03盒"


@pytest.fixture
def item(world) -> dict:
    """An internal document of c1 with its original (2 pieces, 12 pages) in the box, made by the archivist."""
    from access.models import User

    doc = add_document(world, "c1", "internal", title="借款合同原件")
    with world.runtime.factory() as session, session.begin():
        archivist = session.get_one(User, world.users["archivist"])
        custody.add_location(session, path=BOX, kind="box", actor=archivist)
        made = custody.add_item(session, document_id=doc, customer_id=None, pieces=2, pages=12, location=BOX,
                                actor=archivist)  # fmt: skip
    return {"id": made.id, "doc": doc, "code": item_code(made.id)}


def _untranslated(html: str) -> list[str]:
    return re.findall(r"\b(?:ui|custody)\.[a-z_]+\.[a-z_.]+", text_of(html))


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_archivist_pages_show_locations_items_and_ledgers_in_both_languages(tab, item, lang):
    archivist = tab("archivist", lang)
    made = archivist.post("/custody/locations", {"path": "总部/档案室/保险柜", "kind": "safe"})
    assert made.status_code == 303
    for url in ("/custody", "/custody/locations", made.headers["location"], f"/custody/items/{item['id']}",
                "/custody/labels", "/custody/loans", "/custody/ledgers/archive", "/custody/ledgers/certificates",
                "/custody/ledgers/loans", "/"):  # fmt: skip
        page = archivist.get(url)
        assert page.status_code == 200, url
        assert not _untranslated(page.text), (url, _untranslated(page.text))
    words = text_of(archivist.get(f"/custody/items/{item['id']}").text)
    assert BOX in words and ("入库上架" if lang == "zh-CN" else "Put away") in words
    ledger = text_of(archivist.get("/custody/ledgers/archive?location=总部/档案室&status=in_store").text)
    assert item["code"] in ledger and ("共 1 条" if lang == "zh-CN" else "1 rows") in ledger


def test_a_scanned_code_opens_the_item_from_the_scan_box_and_the_search_box(tab, item):
    archivist = tab("archivist")
    assert (
        archivist.get(f"/custody/scan?code={item['code']}").headers["location"]
        == f"/custody/items/{item['id']}"
    )
    assert (
        archivist.get(f"/search?q={item['code'].lower()}").headers["location"]
        == f"/custody/items/{item['id']}"
    )
    assert archivist.get("/custody/scan?code=I999999").status_code == 404
    assert archivist.get("/search?q=I999999").status_code == 200  # not a label: an ordinary search


def test_ledger_downloads_and_labels(tab, item):
    archivist = tab("archivist")
    xlsx = archivist.get("/custody/ledgers/archive/export.xlsx?location=总部")
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[3][0] == item["code"] and rows[3][8] == BOX
    pdf = archivist.get("/custody/ledgers/loans/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    labels = archivist.get(f"/custody/labels.pdf?codes={item['code']}")
    assert labels.status_code == 200 and labels.content.startswith(b"%PDF")
    assert archivist.get("/custody/ledgers/archive?date_from=2026-99-01").status_code == 400
    assert tab("alice").get("/custody/ledgers/archive").status_code == 403
    assert tab("alice").get(f"/custody/labels.pdf?codes={item['code']}").status_code == 403


def test_a_loan_from_request_to_a_short_and_then_a_full_return(tab, item, world):
    alice, gm, archivist = tab("alice"), tab("gm"), tab("archivist")
    asked = alice.post("/custody/loans", {"items": item["code"], "purpose": "贷后检查", "days": "7"})
    assert asked.status_code == 303
    loan_url = asked.headers["location"]
    assert gm.post(f"{loan_url}/approve").status_code == 303
    assert archivist.post(f"{loan_url}/out").status_code == 303
    doc_page = text_of(alice.get(f"/documents/{item['doc']}").text)
    assert "纸质原件" in doc_page and "借出" in doc_page
    short = archivist.post(f"{loan_url}/return", {"pieces": "2", "pages": "11"})
    assert short.headers["location"].endswith("?result=short")
    page = text_of(archivist.get(short.headers["location"]).text)
    assert "归还短缺" in page and "已借出" in page
    full = archivist.post(f"{loan_url}/return", {"pieces": "2", "pages": "12"})
    assert full.headers["location"].endswith("?result=complete")
    assert "已归还" in text_of(archivist.get(loan_url).text)
    customer_page = text_of(archivist.get(f"/customers/{world.customers['c1']}").text)
    assert item["code"] in customer_page and BOX in customer_page
    assert archivist.post(f"{loan_url}/return", {"pieces": "x", "pages": "1"}).status_code in (400, 409)


def test_overdue_loans_show_on_the_dashboard(tab, item, world, monkeypatch):
    alice, gm, archivist = tab("alice"), tab("gm"), tab("archivist")
    monkeypatch.setattr(Runtime, "today", lambda self: date(2026, 2, 2))
    loan_url = alice.post("/custody/loans", {"items": str(item["id"]), "purpose": "诉讼"}).headers["location"]
    gm.post(f"{loan_url}/approve")
    archivist.post(f"{loan_url}/out")
    monkeypatch.setattr(Runtime, "today", lambda self: date(2026, 3, 9))
    for who in (alice, archivist):
        tile = text_of(who.get("/").text)
        assert "逾期未还" in tile and "借字〔2026〕第001号" in tile
    assert "逾期未还" not in text_of(tab("bob").get("/").text)
