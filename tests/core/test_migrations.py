"""The migrations build exactly the schema the models describe, and upgrading twice is harmless."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from core.db import make_engine
from core.migrate import upgrade
from workflows.schema import metadata


def engine_at(settings, revision: str):  # type: ignore[no-untyped-def]
    """An engine on a fresh archive migrated up to `revision` only."""
    from alembic import command

    from core.migrate import alembic_config

    engine = make_engine(settings)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return engine


def test_migrations_match_models(settings):
    engine = make_engine(settings)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_is_idempotent(settings):
    engine = make_engine(settings)
    upgrade(engine)
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"document", "customer", "page", "audit_event", "alembic_version"} <= tables


def test_constraint_names_follow_the_convention(settings):
    engine = make_engine(settings)
    upgrade(engine)
    uniques = {u["name"] for u in inspect(engine).get_unique_constraints("document")}
    engine.dispose()
    assert "uq_document_sha256" in uniques


def test_0006_gives_tokens_without_expiry_one_and_keeps_the_old_chain_verifiable(settings):
    from sqlalchemy import text

    from core import audit
    from core.db import make_sessionmaker, utcnow

    engine = engine_at(settings, "0004")
    with engine.begin() as conn:  # an archive as 0004 left it: a token for ever, an unkeyed chain
        conn.execute(text("INSERT INTO account (id, login, name, active, must_change_password, failed_logins, "
                          "created_at) VALUES (1, 'alice', 'alice', :t, :f, 0, :now)"),
                     {"t": True, "f": False, "now": utcnow()})  # fmt: skip
        conn.execute(text("INSERT INTO api_token (user_id, name, token_hash, prefix, created_at) "
                          "VALUES (1, 'old', :h, 'dgn_abcd', :now)"), {"h": "a" * 64, "now": utcnow()})  # fmt: skip
    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():
        old = audit.AuditEvent(id=1, at=utcnow(), actor="alice", role="", action="view", object_type="",
                               object_id="", archive_no="", result="ok", client="", reference="", details={},
                               prev_hash=audit.GENESIS, hash="")  # fmt: skip
        old.hash = audit.event_hash(old)
        session.add(old)
        session.flush()
        session.execute(text("INSERT INTO audit_head (id, last_event_id, last_hash, note) VALUES (1, 1, :h, '')"),
                        {"h": old.hash})  # fmt: skip
    upgrade(engine)
    with factory() as session, session.begin():
        expires = session.execute(text("SELECT expires_at FROM api_token")).scalar()
        epochs = session.execute(text("SELECT credentials_epoch FROM account")).scalar()
        audit.record(session, actor="alice", action="view")
    with factory() as session:
        report = audit.verify_chain(session)
    engine.dispose()
    assert expires is not None and epochs == 0
    assert report.intact and report.checked == 3 and report.keyed_from == 2


def test_0016_counts_the_documents_that_exist(settings):

    from core.db import make_sessionmaker
    from records.document_counts import DocumentCount, differences
    from records.models import Customer, Document

    engine = engine_at(settings, "0014")
    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():  # an archive as 0014 left it: files, documents, one destroyed
        kept = Customer(name="甲公司", department="sales1", owner="alice")
        merged = Customer(name="乙公司", status="former")
        session.add_all([kept, merged])
        session.flush()
        merged.merged_into = kept.id
        for n, (customer, level, doc_type, state) in enumerate((
            (kept, "internal", None, "filed"), (kept, "internal", None, "indexed"), (kept, "personal", None, "filed"),
            (merged, "department", None, "filed"), (kept, "internal", None, "destroyed"), (None, "internal", None, "queued"),
        )):  # fmt: skip
            session.add(Document(sha256=f"{n:064x}", size=1, mime="application/pdf", original_filename=f"{n}.pdf",
                                 object_key=f"k{n}", customer=customer, level=level, doc_type=doc_type,
                                 state=state))  # fmt: skip
    upgrade(engine)
    with factory() as session:
        rows = {(r.department, r.owner, r.status, r.merged, r.level): r.documents
                for r in session.scalars(select(DocumentCount))}  # fmt: skip
        assert differences(session) == {}
    engine.dispose()
    assert rows == {("sales1", "alice", "active", False, "internal"): 2,
                    ("sales1", "alice", "active", False, "personal"): 1,
                    ("", "", "former", True, "department"): 1}  # fmt: skip
