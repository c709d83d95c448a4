"""Handover of a finished matter (POL-7, POL-8, HND-1, HND-2, FIX-2, CLS-4): A lists, B reviews, the archive
numbers and accepts; deadlines in working days; a mismatch blocks unless an exception is signed."""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pdfplumber
import pytest
from sqlalchemy import select

from access.errors import AccessDenied
from access.models import UserRole
from core.audit import AuditEvent
from core.calendar import CalendarOverride
from core.errors import Conflict, DanganError
from custody.handover_models import Handover
from custody.handovers import Line
from tests.api.world import add_document
from tests.custody.conftest import TODAY, user
from workflows import custody, handovers

BOX = "总部/档案室/A柜/2层/03盒"
SAFE = "总部/档案室/保险柜"
PATTERN = "{prefix}〔{year}〕第{n:03d}号"


@pytest.fixture
def places(world) -> None:
    with world.runtime.factory() as session, session.begin():
        archivist = user(session, world, "archivist")
        custody.add_location(session, path=BOX, kind="box", actor=archivist)
        custody.add_location(session, path=SAFE, kind="safe", actor=archivist)


def _create(world, login="alice", *, lines=None, finished_on=TODAY, today=TODAY, reviewer="bob", **kw):
    doc = add_document(world, "c1", "department", title="借款合同")
    lines = (
        lines
        if lines is not None
        else [Line("借款合同", 1, 12, document_id=doc), Line("项目调查报告", 1, 30)]
    )
    with world.runtime.factory() as session, session.begin():
        return handovers.create_handover(session, title="甲公司流动资金贷款", customer_id=world.customers["c1"],
                                         reviewer=reviewer, lines=lines, actor=user(session, world, login),
                                         today=today, prefix="鸿借字", finished_on=finished_on, **kw)  # fmt: skip


def _sign(world, login, handover_id, *, today=TODAY, **kw):
    with world.runtime.factory() as session, session.begin():
        return handovers.sign_handover(session, handover_id=handover_id, actor=user(session, world, login),
                                       today=today, pattern=PATTERN, **kw)  # fmt: skip


def _return(world, login, handover_id, missing, **kw):
    with world.runtime.factory() as session, session.begin():
        return handovers.return_handover(session, handover_id=handover_id, missing=missing,
                                         actor=user(session, world, login), today=TODAY, **kw)  # fmt: skip


def _where(world, item_id):
    with world.runtime.factory() as session, session.begin():
        return custody.where(session, item_id=item_id, actor=user(session, world, "archivist"))


def test_a_handover_returned_for_a_missing_page_then_accepted_into_the_ledger(world, places):
    made = _create(world)
    assert (made.status, made.owed_by, made.owed_by_login, made.number) == (
        "preparing",
        "preparer",
        "alice",
        None,
    )
    assert (made.pieces, made.pages, made.preparer_due) == (
        2,
        42,
        date(2026, 3, 12),
    )  # Monday + 3 working days
    signed = _sign(world, "alice", made.id)
    assert (signed.status, signed.owed_by_login, signed.reviewer_due) == (
        "reviewing",
        "bob",
        date(2026, 3, 11),
    )

    # B counts 11 pages of the contract: the list cannot pass as it is.
    with pytest.raises(Conflict) as mismatch:
        _sign(world, "bob", made.id, counts={1: (1, 11), 2: (1, 30)})
    assert (
        mismatch.value.code == "custody.handover.mismatch" and "1/12 → 1/11" in mismatch.value.params["lines"]
    )
    back = _return(world, "bob", made.id, "借款合同缺第5页", counts={1: (1, 11), 2: (1, 30)})
    assert (back.status, back.owed_by_login, back.lines[0].reviewer_count) == ("returned", "alice", [1, 11])

    _sign(world, "alice", made.id)  # the page is found and put back
    passed = _sign(world, "bob", made.id, as_listed=True)
    assert (passed.status, passed.owed_by, passed.due) == ("accepting", "archivist", None)
    with pytest.raises(DanganError) as nowhere:
        _sign(world, "archivist", made.id, as_listed=True)
    assert nowhere.value.code == "custody.handover.location_required"
    accepted = _sign(world, "archivist", made.id, as_listed=True, location=BOX)
    assert (accepted.status, accepted.number, accepted.location) == ("accepted", "鸿借字〔2026〕第001号", BOX)
    assert [s.kind for s in accepted.steps] == ["prepare", "return", "prepare", "review", "accept"]

    for line in accepted.lines:
        where = _where(world, line.item_id)
        assert (where.location, where.kind, where.pieces, where.pages) == (
            BOX,
            "original",
            line.pieces,
            line.pages,
        )
        assert [(m.kind, m.reason) for m in where.history] == [("hand_over", "鸿借字〔2026〕第001号")]
    assert _where(world, accepted.lines[0].item_id).document_id == accepted.lines[0].document_id
    with world.runtime.factory() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "handover")))
    assert actions.count("custody.handover.sign") == 4 and "custody.handover.return" in actions


