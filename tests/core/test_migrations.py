"""The migrations build exactly the schema the models describe, and upgrading twice is harmless."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from core.db import make_engine
from core.migrate import upgrade
from workflows.schema import metadata


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
