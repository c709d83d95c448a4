"""A customer file's life through the workflows: follow-ups after a sale (policy 8), grades by rules with a
manual grade overriding (POL-1), merging two files of one customer, and an employee's leaving (POL-5) after
which nothing is left with the disabled account."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pdfplumber
import pytest
from sqlalchemy import select

from access.errors import AccessDenied
from access.leaving import held_by
from access.models import AccessRequest, Department, DepartmentManager, Grant, User
from access.requests import request_access
from core.audit import AuditEvent
from core.db import utcnow
from core.errors import DanganError
from custody.models import Item, Loan
from records.customer_grades import set_rule
from records.customers import match_customer
from records.models import Customer, CustomerContact, CustomerEntry, CustomerRevision, Document
from retention.holds import add_hold
from tests.api.world import add_document, add_grant, build_world
from workflows import custody
from workflows.corrections import edit_customer_file
from workflows.customer_files import customer_detail
from workflows.customer_lifecycle import followups_for, merge_customer_files, regrade_files, stale_files
from workflows.customer_records import add_customer_contact, add_customer_note
from workflows.handover_report import handover_pdf
from workflows.offboarding import disable_user, holdings, offboard
from workflows.searching import run_search


@pytest.fixture
def world(runtime):
    return build_world(None, runtime)


def _user(session, login: str) -> User:
    return session.scalars(select(User).where(User.login == login)).one()


def _note(world, login: str, customer: str, kind: str, on: date, text: str = "记录") -> None:
    with world.runtime.factory() as session, session.begin():
        add_customer_note(
            session,
            customer_id=world.customers[customer],
            actor=_user(session, login),
            kind=kind,
            on=on,
            text=text,
        )


def _followups(world, login: str, as_of: date, due_only: bool = False) -> list[dict]:
    with world.runtime.factory() as session, session.begin():
        return followups_for(session, viewer=_user(session, login), as_of=as_of, due_only=due_only)


# --- follow-ups (policy 8) ---


def test_a_sale_schedules_the_3_30_60_day_followups_and_a_visit_closes_the_earliest(world):
    sale = date.today() - timedelta(days=5)
    _note(world, "alice", "c1", "sale", sale, "签订年度供货合同")
    rows = _followups(world, "alice", date.today())
    assert [(r["days"], r["due_on"]) for r in rows] == [
        (d, (sale + timedelta(days=d)).isoformat()) for d in (3, 30, 60)
    ]
    assert rows[0]["state"] == "overdue" and rows[1]["state"] == "scheduled"
    assert [r["days"] for r in _followups(world, "alice", date.today(), due_only=True)] == [3]
    assert [r["days"] for r in _followups(world, "alice", sale + timedelta(days=28), due_only=True)] == [
        3,
        30,
    ]
    _note(world, "alice", "c1", "followup", date.today(), "电话回访，客户满意")
    assert [r["days"] for r in _followups(world, "alice", date.today())] == [30, 60]
    assert _followups(world, "carol", date.today()) == []  # carol owns none of them


def test_followups_go_with_the_file_to_a_new_owner(world):
    _note(world, "alice", "c1", "sale", date.today())
    with world.runtime.factory() as session, session.begin():
        edit_customer_file(
            session, world.runtime.index, customer_id=world.customers["c1"], actor=_user(session, "mgr1"),
            changes={"owner": "bob"}, reason="调整负责人",
        )  # fmt: skip
    assert _followups(world, "alice", date.today()) == []
    assert len(_followups(world, "bob", date.today())) == 3


def test_a_file_not_updated_for_a_month_is_listed_for_its_owner(world):
    with world.runtime.factory() as session, session.begin():
        session.get_one(Customer, world.customers["c1"]).updated_at = utcnow() - timedelta(days=31)
    with world.runtime.factory() as session, session.begin():
        assert [f["id"] for f in stale_files(session, viewer=_user(session, "alice"))] == [
            world.customers["c1"]
        ]
        assert stale_files(session, viewer=_user(session, "carol")) == []


# --- grades (POL-1: rules as data) ---


def test_regrading_applies_the_rules_and_keeps_a_manual_grade(world):
    with world.runtime.factory() as session, session.begin():
        c1, c2 = (
            session.get_one(Customer, world.customers["c1"]),
            session.get_one(Customer, world.customers["c2"]),
        )
        c1.annual_sales, c1.customer_since, c1.credit_standing = 600_000_000, date(2015, 1, 1), "良好"
        c2.annual_sales = 20_000_000
        for grade, sales, years, credit in (("A", 500_000_000, 3, ["良好"]), ("B", 100_000_000, 1, []),
                                            ("C", 10_000_000, None, []), ("D", None, None, [])):  # fmt: skip
            set_rule(session, grade=grade, min_annual_sales=sales, min_years=years, credit_standings=credit,
                     actor="mgr1")  # fmt: skip
    with world.runtime.factory() as session, session.begin(), pytest.raises(AccessDenied):
        regrade_files(session, actor=_user(session, "alice"), reason="试")
    with world.runtime.factory() as session, session.begin():
        done = regrade_files(session, actor=_user(session, "mgr1"), reason="年度评级")
    assert {r["id"]: r["grade"] for r in done["changed"]} == {
        world.customers["c1"]: "A",
        world.customers["c2"]: "C",
    }
    with world.runtime.factory() as session, session.begin():
        revision = session.scalars(
            select(CustomerRevision).where(CustomerRevision.customer_id == world.customers["c2"])
        ).one()
        assert (revision.before, revision.after, revision.reason) == (
            {"grade": None},
            {"grade": "C"},
            "年度评级",
        )
        edit_customer_file(session, world.runtime.index, customer_id=world.customers["c2"],
                           actor=_user(session, "mgr2"), changes={"grade": "B"}, reason="战略客户")  # fmt: skip
    with world.runtime.factory() as session, session.begin():
        done = regrade_files(session, actor=_user(session, "mgr1"), reason="年度评级")
        c2 = session.get_one(Customer, world.customers["c2"])
        assert (c2.grade, c2.grade_source) == ("B", "manual")
    assert done["changed"] == []
    assert done["overridden"] == [{"id": c2.id, "name": c2.name, "grade": "B", "rule_grade": "C"}]


# --- merge ---


def test_merge_moves_everything_keeps_archive_numbers_and_leaves_a_pointer(world):
    runtime = world.runtime
    with runtime.factory() as session, session.begin():
        dup = Customer(name="客户c1（重复）", department="sales1", owner="alice")
        session.add(dup)
        session.flush()
        world.customers["dup"] = dup.id
    doc = add_document(world, "dup", "internal", title="重复档案里的合同", text="供货合同", index=True)
    _note(world, "alice", "dup", "sale", date.today())
    with runtime.factory() as session, session.begin():
        add_customer_contact(
            session, customer_id=world.customers["dup"], actor=_user(session, "alice"), name="王经理"
        )
        archive_no = session.get_one(Document, doc).archive_no
        item = custody.add_item(session, document_id=None, customer_id=world.customers["dup"], pieces=1, pages=3,
                                actor=_user(session, "archivist"))  # fmt: skip
    with runtime.factory() as session, session.begin(), pytest.raises(AccessDenied):
        merge_customer_files(session, runtime.index, actor=_user(session, "alice"),
                             from_id=world.customers["dup"], into_id=world.customers["c1"], reason="重复建档")  # fmt: skip
    with runtime.factory() as session, session.begin():
        merged = merge_customer_files(session, runtime.index, actor=_user(session, "mgr1"),
                                      from_id=world.customers["dup"], into_id=world.customers["c1"], reason="重复建档")  # fmt: skip
    assert merged["document_ids"] == [doc] and merged["archive_nos"] == [archive_no]
    assert (merged["contacts"], merged["entries"], merged["followups"]) == (1, 1, 3)
    with runtime.factory() as session, session.begin():
        moved = session.get_one(Document, doc)
        assert (moved.customer_id, moved.archive_no) == (world.customers["c1"], archive_no)
        assert session.get_one(Item, item.id).customer_id == world.customers["c1"]
        contact = session.scalars(select(CustomerContact).where(CustomerContact.name == "王经理")).one()
        assert contact.customer_id == world.customers["c1"]
        pointer = session.get_one(Customer, world.customers["dup"])
        assert (pointer.status, pointer.merged_into) == ("merged", world.customers["c1"])
        assert (
            session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.merge"))
            .one()
            .details["into"]
            == world.customers["c1"]
        )
        shown = customer_detail(session, viewer=_user(session, "alice"), customer_id=world.customers["dup"])
        assert shown["profile"]["merged_into"] == world.customers["c1"]
        with pytest.raises(DanganError) as refused:
            add_customer_contact(
                session, customer_id=world.customers["dup"], actor=_user(session, "alice"), name="x"
            )
        assert refused.value.code == "customer.merged"
    with runtime.factory() as session, session.begin():  # the index now files the document under c1
        found = run_search(
            session, runtime.index, query="供货合同", user=_user(session, "alice"), facets=True
        )
    assert [v["value"] for v in found.as_json()["facets"]["customer"]] == [str(world.customers["c1"])]


def test_merge_is_refused_across_credit_codes_and_under_a_hold(world):
    runtime = world.runtime
    with runtime.factory() as session, session.begin():
        session.get_one(Customer, world.customers["c1"]).credit_code = "91310115MA1K3YJ3X6"
        other = Customer(name="另一家", department="sales1", owner="alice", credit_code="91110000100000000X")
        held = Customer(name="被保全的", department="sales1", owner="alice")
        session.add_all([other, held])
        session.flush()
        world.customers |= {"other": other.id, "held": held.id}
    add_document(world, "held", "internal")
    with runtime.factory() as session, session.begin():
        with pytest.raises(DanganError) as refused:
            merge_customer_files(session, runtime.index, actor=_user(session, "mgr1"), from_id=world.customers["other"],
                                 into_id=world.customers["c1"], reason="试")  # fmt: skip
        assert refused.value.code == "customer.merge_codes_differ"
    with runtime.factory() as session, session.begin():
        add_hold(session, runtime.index, actor=_user(session, "officer"), name="诉讼", reason="诉讼保全", scope="customer",
                 customer_id=world.customers["held"])  # fmt: skip
    with runtime.factory() as session, session.begin():
        with pytest.raises(DanganError) as refused:
            merge_customer_files(session, runtime.index, actor=_user(session, "mgr1"), from_id=world.customers["held"],
                                 into_id=world.customers["c1"], reason="试")  # fmt: skip
        assert refused.value.code == "hold.blocks_edit"


# --- offboarding (POL-5) ---


def _loaded_leaver(world) -> None:
    """mgr1 leaves: owns c1, manages sales1, holds a grant, filed a request, borrowed an original."""
    runtime = world.runtime
    with runtime.factory() as session, session.begin():
        session.get_one(Customer, world.customers["c1"]).owner = "mgr1"
    doc = add_document(world, "c2", "department")
    mine = add_document(world, "c1", "internal")
    with runtime.factory() as session, session.begin():
        request_access(session, requester=_user(session, "mgr1"), document_ids=[doc], reason="复核", days=3)
        add_grant(session, world, "mgr1", document_id=doc)
        archivist = _user(session, "archivist")
        custody.add_location(session, path="总部/档案室/A柜", kind="cabinet", actor=archivist)
        item = custody.add_item(
            session, document_id=mine, customer_id=None, pieces=1, pages=2, actor=archivist
        )
        custody.move_item(session, item_id=item.id, to="总部/档案室/A柜", actor=archivist, reason="入库")
        loan = custody.request_loan(
            session,
            actor=_user(session, "mgr1"),
            item_ids=[item.id],
            purpose="核对原件",
            days=7,
            today=date.today(),
            default_days=7,
            slip_pattern="借{year}-{seq:03d}",
        )
        world.extra["loan"] = loan.id


def test_disabling_a_user_who_still_holds_files_is_refused_with_the_list(world):
    _loaded_leaver(world)
    with world.runtime.factory() as session, session.begin(), pytest.raises(DanganError) as refused:
        disable_user(session, actor=_user(session, "admin"), login="mgr1")
    assert refused.value.code == "user.holds_duties"
    assert "负责的客户档案: 客户c1" in refused.value.params["duties_zh"]
    assert "Departments managed: sales1" in refused.value.params["duties_en"]
    with world.runtime.factory() as session, session.begin():
        assert _user(session, "mgr1").active
        disable_user(session, actor=_user(session, "admin"), login="officer")  # holds nothing
        assert not _user(session, "officer").active


def test_offboarding_hands_everything_over_and_nothing_is_left_with_the_disabled_user(world):
    _loaded_leaver(world)
    runtime = world.runtime
    with runtime.factory() as session, session.begin():
        with pytest.raises(DanganError) as refused:
            offboard(
                session,
                runtime.index,
                actor=_user(session, "admin"),
                login="mgr1",
                successor="admin",
                reason="离职",
            )
        assert refused.value.code == "offboard.successor_actor"
    with runtime.factory() as session, session.begin():
        report = offboard(session, runtime.index, actor=_user(session, "admin"), login="mgr1", successor="bob",
                          reason="个人原因离职")  # fmt: skip
    assert [f["id"] for f in report["files"]] == [world.customers["c1"]]
    assert report["departments"] == ["sales1"] and len(report["loans"]) == 1 and report["id"]
    with runtime.factory() as session, session.begin():
        leaver, bob = _user(session, "mgr1"), _user(session, "bob")
        assert not leaver.active
        assert held_by(session, leaver).duties() == {} and holdings(session, leaver).duties() == {}
        assert session.scalars(select(Customer).where(Customer.owner == "mgr1")).all() == []
        assert (
            session.scalars(select(DepartmentManager).where(DepartmentManager.user_id == leaver.id)).all()
            == []
        )
        assert (
            session.scalars(
                select(Loan).where(Loan.borrower_id == leaver.id, Loan.status != "returned")
            ).all()
            == []
        )
        assert all(
            g.revoked_at is not None for g in session.scalars(select(Grant).where(Grant.user_id == leaver.id))
        )
        assert {
            r.state
            for r in session.scalars(select(AccessRequest).where(AccessRequest.requester_id == leaver.id))
        } == {"withdrawn"}
        assert "department_manager" in bob.positions
        assert (
            session.scalars(select(Department).where(Department.code == "sales1")).one().manager.login
            == "bob"
        )
        assert session.get_one(Loan, world.extra["loan"]).borrower_id == bob.id
        entry = session.scalars(
            select(CustomerEntry).where(CustomerEntry.customer_id == world.customers["c1"])
        ).one()
        assert entry.kind == "change" and "bob" in entry.text
        assert (
            session.scalars(select(AuditEvent).where(AuditEvent.action == "user.offboard")).one().actor
            == "admin"
        )
    pdf = handover_pdf(report)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_offboarding_is_all_or_nothing(world):
    _loaded_leaver(world)
    runtime = world.runtime
    with runtime.factory() as session, session.begin(), pytest.raises(DanganError):
        offboard(session, runtime.index, actor=_user(session, "admin"), login="mgr1", successor="auditor",
                 reason="离职")  # the auditor keeps no customer files  # fmt: skip
    with runtime.factory() as session, session.begin():
        assert _user(session, "mgr1").active
        assert session.get_one(Customer, world.customers["c1"]).owner == "mgr1"


def test_a_document_matched_by_a_merged_files_name_files_its_credit_code_on_the_file_it_points_to(world):
    runtime = world.runtime
    code = "91310000MA1FL0XQ3A"
    with runtime.factory() as session, session.begin():
        dup = Customer(name="客户丙旧称", department="sales1", owner="alice")
        session.add(dup)
        session.flush()
        world.customers["old"] = dup.id
    with runtime.factory() as session, session.begin():
        merge_customer_files(session, runtime.index, actor=_user(session, "mgr1"),
                             from_id=world.customers["old"], into_id=world.customers["c1"], reason="重复建档")  # fmt: skip
    with runtime.factory() as session, session.begin():
        match = match_customer(session, name="客户丙旧称", credit_code=code, org_name="本公司")
        assert (match.customer.id, match.matched_by) == (world.customers["c1"], "name")
    with runtime.factory() as session:
        assert session.get_one(Customer, world.customers["old"]).credit_code is None
        assert session.get_one(Customer, world.customers["c1"]).credit_code == code


def _handover(world, preparer: str, reviewer: str) -> int:
    from custody.handovers import Line
    from workflows.handovers import create_handover

    with world.runtime.factory() as session, session.begin():
        made = create_handover(session, title="流动资金贷款", customer_id=world.customers["c1"], reviewer=reviewer,
                               lines=[Line("借款合同", 1, 6)], actor=_user(session, preparer),
                               today=date(2026, 3, 2), prefix="鸿借字")  # fmt: skip
    return made.id


def test_offboarding_hands_the_leavers_part_in_open_handover_lists_to_the_successor(world):
    from custody.handover_models import Handover

    runtime = world.runtime
    prepared, reviewed = _handover(world, "alice", "mgr1"), _handover(world, "mgr1", "alice")
    with runtime.factory() as session, session.begin():
        held = holdings(session, _user(session, "alice"))
        assert [(h["id"], h["role"]) for h in held.handovers] == [
            (prepared, "preparer"),
            (reviewed, "reviewer"),
        ]
        with pytest.raises(DanganError) as refused:
            disable_user(session, actor=_user(session, "admin"), login="alice")
        assert "流动资金贷款" in refused.value.both()
    with runtime.factory() as session, session.begin(), pytest.raises(DanganError) as same:
        offboard(session, runtime.index, actor=_user(session, "admin"), login="alice", successor="mgr1",
                 reason="离职")  # mgr1 would review what they prepared  # fmt: skip
    assert same.value.code == "offboard.handover_same_party"
    with runtime.factory() as session, session.begin():
        report = offboard(session, runtime.index, actor=_user(session, "admin"), login="alice", successor="bob",
                          reason="离职")  # fmt: skip
    assert [h["id"] for h in report["handovers"]] == [prepared, reviewed]
    with runtime.factory() as session:
        bob = _user(session, "bob")
        assert session.get_one(Handover, prepared).preparer_id == bob.id
        assert session.get_one(Handover, reviewed).reviewer_id == bob.id
        assert holdings(session, _user(session, "alice")).duties() == {}
    with pdfplumber.open(io.BytesIO(handover_pdf(report))) as opened:
        text = "".join(page.extract_text() or "" for page in opened.pages)
    assert "移交清单" in text and "流动资金贷款" in text
