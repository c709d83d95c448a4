"""Locations, items and moves: paths with their parents, certificates in the safe, the place = last movement."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, update

from access.errors import AccessDenied
from core.audit import AuditEvent
from core.errors import DanganError
from custody import ledgers
from custody.items import misplaced_marks
from custody.ledgers import LedgerFilter
from custody.models import Location, Movement
from tests.api.world import add_document
from tests.custody.conftest import TODAY, user
from workflows import custody, custody_records
from workflows.checking import check_archive

BOX = "总部/档案室/A柜/2层/03盒"


def _location(world, path: str, kind: str):
    with world.runtime.factory() as session, session.begin():
        return custody.add_location(session, path=path, kind=kind, actor=user(session, world, "archivist"))


def _item(world, *, kind="original", location=BOX, document=None, customer=None, pieces=1, pages=10):
    with world.runtime.factory() as session, session.begin():
        return custody.add_item(session, document_id=document, customer_id=customer, pieces=pieces, pages=pages,
                                kind=kind, location=location, actor=user(session, world, "archivist"))  # fmt: skip


def test_adding_a_path_creates_its_parents_with_kinds_by_depth(world):
    made = _location(world, BOX, "box")
    with world.runtime.factory() as session:
        rows = session.execute(
            select(Location.path, Location.kind, Location.code).order_by(Location.id)
        ).all()
    assert [(p, k) for p, k, _ in rows] == [
        ("总部", "building"),
        ("总部/档案室", "room"),
        ("总部/档案室/A柜", "cabinet"),
        ("总部/档案室/A柜/2层", "shelf"),
        (BOX, "box"),
    ]
    assert made.path == BOX and made.code == rows[-1][2] and len({c for _, _, c in rows}) == 5
    _location(world, "总部/档案室/A柜/2层/04盒", "box")  # siblings share the parents already made
    with pytest.raises(DanganError) as info:
        _location(world, BOX, "box")
    assert info.value.code == "custody.location.exists"


@pytest.mark.parametrize("path", ["", "/", "总部//A柜", "总部/ /A柜"])
def test_malformed_paths_are_refused(world, path):
    with pytest.raises(DanganError) as info:
        _location(world, path, "box")
    assert info.value.code == "custody.location.bad_path"


def test_only_the_archivist_keeps_locations_and_items(world):
    for login in ("alice", "admin", "gm"):
        with world.runtime.factory() as session, pytest.raises(AccessDenied) as info:
            custody.add_location(session, path=BOX, kind="box", actor=user(session, world, login))
        assert info.value.code == "permission.role_required"


def test_a_certificate_goes_to_the_safe_and_stays_in_it(world):
    _location(world, BOX, "box")
    _location(world, "总部/档案室/保险柜", "safe")
    doc = add_document(world, "c1", "internal")
    with pytest.raises(DanganError) as info:
        _item(world, kind="certificate", document=doc, location=BOX)
    assert info.value.code == "custody.certificate_outside_safe"
    cert = _item(world, kind="certificate", document=doc, location=None)
    assert cert.location == "总部/档案室/保险柜"
    with world.runtime.factory() as session:
        from records.models import Document

        assert cert.number == session.get_one(Document, doc).archive_no  # the file's number (POL-8)
    with world.runtime.factory() as session, session.begin(), pytest.raises(DanganError):
        custody.move_item(
            session, item_id=cert.id, to=BOX, reason="整理", actor=user(session, world, "archivist")
        )


def test_a_certificate_without_a_safe_is_refused(world):
    doc = add_document(world, "c1", "internal")
    with pytest.raises(DanganError) as info:
        _item(world, kind="certificate", document=doc, location=None)
    assert info.value.code == "custody.no_safe"


def test_where_shows_place_and_history_to_the_archivist_and_is_audited(world):
    _location(world, BOX, "box")
    _location(world, "总部/档案室/B柜", "cabinet")
    doc = add_document(world, "c2", "company")  # the archivist may not read it, but keeps its paper
    item = _item(world, document=doc)
    with world.runtime.factory() as session, session.begin():
        custody.move_item(session, item_id=item.id, to="总部/档案室/B柜", reason="调整库位",
                          actor=user(session, world, "archivist"))  # fmt: skip
        view = custody.where(session, item_id=item.id, actor=user(session, world, "archivist"))
    assert (view.location, view.out_on_loan, view.customer) == ("总部/档案室/B柜", None, "客户c2")
    assert [(m.kind, m.from_location, m.to_location) for m in view.history] == [
        ("put_away", None, BOX),
        ("move", BOX, "总部/档案室/B柜"),
    ]
    with world.runtime.factory() as session:
        actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "item")))
    assert {"custody.item.add", "custody.move", "custody.where"} <= actions


def test_where_is_refused_to_someone_who_may_not_read_the_document(world):
    _location(world, BOX, "box")
    item = _item(world, document=add_document(world, "c2", "department"))
    with world.runtime.factory() as session, pytest.raises(AccessDenied) as info:
        custody.where(session, item_id=item.id, actor=user(session, world, "alice"))
    assert info.value.code == "custody.item.denied"
    with world.runtime.factory() as session:
        assert custody.where(session, item_id=item.id, actor=user(session, world, "carol")).location == BOX


def test_the_place_is_always_the_last_movement(world, monkeypatch):
    """A random run of moves, loans, short and full returns: where() always equals the last movement, and the
    ledger filtered to a place lists the items there, read from the marks (a cabinet) or walked (a room)."""
    rng = random.Random(13)
    places = [BOX, "总部/档案室/B柜/1层", "总部/库房/C柜", "分部/档案室/D柜"]
    for path in places:
        _location(world, path, "box")
    items = [_item(world, document=add_document(world, "c1", "internal"), pages=5).id for _ in range(4)]
    out: dict[int, int] = {}  # item → loan
    expected = {i: BOX for i in items}
    factory = world.runtime.factory
    for _step in range(60):
        item = rng.choice(items)
        with factory() as session, session.begin():
            archivist, gm = user(session, world, "archivist"), user(session, world, "gm")
            action = rng.choice(["move", "lend", "return_short", "return"])
            if action == "move" and item not in out:
                target = rng.choice(places)
                custody.move_item(session, item_id=item, to=target, reason="随机", actor=archivist)
                expected[item] = target
            elif action == "lend" and item not in out:
                loan = custody.request_loan(session, item_ids=[item], purpose="核对", days=None, actor=gm,
                                            today=TODAY, default_days=10, slip_pattern="J{year}-{seq}")  # fmt: skip
                custody.hand_out(session, loan_id=loan.id, actor=archivist, today=TODAY)
                out[item] = loan.id
                expected[item] = None
            elif action == "return_short" and item in out:
                custody.take_back(session, loan_id=out[item], pieces=1, pages=4, actor=archivist)
            elif action == "return" and item in out:
                custody.take_back(session, loan_id=out.pop(item), pieces=1, pages=5, actor=archivist)
                last_home = [m.from_location for m in custody.where(session, item_id=item, actor=archivist).history
                             if m.kind == "lend"][-1]  # fmt: skip
                expected[item] = last_home
        with factory() as session:
            archivist = user(session, world, "archivist")
            for i in items:
                view = custody.where(session, item_id=i, actor=archivist)
                last = session.scalar(
                    select(Movement).where(Movement.item_id == i).order_by(Movement.id.desc()).limit(1)
                )
                last_path = session.get(Location, last.to_location_id).path if last.to_location_id else None
                assert view.location == last_path == expected[i]
                assert view.out_on_loan == out.get(i)
                # the mark the ledgers read places by is on that movement, and on no other of the item
                marked = session.scalars(
                    select(Movement.id).where(Movement.item_id == i, Movement.latest)
                ).all()
                assert marked == [last.id]
            for many, status in ((ledgers.MANY_ITEMS, None), (0, None), (0, "in_store")):
                monkeypatch.setattr(ledgers, "MANY_ITEMS", many)  # 0: every place is walked as a room is
                ledger = custody_records.ledger_page(session, ledger="archive", actor=archivist, today=TODAY,
                                                     filters=LedgerFilter(location="总部", status=status),
                                                     tz="Asia/Shanghai")  # fmt: skip
                assert {r.id for r in ledger.rows} == {
                    i for i in items if expected[i] and expected[i].startswith("总部")
                }
            assert misplaced_marks(session) == []


def test_check_names_an_item_whose_latest_mark_drifted_and_repair_marks_it_again(world):
    _location(world, BOX, "box")
    _location(world, "总部/档案室/B柜", "cabinet")
    item = _item(world, document=add_document(world, "c1", "internal")).id
    with world.runtime.factory() as session, session.begin():
        custody.move_item(session, item_id=item, to="总部/档案室/B柜", reason="并柜",
                          actor=user(session, world, "archivist"))  # fmt: skip
    with world.runtime.factory() as session, session.begin():
        # a fault no function of Dangan makes: the mark put back on the first movement by hand
        first, last = session.scalars(
            select(Movement.id).where(Movement.item_id == item).order_by(Movement.id)
        )
        session.execute(update(Movement).where(Movement.id == last).values(latest=False))
        session.execute(update(Movement).where(Movement.id == first).values(latest=True))
    with world.runtime.factory() as session:
        admin = user(session, world, "admin")
    found = check_archive(world.runtime, actor=admin)
    assert found.custody_marks == [item] and found.damaged and found.as_json()["custody_marks"] == [item]
    repaired = check_archive(world.runtime, actor=admin, repair=True)
    assert repaired.custody_remarked == 1 and not repaired.custody_damaged
    assert repaired.as_json()["repaired"]["custody_remarked"] == 1
    after = check_archive(world.runtime, actor=admin)
    assert after.custody_marks == [] and not after.damaged
    with world.runtime.factory() as session:
        assert session.scalars(
            select(Movement.id).where(Movement.item_id == item, Movement.latest)
        ).all() == [last]


def test_an_item_with_movements_but_no_mark_is_named_too(world):
    _location(world, BOX, "box")
    item = _item(world, document=add_document(world, "c1", "internal")).id
    with world.runtime.factory() as session, session.begin():
        session.execute(update(Movement).where(Movement.item_id == item).values(latest=False))
    with world.runtime.factory() as session:
        assert misplaced_marks(session) == [item]


def test_concurrent_moves_of_one_item_chain_and_leave_one_mark(world):
    """Twenty moves of one item at once: each starts where the one before it left the item, one mark."""
    paths = [f"总部/档案室/并发柜/{n:02d}盒" for n in range(4)]
    for path in paths:
        _location(world, path, "box")
    item = _item(world, document=add_document(world, "c1", "internal"), location=paths[0]).id

    def one(n: int) -> None:
        with world.runtime.factory() as session, session.begin():
            custody.move_item(session, item_id=item, to=paths[n % 4], reason="并发",
                              actor=user(session, world, "archivist"))  # fmt: skip

    with ThreadPoolExecutor(20) as pool:
        list(pool.map(one, range(20)))
    with world.runtime.factory() as session:
        moves = session.scalars(select(Movement).where(Movement.item_id == item).order_by(Movement.id)).all()
        assert len(moves) == 21
        assert all(
            later.from_location_id == earlier.to_location_id
            for earlier, later in zip(moves, moves[1:], strict=False)
        )
        assert [m.id for m in moves if m.latest] == [moves[-1].id]
        assert misplaced_marks(session) == []
