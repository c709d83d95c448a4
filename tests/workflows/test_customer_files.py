"""A customer file through the workflows: everyone sees that it exists, only those who may read it by the one
rule see its profile, contacts and timeline (audited); opening, editing, contacts, entries and approvals are
each allowed to the right people, and an edit that moves the file is followed by re-indexing and retention."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from access.errors import AccessDenied
from access.models import User
from core.audit import AuditEvent
from core.errors import DanganError
from records.customer_files import list_customers
from records.customer_query import CustomerFilter
from records.models import Customer, CustomerEntry
from retention.models import RelationshipEnd
from tests.api.world import add_document, add_grant, build_world
from workflows.corrections import edit_customer_file
from workflows.customer_files import customer_detail, customer_list
from workflows.customer_records import (
    add_customer_contact,
    add_customer_note,
    approve_customer_note,
    open_customer_file,
)


@pytest.fixture
def world(runtime):
    """The fixture company; c1 (sales1, owner alice) is a department-level file with a grade and a visit."""
    world = build_world(None, runtime)
    with runtime.factory() as session, session.begin():
        c1 = session.get_one(Customer, world.customers["c1"])
        c1.level, c1.grade, c1.kind, c1.industry, c1.phone = (
            "department",
            "A",
            "distributor",
            "机电",
            "0571-1",
        )
        add_customer_note(
            session,
            customer_id=c1.id,
            actor=_user(session, "alice"),
            kind="visit",
            on=date(2026, 5, 1),
            text="拜访",
        )
    return world


def _user(session, login: str) -> User:
    return session.scalars(select(User).where(User.login == login)).one()


def _detail(world, login: str) -> dict:
    with world.runtime.factory() as session, session.begin():
        return customer_detail(session, viewer=_user(session, login), customer_id=world.customers["c1"])


def _list(world, login: str, limit: int | None = None, offset: int = 0, **kw) -> dict[str, dict]:
    with world.runtime.factory() as session, session.begin():
        rows = customer_list(
            session,
            viewer=_user(session, login),
            filters=CustomerFilter(**kw),
            limit=limit,
            offset=offset,
        )
        return {r["name"]: r for r in rows}


def test_only_readers_of_the_file_see_its_profile_contacts_and_timeline(world):
    alice, carol = _detail(world, "alice"), _detail(world, "carol")
    assert alice["may_open"] and alice["profile"]["phone"] == "0571-1"
    assert [t["kind"] for t in alice["timeline"]] == ["visit"]
    assert not carol["may_open"]
    assert {"profile", "contacts", "timeline", "revisions", "suggested"}.isdisjoint(carol)
    assert (carol["name"], carol["status"], carol["department"], carol["owner"]) == (
        "客户c1",
        "active",
        "sales1",
        "alice",
    )
    assert "0571-1" not in str(carol) and "拜访" not in str(carol)
    with world.runtime.factory() as session, session.begin():
        add_grant(session, world, "carol", customer_id=world.customers["c1"])
    assert _detail(world, "carol")["profile"]["phone"] == "0571-1"  # a grant for the whole file opens it
    with world.runtime.factory() as session:
        views = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.view")).all()
    assert [(e.actor, e.details["profile"], e.details["reason"]) for e in views] == [
        ("alice", True, "access.reason.department_member"),
        ("carol", False, "access.denied"),
        ("carol", True, "access.reason.grant"),
    ]
    assert views[-1].reference.startswith("grant:")


def test_the_timeline_holds_entries_and_readable_documents_newest_first(world):
    doc = add_document(world, "c1", "department", title="购销合同")
    timeline = _detail(world, "alice")["timeline"]
    assert [(t["type"], t.get("document_id")) for t in timeline] == [("document", doc), ("entry", None)]


def test_a_list_row_marks_what_the_reader_may_not_open_and_leaks_no_profile(world):
    carol = _list(world, "carol")
    assert carol["客户c1"]["may_open"] is False and carol["客户c1"]["grade"] is None
    assert carol["客户c1"]["last_contact"] is None and carol["客户c1"]["industry"] is None
    assert carol["客户c2"]["may_open"] is True
    alice = _list(world, "alice")
    assert (alice["客户c1"]["grade"], alice["客户c1"]["last_contact"]) == ("A", "2026-05-01")
    # A profile filter matches only files the reader may open: it cannot tell carol c1's grade.
    assert set(_list(world, "carol", grade="A")) == set()
    assert set(_list(world, "alice", grade="A")) == {"客户c1"}
    assert set(_list(world, "carol", industry="机电")) == set()


def test_the_list_pages_through_files(world):
    with world.runtime.factory() as session, session.begin():
        for n in range(5):
            open_customer_file(session, actor=_user(session, "alice"), name=f"分页客户{n}")
    first = list(_list(world, "alice", limit=3))
    second = list(_list(world, "alice", limit=3, offset=3))
    assert len(first) == 3 and len(second) == 3 and not set(first) & set(second)
    with world.runtime.factory() as session:
        assert len(first) + len(second) + 1 == len(list_customers(session))


def test_a_file_opened_by_staff_is_theirs_and_an_archivist_leaves_the_owner_open(world):
    with world.runtime.factory() as session, session.begin():
        mine = open_customer_file(
            session, actor=_user(session, "bob"), name="新客户甲", values={"kind": "end_customer"}
        )
        filed = open_customer_file(
            session, actor=_user(session, "archivist"), name="新客户乙", department="sales2"
        )
    assert (mine.department, mine.owner, mine.status) == ("sales1", "bob", "potential")
    assert (filed.department, filed.owner) == ("sales2", None)
    for login, kw, code in (
        ("admin", {}, "customer.open_forbidden"),
        ("auditor", {}, "customer.open_forbidden"),
        ("bob", {"department": "nowhere"}, "department.not_found"),
        ("bob", {"owner": "ghost"}, "user.not_found"),
    ):
        with world.runtime.factory() as session, session.begin(), pytest.raises(DanganError) as refused:
            open_customer_file(session, actor=_user(session, login), name="新客户丙", **kw)
        assert refused.value.code == code


def _edit(world, login: str, reason: str = "核对", **changes):
    with world.runtime.factory() as session, session.begin():
        return edit_customer_file(
            session,
            world.runtime.index,
            customer_id=world.customers["c1"],
            actor=_user(session, login),
            changes=changes,
            reason=reason,
        )


def test_the_owner_edits_the_profile_but_not_who_keeps_the_file(world):
    events = []  # each refusal carries the audit event its interface writes
    change = _edit(world, "alice", phone="0571-2", owner="alice", department="sales1")  # the same: no change
    assert (change.before, change.after, change.reindexed) == ({"phone": "0571-1"}, {"phone": "0571-2"}, 0)
    for login, changes in (
        ("bob", {"phone": "0571-3"}),
        ("alice", {"owner": "bob"}),
        ("archivist", {"grade": "B"}),
    ):
        with pytest.raises(AccessDenied) as refused:
            _edit(world, login, **changes)
        events.append((refused.value.event["actor"], refused.value.event["action"]))
    assert _edit(world, "archivist", status="lost").after == {"status": "lost"}
    with world.runtime.factory() as session:
        assert session.get(RelationshipEnd, world.customers["c1"]) is not None  # retention starts counting
    assert events == [("bob", "customer.edit"), ("alice", "customer.change"), ("archivist", "customer.edit")]


def test_moving_a_file_by_an_edit_re_indexes_its_documents(world):
    add_document(world, "c1", "personal", title="个人级 拜访记录", text="拜访记录", index=True)
    change = _edit(world, "mgr1", owner="bob", grade="B")
    assert change.after == {"grade": "B", "owner": "bob"} and change.reindexed == 1
    with pytest.raises(DanganError) as unchanged:
        _edit(world, "mgr1", owner="bob")
    assert unchanged.value.code == "customer.unchanged"


def test_contacts_and_entries_are_recorded_by_those_who_edit_and_complaints_approved_by_the_gm(world):
    cid = world.customers["c1"]
    with world.runtime.factory() as session, session.begin():
        add_customer_contact(session, customer_id=cid, actor=_user(session, "mgr1"), name="王经理")
        complaint = add_customer_note(
            session,
            customer_id=cid,
            actor=_user(session, "alice"),
            kind="complaint",
            on=date(2026, 5, 2),
            text="延误",
        )
    for call in (
        lambda s: add_customer_contact(s, customer_id=cid, actor=_user(s, "bob"), name="李"),
        lambda s: add_customer_note(
            s, customer_id=cid, actor=_user(s, "carol"), kind="call", on=date(2026, 5, 3), text="x"
        ),
        lambda s: approve_customer_note(s, entry_id=complaint.id, actor=_user(s, "mgr1")),
    ):
        with world.runtime.factory() as session, session.begin(), pytest.raises(AccessDenied):
            call(session)
    with world.runtime.factory() as session, session.begin():
        approved = approve_customer_note(session, entry_id=complaint.id, actor=_user(session, "gm"))
    assert (approved.state, approved.approved_by) == ("approved", "gm")
    with world.runtime.factory() as session:
        assert session.get_one(CustomerEntry, complaint.id).state == "approved"


def test_a_licence_filed_later_offers_its_values_without_overwriting_a_persons_entry(world, tmp_path):
    from tests.api.test_cli_ingest import LICENCE
    from tests.ingest import samples
    from workflows.capture import ingest_files

    with world.runtime.factory() as session, session.begin():
        opened = open_customer_file(session, actor=_user(session, "bob"), name="上海明远贸易有限公司")
        typed = open_customer_file(
            session,
            actor=_user(session, "bob"),
            name="上海明远物流有限公司",
            values={"registered_capital": 100_000},
        )
    lines = [line.replace("贸易", "物流").replace("91310115MA1K4Q8X21", "") for line in LICENCE]
    first = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    second = samples.write_text_pdf(tmp_path / "licence2.pdf", [lines])
    summary = ingest_files(world.runtime, [first, second], actor="archivist")
    assert summary.failed == 0
    with world.runtime.factory() as session:
        matched, kept = session.get_one(Customer, opened.id), session.get_one(Customer, typed.id)
        assert [d.customer_id for d in matched.documents] == [opened.id]  # matched by name, as before
        assert (matched.registered_capital, matched.suggested) == (None, {"registered_capital": 500_000_000})
        assert (kept.registered_capital, kept.suggested) == (100_000, {})  # what a person entered stays
