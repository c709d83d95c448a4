"""Ledgers (台账), labels, inspections (POL-12), overdue reminders (ACC-2) and destruction as a movement."""

from __future__ import annotations

import io
from datetime import date, timedelta

import cv2
import numpy as np
import pypdfium2
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from access.errors import AccessDenied
from access.models import Notification
from core.audit import AuditEvent
from core.errors import DanganError, NotFound
from custody import items as custody_items
from custody.ledgers import LedgerFilter, item_code, parse_code
from custody.models import Movement
from retention.paper import destroy_paper_originals, has_paper
from tests.api.world import add_document
from tests.custody.conftest import TODAY, user
from workflows import custody, custody_records, custody_reminders

BOX = "总部/档案室/A柜/2层/03盒"
OTHER = "总部/档案室/B柜"
SAFE = "总部/档案室/保险柜"
PATTERN = "借字〔{year}〕第{seq:03d}号"
TZ = "Asia/Shanghai"


@pytest.fixture
def archive(world) -> dict[str, int]:
    """Three originals (two in the box, one in cabinet B) and a certificate in the safe."""
    with world.runtime.factory() as session, session.begin():
        archivist = user(session, world, "archivist")
        for path, kind in ((BOX, "box"), (OTHER, "cabinet"), (SAFE, "safe")):
            custody.add_location(session, path=path, kind=kind, actor=archivist)
    made: dict[str, int] = {}
    for name, customer, place, kind, title in (
        ("loan", "c1", BOX, "original", "借款合同甲"),
        ("guarantee", "c1", BOX, "original", "担保合同乙"),
        ("letter", "c2", OTHER, "other", "往来函件丙"),
        ("deed", "c1", SAFE, "certificate", "房产证丁"),
    ):
        doc = add_document(world, customer, "internal", title=title)
        with world.runtime.factory() as session, session.begin():
            made[name] = custody.add_item(session, document_id=doc, customer_id=None, pieces=1, pages=10,
                                          kind=kind, location=place,
                                          actor=user(session, world, "archivist")).id  # fmt: skip
            made[name + "_doc"] = doc
    return made


def _page(world, ledger, login="archivist", **filters):
    with world.runtime.factory() as session, session.begin():
        return custody_records.ledger_page(session, ledger=ledger, filters=LedgerFilter(**filters),
                                           actor=user(session, world, login), today=TODAY, tz=TZ)  # fmt: skip


def _lend(world, item_id, *, today=TODAY):
    with world.runtime.factory() as session, session.begin():
        loan = custody.request_loan(session, item_ids=[item_id], purpose="诉讼", days=7,
                                    actor=user(session, world, "alice"), today=today, default_days=10,
                                    slip_pattern=PATTERN)  # fmt: skip
    with world.runtime.factory() as session, session.begin():
        custody.approve_loan(session, loan_id=loan.id, actor=user(session, world, "chair"))
        custody.hand_out(session, loan_id=loan.id, actor=user(session, world, "archivist"), today=today)
    return loan.id


def test_archive_ledger_filters_by_place_status_customer_and_kind(world, archive):
    everything = _page(world, "archive")
    assert everything.total == 3 and {r.id for r in everything.rows} == {
        archive[k] for k in ("loan", "guarantee", "letter")
    }
    in_box = _page(world, "archive", location="总部/档案室/A柜")  # the cabinet covers the box under it
    assert {r.id for r in in_box.rows} == {archive["loan"], archive["guarantee"]}
    assert _page(world, "archive", customer_id=world.customers["c2"]).total == 1
    assert [r.id for r in _page(world, "archive", kind="other").rows] == [archive["letter"]]
    assert [r.title for r in _page(world, "archive", number="担保").rows] == ["担保合同乙"]
    certificates = _page(world, "certificates")
    assert [(r.id, r.location) for r in certificates.rows] == [(archive["deed"], SAFE)]

    loan_id = _lend(world, archive["loan"])
    out = _page(world, "archive", status="out")
    assert [(r.id, r.location, r.holder, r.loan_id) for r in out.rows] == [
        (archive["loan"], None, "alice", loan_id)
    ]
    assert {r.id for r in _page(world, "archive", location=BOX).rows} == {archive["guarantee"]}
    assert _page(world, "archive", status="in_store").total == 2


def test_ledger_place_always_matches_the_last_movement(world, archive):
    _lend(world, archive["guarantee"])
    with world.runtime.factory() as session, session.begin():
        custody.move_item(session, item_id=archive["letter"], to=BOX, reason="并盒",
                          actor=user(session, world, "archivist"))  # fmt: skip
    rows = _page(world, "archive").rows + _page(world, "certificates").rows
    with world.runtime.factory() as session:
        for row in rows:
            here = custody_items.current_location(session, row.id)
            assert row.location == (here.path if here else None)


