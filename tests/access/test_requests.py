"""Access requests (POL-4): the chain of the highest level signs in order; approval grants exactly what was asked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from access.errors import AccessDenied
from access.grants import list_grants
from access.models import Department, Notification
from access.policy import can_read
from access.requests import approve, awaiting, get_request, refuse, request_access, withdraw
from core.audit import AuditEvent
from core.db import utcnow
from core.errors import Conflict, DanganError


def _ask(factory, company, login, *documents, customer=None, days=7, **kw):
    with factory() as session, session.begin():
        return request_access(
            session,
            requester=company.user(session, login),
            document_ids=[company.documents[d] for d in documents],
            customer_id=company.customers[customer] if customer else None,
            reason="续贷审查需要",
            days=days,
            **kw,
        )


def _sign(factory, company, login, request_id, *, ok=True, comment=""):
    with factory() as session, session.begin():
        signer = company.user(session, login)
        if ok:
            return approve(session, request_id=request_id, approver=signer, comment=comment)
        return refuse(session, request_id=request_id, approver=signer, comment=comment)


def _reads(factory, company, login, document, at=None):
    with factory() as session:
        return can_read(
            session, company.user(session, login), company.document(session, document), at=at
        ).allowed


def _notes(factory, company, login):
    with factory() as session:
        return [
            (n.code, n.params)
            for n in session.scalars(
                select(Notification)
                .where(Notification.user_id == company.users[login])
                .order_by(Notification.id)
            )
        ]


@pytest.mark.parametrize(
    ("login", "document", "chain"),
    [
        ("carol", "c1.personal", [("department_manager", "sales1")]),  # the owner's manager
        ("carol", "c1.department", [("department_manager", "sales1")]),  # the keeping department's manager
        ("alice", "c2.company", [("department_manager", "sales1"), ("gm", None)]),  # own manager, then the GM
    ],
)
def test_chain_follows_the_level(factory, company, login, document, chain):
    info = _ask(factory, company, login, document)
    assert [(s.position, s.department) for s in info.steps] == chain
    assert info.level == document.split(".")[1] and info.state == "pending"


def test_personal_request_approved_by_department_manager_grants_the_document(factory, company):
    assert not _reads(factory, company, "carol", "c1.personal")
    info = _ask(factory, company, "carol", "c1.personal")
    assert _notes(factory, company, "mgr1") == [
        ("notify.access.pending", {"request_id": info.id, "requester": "carol"})
    ]
    done = _sign(factory, company, "mgr1", info.id, comment="同意")
    assert done.state == "approved" and done.steps[0].approver == "mgr1"
    assert _reads(factory, company, "carol", "c1.personal")
    assert _notes(factory, company, "carol")[0][0] == "notify.access.approved"


def test_grant_covers_exactly_the_requested_documents(factory, company):
    info = _ask(factory, company, "alice", "c2.company", "c2.department")
    _sign(factory, company, "mgr1", info.id)
    _sign(factory, company, "gm", info.id)
    assert _reads(factory, company, "alice", "c2.company") and _reads(
        factory, company, "alice", "c2.department"
    )
    assert not _reads(factory, company, "alice", "c2.personal")
    with factory() as session:
        grants = list_grants(session, viewer=company.user(session, "alice"))
    assert sorted(g.document_id for g in grants) == sorted(
        [company.documents["c2.company"], company.documents["c2.department"]]
    )
    assert all(g.request_id == info.id and g.live for g in grants)


def test_grant_expires_at_the_end_of_the_period(factory, company):
    info = _ask(factory, company, "carol", "c1.personal", days=3)
    _sign(factory, company, "mgr1", info.id)
    assert _reads(factory, company, "carol", "c1.personal", at=info.ends_at - timedelta(seconds=1))
    assert not _reads(factory, company, "carol", "c1.personal", at=info.ends_at)


def test_whole_customer_file_request_goes_to_the_chain_of_its_highest_level(factory, company):
    info = _ask(factory, company, "carol", customer="c1")
    assert info.level == "company"
    assert [(s.position, s.department) for s in info.steps] == [
        ("department_manager", "sales2"),
        ("gm", None),
    ]
    _sign(factory, company, "mgr2", info.id)
    _sign(factory, company, "gm", info.id)
    assert all(_reads(factory, company, "carol", f"c1.{lv}") for lv in ("department", "company", "personal"))
    assert not _reads(factory, company, "carol", "c2.company")  # the grant is for c1's file only


def test_wrong_approver_is_refused(factory, company):
    info = _ask(factory, company, "carol", "c1.personal")
    for login in ("mgr2", "bob", "admin", "carol"):
        with factory() as session, session.begin(), pytest.raises(AccessDenied) as refused:
            approve(session, request_id=info.id, approver=company.user(session, login))
        assert refused.value.code == "access.not_your_step"
        assert refused.value.event["action"] == "access.approve" and refused.value.event["actor"] == login
    assert not _reads(factory, company, "carol", "c1.personal")


def test_chain_order_is_enforced(factory, company):
    info = _ask(factory, company, "alice", "c2.company")
    with factory() as session, session.begin(), pytest.raises(AccessDenied) as refused:
        approve(session, request_id=info.id, approver=company.user(session, "gm"))
    assert refused.value.code == "access.not_your_turn"
    assert _sign(factory, company, "mgr1", info.id).state == "pending"
    assert not _reads(factory, company, "alice", "c2.company")
    with factory() as session, session.begin(), pytest.raises(AccessDenied):
        approve(session, request_id=info.id, approver=company.user(session, "mgr1"))
    assert _sign(factory, company, "gm", info.id).state == "approved"


def test_refusal_needs_a_comment_closes_the_request_and_tells_the_requester(factory, company):
    info = _ask(factory, company, "alice", "c2.company")
    with pytest.raises(DanganError):
        _sign(factory, company, "mgr1", info.id, ok=False)
    done = _sign(factory, company, "mgr1", info.id, ok=False, comment="与本岗位无关")
    assert done.state == "refused" and done.steps[0].comment == "与本岗位无关"
    assert _notes(factory, company, "alice") == [
        ("notify.access.refused", {"request_id": info.id, "comment": "与本岗位无关"})
    ]
    with pytest.raises(Conflict):
        _sign(factory, company, "gm", info.id)
    assert not _reads(factory, company, "alice", "c2.company")


def test_step_the_requester_holds_is_skipped(factory, company):
    info = _ask(factory, company, "mgr1", "c2.company")
    assert [s.decision for s in info.steps] == ["skipped", "pending"]
    assert _sign(factory, company, "gm", info.id).state == "approved"


def test_new_department_manager_signs_what_the_old_one_left(factory, company):
    info = _ask(factory, company, "carol", "c1.department")
    with factory() as session, session.begin():
        session.get(Department, company.departments["sales1"]).manager = company.user(session, "bob")
    with factory() as session, session.begin(), pytest.raises(AccessDenied):
        approve(session, request_id=info.id, approver=company.user(session, "mgr1"))
    assert _sign(factory, company, "bob", info.id).state == "approved"


@pytest.mark.parametrize(
    ("documents", "kwargs", "code"),
    [
        (["c1.internal"], {}, "access.not_needed"),
        (["c1.personal"], {"login": "alice"}, "access.not_needed"),
        (["c2.personal"], {"days": 0}, "access.bad_period"),
        (["c2.personal"], {"days": 91}, "access.bad_period"),
        ([], {}, "access.nothing_requested"),
        (["c2.personal"], {"reason": "  "}, "access.reason_required"),
    ],
)
def test_bad_requests_are_refused(factory, company, documents, kwargs, code):
    login = kwargs.pop("login", "alice")
    with factory() as session, session.begin(), pytest.raises(DanganError) as refused:
        request_access(
            session,
            requester=company.user(session, login),
            document_ids=[company.documents[d] for d in documents],
            reason=kwargs.pop("reason", "因为"),
            days=kwargs.pop("days", 7),
        )
    assert refused.value.code == code


def test_request_without_anyone_to_sign_is_refused(factory, company):
    with factory() as session, session.begin():
        gm = company.user(session, "gm")
        gm.position_rows = []
    with pytest.raises(DanganError) as refused:
        _ask(factory, company, "alice", "c2.company")
    assert refused.value.code == "access.no_approver"


def test_withdrawn_request_can_no_longer_be_signed(factory, company):
    info = _ask(factory, company, "carol", "c1.personal")
    with factory() as session, session.begin(), pytest.raises(AccessDenied):
        withdraw(session, request_id=info.id, requester=company.user(session, "bob"))
    with factory() as session, session.begin():
        assert (
            withdraw(session, request_id=info.id, requester=company.user(session, "carol")).state
            == "withdrawn"
        )
    with pytest.raises(Conflict):
        _sign(factory, company, "mgr1", info.id)


def test_request_is_visible_to_those_involved_only(factory, company):
    info = _ask(factory, company, "carol", "c1.personal")
    with factory() as session:
        for login in ("carol", "mgr1", "auditor"):
            assert get_request(session, request_id=info.id, viewer=company.user(session, login)).id == info.id
        with pytest.raises(AccessDenied):
            get_request(session, request_id=info.id, viewer=company.user(session, "bob"))
        assert [r.id for r in awaiting(session, approver=company.user(session, "mgr1"))] == [info.id]
        assert awaiting(session, approver=company.user(session, "mgr2")) == []


def test_request_decision_and_grant_are_audited(factory, company):
    before = utcnow()
    info = _ask(factory, company, "carol", "c1.personal")
    _sign(factory, company, "mgr1", info.id, comment="同意")
    with factory() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.at >= before).order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.actor, e.reference) for e in events] == [
        ("access.request", "carol", f"request:{info.id}"),
        ("access.approve", "mgr1", f"request:{info.id}"),
        ("grant.create", "mgr1", f"request:{info.id}"),
    ]
    assert events[0].details["reason"] == "续贷审查需要" and events[1].details["comment"] == "同意"
