"""Legal holds (HLD-1..3): scopes, several per record, release with a reason, and the refusals naming them."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import Conflict, DanganError
from retention.batches import create_batch
from retention.holds import add_hold, holds_on, release_hold
from tests.retention.conftest import TODAY, add_record, user
from workflows.corrections import correct_metadata, set_document_level


def hold(world, **kw):
    with world.runtime.factory() as session, session.begin():
        return add_hold(session, world.runtime.index, actor=user(session, world, "officer"),
                        name=kw.pop("name", "诉讼保全"), reason=kw.pop("reason", "法院通知"), **kw).id  # fmt: skip


def held(world, doc):
    with world.runtime.factory() as session:
        return [h.name for h in holds_on(session, [doc]).get(doc, [])]


def test_customer_hold_covers_records_filed_later(world):
    hold(world, scope="customer", customer_id=world.customers["c1"])
    later = add_record(world, customer="c1")
    other = add_record(world, customer="c2")
    assert held(world, later) == ["诉讼保全"] and held(world, other) == []


def test_saved_search_hold_finds_records_by_their_text(world):
    target = add_record(world, text="关于鸿运大厦抵押纠纷的往来函件")
    other = add_record(world)
    hold(world, scope="search", query="鸿运大厦")
    assert held(world, target) == ["诉讼保全"] and held(world, other) == []


def test_several_holds_and_release_needs_a_reason_and_frees_only_when_all_are_released(world):
    doc = add_record(world)
    first = hold(world, scope="documents", document_ids=[doc], name="甲")
    second = hold(world, scope="customer", customer_id=world.customers["c1"], name="乙")
    assert held(world, doc) == ["甲", "乙"]
    with world.runtime.factory() as session, pytest.raises(DanganError):
        release_hold(session, actor=user(session, world, "officer"), hold_id=first, reason=" ")
    with world.runtime.factory() as session, session.begin():
        release_hold(session, actor=user(session, world, "officer"), hold_id=first, reason="结案")
    assert held(world, doc) == ["乙"]
    with world.runtime.factory() as session, session.begin():
        release_hold(session, actor=user(session, world, "officer"), hold_id=second, reason="结案")
    assert held(world, doc) == []


def test_held_record_cannot_be_edited_and_the_refusal_names_the_hold(world):
    doc = add_record(world)
    number = hold(world, scope="documents", document_ids=[doc])
    with world.runtime.factory() as session, pytest.raises(Conflict) as caught:
        correct_metadata(
            session,
            world.runtime.index,
            document_id=doc,
            actor=user(session, world, "archivist"),
            reason="x",
            title="新题名",
        )
    assert caught.value.code == "hold.blocks_edit" and f"诉讼保全» (#{number})" in str(caught.value)
    with world.runtime.factory() as session, pytest.raises(Conflict):
        set_document_level(
            session,
            world.runtime.index,
            document_id=doc,
            level="department",
            actor=user(session, world, "mgr1"),
            reason="x",
        )


def test_held_record_cannot_be_moved_out_of_a_held_customer_file(world):
    doc = add_record(world, customer="c1")
    hold(world, scope="customer", customer_id=world.customers["c1"])
    with world.runtime.factory() as session, pytest.raises(Conflict) as caught:
        correct_metadata(session, world.runtime.index, document_id=doc, actor=user(session, world, "mgr1"), reason="x",
                         customer_id=world.customers["c2"])  # fmt: skip
    assert "诉讼保全" in str(caught.value)


def test_released_hold_destroys_nothing_and_the_record_needs_a_fresh_batch(world):
    doc = add_record(world, doc_date=date(2020, 3, 5))
    number = hold(world, scope="documents", document_ids=[doc])
    with world.runtime.factory() as session, pytest.raises(Conflict) as caught:
        create_batch(
            session,
            world.runtime.index,
            actor=user(session, world, "officer"),
            document_ids=[doc],
            today=TODAY,
        )
    assert f"#{doc}" in str(caught.value) and "诉讼保全" in str(caught.value)
    with world.runtime.factory() as session, session.begin():
        release_hold(session, actor=user(session, world, "officer"), hold_id=number, reason="结案")
    assert world.runtime.store.exists(world_key(world, doc))
    with world.runtime.factory() as session, session.begin():
        batch = create_batch(
            session,
            world.runtime.index,
            actor=user(session, world, "officer"),
            document_ids=[doc],
            today=TODAY,
        )
        assert batch.state == "proposed"


def world_key(world, doc):
    from records.models import Document

    with world.runtime.factory() as session:
        return session.get_one(Document, doc).object_key


def test_saved_search_hold_is_re_evaluated_and_catches_records_filed_later(world):
    from retention.batches import due_list

    hold(world, scope="search", query="鸿运大厦")
    later = add_record(world, text="鸿运大厦抵押物评估报告的往来函件", doc_date=date(2020, 3, 5))
    with world.runtime.factory() as session, session.begin():
        rows = {r.document_id: r for r in due_list(session, world.runtime.index, as_of=TODAY)}
    assert rows[later].holds and "诉讼保全" in rows[later].holds[0]
    assert held(world, later) == ["诉讼保全"]
