"""A customer file's contacts and timeline: typed, dated entries with who recorded them, newest first; a
complaint waits for the general manager; each counts as an update of the file and moves its last contact."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.db import utcnow
from core.errors import DanganError, NotFound
from records.customer_timeline import add_contact, add_entry, approve_entry, contacts, entries, get_entry
from records.models import Customer


@pytest.fixture
def customer_id(factory) -> int:
    with factory() as session, session.begin():
        customer = Customer(name="客户甲", owner="alice", updated_at=utcnow() - timedelta(days=90))
        session.add(customer)
        session.flush()
        return customer.id


def _entry(factory, customer_id, kind, on, text="情况记录"):
    with factory() as session, session.begin():
        customer = session.get_one(Customer, customer_id)
        return add_entry(session, customer=customer, actor="alice", role="staff", kind=kind, on=on, text=text)


def test_entries_are_listed_newest_first_with_who_recorded_them(factory, customer_id):
    _entry(factory, customer_id, "visit", date(2026, 3, 1), "上门拜访，洽谈续约")
    _entry(factory, customer_id, "call", date(2026, 5, 2))
    _entry(factory, customer_id, "repair", date(2026, 4, 9))
    with factory() as session:
        listed = entries(session, customer_id)
        customer = session.get_one(Customer, customer_id)
    assert [(e["kind"], e["date"]) for e in listed] == [
        ("call", "2026-05-02"),
        ("repair", "2026-04-09"),
        ("visit", "2026-03-01"),
    ]
    assert {e["recorded_by"] for e in listed} == {"alice"} and listed[2]["text"] == "上门拜访，洽谈续约"
    assert customer.last_contact == date(2026, 5, 2)  # the newest date, not the last one recorded
    assert customer.updated_at > utcnow() - timedelta(minutes=5)  # no longer a file left for months


def test_a_complaint_waits_for_approval_once(factory, customer_id):
    complaint = _entry(factory, customer_id, "complaint", date(2026, 5, 3), "交货延误三天")
    visit = _entry(factory, customer_id, "visit", date(2026, 5, 4))
    assert (complaint.state, visit.state) == ("needs_approval", "recorded")
    with factory() as session, session.begin():
        approved = approve_entry(session, entry=get_entry(session, complaint.id), actor="gm", role="manager")
    assert (approved.state, approved.approved_by) == ("approved", "gm") and approved.approved_at
    for entry_id in (complaint.id, visit.id):
        with factory() as session, session.begin(), pytest.raises(DanganError) as refused:
            approve_entry(session, entry=get_entry(session, entry_id), actor="gm")
        assert refused.value.code == "entry.not_waiting"
    with factory() as session:
        assert session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("customer.note%"))
        ).all() == [
            "customer.note",
            "customer.note",
            "customer.note_approve",
        ]
        with pytest.raises(NotFound):
            get_entry(session, 999_999)


@pytest.mark.parametrize(
    ("kind", "on", "text", "code"),
    [
        ("gossip", date(2026, 1, 1), "x", "entry.kind_unknown"),
        ("visit", date(2026, 1, 1), "   ", "entry.text_required"),
        ("visit", date.today() + timedelta(days=3), "x", "entry.in_future"),
    ],
)
def test_bad_entries_are_refused(factory, customer_id, kind, on, text, code):
    with pytest.raises(DanganError) as refused:
        _entry(factory, customer_id, kind, on, text)
    assert refused.value.code == code


def test_contacts_keep_several_people_with_their_details(factory, customer_id):
    with factory() as session, session.begin():
        customer = session.get_one(Customer, customer_id)
        add_contact(
            session,
            customer=customer,
            actor="alice",
            name="王经理",
            title="采购部经理",
            phones=["13800000000", " ", "0571-88888888"],
            email="wang@example.cn",
            birthday=date(1980, 6, 1),
            preferences="喜欢龙井茶",
        )
        add_contact(session, customer=customer, actor="alice", name="李会计")
    with factory() as session:
        people = contacts(session, customer_id)
    assert [(p["name"], p["phones"]) for p in people] == [
        ("王经理", ["13800000000", "0571-88888888"]),
        ("李会计", []),
    ]
    assert (people[0]["birthday"], people[0]["preferences"]) == ("1980-06-01", "喜欢龙井茶")
    with factory() as session, session.begin(), pytest.raises(DanganError) as refused:
        add_contact(
            session, customer=session.get_one(Customer, customer_id), actor="alice", name="赵", email="x"
        )
    assert refused.value.code == "customer.email_invalid"
