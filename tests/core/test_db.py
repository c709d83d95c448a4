"""Sessions: a read does not queue behind a writer (SQLite's write lock is taken only by writes)."""

from __future__ import annotations

import threading

from sqlalchemy import text

from core.db import make_engine, make_sessionmaker, reading
from core.migrate import upgrade


def test_a_read_goes_on_while_another_transaction_holds_the_write_lock(settings):
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    answered = threading.Event()

    def read() -> None:
        with reading(factory) as session:
            session.execute(text("SELECT count(*) FROM document")).scalar_one()
        answered.set()

    try:
        with factory() as writer, writer.begin():
            writer.execute(text("UPDATE document SET state = state"))  # a write: holds the lock until commit
            reader = threading.Thread(target=read)
            reader.start()
            assert answered.wait(timeout=10), "the read waited for the writer's commit"
        reader.join()
    finally:
        engine.dispose()