def test_certificates_go_separately_into_the_safe_under_the_same_number(world, places):
    file = _create(world)
    with world.runtime.factory() as session, session.begin():
        certs = handovers.create_handover(session, title="", customer_id=None, reviewer=None,
                                          lines=[Line("房屋所有权证", 1, 2, certificate_no="沪房证字第0001号")],
                                          actor=user(session, world, "alice"), today=TODAY, prefix="x",
                                          certificates_of=file.id)  # fmt: skip
    assert (certs.kind, certs.reviewer, certs.title, certs.file_handover_id) == (
        "certificate",
        "bob",
        "甲公司流动资金贷款",
        file.id,
    )
    # Certificates are handed over first (视同现金): they take the number, the file gets the same later.
    _sign(world, "alice", certs.id)
    _sign(world, "bob", certs.id, as_listed=True)
    with pytest.raises(DanganError) as outside:
        _sign(world, "archivist", certs.id, as_listed=True, location=BOX)
    assert outside.value.code == "custody.certificate_outside_safe"
    in_safe = _sign(world, "archivist", certs.id, as_listed=True)
    assert (in_safe.location, in_safe.number) == (SAFE, "鸿借字〔2026〕第001号")
    assert _where(world, in_safe.lines[0].item_id).kind == "certificate"
    for login, extra in (
        ("alice", {}),
        ("bob", {"as_listed": True}),
        ("archivist", {"as_listed": True, "location": BOX}),
    ):
        done = _sign(world, login, file.id, **extra)
    assert done.number == "鸿借字〔2026〕第001号"
    # one certificates list per file
    with pytest.raises(Conflict), world.runtime.factory() as session, session.begin():
        handovers.create_handover(session, title="", customer_id=None, reviewer=None,
                                  lines=[Line("他项权证", 1, 1)], actor=user(session, world, "alice"),
                                  today=TODAY, prefix="x", certificates_of=file.id)  # fmt: skip


def test_a_mismatch_passes_only_with_a_signed_exception(world, places):
    made = _create(world)
    _sign(world, "alice", made.id)
    _sign(world, "bob", made.id, as_listed=True)
    with pytest.raises(Conflict):
        _sign(world, "archivist", made.id, counts={1: (1, 12), 2: (1, 29)}, location=BOX)
    with pytest.raises(DanganError) as uncounted:
        _sign(world, "archivist", made.id, counts={1: (1, 12)}, location=BOX)
    assert uncounted.value.code == "custody.handover.uncounted"
    done = _sign(world, "archivist", made.id, counts={2: (1, 29)}, as_listed=True, location=BOX,
                 exception="调查报告封底缺失，经A角说明为原件无封底")  # fmt: skip
    assert done.status == "accepted" and done.steps[-1].exception.startswith("调查报告")
    assert done.lines[1].archivist_count == [1, 29] and _where(world, done.lines[1].item_id).pages == 29


