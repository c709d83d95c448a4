"""Customer files: department, owner and status changed with a reason, audited before/after and kept as a
revision; the list filters by status, department, owner and profile values, and sorts current files first."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.db import utcnow
from core.errors import DanganError, NotFound
from records.customer_files import change_customer, is_stale, list_customers
from records.models import Customer, CustomerRevision, Document


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


def test_a_change_of_department_owner_or_status_is_kept_as_a_revision(factory, files):
    _change(factory, files["c1"], owner="bob", status="former")
    with factory() as session:
        revision = session.scalars(select(CustomerRevision)).one()
        customer = session.get_one(Customer, files["c1"])
    assert (revision.before, revision.after) == (
        {"owner": "alice", "status": "active"},
        {"owner": "bob", "status": "former"},
    )
    assert (customer.status_reason, customer.status_on) == ("客户移交", utcnow().date())


@pytest.fixture
def profiles(factory) -> None:
    """Five files with profiles; 北京 was last updated 40 days ago, 重庆 left as a former customer."""
    old = utcnow() - timedelta(days=40)
    rows = [
        ("杭州鸿达", "active", "B", "distributor", "机电", "浙江", "杭州", date(2026, 5, 1), None),
        ("北京远景", "active", "A", "end_customer", "软件", "北京", "北京", date(2026, 2, 1), old),
        ("阿里物流", "potential", None, "end_customer", "物流", "浙江", "宁波", None, None),
        ("Zeta Trading", "active", "A", "distributor", "贸易", "上海", "上海", date(2026, 4, 1), None),
        ("重庆山城", "former", "A", "distributor", "机电", "重庆", "重庆", date(2026, 6, 1), None),
    ]
    with factory() as session, session.begin():
        for name, status, grade, kind, industry, province, city, contact, updated in rows:
            customer = Customer(
                name=name,
                status=status,
                grade=grade,
                kind=kind,
                industry=industry,
                province=province,
                city=city,
                last_contact=contact,
            )
            if updated is not None:
                customer.updated_at = updated
            session.add(customer)


@pytest.mark.parametrize(
    ("kw", "names"),
    [
        ({"grade": "A"}, {"北京远景", "Zeta Trading", "重庆山城"}),
        ({"kind": "end_customer"}, {"北京远景", "阿里物流"}),
        ({"industry": "机电"}, {"杭州鸿达", "重庆山城"}),
        ({"region": "浙江"}, {"杭州鸿达", "阿里物流"}),
        ({"region": "宁波"}, {"阿里物流"}),
        ({"stale_days": 30}, {"北京远景"}),
        ({"stale_days": 50}, set()),
        ({"grade": "A", "kind": "distributor"}, {"Zeta Trading", "重庆山城"}),
    ],
)
def test_list_filters_by_profile(factory, profiles, kw, names):
    with factory() as session:
        assert {c.name for c in list_customers(session, **kw)} == names


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        # Pinyin order: a(li) b(ei) h(ang) z(eta); former customers after the current ones (POL-11).
        ("name", ["阿里物流", "北京远景", "杭州鸿达", "Zeta Trading", "重庆山城"]),
        ("grade", ["北京远景", "Zeta Trading", "杭州鸿达", "阿里物流", "重庆山城"]),
        ("last_contact", ["杭州鸿达", "Zeta Trading", "北京远景", "阿里物流", "重庆山城"]),
    ],
)
def test_list_sorts_current_files_first(factory, profiles, sort, names):
    with factory() as session:
        assert [c.name for c in list_customers(session, sort=sort)] == names


def test_hidden_values_do_not_order_the_list(factory, profiles):
    with factory() as session:
        hidden = Customer.name != "北京远景"  # the reader may open every file but this one
        assert [c.name for c in list_customers(session, sort="grade", openable=hidden)][:2] == [
            "Zeta Trading",
            "杭州鸿达",
        ]
        with pytest.raises(DanganError):
            list_customers(session, sort="size")
        for days in (-1, 36_501, 10**9):  # a date before year 1 would be a crash, not a refusal
            with pytest.raises(DanganError):
                list_customers(session, stale_days=days)


def test_a_file_not_updated_for_a_month_is_stale(factory, profiles):
    with factory() as session:
        stale = {c.name for c in list_customers(session) if is_stale(c)}
    assert stale == {"北京远景"}


@pytest.mark.parametrize("sort", ["name", "grade", "last_contact"])
@pytest.mark.parametrize("size", [1, 2, 3, 10])
def test_pages_read_as_segments_follow_the_one_order(factory, profiles, sort, size):
    from records.customer_query import CustomerFilter, fetch_page

    hidden = Customer.name != "北京远景"  # a reader who may open every file but this one
    with factory() as session:
        whole = [c.name for c in list_customers(session, sort=sort, openable=hidden)]
        paged: list[str] = []
        for offset in range(0, len(whole) + size, size):
            page = fetch_page(session, CustomerFilter(), sort=sort, openable=hidden, now=utcnow(), limit=size,
                              offset=offset)  # fmt: skip
            paged += [c.name for c in page]
    assert paged == whole and len(whole) == 5
    with factory() as session, pytest.raises(DanganError):
        fetch_page(session, CustomerFilter(), sort="size", openable=hidden, now=utcnow(), limit=size)
