"""Executing a batch (DSP-3..5): re-checks first, every copy deleted and verified, residual record kept."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from core.errors import Conflict, DanganError
from custody.models import PaperOriginal
from records.document_counts import DocumentCount, differences
from records.models import Derivative, Document, Page
from retention.holds import add_hold
from retention.models import DestructionBatch, RegisterEntry
from retention.paper import PaperDestruction
from search import search
from tests.retention.conftest import add_record, user
from tests.retention.helpers import approved_batch, execute

PAPER = PaperDestruction("碎纸机粉碎", "档案室", date(2060, 6, 1), ("王监销", "李监销"))


def keys_of(world, doc):
    with world.runtime.factory() as session:
        d = session.get_one(Document, doc)
        return [d.object_key, *[x.object_key for x in d.derivatives]]


def test_executed_batch_deletes_every_copy_verifies_it_and_keeps_a_residual_record(world):
    text = "关于华晨纺织续贷安排的往来函件，请查收附件"
    doc = add_record(world, text=text, title="华晨纺织续贷函")
    keep = add_record(world, text="另一份不销毁的函件内容")
    keys = keys_of(world, doc)
    assert len(keys) == 2 and all(world.runtime.store.exists(k) for k in keys)
    batch = approved_batch(world, [doc])
    seen = []
    report = execute(world, batch, on_item=seen.append)
    assert (
        report.state == "destroyed" and report.destroyed == [doc] and report.partial == report.untouched == []
    )
    assert not any(world.runtime.store.exists(k) for k in keys)
    assert world.runtime.store.exists(keys_of(world, keep)[0])
    assert search(world.runtime.index, "华晨纺织").total == 0
    assert report.purged and report.purge is not None and report.purge.clean  # gone from the index files too
    assert search(world.runtime.index, '"另一份不销毁"').total == 1
    checks = {c["check"] for c in seen[0].checks}
    assert {
        "object_gone",
        "index_entry_gone",
        "index_files_purged",
        "search_archive_no",
        "search_title",
        "search_phrase",
        "db_pages_gone",
    } <= checks
    assert all(c["ok"] for c in seen[0].checks)
    with world.runtime.factory() as session:
        d = session.get_one(Document, doc)
        assert d.state == "destroyed" and d.extracted == {}
        # The customer analysis no longer counts it (records.document_counts), and its counts still agree.
        assert differences(session) == {}
        assert session.scalar(select(func.sum(DocumentCount.documents))) == 1  # `keep` only
        assert session.scalar(select(func.count()).select_from(Page).where(Page.document_id == doc)) == 0
        assert (
            session.scalar(select(func.count()).select_from(Derivative).where(Derivative.document_id == doc))
            == 0
        )
        entry = session.scalars(select(RegisterEntry)).one()
        assert (entry.document_id, entry.sha256, entry.batch_id) == (doc, d.sha256, batch)
        assert entry.approvers == ["mgr1", "gm"] and entry.title == "华晨纺织续贷函"
        assert text[4:10] not in repr([i.probe for i in session.get_one(DestructionBatch, batch).items])


def test_hold_placed_after_approval_stops_the_batch_before_anything_is_deleted(world):
    first, second = add_record(world), add_record(world)
    batch = approved_batch(world, [first, second])
    with world.runtime.factory() as session, session.begin():
        add_hold(session, world.runtime.index, actor=user(session, world, "officer"), name="税务稽查", reason="稽查",
                 scope="documents", document_ids=[second])  # fmt: skip
    with pytest.raises(Conflict) as caught:
        execute(world, batch)
    assert f"#{second}" in str(caught.value) and "税务稽查" in str(caught.value)
    assert all(world.runtime.store.exists(k) for d in (first, second) for k in keys_of(world, d))
    with world.runtime.factory() as session:
        assert session.get_one(DestructionBatch, batch).state == "stopped"
    with pytest.raises(Conflict):  # a stopped batch never runs; the records need a fresh batch
        execute(world, batch)


def test_due_date_moved_after_approval_stops_the_batch(world):
    from retention.schedule import extend

    doc = add_record(world)
    batch = approved_batch(world, [doc])
    with world.runtime.factory() as session, session.begin():
        extend(session, actor=user(session, world, "officer"), document_id=doc, new_due=date(2070, 1, 1),
               reason="复核", approver="gm", decided_on=date(2060, 5, 1))  # fmt: skip
    with pytest.raises(Conflict) as caught:
        execute(world, batch)
    assert "2070-01-01" in str(caught.value)


def test_paper_originals_need_method_place_and_two_witnesses_and_become_destroyed(world):
    doc = add_record(world)
    with world.runtime.factory() as session, session.begin():
        session.add(PaperOriginal(document_id=doc, location="A-03-2-15"))
    batch = approved_batch(world, [doc])
    with pytest.raises(DanganError) as caught:
        execute(world, batch)
    assert caught.value.code == "batch.paper_required"
    with pytest.raises(DanganError) as caught:
        execute(world, batch, paper=PaperDestruction("碎纸", "档案室", date(2060, 6, 1), ("王", "王")))
    assert caught.value.code == "batch.witnesses"
    execute(world, batch, paper=PAPER)
    with world.runtime.factory() as session:
        paper = session.get_one(PaperOriginal, doc)
        assert (paper.status, paper.location) == ("destroyed", "destroyed")
        assert session.get_one(DestructionBatch, batch).paper["witnesses"] == ["王监销", "李监销"]


def test_register_entries_cannot_be_changed_on_postgresql(world):
    doc = add_record(world)
    execute(world, approved_batch(world, [doc]))
    if world.runtime.engine.dialect.name != "postgresql":
        pytest.skip("the database refuses changes only on PostgreSQL (trigger)")
    with pytest.raises(Exception, match="permanent"), world.runtime.factory() as session, session.begin():
        session.execute(update(RegisterEntry).values(title="改"))
