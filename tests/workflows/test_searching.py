"""workflows.searching.search_documents, the search of the API and the pages (issue 14): it reads a snapshot and
takes the write lock only to append its audit event, and users searching at once from several web processes
each leave one event on a chain that verifies."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import audit
from records.models import Customer, Page
from tests.access.conftest import add_document, add_user
from tests.conftest import PG_URL, make_settings
from tests.support.locks import while_sqlite_is_locked
from workflows.indexing import index_documents
from workflows.runtime import Runtime
from workflows.searching import search_documents

SEARCHES = 6  # per process


class WatchedIndex:
    """The real index; notes when a search reached it."""

    def __init__(self, index):
        self.index = index
        self.searched = threading.Event()

    def search(self, *args, **kwargs):
        self.searched.set()
        return self.index.search(*args, **kwargs)


def _archive(runtime: Runtime) -> int:
    """One staff member and one internal contract, indexed; the staff member's id."""
    with runtime.factory() as session, session.begin():
        user = add_user(session, "lin")
        customer = Customer(name="华夏贸易")
        session.add(customer)
        session.flush()
        doc = add_document(session, customer, "internal", title="借款合同")
        session.add(Page(document=doc, number=1, text="借款合同：借款人按期还款。", method="text_layer"))
    with runtime.factory() as session, session.begin():
        index_documents(session, runtime.index, [doc.id])
    return user.id


def _search_events(runtime: Runtime) -> int:
    with runtime.factory() as session:
        return session.scalar(select(func.count()).where(audit.AuditEvent.action == "search"))


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's database-wide write lock")
def test_search_reaches_the_index_while_another_writer_holds_the_database(runtime):
    user_id = _archive(runtime)
    index = WatchedIndex(runtime.index)
    before = _search_events(runtime)

    def search() -> int:
        page = search_documents(runtime.factory, index, user_id=user_id, query="借款合同", facets=True)
        return page.total

    # Before issue 14 the whole search ran in BEGIN IMMEDIATE: it waited here until the writer was done.
    with while_sqlite_is_locked(runtime.settings.home / "dangan.db") as pool:
        finished = pool.submit(search)
        assert index.searched.wait(30), "the search waited for the write lock before reading the index"
        assert not finished.done(), "the audit event must wait for the write lock, like any write"
    assert finished.result(30) == 1
    assert _search_events(runtime) == before + 1


def _searcher(home: str, database_url: str | None, user_id: int, start, queries: list[str]) -> None:
    runtime = Runtime(make_settings(Path(home), database_url))
    try:
        start.wait(60)
        for query in queries:
            search_documents(runtime.factory, runtime.index, user_id=user_id, query=query, facets=True)
    finally:
        runtime.close()


def test_searches_from_two_processes_each_leave_one_event_and_the_chain_verifies(runtime):
    user_id = _archive(runtime)
    before = _search_events(runtime)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    queries = ["借款合同", "借款", "合同 -抵押"] * (SEARCHES // 3)
    processes = [
        context.Process(
            target=_searcher,
            args=(str(runtime.settings.home), runtime.settings.database_url, user_id, start, queries),
        )
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    assert _search_events(runtime) == before + 2 * SEARCHES
    with runtime.factory() as session:
        report = audit.verify_chain(session)
        assert report.intact, report.reason
        queries_seen = session.scalars(
            select(audit.AuditEvent.details).where(audit.AuditEvent.action == "search")
        ).all()
    assert sorted(d["query"] for d in queries_seen[-2 * SEARCHES :]) == sorted(queries * 2)