def test_deadlines_count_working_days_over_the_spring_festival_and_late_steps_are_flagged(world, places):
    # Friday 13 Feb 2026: Saturday 14 Feb is worked, then nine days off; A owes the list by Wed 25 Feb.
    made = _create(world, finished_on=date(2026, 2, 13), today=date(2026, 2, 13))
    assert made.preparer_due == date(2026, 2, 25) and not made.due_estimated
    signed = _sign(world, "alice", made.id, today=date(2026, 2, 26))  # a day late
    assert signed.steps[-1].late and signed.reviewer_due == date(2026, 2, 28)  # Saturday 28 Feb is worked
    with world.runtime.factory() as session, session.begin():
        bob, alice = user(session, world, "bob"), user(session, world, "alice")
        assert [h.id for h in handovers.late_steps_owed(session, actor=bob, today=date(2026, 3, 2))] == [
            made.id
        ]
        assert handovers.late_steps_owed(session, actor=bob, today=date(2026, 2, 28)) == []
        assert handovers.late_steps_owed(session, actor=alice, today=date(2026, 3, 2)) == []
        late = handovers.list_handovers(session, actor=bob, as_of=date(2026, 3, 2), late=True)
        assert [(h.id, h.owed_by, h.late) for h in late] == [(made.id, "reviewer", True)]
        assert handovers.list_handovers(session, actor=alice, as_of=date(2026, 2, 27), late=True) == []


def test_national_day_and_a_year_the_holiday_package_does_not_know(world, places):
    # Wednesday 30 Sep 2026: 1–7 Oct off, Thursday 8, Friday 9, Saturday 10 Oct (调休) worked.
    assert _create(world, finished_on=date(2026, 9, 30)).preparer_due == date(2026, 10, 10)
    # 2027 is past chinesecalendar 1.11.0: weekdays only, flagged; the company enters New Year's Day.
    guessed = _create(world, finished_on=date(2026, 12, 30))
    assert (guessed.preparer_due, guessed.due_estimated) == (date(2027, 1, 4), True)
    with world.runtime.factory() as session, session.begin():
        session.add(CalendarOverride(day=date(2027, 1, 1), is_workday=False, reason="元旦"))
    assert _create(world, finished_on=date(2026, 12, 30)).preparer_due == date(2027, 1, 5)


def test_only_the_party_whose_step_it_is_signs(world, places):
    made = _create(world)
    with pytest.raises(AccessDenied):
        _sign(world, "carol", made.id)  # no party to it
    with pytest.raises(DanganError) as not_now:
        _sign(world, "bob", made.id, as_listed=True)  # B before A signed
    assert not_now.value.code == "custody.handover.not_your_step_now"
    _sign(world, "alice", made.id)
    with pytest.raises(DanganError) as early:
        _sign(world, "archivist", made.id, as_listed=True, location=BOX)  # not the archive's turn yet
    assert early.value.code == "custody.handover.not_your_step_now"
    with pytest.raises(DanganError):  # a party, but not B
        _return(world, "alice", made.id, "自己退回")
    with pytest.raises(AccessDenied):
        _return(world, "carol", made.id, "不相干")
    with world.runtime.factory() as session, session.begin(), pytest.raises(AccessDenied):
        handovers.show_handover(
            session, handover_id=made.id, actor=user(session, world, "carol"), today=TODAY
        )
    with world.runtime.factory() as session, session.begin():
        assert handovers.show_handover(session, handover_id=made.id, actor=user(session, world, "auditor"),
                                       today=TODAY).id == made.id  # fmt: skip
        assert handovers.list_handovers(session, actor=user(session, world, "carol"), as_of=TODAY) == []
        # B is also an archivist: the archive's signature must still be a third person's.
        bob = user(session, world, "bob")
        bob.role_rows.append(UserRole(role="archivist"))
    _sign(world, "bob", made.id, as_listed=True)
    with pytest.raises(AccessDenied) as three:
        _sign(world, "bob", made.id, as_listed=True, location=BOX)
    assert three.value.code == "custody.handover.three_people"


def test_the_list_is_checked_before_anyone_signs(world, places):
    other = add_document(world, "c2", "internal")
    with pytest.raises(DanganError) as foreign:
        _create(world, lines=[Line("他户合同", 1, 3, document_id=other)])
    assert foreign.value.code == "custody.handover.other_customer"
    unreadable = add_document(world, "c1", "company")
    with pytest.raises(AccessDenied):
        _create(world, lines=[Line("公司级资料", 1, 3, document_id=unreadable)])
    for bad in ([Line("", 1, 3)], [Line("合同", 0, 3)], []):
        with pytest.raises(DanganError):
            _create(world, lines=bad)
    with pytest.raises(DanganError):
        _create(world, reviewer="alice")  # A cannot review their own list
    with pytest.raises(DanganError):
        _create(world, reviewer="archivist")  # B is staff or a manager
    with pytest.raises(AccessDenied):
        _create(world, login="archivist")  # A is staff or a manager


