"""Pages: handover lists — the inboxes, the create form, counting, returning, signing, the PDF, the dashboard."""

from __future__ import annotations

from datetime import date

from access.models import User
from tests.web.conftest import text_of
from workflows import custody
from workflows.runtime import Runtime

BOX = "总部/档案室/A柜/2层/03盒"


def _lines(*rows: tuple[str, str, str]) -> dict:
    return {
        "line_title": [r[0] for r in rows],
        "line_pieces": [r[1] for r in rows],
        "line_pages": [r[2] for r in rows],
        "line_document": ["" for _ in rows],
        "line_cert": ["" for _ in rows],
        "line_remarks": ["" for _ in rows],
    }


def test_a_handover_through_the_pages(tab, world):
    with world.runtime.factory() as session, session.begin():
        custody.add_location(
            session, path=BOX, kind="box", actor=session.get_one(User, world.users["archivist"])
        )
    alice, bob, archivist = tab("alice"), tab("bob"), tab("archivist")
    assert "编制移交清单" in alice.get("/custody/handovers").text
    form = alice.get("/custody/handovers/new").text
    assert 'value="bob"' in form and "客户c1" in form

    bad = alice.post("/custody/handovers", {"title": "甲项目", "customer": str(world.customers["c1"]), "reviewer": "alice",
                                            **_lines(("借款合同", "1", "12"))})  # fmt: skip
    assert bad.status_code == 400 and "审核人（B角）不能是移交人（A角）本人" in bad.text
    made = alice.post("/custody/handovers", {"title": "甲项目", "customer": str(world.customers["c1"]), "reviewer": "bob",
                                             "finished": "", **_lines(("借款合同", "1", "12"), ("", "", ""))})  # fmt: skip
    assert made.status_code == 303
    page = made.headers["location"]
    hid = int(page.rsplit("/", 1)[1])
    assert alice.post(f"{page}/sign").status_code == 303
    assert "甲项目" in text_of(
        bob.get("/custody/handovers").text.split('id="box-to_review"')[1].split("</section>")[0]
    )

    counted = {"count_position": ["1"], "count_pieces": ["1"], "count_pages": ["11"]}
    refused = bob.post(f"{page}/sign", counted)
    assert refused.status_code == 409 and "清点结果与清单不符" in refused.text
    assert 'id="count-pages-1"' in refused.text and 'value="11"' in refused.text  # the count typed is kept
    assert bob.post(f"{page}/return", counted | {"missing": "借款合同缺第5页"}).status_code == 303
    shown = text_of(alice.get(page).text)
    assert "已退回补充" in shown and "借款合同缺第5页" in shown and "1/11" in shown
    alice.post(f"{page}/sign")
    bob.post(f"{page}/sign", {"count_position": ["1"], "count_pieces": ["1"], "count_pages": ["12"]})
    accept_form = archivist.get(page).text
    assert BOX in accept_form and 'id="sign"' in accept_form
    done = archivist.post(f"{page}/sign", {"count_position": ["1"], "count_pieces": ["1"], "count_pages": ["12"],
                                           "location": BOX})  # fmt: skip
    assert done.status_code == 303
    final = text_of(archivist.get(page).text)
    assert "鸿借字〔2026〕第001号" in final and "已归档" in final
    pdf = bob.get(f"/custody/handovers/{hid}/list.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert tab("carol").get(page).status_code == 403


def test_late_steps_show_on_the_dashboard_of_who_owes_them(tab, world, monkeypatch):
    alice = tab("alice")
    alice.post("/custody/handovers", {"title": "逾期项目", "customer": str(world.customers["c1"]), "reviewer": "bob",
                                      "finished": "2026-02-13", **_lines(("合同", "1", "3"))})  # fmt: skip
    monkeypatch.setattr(Runtime, "today", lambda self: date(2026, 3, 9))
    mine = alice.get("/").text
    assert 'id="late-handovers"' in mine and "逾期项目" in mine
    assert 'id="late-handovers"' not in tab("bob").get("/").text  # B owes nothing yet
    en = tab("alice", lang="en").get("/").text
    assert "Late handovers" in en


def test_a_certificates_list_is_made_from_its_file_list_and_goes_to_the_safe(tab, world):
    with world.runtime.factory() as session, session.begin():
        archivist = session.get_one(User, world.users["archivist"])
        custody.add_location(session, path="总部/档案室/保险柜", kind="safe", actor=archivist)
    alice, bob, keeper = tab("alice"), tab("bob"), tab("archivist")
    made = alice.post("/custody/handovers", {"title": "丙项目", "customer": str(world.customers["c1"]), "reviewer": "bob",
                                             **_lines(("借款合同", "1", "5"))})  # fmt: skip
    file_id = made.headers["location"].rsplit("/", 1)[1]
    assert f"/custody/handovers/new?certificates_of={file_id}" in alice.get(made.headers["location"]).text
    form = alice.get(f"/custody/handovers/new?certificates_of={file_id}").text
    assert 'name="certificates_of"' in form and 'id="customer"' not in form
    certs = alice.post("/custody/handovers", {"certificates_of": file_id, "title": "", "finished": "",
                                              **_lines(("房屋所有权证", "1", "2"))})  # fmt: skip
    assert certs.status_code == 303, certs.text
    page = certs.headers["location"]
    alice.post(f"{page}/sign")
    bob.post(f"{page}/sign", {"count_position": ["1"], "count_pieces": ["1"], "count_pages": ["2"]})
    keeper.post(
        f"{page}/sign", {"count_position": ["1"], "count_pieces": ["1"], "count_pages": ["2"], "location": ""}
    )
    final = text_of(keeper.get(page).text)
    assert "重要权证移交清单" in final and "总部/档案室/保险柜" in final and "第001号" in final
    again = alice.post("/custody/handovers", {"certificates_of": file_id, **_lines(("他项权证", "1", "1"))})
    assert again.status_code == 400 and "已有权证移交清单" in again.text