def test_ledgers_are_for_the_archivist_and_auditor_and_loans_also_for_approvers(world, archive):
    assert _page(world, "archive", login="auditor").total == 3
    assert _page(world, "loans", login="chair").total == 0
    with pytest.raises(AccessDenied):
        _page(world, "archive", login="alice")
    with pytest.raises(AccessDenied):
        _page(world, "archive", login="chair")
    with pytest.raises(NotFound):
        _page(world, "nonsense")
    with pytest.raises(DanganError):
        _page(world, "archive", status="lost")
    with pytest.raises(DanganError):
        _page(world, "archive", date_from=date(2026, 3, 9), date_to=date(2026, 3, 1))


def test_loan_ledger_lists_slips_with_items_and_filters_overdue_and_borrower(world, archive):
    loan_id = _lend(world, archive["loan"], today=date(2026, 2, 2))
    page = _page(world, "loans")
    (row,) = page.rows
    assert (row.id, row.borrower, row.pieces, row.pages, row.overdue) == (loan_id, "alice", 1, 10, True)
    assert "借款合同甲" in row.items and row.slip_no == "借字〔2026〕第001号"
    assert _page(world, "loans", status="overdue").total == 1
    assert _page(world, "loans", borrower="bob").total == 0
    assert _page(world, "loans", customer_id=world.customers["c2"]).total == 0


def test_ledger_exports_to_xlsx_and_pdf_in_chinese_and_are_audited(world, archive):
    _lend(world, archive["loan"])
    with world.runtime.factory() as session, session.begin():
        archivist = user(session, world, "archivist")
        xlsx = custody_records.export_ledger(session, ledger="archive", filters=LedgerFilter(location="总部"),
                                             fmt="xlsx", actor=archivist, today=TODAY, tz=TZ)  # fmt: skip
        pdf = custody_records.export_ledger(session, ledger="loans", filters=LedgerFilter(), fmt="pdf",
                                            actor=archivist, today=TODAY, tz=TZ)  # fmt: skip
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "档案台账" and "位置: 总部" in values[1][0]
    assert values[2][:3] == ["标签编码", "档号", "题名"]
    body = {row[2]: row for row in values[3:]}
    assert set(body) == {"担保合同乙", "往来函件丙"}  # the lent one is not in a place under 总部
    assert body["担保合同乙"][7] == "在库" and body["担保合同乙"][8] == BOX
    text = "".join(pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range().split())
    assert "借阅台账" in text and "借字〔2026〕第001号" in text and "alice" in text
    with world.runtime.factory() as session:
        actions = list(
            session.scalars(select(AuditEvent.action).where(AuditEvent.action == "custody.ledger.export"))
        )
    assert len(actions) == 2