def test_a_returned_list_is_amended_by_its_preparer_only(world, places):
    made = _create(world)
    with world.runtime.factory() as session, session.begin(), pytest.raises(AccessDenied):
        handovers.amend_handover(session, handover_id=made.id, lines=[Line("x", 1, 1)],
                                 actor=user(session, world, "bob"), today=TODAY)  # fmt: skip
    with world.runtime.factory() as session, session.begin():
        amended = handovers.amend_handover(session, handover_id=made.id, actor=user(session, world, "alice"),
                                           lines=[Line("借款合同", 1, 13), Line("担保合同", 2, 8)], today=TODAY)  # fmt: skip
    assert [(x.position, x.title, x.pages) for x in amended.lines] == [
        (1, "借款合同", 13),
        (2, "担保合同", 8),
    ]
    _sign(world, "alice", made.id)
    with world.runtime.factory() as session, session.begin(), pytest.raises(Conflict):
        handovers.amend_handover(session, handover_id=made.id, lines=[Line("x", 1, 1)],
                                 actor=user(session, world, "alice"), today=TODAY)  # fmt: skip


def test_the_printed_list_has_three_copies_with_signature_lines(world, places):
    made = _create(world)
    for login, extra in (
        ("alice", {}),
        ("bob", {"as_listed": True}),
        ("archivist", {"as_listed": True, "location": BOX}),
    ):
        _sign(world, login, made.id, **extra)
    with world.runtime.factory() as session, session.begin():
        _view, data = handovers.print_handover(session, handover_id=made.id, actor=user(session, world, "bob"),
                                               today=TODAY, tz="Asia/Shanghai")  # fmt: skip
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    text = "\n".join(pages)
    for copy in ("第一联", "第二联", "第三联"):
        assert sum(copy in page for page in pages) == 1
    assert text.count("档案移交清单") == 3 and text.count("鸿借字〔2026〕第001号") == 3
    assert text.count("移交人（A角）：alice") == 3 and text.count("档案管理员：archivist") == 3
    assert "借款合同" in text and "项目调查报告" in text
    with world.runtime.factory() as session:
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "custody.handover.print"))


def test_file_numbers_are_gapless_under_50_concurrent_acceptances(world, places):
    with world.runtime.factory() as session, session.begin():
        alice = user(session, world, "alice")
        ids = []
        for k in range(50):
            made = handovers.create_handover(session, title=f"事项{k}", customer_id=world.customers["c1"],
                                             reviewer="bob", lines=[Line("合同", 1, 1)], actor=alice,
                                             today=TODAY, prefix="鸿借字")  # fmt: skip
            ids.append(made.id)
    for handover_id in ids:
        _sign(world, "alice", handover_id)
        _sign(world, "bob", handover_id, as_listed=True)

    def one(handover_id: int) -> str:
        return _sign(world, "archivist", handover_id, as_listed=True, location=BOX).number

    with ThreadPoolExecutor(50) as pool:  # all fifty at once (connections beyond the pool wait for one)
        numbers = list(pool.map(one, ids))
    assert sorted(int(re.search(r"第(\d+)号", n).group(1)) for n in numbers) == list(range(1, 51))
    with world.runtime.factory() as session:
        assert sorted(session.scalars(select(Handover.seq))) == list(range(1, 51))
    # Another prefix has a series of its own.
    with world.runtime.factory() as session, session.begin():
        other = handovers.create_handover(session, title="担保", customer_id=world.customers["c1"], reviewer="bob",
                                          lines=[Line("合同", 1, 1)], actor=user(session, world, "alice"),
                                          today=TODAY, prefix="鸿担字")  # fmt: skip
    for login, extra in (
        ("alice", {}),
        ("bob", {"as_listed": True}),
        ("archivist", {"as_listed": True, "location": BOX}),
    ):
        done = _sign(world, login, other.id, **extra)
    assert done.number == "鸿担字〔2026〕第001号"
