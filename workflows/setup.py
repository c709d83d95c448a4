"""`dangan init`: the data directory, the schema, the shipped document types, positions and level rules,
the audit key, a checkpoint of an existing audit chain, and the first admin (all idempotent). `dangan serve`
runs it at every start."""

from __future__ import annotations

from sqlalchemy import select

from access.rules import ensure_defaults
from access.users import ensure_admin
from core import audit
from core.migrate import upgrade
from ingest.classify import load_rules
from records.models import DocumentType
from retention.schedule import ensure_default_schedule
from workflows.housekeeping import sweep_leftovers
from workflows.runtime import Runtime
from workflows.trail import write_checkpoint


def initialise(runtime: Runtime) -> str:
    """Create what is missing; never touch what exists."""
    settings = runtime.settings
    settings.home.mkdir(parents=True, exist_ok=True)
    (settings.home / "tmp").mkdir(exist_ok=True)
    sweep_leftovers(settings)
    upgrade(runtime.engine)
    added = 0
    with runtime.factory() as session, session.begin():
        history = session.scalar(select(audit.AuditHead.last_event_id)) is not None
        have = set(session.scalars(select(DocumentType.code)))
        for position, rule in enumerate(load_rules()):
            if rule["code"] in have:
                continue
            session.add(
                DocumentType(
                    code=rule["code"],
                    name_zh=rule["name_zh"],
                    name_en=rule["name_en"],
                    default_level=rule.get("default_level", "internal"),
                    retention=rule.get("retention", "D10"),
                    rule=rule,
                    position=position,
                )
            )
            added += 1
        rules_added = ensure_defaults(session)
        rules_added += ensure_default_schedule(session)  # retention rules per document type (RET-2)
        if added or rules_added:
            audit.record(
                session,
                actor="system",
                action="init",
                details={"document_types_added": added, "positions_and_rules_added": rules_added},
            )
    runtime.store  # noqa: B018 - creates the objects folder or the bucket now, not on first upload
    runtime.index  # noqa: B018
    if history:
        # An archive with a past (a restart, an upgrade): open the keyed segment of its audit chain if it has
        # none, and record where the chain stands outside the database. A new archive has nothing to guard
        # yet: its first checkpoint comes with the first `audit verify` or `audit checkpoint`.
        write_checkpoint(runtime)
    return f"ready ({added} document types, {rules_added} positions and level rules added)"


def ensure_first_admin(runtime: Runtime, password: str | None = None) -> str | None:
    """Create the admin account when no active admin exists; its one-time password, if one was made."""
    with runtime.factory() as session, session.begin():
        return ensure_admin(
            session, password=password, min_password_length=runtime.settings.password_min_length
        )


def known_type(runtime: Runtime, code: str) -> bool:
    """Whether a document type code exists."""
    with runtime.factory() as session:
        return session.get(DocumentType, code) is not None
