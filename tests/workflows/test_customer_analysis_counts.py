"""The customer analysis' documents per type, summed from records.document_counts, are exactly what a count of
the documents themselves gives each reader (access.policy's rule, grants included), after every kind of
change: filing, a type or file correction, a level change, a file's department, owner or status, a merge.
Destruction: tests/retention/test_destroy.py; the migration's back-fill: tests/core/test_migrations.py."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from sqlalchemy import select, update

from access.levels import set_document_level
from access.metadata import correct_metadata
from access.models import User
from access.policy import decide, decide_customer, read_scope
from records.customer_files import change_customer
from records.customer_merge import merge_files
from records.customer_query import CustomerFilter
from records.document_counts import DocumentCount, differences
from records.models import Customer, Document
from tests.api.world import add_document, add_grant, build_world
from tests.ingest.samples import write_text_pdf
from workflows.capture import ingest_files
from workflows.checking import check_archive
from workflows.customer_reports import customer_analysis

READERS = ("alice", "bob", "carol", "mgr1", "md", "admin")  # owner, grants, manager, company, none
FILTERS = ({}, {"status": "active"}, {"department": "sales1"}, {"owner": "alice"}, {"grade": "A"})


@pytest.fixture
def world(runtime):
    world = build_world(None, runtime)
    with runtime.factory() as session, session.begin():
        for name, values in (
            ("c3", {"department": "sales1", "owner": "bob", "status": "potential", "grade": "A"}),
            ("c4", {"grade": "A"}),  # kept by no department, owned by no one
        ):
            customer = Customer(name=f"客户{name}", **values)
            session.add(customer)
            session.flush()
            world.customers[name] = customer.id
    docs = {}
    for n, (customer, level, doc_type) in enumerate((
        ("c1", "internal", "contract"), ("c1", "department", "contract"), ("c1", "personal", "licence"),
        ("c1", "company", "title_deed"), ("c2", "internal", "correspondence"), ("c2", "personal", "contract"),
        ("c2", "department", None), ("c3", "department", "service_record"), ("c3", "personal", "contract"),
        ("c4", "internal", "licence"), ("c4", "company", "contract"),
    )):  # fmt: skip
        docs[n] = add_document(world, customer, level, title=f"文件{n}", doc_type=doc_type)
    queued = runtime.store.put_stream(io.BytesIO(b"%PDF-1.4\n% queued\n"), kind="original")
    with runtime.factory() as session, session.begin():
        session.add(Document(sha256=queued.sha256, size=queued.size, mime="application/pdf",
                             original_filename="q.pdf", object_key=queued.key, state="queued"))  # fmt: skip
        add_grant(session, world, "bob", document_id=docs[5])  # a personal document of sales2's file
        add_grant(session, world, "carol", customer_id=world.customers["c1"])  # the whole file
    world.extra["docs"] = docs
    return world


def counted_directly(session, viewer: User, filters: dict) -> dict:
    """Documents per type the reader may read, decided one by one, in files matching the filters."""
    scope = read_scope(session, viewer)
    counts: Counter = Counter()
    for doc in session.scalars(select(Document).where(Document.state != "destroyed")):
        customer = doc.customer
        if customer is not None and customer.merged_into is not None:
            continue  # a merged file is a pointer, not a customer
        if filters and (customer is None or any(getattr(customer, k) != v for k, v in filters.items())):
            continue
        if "grade" in filters and not decide_customer(scope, customer).allowed:
            continue  # a profile filter matches only files the reader may open
        if decide(scope, doc).allowed:
            counts[doc.doc_type] += 1
    return dict(counts)


def assert_counts_agree(world, step: str) -> None:
    with world.runtime.factory() as session, session.begin():
        assert differences(session) == {}, step
        for login in READERS:
            viewer = session.get_one(User, world.users[login])
            for filters in FILTERS:
                analysis = customer_analysis(session, viewer=viewer, filters=CustomerFilter(**filters))
                by_type = next(d for d in analysis.dimensions if d.name == "doc_type")
                got = {b.value: b.count for b in by_type.buckets}
                assert got == counted_directly(session, viewer, filters), (step, login, filters)


def test_summed_counts_equal_a_direct_count_for_every_reader_after_every_kind_of_change(world, tmp_path):
    runtime, docs, files = world.runtime, world.extra["docs"], world.customers
    assert_counts_agree(world, "start")

    pdf = write_text_pdf(tmp_path / "contract.pdf", [["借款合同", "甲方：客户c2"]])
    summary = ingest_files(runtime, [pdf], actor="archivist", customer="客户c2", doc_type="contract")
    assert summary.ingested == 1
    assert_counts_agree(world, "filed")

    with runtime.factory() as session, session.begin():
        mgr1 = session.get_one(User, world.users["mgr1"])
        correct_metadata(session, document_id=docs[1], actor=mgr1, reason="更正类型", doc_type="licence")
    assert_counts_agree(world, "type corrected")

    with runtime.factory() as session, session.begin():
        mgr1 = session.get_one(User, world.users["mgr1"])
        correct_metadata(session, document_id=docs[0], actor=mgr1, reason="归错档", customer_id=files["c3"])
    assert_counts_agree(world, "moved to another file")

    with runtime.factory() as session, session.begin():
        mgr1 = session.get_one(User, world.users["mgr1"])
        set_document_level(session, document_id=docs[1], level="personal", actor=mgr1, reason="涉及个人信息")
    assert_counts_agree(world, "level changed")

    with runtime.factory() as session, session.begin():
        change_customer(session, customer_id=files["c3"], actor="mgr1", department="sales2", owner="carol",
                        status="active", reason="移交")  # fmt: skip
    assert_counts_agree(world, "file reassigned")

    with runtime.factory() as session, session.begin():
        source, target = session.get_one(Customer, files["c1"]), session.get_one(Customer, files["c2"])
        merge_files(session, source=source, target=target, actor="gm", reason="同一客户")
    assert_counts_agree(world, "files merged")


def test_check_finds_counts_that_disagree_and_repair_counts_again(world):
    runtime = world.runtime
    with runtime.factory() as session, session.begin():
        session.execute(update(DocumentCount).where(DocumentCount.level == "internal").values(documents=99))
        admin = session.get_one(User, world.users["admin"])
    found = check_archive(runtime, actor=admin)
    assert found.count_differences and found.damaged and not found.counts_rebuilt
    assert found.as_json()["document_counts"] == {"differences": found.count_differences, "rebuilt": False}
    repaired = check_archive(runtime, actor=admin, repair=True)
    assert repaired.counts_rebuilt
    with runtime.factory() as session:
        assert differences(session) == {}
    assert check_archive(runtime, actor=admin).count_differences == 0
