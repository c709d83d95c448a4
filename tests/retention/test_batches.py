"""Due list and destruction batches up to approval (DSP-1..3): refusals by name, the two-approver rule."""

from __future__ import annotations

from datetime import date

import pytest

from access.errors import AccessDenied
from core.errors import Conflict
from retention.batches import appraise, approve, create_batch, due_list
from retention.holds import add_hold
from tests.retention.conftest import TODAY, add_record, user


def propose(world, ids, login="officer"):
    with world.runtime.factory() as session, session.begin():
        return create_batch(
            session, world.runtime.index, actor=user(session, world, login), document_ids=ids, today=TODAY
        ).id


def step(world, fn, login, **kw):
    with world.runtime.factory() as session, session.begin():
        return fn(session, actor=user(session, world, login), **kw).state


def test_due_list_shows_due_destroy_records_with_reasoning_and_filters(world):
    due = add_record(world, doc_type="correspondence", doc_date=date(2020, 3, 5))
    add_record(world, doc_type="correspondence", doc_date=date(2055, 3, 5))
    other = add_record(world, doc_type="service_record", doc_date=date(2019, 1, 1), customer="c2")
    with world.runtime.factory() as session, session.begin():
        rows = due_list(session, world.runtime.index, as_of=TODAY, language="en")
        only = due_list(session, world.runtime.index, as_of=TODAY, customer_id=world.customers["c2"])
    assert [r.document_id for r in rows] == [other, due]
    assert rows[1].reasoning == "10 years from document date 2020-03-05 → 2031-01-01"
    assert [r.document_id for r in only] == [other]


def test_batch_refuses_records_not_due_not_destroy_or_held_naming_each(world):
    ok = add_record(world, doc_date=date(2020, 3, 5))
    young = add_record(world, doc_date=date(2055, 3, 5))
    review = add_record(world, doc_type="other")
    held = add_record(world, doc_date=date(2020, 3, 5))
    with world.runtime.factory() as session, session.begin():
        add_hold(session, world.runtime.index, actor=user(session, world, "officer"), name="审计冻结", reason="审计",
                 scope="documents", document_ids=[held])  # fmt: skip
    with pytest.raises(Conflict) as caught:
        propose(world, [ok, young, review, held])
    text = str(caught.value)
    assert f"#{young}" in text and "not due until 2066-01-01" in text
    assert f"#{review}" in text and "review, not destroy" in text
    assert f"#{held}" in text and "审计冻结" in text
    assert f"#{ok} " not in text


def test_record_in_an_open_batch_cannot_enter_another(world):
    doc = add_record(world)
    first = propose(world, [doc])
    with pytest.raises(Conflict) as caught:
        propose(world, [doc])
    assert f"batch {first}" in str(caught.value)


def test_workflow_needs_appraisal_then_two_distinct_approvers_neither_the_proposer(world, runtime):
    doc = add_record(world)
    batch = propose(world, [doc])
    with pytest.raises(Conflict):  # no appraisal yet
        step(world, approve, "mgr1", batch_id=batch)
    assert step(world, appraise, "officer", batch_id=batch, opinion="已到期，无保存价值") == "appraised"
    with pytest.raises(AccessDenied):  # officers do not approve
        step(world, approve, "officer", batch_id=batch)
    assert step(world, approve, "mgr1", batch_id=batch) == "appraised"
    with pytest.raises(Conflict) as caught:
        step(world, approve, "mgr1", batch_id=batch)
    assert "another approver" in str(caught.value)
    assert step(world, approve, "gm", batch_id=batch) == "approved"


def test_proposer_cannot_approve_their_own_batch(world):
    from access.models import UserRole

    doc = add_record(world)
    with world.runtime.factory() as session, session.begin():
        session.add(UserRole(user_id=world.users["md"], role="records_officer"))
    batch = propose(world, [doc], login="md")
    step(world, appraise, "officer", batch_id=batch, opinion="ok")
    with pytest.raises(Conflict) as caught:
        step(world, approve, "md", batch_id=batch)
    assert caught.value.code == "batch.proposer_cannot_approve"
