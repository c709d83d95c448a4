"""Customer files: department, owner and status changed with a reason, audited before/after; the list filters."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.errors import DanganError, NotFound
from records.customer_files import change_customer, list_customers
from records.models import Customer, Document


@pytest.fixture
def files(factory) -> dict[str, int]:
    """c1 (sales1, alice) with two documents, c2 (potential, no department) with none."""
    with factory() as session, session.begin():
        c1 = Customer(name="客户c1", department="sales1", owner="alice")
        c2 = Customer(name="客户c2", status="potential")
        session.add_all([c1, c2])
        session.flush()
        for n in range(2):
            digest = hashlib.sha256(f"{c1.id}-{n}".encode()).hexdigest()
            session.add(
                Document(
                    sha256=digest,
                    size=1,
                    mime="application/pdf",
                    original_filename="a.pdf",
                    object_key=digest,
                    customer_id=c1.id,
                    level="personal",
                )
            )
        return {"c1": c1.id, "c2": c2.id}


def _change(factory, customer_id, **kw):
    with factory() as session, session.begin():
        return change_customer(
            session,
            customer_id=customer_id,
            actor="mgr1",
            role="manager",
            client="10.0.0.9",
            **({"reason": "客户移交"} | kw),
        )


def test_owner_change_is_audited_with_before_and_after(factory, files):
    change = _change(factory, files["c1"], owner="bob")
    assert (change.before, change.after) == ({"owner": "alice"}, {"owner": "bob"})
    assert len(change.document_ids) == 2  # the index carries the owner: both documents must be re-indexed
    with factory() as session:
        assert session.get(Customer, files["c1"]).owner == "bob"
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.change")).one()
    assert (event.actor, event.role, event.object_type, event.object_id, event.client) == (
        "mgr1",
        "manager",
        "customer",
        str(files["c1"]),
        "10.0.0.9",
    )
    assert event.details == {"before": {"owner": "alice"}, "after": {"owner": "bob"}, "reason": "客户移交"}


def test_only_fields_that_change_are_recorded(factory, files):
    change = _change(factory, files["c1"], department="sales1", owner="carol", status="former")
    assert change.before == {"owner": "alice", "status": "active"}
    assert change.after == {"owner": "carol", "status": "former"}


def test_status_alone_needs_no_reindexing(factory, files):
    change = _change(factory, files["c1"], status="lost")
    assert change.after == {"status": "lost"} and change.document_ids == []


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({}, "customer.nothing_to_change"),
        ({"status": "gone"}, "customer.status_unknown"),
        ({"owner": "bob", "reason": "  "}, "customer.reason_required"),
        ({"department": "sales1", "owner": "alice"}, "customer.unchanged"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(factory, files, kw, code):
    with pytest.raises(DanganError) as refused:
        _change(factory, files["c1"], **kw)
    assert refused.value.code == code
    with factory() as session:
        customer = session.get(Customer, files["c1"])
        assert (customer.department, customer.owner, customer.status) == ("sales1", "alice", "active")
        assert session.scalars(select(AuditEvent)).all() == []


def test_unknown_customer_is_not_found(factory, files):
    with pytest.raises(NotFound):
        _change(factory, 999_999, owner="bob")


@pytest.mark.parametrize(
    ("kw", "names"),
    [
        ({}, ["客户c1", "客户c2"]),
        ({"status": "potential"}, ["客户c2"]),
        ({"department": "sales1"}, ["客户c1"]),
        ({"owner": "alice"}, ["客户c1"]),
        ({"owner": "Alice"}, []),
    ],
)
def test_list_filters(factory, files, kw, names):
    with factory() as session:
        assert [c.name for c in list_customers(session, **kw)] == names


def test_list_refuses_an_unknown_status(factory, files):
    with factory() as session, pytest.raises(DanganError):
        list_customers(session, status="gone")
