"""Loans (POL-9, ACC-1..3, CLS-4): request, approval by the chairman/GM/deputy GM, out, renewal, counted return."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import select

from access.errors import AccessDenied
from core.audit import AuditEvent
from core.errors import DanganError
from custody.models import Incident, Loan
from tests.api.world import add_document
from tests.custody.conftest import TODAY, user
from workflows import custody

BOX = "总部/档案室/A柜/2层/03盒"
PATTERN = "借字〔{year}〕第{seq:03d}号"


@pytest.fixture
def items(world) -> list[int]:
    """Two items of customer file c1 in the box: an internal document (3 pieces, 20 pages), a department one."""
    with world.runtime.factory() as session, session.begin():
        archivist = user(session, world, "archivist")
        custody.add_location(session, path=BOX, kind="box", actor=archivist)
    made = []
    for level, pieces, pages in (("internal", 3, 20), ("department", 1, 5)):
        doc = add_document(world, "c1", level)
        with world.runtime.factory() as session, session.begin():
            made.append(custody.add_item(session, document_id=doc, customer_id=None, pieces=pieces, pages=pages,
                                         actor=user(session, world, "archivist"), location=BOX).id)  # fmt: skip
    return made


def _request(world, login, item_ids, *, days=None, borrower=None, today=TODAY):
    with world.runtime.factory() as session, session.begin():
        return custody.request_loan(session, item_ids=item_ids, purpose="贷后检查", days=days, borrower=borrower,
                                    actor=user(session, world, login), today=today, default_days=10,
                                    slip_pattern=PATTERN)  # fmt: skip


def _step(world, step, login, loan_id, **kw):
    with world.runtime.factory() as session, session.begin():
        actor = user(session, world, login)
        if step == "approve":
            return custody.approve_loan(session, loan_id=loan_id, actor=actor)
        if step == "refuse":
            return custody.refuse_loan(session, loan_id=loan_id, actor=actor)
        if step == "out":
            return custody.hand_out(session, loan_id=loan_id, actor=actor, today=kw.get("today", TODAY))
        if step == "renew":
            return custody.renew_loan(
                session, loan_id=loan_id, days=kw.get("days"), actor=actor, default_days=10
            )
        return custody.take_back(
            session, loan_id=loan_id, pieces=kw["pieces"], pages=kw["pages"], actor=actor
        )


def _where(world, item_id):
    with world.runtime.factory() as session, session.begin():
        return custody.where(session, item_id=item_id, actor=user(session, world, "archivist"))


def test_loan_lifecycle_with_a_short_return_then_a_full_one(world, items):
    loan = _request(world, "alice", items)
    assert (loan.status, loan.borrower, loan.department, loan.level) == (
        "requested",
        "alice",
        "sales1",
        "department",
    )
    assert loan.slip_no == "借字〔2026〕第001号" and loan.items == items and loan.due_date is None
    assert _step(world, "approve", "gm", loan.id).status == "approved"
    out = _step(world, "out", "archivist", loan.id)
    # Ten working days from Monday 9 March 2026: Monday 23 March.
    assert (out.status, out.due_date) == ("out", date(2026, 3, 23))
    assert [(_where(world, i).location, _where(world, i).out_on_loan) for i in items] == [(None, loan.id)] * 2

    short = _step(world, "return", "archivist", loan.id, pieces=4, pages=24)  # one page missing
    assert (short.complete, short.loan.status) == (False, "out") and short.incident_id is not None
    with world.runtime.factory() as session:
        incident = session.get_one(Incident, short.incident_id)
        assert (incident.expected_pages, incident.counted_pages, incident.status) == (25, 24, "open")
    assert _where(world, items[0]).location is None  # still out: nothing was put back

    full = _step(world, "return", "archivist", loan.id, pieces=4, pages=25)
    assert (full.complete, full.loan.status, full.loan.incidents) == (True, "returned", 1)
    for item_id in items:
        view = _where(world, item_id)
        assert (view.location, view.out_on_loan) == (BOX, None)
        assert [m.kind for m in view.history] == ["put_away", "lend", "return"]
        assert view.history[1].holder == "alice"
    with world.runtime.factory() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "loan")))
    assert actions == ["custody.loan.request", "custody.loan.approve", "custody.loan.out",
                       "custody.loan.return", "custody.loan.return"]  # fmt: skip


@pytest.mark.parametrize("login", ["gm", "chair"])
def test_the_chairman_and_gm_borrow_directly(world, items, login):
    loan = _request(world, login, items[:1])
    assert (loan.status, loan.approved_by) == ("approved", login)
    with pytest.raises(AccessDenied):  # their posts do not clear them to read c1's department records
        _request(world, login, items[1:])


@pytest.mark.parametrize("login", ["mgr1", "md", "archivist", "alice"])
def test_only_the_chairman_gm_or_deputy_gm_approve(world, items, login):
    loan = _request(world, "alice", items)
    for step in ("approve", "refuse"):
        with pytest.raises(AccessDenied) as info:
            _step(world, step, login, loan.id)
        assert info.value.code == "custody.loan.approver_required"


def test_a_deputy_gm_approves_and_a_refused_loan_cannot_go_out(world, items):
    with world.runtime.factory() as session, session.begin():
        from access.models import UserPosition

        session.add(UserPosition(user_id=world.users["md"], position="deputy_gm"))
    assert _step(world, "approve", "md", _request(world, "alice", items[:1]).id).status == "approved"
    refused = _step(world, "refuse", "gm", _request(world, "bob", items[1:]).id)
    assert refused.status == "refused"
    with pytest.raises(DanganError) as info:
        _step(world, "out", "archivist", refused.id)
    assert info.value.code == "custody.loan.wrong_state"


def test_lending_to_a_third_person_is_refused(world, items):
    with pytest.raises(AccessDenied) as info:
        _request(world, "alice", items, borrower="bob")
    assert info.value.code == "custody.loan.third_party"
    assert _request(world, "alice", items, borrower="alice").borrower == "alice"


def test_items_one_may_not_read_cannot_be_borrowed(world, items):
    with pytest.raises(AccessDenied) as info:
        _request(world, "carol", items)  # carol (sales2) does not read c1's department document
    assert info.value.code == "custody.item.denied"
    assert _request(world, "carol", items[:1]).status == "requested"  # the internal one she reads


def test_an_item_on_an_open_slip_cannot_be_asked_for_again(world, items):
    _request(world, "alice", items[:1])
    with pytest.raises(DanganError) as info:
        _request(world, "bob", items[:1])
    assert info.value.code == "custody.item.busy"


def test_only_the_archivist_hands_out_and_takes_back(world, items):
    loan = _request(world, "alice", items)
    _step(world, "approve", "gm", loan.id)
    with pytest.raises(AccessDenied):
        _step(world, "out", "gm", loan.id)
    _step(world, "out", "archivist", loan.id)
    with pytest.raises(AccessDenied):
        _step(world, "return", "alice", loan.id, pieces=4, pages=25)


def test_an_item_out_on_loan_cannot_be_moved(world, items):
    loan = _request(world, "gm", items[:1])
    _step(world, "out", "archivist", loan.id)
    with world.runtime.factory() as session, pytest.raises(DanganError) as info:
        custody.move_item(
            session, item_id=items[0], to=BOX, reason="整理", actor=user(session, world, "archivist")
        )
    assert info.value.code == "custody.item.on_loan"


def test_a_renewal_needs_approval_and_counts_on_in_working_days(world, items):
    loan = _request(world, "alice", items[:1], days=7)
    _step(world, "approve", "gm", loan.id)
    # Seven working days from Friday 13 February 2026, across the Spring Festival and its two worked
    # Saturdays (14 and 28 February): Monday 2 March.
    out = _step(world, "out", "archivist", loan.id, today=date(2026, 2, 13))
    assert out.due_date == date(2026, 3, 2)
    with pytest.raises(AccessDenied) as info:
        _step(world, "renew", "bob", loan.id)
    assert info.value.code == "custody.loan.not_yours"
    asked = _step(world, "renew", "alice", loan.id, days=5)
    assert (asked.status, asked.due_date, asked.renewal_days) == ("renewal_requested", date(2026, 3, 2), 5)
    refused = _step(world, "refuse", "gm", loan.id)
    assert (refused.status, refused.due_date) == ("out", date(2026, 3, 2))
    _step(world, "renew", "alice", loan.id, days=5)
    granted = _step(world, "approve", "chair", loan.id)
    assert (granted.status, granted.due_date, granted.renewals) == ("out", date(2026, 3, 9), 1)


def test_overdue_loans_are_listed_as_of_a_date(world, items):
    first = _request(world, "alice", items[:1])
    _step(world, "approve", "gm", first.id)
    _step(world, "out", "archivist", first.id)  # due 23 March 2026
    second = _request(world, "bob", items[1:])  # requested, never out: never overdue

    def overdue(login, as_of):
        with world.runtime.factory() as session, session.begin():
            rows = custody.list_loans(session, actor=user(session, world, login), overdue=True, as_of=as_of)
        return [r.id for r in rows]

    assert overdue("archivist", date(2026, 3, 23)) == []
    assert overdue("archivist", date(2026, 3, 24)) == [first.id]
    assert overdue("bob", date(2026, 3, 24)) == []  # others see only their own
    with world.runtime.factory() as session, session.begin():
        mine = custody.list_loans(session, actor=user(session, world, "bob"), as_of=TODAY)
    assert [r.id for r in mine] == [second.id]


def test_a_refused_request_still_used_its_slip_number_and_the_next_runs_on(world, items):
    first = _request(world, "alice", items[:1])
    _step(world, "refuse", "gm", first.id)
    second = _request(world, "alice", items[:1])
    third = _request(world, "bob", items[1:], today=date(2025, 12, 31))  # another year starts at 1
    assert [first.slip_no, second.slip_no, third.slip_no] == [
        "借字〔2026〕第001号",
        "借字〔2026〕第002号",
        "借字〔2025〕第001号",
    ]


def test_slip_numbers_are_gapless_under_50_concurrent_requests(world):
    """Fifty people ask at once, each in their own session: slip numbers 1..50, none twice, none missing."""
    with world.runtime.factory() as session, session.begin():
        archivist = user(session, world, "archivist")
        custody.add_location(session, path=BOX, kind="box", actor=archivist)
    docs = [add_document(world, "c1", "internal") for _ in range(50)]
    with world.runtime.factory() as session, session.begin():
        archivist = user(session, world, "archivist")
        item_ids = [custody.add_item(session, document_id=d, customer_id=None, pieces=1, pages=1, location=BOX,
                                     actor=archivist).id for d in docs]  # fmt: skip

    def one(item_id: int) -> str:
        with world.runtime.factory() as session, session.begin():
            return custody.request_loan(session, item_ids=[item_id], purpose="并发", days=None,
                                        actor=user(session, world, "alice"), today=TODAY, default_days=10,
                                        slip_pattern=PATTERN).slip_no  # fmt: skip

    with ThreadPoolExecutor(50) as pool:  # all fifty at once (connections beyond the pool wait for one)
        slips = list(pool.map(one, item_ids))
    numbers = sorted(int(re.search(r"第(\d+)号", s).group(1)) for s in slips)
    assert numbers == list(range(1, 51))
    with world.runtime.factory() as session:
        assert sorted(session.scalars(select(Loan.seq))) == list(range(1, 51))
