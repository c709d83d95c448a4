"""A customer file's profile: opened at first contact with checked values, duplicates refused by credit code
and name, similar names found, every change one revision with before and after, licence values offered."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.db import utcnow
from core.errors import DanganError
from records.customer_profile import check_values, open_file, revise, similar_files, yuan_to_fen
from records.customers import match_customer
from records.models import Customer, CustomerRevision

CODE = "91110000600037341L"
OTHER_CODE = "91310115MA1K3YJ3X6"


def _open(factory, name, **values):
    with factory() as session, session.begin():
        opened = open_file(session, name=name, actor="alice", role="staff", values=values, client="10.0.0.1")
        return opened.customer.id, opened.similar


def _revise(factory, customer_id, reason="核对营业执照", **changes):
    with factory() as session, session.begin():
        customer = session.get_one(Customer, customer_id)
        return revise(
            session,
            customer=customer,
            actor="alice",
            role="staff",
            action="customer.edit",
            changes=check_values(changes),
            reason=reason,
        )


def test_a_file_is_opened_without_any_document_as_a_potential_customer(factory):
    cid, similar = _open(
        factory,
        " 杭州 鸿达 机电有限公司 ",
        credit_code=CODE.lower(),
        kind="distributor",
        registered_capital=500_000_000,
        founded_on="2011-03-08",
    )
    assert similar == []
    with factory() as session:
        customer = session.get_one(Customer, cid)
        assert customer.documents == []
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.add")).one()
    assert (customer.name, customer.credit_code, customer.status) == (
        "杭州鸿达机电有限公司",
        CODE,
        "potential",
    )
    assert (customer.registered_capital, customer.founded_on) == (500_000_000, date(2011, 3, 8))
    assert (event.actor, event.object_id, event.client) == ("alice", str(cid), "10.0.0.1")
    assert event.details["values"]["credit_code"] == CODE


def test_a_wrong_credit_code_is_refused_saying_why(factory):
    with pytest.raises(DanganError) as refused:
        _open(factory, "鸿达", credit_code="91110000600037341K")
    assert refused.value.code == "uscc.checksum"
    assert "校验位" in refused.value.message("zh-CN") and "check character" in refused.value.message("en")
    with factory() as session:
        assert session.scalars(select(Customer)).all() == []


def test_the_same_credit_code_is_refused_naming_the_file_that_has_it(factory):
    first, _ = _open(factory, "杭州鸿达机电有限公司", credit_code=CODE)
    with pytest.raises(DanganError) as refused:
        _open(factory, "鸿达机电（杭州）", credit_code=CODE)
    assert refused.value.code == "customer.credit_code_taken"
    assert refused.value.params["id"] == first and "杭州鸿达机电有限公司" in refused.value.both()
    with pytest.raises(DanganError) as again:
        _open(factory, "杭州鸿达机电有限公司")
    assert again.value.code == "customer.name_taken" and again.value.params["id"] == first


def test_very_similar_names_are_flagged_not_refused(factory):
    first, _ = _open(factory, "杭州鸿达机电设备有限公司")
    _open(factory, "上海浦江物流有限公司")
    second, similar = _open(factory, "杭州鸿达机电设备有限责任公司")
    assert [(s.id, s.name) for s in similar] == [(first, "杭州鸿达机电设备有限公司")]
    with factory() as session:
        assert [s.id for s in similar_files(session, "杭州鸿达机电设备有限公司", but=first)] == [second]


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"kind": "wholesaler"}, "customer.choice_unknown"),
        ({"grade": "E"}, "customer.choice_unknown"),
        ({"registered_capital": -1}, "customer.money_invalid"),
        ({"registered_capital": "500万"}, "customer.money_invalid"),
        ({"founded_on": "2011-13-01"}, "customer.date_invalid"),
        ({"email": "not-an-address"}, "customer.email_invalid"),
        ({"phone": "1" * 61}, "customer.too_long"),
        ({"favourite_colour": "red"}, "customer.field_unknown"),
        ({"status": "gone"}, "customer.status_unknown"),
    ],
)
def test_bad_values_are_refused_naming_the_field(factory, values, code):
    with pytest.raises(DanganError) as refused:
        _open(factory, "客户甲", **values)
    assert refused.value.code == code
    if "field_zh" in refused.value.params:  # each language names the field in its own words
        assert refused.value.params["field_zh"] in refused.value.message("zh-CN")
        assert refused.value.params["field_en"] in refused.value.message("en")


def test_amounts_typed_in_yuan_become_fen():
    assert yuan_to_fen("5,000,000", field="registered_capital") == 500_000_000
    assert yuan_to_fen("1200.5", field="credit_limit") == 120_050
    for wrong in ("1.234", "-3", "abc", "NaN"):
        with pytest.raises(DanganError):
            yuan_to_fen(wrong, field="credit_limit")


def test_a_change_is_one_revision_with_only_what_changed(factory):
    cid, _ = _open(factory, "客户甲", phone="0571-1", industry="机电")
    change = _revise(factory, cid, phone="0571-2", industry="机电", grade="B", credit_limit=1_000_000)
    assert change.before == {"phone": "0571-1", "grade": None, "credit_limit": None}
    assert change.after == {"phone": "0571-2", "grade": "B", "credit_limit": 1_000_000}
    with factory() as session:
        revision = session.scalars(select(CustomerRevision)).one()
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.edit")).one()
    assert (revision.actor, revision.reason, revision.after) == ("alice", "核对营业执照", change.after)
    assert event.reference == f"customer_revision:{revision.id}" and event.details["before"] == change.before
    with pytest.raises(DanganError) as unchanged:
        _revise(factory, cid, phone="0571-2")
    assert unchanged.value.code == "customer.unchanged"
    with pytest.raises(DanganError) as no_reason:
        _revise(factory, cid, reason="  ", phone="0571-3")
    assert no_reason.value.code == "customer.reason_required"


def test_a_new_name_keeps_the_old_one_and_a_new_status_its_date_and_reason(factory):
    cid, _ = _open(factory, "杭州鸿达机电有限公司")
    _open(factory, "鸿达集团")
    _revise(factory, cid, reason="工商变更登记", name="浙江鸿达机电股份有限公司", status="active")
    with factory() as session:
        customer = session.get_one(Customer, cid)
        assert customer.name == "浙江鸿达机电股份有限公司"
        assert [f["name"] for f in customer.former_names] == ["杭州鸿达机电有限公司"]
        assert customer.former_names[0]["until"] == utcnow().date().isoformat()
        assert (customer.status, customer.status_reason) == ("active", "工商变更登记")
        assert customer.status_on is not None
    with pytest.raises(DanganError) as taken:
        _revise(factory, cid, name="鸿达集团")
    assert taken.value.code == "customer.name_taken"


def test_licence_values_are_offered_only_for_empty_fields_and_never_written(factory):
    entered, _ = _open(factory, "客户甲", registered_capital=100_000)
    empty, _ = _open(factory, "客户乙")
    with factory() as session, session.begin():
        for name in ("客户甲", "客户乙"):
            match = match_customer(
                session,
                name=name,
                credit_code=None,
                org_name="本公司",
                offered={"registered_capital": 900_000},
            )
            assert match.matched_by == "name"
    with factory() as session:
        kept, offered = session.get_one(Customer, entered), session.get_one(Customer, empty)
        assert (kept.registered_capital, kept.suggested) == (100_000, {})
        assert (offered.registered_capital, offered.suggested) == (None, {"registered_capital": 900_000})
    _revise(factory, empty, reason="采用营业执照上的注册资本", registered_capital=900_000)
    with factory() as session:
        accepted = session.get_one(Customer, empty)
        assert (accepted.registered_capital, accepted.suggested) == (900_000, {})
