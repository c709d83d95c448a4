"""The segmenter's vocabulary is read from the database once per process and again only when customers or
document types change; a search parses its query once, for the engine and every hit's snippet alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, update

from records.models import Customer, DocumentType
from search import vocabulary
from search.analysis import word_tokens
from tests.api.world import World, add_document, build_world


@pytest.fixture
def world(runtime) -> World:
    return build_world(None, runtime)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def statements(engine) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _words(text: str) -> list[str]:
    return [w for w, _, _, _ in word_tokens(text)]


def test_names_are_read_once_and_not_again_until_the_tables_change(world: World) -> None:
    clock = Clock()
    words = vocabulary.Vocabulary(refresh_seconds=5, clock=clock)
    rt = world.runtime
    with rt.factory() as session, session.begin():
        session.add(Customer(name="湘潭鼎瀚晟丰商贸有限公司"))
    with rt.factory() as session:
        assert words.ensure(session) >= 1
        with statements(rt.engine) as seen:
            assert words.ensure(session) == 0  # within the interval: no database work at all
            assert seen == []
        clock.now += 6
        with statements(rt.engine) as seen:
            assert (
                words.ensure(session) == 0
            )  # looked: nothing changed, so nothing is read but the fingerprint
            assert seen and not any("customer.name" in s for s in seen)
    assert "湘潭鼎瀚晟丰商贸有限公司" in _words("委托湘潭鼎瀚晟丰商贸有限公司办理")


def test_a_new_customer_and_a_renamed_type_are_taught_after_the_interval(world: World) -> None:
    clock = Clock()
    words = vocabulary.Vocabulary(refresh_seconds=5, clock=clock)
    rt = world.runtime
    with rt.factory() as session:
        words.ensure(session)
    with rt.factory() as session, session.begin():
        session.add(Customer(name="澜沧嘉禾农牧有限公司"))
        session.execute(
            update(DocumentType).where(DocumentType.code == "correspondence").values(name_zh="函件往来记录")
        )
    with rt.factory() as session:
        assert words.ensure(session) == 0  # not looked at yet
        clock.now += 5
        assert words.ensure(session) >= 2
    assert "澜沧嘉禾农牧有限公司" in _words("致澜沧嘉禾农牧有限公司")
    assert "函件往来记录" in _words("一份函件往来记录")


def test_refresh_looks_at_the_tables_at_once(world: World) -> None:
    clock = Clock()
    words = vocabulary.Vocabulary(refresh_seconds=3600, clock=clock)
    rt = world.runtime
    with rt.factory() as session:
        words.ensure(session)
    with rt.factory() as session, session.begin():
        session.add(Customer(name="昆仑瑞丰实业有限公司"))
    words.refresh()
    with rt.factory() as session:
        assert words.ensure(session) >= 1


def test_a_search_parses_its_query_once_for_the_engine_and_every_snippet(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search import parser
    from workflows import searching

    for n in range(3):
        add_document(
            world, "c1", "internal", title=f"续贷函{n}", text=f"关于续贷安排的函件 第{n}号", index=True
        )
    calls = []
    real = parser.parse

    def counted(text: str):  # type: ignore[no-untyped-def]
        calls.append(text)
        return real(text)

    for module in ("search.parser", "search.query", "search.highlight", "workflows.searching"):
        monkeypatch.setattr(f"{module}.parse", counted)
    rt = world.runtime
    with rt.factory() as session, session.begin():
        alice = session.get(searching.User, world.users["alice"])
        page = searching.run_search(session, rt.index, query="续贷 函件", user=alice, limit=10)
    assert page.total == 3 and all("<mark>" in hit.snippet for hit in page.hits)
    assert calls == ["续贷 函件"]
