"""Retention rules as data and each record's stored due date with its reasoning (RET-1..3)."""

from __future__ import annotations

from datetime import date

import pytest

from access.errors import AccessDenied
from core.audit import AuditEvent
from core.errors import DanganError
from retention.models import RecordRetention
from retention.schedule import extend, list_rules, reasoning_text, recompute, set_rule
from tests.retention.conftest import add_record, user
from workflows.corrections import change_customer_file


def due(world, document_id):
    with world.runtime.factory() as session, session.begin():
        recompute(session, document_ids=[document_id])
        row = session.get_one(RecordRetention, document_id)
        return row.due_date, reasoning_text(row.reasoning, "en"), reasoning_text(row.reasoning, "zh-CN")


def test_default_schedule_ships_a_rule_for_every_type(world):
    with world.runtime.factory() as session, session.begin():
        rules = {r.doc_type: r for r in list_rules(session)}
    assert (rules["contract"].period_years, rules["contract"].trigger) == (30, "contract_end")
    assert (rules["licence"].period_years, rules["licence"].trigger) == (10, "relationship_end")
    assert rules["title_deed"].period_years is None
    assert rules["correspondence"].action == "destroy"


def test_contract_due_30_years_from_1_january_after_its_end(world):
    doc = add_record(world, doc_type="contract", contract_end="2024-12-31")
    assert due(world, doc)[:2] == (date(2055, 1, 1), "30 years from contract end 2024-12-31 → 2055-01-01")


def test_record_without_trigger_date_has_no_due_date_and_says_why(world):
    doc = add_record(world, doc_type="contract")
    when, english, _ = due(world, doc)
    assert when is None and "contract end is not known" in english


def test_title_deed_is_permanent(world):
    doc = add_record(world, doc_type="title_deed")
    when, english, _ = due(world, doc)
    assert when is None and english.startswith("Kept permanently")


def test_licence_becomes_due_when_the_customer_relationship_ends(world):
    doc = add_record(world, doc_type="licence")
    assert due(world, doc)[0] is None
    with world.runtime.factory() as session, session.begin():
        change_customer_file(session, world.runtime.index, customer_id=world.customers["c1"], actor=user(session, world, "archivist"),
                     status="former", reason="合作结束")  # fmt: skip
        row = session.get_one(RecordRetention, doc)
        ended = row.trigger_date
    assert ended is not None and row.due_date == date(ended.year + 11, 1, 1)
    with world.runtime.factory() as session, session.begin():
        change_customer_file(session, world.runtime.index, customer_id=world.customers["c1"], actor=user(session, world, "archivist"),
                     status="active", reason="恢复合作")  # fmt: skip
        assert session.get_one(RecordRetention, doc).due_date is None


def test_changing_a_rule_recomputes_due_dates_and_is_audited(world):
    doc = add_record(world, doc_type="correspondence", doc_date=date(2020, 3, 5))
    assert due(world, doc)[0] == date(2031, 1, 1)
    with world.runtime.factory() as session, session.begin():
        _, changed = set_rule(session, actor=user(session, world, "officer"), doc_type="correspondence", period_years=15,
                              trigger="document_date", action="destroy", basis="新制度")  # fmt: skip
        event = session.query(AuditEvent).filter_by(action="retention.rule.set").one()
    assert changed >= 1 and due(world, doc)[0] == date(2036, 1, 1)
    assert event.details["before"]["period_years"] == 10 and event.details["after"]["period_years"] == 15


def test_only_the_records_officer_changes_rules(world):
    with world.runtime.factory() as session, pytest.raises(AccessDenied):
        set_rule(session, actor=user(session, world, "archivist"), doc_type="contract", period_years=5,
                 trigger="filing", action="destroy", basis="x")  # fmt: skip


def test_metadata_correction_of_the_trigger_date_moves_the_due_date(world):
    from workflows.corrections import correct_metadata

    doc = add_record(world, doc_type="correspondence", doc_date=date(2020, 3, 5))
    with world.runtime.factory() as session, session.begin():
        correct_metadata(session, world.runtime.index, document_id=doc, actor=user(session, world, "archivist"), reason="日期更正",
                         doc_date=date(2022, 1, 9))  # fmt: skip
    assert due(world, doc)[0] == date(2033, 1, 1)


def test_extension_by_appraisal_moves_the_due_date_later_with_reason_and_approver(world):
    doc = add_record(world, doc_type="correspondence", doc_date=date(2020, 3, 5))
    with world.runtime.factory() as session, session.begin():
        extend(session, actor=user(session, world, "officer"), document_id=doc, new_due=date(2040, 1, 1),
               reason="诉讼可能", approver="gm", decided_on=date(2030, 12, 1))  # fmt: skip
    when, english, _ = due(world, doc)
    assert when == date(2040, 1, 1) and "extended by appraisal to 2040-01-01" in english and "gm" in english
    with world.runtime.factory() as session, pytest.raises(DanganError):
        extend(session, actor=user(session, world, "officer"), document_id=doc, new_due=date(2035, 1, 1),
               reason="x", approver="gm", decided_on=date(2030, 12, 1))  # fmt: skip
