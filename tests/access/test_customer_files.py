"""Assigning a customer file (POL-1): management moves files, archivists set status, accounts are checked."""

from __future__ import annotations

import pytest

from access.customer_files import check_change
from access.errors import AccessDenied
from access.policy import can_read
from core.errors import DanganError
from records.customer_files import change_customer, get_customer
from records.models import Customer
from tests.access.conftest import add_user


def _assign(factory, company, login, customer="c1", reason="人员调整", **kw):
    """The check access makes, then the change records applies (workflows.corrections composes the two)."""
    with factory() as session, session.begin():
        actor = company.user(session, login)
        file = get_customer(session, company.customers[customer])
        check_change(
            session, customer=file, actor=actor, department=kw.get("department"), owner=kw.get("owner"),
            client="10.1.1.1",
        )  # fmt: skip
        return change_customer(
            session, customer_id=file.id, actor=actor.login, role=actor.role_label, reason=reason,
            client="10.1.1.1", **kw,
        )  # fmt: skip


def _file(factory, company, customer="c1"):
    with factory() as session:
        c = session.get(Customer, company.customers[customer])
        return c.department, c.owner, c.status


@pytest.mark.parametrize("login", ["mgr1", "gm"])  # the keeping department's (sales1's) manager; the GM
def test_the_keeping_departments_manager_or_the_gm_moves_a_file_out(factory, company, login):
    change = _assign(factory, company, login, department="sales2", owner="carol")
    assert change.after == {"department": "sales2", "owner": "carol"}
    assert _file(factory, company) == ("sales2", "carol", "active")


@pytest.mark.parametrize("login", ["mgr2", "md", "deputy"])  # managers (role), but not of sales1, nor the GM
def test_no_other_manager_takes_a_file_out_of_its_department(factory, company, login):
    with pytest.raises(AccessDenied) as refused:
        _assign(factory, company, login, department="sales2", owner="carol")
    assert refused.value.code == "customer.change_forbidden"
    assert _file(factory, company) == ("sales1", "alice", "active")


@pytest.mark.parametrize("login", ["mgr1", "gm", "md"])  # sales1's manager; holders of the manager role
def test_management_reassigns_a_file_within_its_department(factory, company, login):
    change = _assign(factory, company, login, owner="bob")
    assert change.after == {"owner": "bob"}
    assert _file(factory, company) == ("sales1", "bob", "active")


def test_the_keeping_departments_manager_need_not_hold_the_manager_role(factory, company):
    with factory() as session, session.begin():
        mgr1 = company.user(session, "mgr1")
        mgr1.role_rows = []
    _assign(factory, company, "mgr1", owner="bob")
    assert _file(factory, company)[1] == "bob"
    with pytest.raises(AccessDenied):  # but not another department's file
        _assign(factory, company, "mgr1", customer="c2", owner="bob")


@pytest.mark.parametrize("login", ["alice", "bob", "archivist", "admin", "auditor"])
def test_others_may_not_move_a_file(factory, company, login):
    with pytest.raises(AccessDenied) as refused:
        _assign(factory, company, login, owner=login)
    assert refused.value.code == "customer.change_forbidden"
    assert refused.value.event["action"] == "customer.change"
    assert refused.value.event["object_id"] == str(company.customers["c1"])
    assert _file(factory, company) == ("sales1", "alice", "active")


def test_the_archivist_sets_the_status_only(factory, company):
    change = _assign(factory, company, "archivist", status="former")
    assert change.after == {"status": "former"} and change.document_ids == []
    with pytest.raises(AccessDenied):
        _assign(factory, company, "archivist", status="active", owner="bob")
    with pytest.raises(AccessDenied):  # staff keep no files
        _assign(factory, company, "alice", status="active")


def test_a_disabled_manager_may_not(factory, company):
    with factory() as session, session.begin():
        company.user(session, "gm").active = False
    with pytest.raises(AccessDenied):
        _assign(factory, company, "gm", owner="bob")


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"department": "nowhere"}, "department.not_found"),
        ({"department": "SALES1"}, "department.not_found"),  # codes are exact
        ({"owner": "nobody"}, "user.not_found"),
        ({"owner": "dave"}, "user.disabled"),
    ],
)
def test_department_must_exist_and_owner_be_active(factory, company, kw, code):
    with factory() as session, session.begin():
        add_user(session, "dave", active=False)
    with pytest.raises(DanganError) as refused:
        _assign(factory, company, "mgr1", **kw)
    assert refused.value.code == code
    assert _file(factory, company) == ("sales1", "alice", "active")


def test_the_new_owner_and_department_read_at_once(factory, company):
    with factory() as session:
        assert not can_read(
            session, company.user(session, "bob"), company.document(session, "c1.personal")
        ).allowed
        assert not can_read(
            session, company.user(session, "carol"), company.document(session, "c1.department")
        ).allowed
    _assign(factory, company, "mgr1", owner="bob")
    _assign(factory, company, "mgr1", department="sales2")
    with factory() as session:
        assert can_read(
            session, company.user(session, "bob"), company.document(session, "c1.personal")
        ).allowed
        assert not can_read(
            session, company.user(session, "alice"), company.document(session, "c1.personal")
        ).allowed
        assert can_read(
            session, company.user(session, "carol"), company.document(session, "c1.department")
        ).allowed
        assert can_read(
            session, company.user(session, "mgr2"), company.document(session, "c1.department")
        ).allowed
        # mgr1 kept personal-level reading through bob, who is still in sales1
        assert can_read(
            session, company.user(session, "mgr1"), company.document(session, "c1.personal")
        ).allowed