def _decode_qr(pdf: bytes) -> list[str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = np.array(page.render(scale=3).to_pil().convert("L"))
    ok, texts, _, _ = cv2.QRCodeDetector().detectAndDecodeMulti(image)
    assert ok
    return sorted(t for t in texts if t)


def test_labels_carry_the_item_and_location_codes_as_qr(world, archive):
    with world.runtime.factory() as session, session.begin():
        pdf = custody_records.labels(session, item_ids=[archive["loan"], archive["deed"]], location_paths=[BOX],
                                     actor=user(session, world, "archivist"))  # fmt: skip
        box_code = custody.list_locations(session, actor=user(session, world, "archivist"))[-1]
    with world.runtime.factory() as session:
        from custody.locations import find

        box = find(session, BOX).code
    assert _decode_qr(pdf) == sorted([item_code(archive["loan"]), item_code(archive["deed"]), box])
    assert box_code is not None
    with world.runtime.factory() as session, session.begin(), pytest.raises(AccessDenied):
        custody_records.labels(session, item_ids=[archive["loan"]], actor=user(session, world, "alice"))


def test_a_scanned_code_names_its_item_or_location(world, archive):
    assert parse_code(" i000012 ") == ("item", 12) and parse_code("hello") is None
    with world.runtime.factory() as session, session.begin():
        archivist = user(session, world, "archivist")
        assert (
            custody_records.scan(session, code=item_code(archive["deed"]), actor=archivist).id
            == archive["deed"]
        )
        from custody.locations import find

        box = find(session, BOX)
        assert custody_records.scan(
            session, code=box.code.lower(), actor=archivist
        ) == custody_records.Scanned("location", box.id)
        with pytest.raises(NotFound):
            custody_records.scan(session, code="I999999", actor=archivist)


def test_inspections_cover_the_places_under_them_and_are_listed_when_overdue(world, archive):
    def overdue(today):
        with world.runtime.factory() as session, session.begin():
            return [o.location for o in custody_records.overdue_inspections(
                session, today=today, cycle_days=90, actor=user(session, world, "archivist"))]  # fmt: skip

    assert overdue(TODAY) == ["总部/档案室", SAFE]  # the room and the safe, never inspected
    with world.runtime.factory() as session, session.begin():
        made = custody_records.inspect(session, path="总部/档案室", findings="墙角轻微受潮，已除湿", issues=["damp"],
                                       on=date(2026, 3, 2), today=TODAY, actor=user(session, world, "archivist"))  # fmt: skip
    assert (made.inspector, made.issues, made.inspected_on) == ("archivist", ["damp"], date(2026, 3, 2))
    assert overdue(TODAY) == []  # the room's inspection covers the safe inside it
    assert overdue(date(2026, 3, 2) + timedelta(days=91)) == ["总部/档案室", SAFE]
    with world.runtime.factory() as session, session.begin(), pytest.raises(DanganError):
        custody_records.inspect(
            session, path=SAFE, findings="", today=TODAY, actor=user(session, world, "archivist")
        )
    with world.runtime.factory() as session, session.begin(), pytest.raises(DanganError):
        custody_records.inspect(session, path=SAFE, findings="x", issues=["mould"], today=TODAY,
                                actor=user(session, world, "archivist"))  # fmt: skip
    with world.runtime.factory() as session, session.begin(), pytest.raises(AccessDenied):
        custody_records.inspect(
            session, path=SAFE, findings="x", today=TODAY, actor=user(session, world, "alice")
        )


def test_overdue_loans_are_reminded_to_borrower_and_archivists_once_a_day(world, archive, caplog):
    loan_id = _lend(world, archive["loan"], today=date(2026, 2, 2))
    day = date(2026, 3, 9)
    with world.runtime.factory() as session, session.begin():
        assert custody_reminders.remind_overdue_loans(session, today=day) == 2
        assert custody_reminders.remind_overdue_loans(session, today=day) == 0  # run twice: no double
        assert custody_reminders.remind_overdue_loans(session, today=day + timedelta(days=1)) == 2
        notes = list(
            session.scalars(select(Notification).where(Notification.code == custody_reminders.REMINDER))
        )
        (overdue,) = custody_reminders.overdue_loans(session, today=day, viewer=user(session, world, "alice"))
        assert custody_reminders.overdue_loans(session, today=day, viewer=user(session, world, "bob")) == []
    assert {n.user_id for n in notes} == {world.users["alice"], world.users["archivist"]}
    assert notes[0].params["loan"] == loan_id and overdue.id == loan_id
    assert "overdue" in caplog.text and "借字〔2026〕第001号" in caplog.text


def test_destruction_records_a_destroy_movement_and_ends_the_items_custody(world, archive):
    doc = archive["letter_doc"]
    with world.runtime.factory() as session, session.begin():
        assert has_paper(session, [doc])
        assert destroy_paper_originals(session, [doc], actor="officer", reason="销毁批次 1") == 1
    with world.runtime.factory() as session, session.begin():
        assert not has_paper(session, [doc])
        last = session.scalars(
            select(Movement).where(Movement.item_id == archive["letter"]).order_by(Movement.id.desc())
        ).first()
        assert (last.kind, last.from_location_id is not None, last.to_location_id, last.actor) == (
            "destroy",
            True,
            None,
            "officer",
        )
        assert destroy_paper_originals(session, [doc]) == 0  # once only
    assert [r.id for r in _page(world, "archive", status="destroyed").rows] == [archive["letter"]]
    with world.runtime.factory() as session, session.begin(), pytest.raises(DanganError):
        custody.move_item(
            session, item_id=archive["letter"], to=BOX, reason="x", actor=user(session, world, "archivist")
        )


def test_the_worker_reminds_of_overdue_loans_once_daily_at_half_past_eight_beijing_time(world, archive):
    from datetime import datetime

    from sqlalchemy import func

    from access.models import Notification
    from core.job_runs import JobRun
    from workflows.jobs import build_queue
    from workflows.scheduled import run_job

    queue = build_queue(world.runtime)
    due = {task.name for task in queue.read_periodic(datetime(2026, 3, 9, 0, 30))}  # UTC
    assert "scheduled_reminders" in due
    # One periodic entry reminds of overdue loans: the reminders job (with its job_run), not a second task.
    day = {task.name for minute in range(24 * 60)
           for task in queue.read_periodic(datetime(2026, 3, 9) + timedelta(minutes=minute))}  # fmt: skip
    assert "scheduled_reminders" in day and not any("overdue" in name for name in day)
    assert "scheduled_reminders" not in {
        task.name for task in queue.read_periodic(datetime(2026, 3, 9, 1, 30))
    }
    _lend(world, archive["loan"], today=date(2026, 2, 2))
    outcome = run_job(world.runtime, "reminders", slot="2026-03-09T00:30Z")
    assert outcome.state == "ok" and outcome.result["loans_overdue"] == 1
    with world.runtime.factory() as session:
        assert session.get_one(JobRun, outcome.run_id).state == "ok"
        overdue = select(func.count()).where(Notification.code == "custody.loan.overdue_reminder")
        assert (
            session.scalar(overdue) == 2
        )  # the borrower and the archivist; today (the real one) is past 2026-02-11
