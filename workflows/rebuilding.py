"""`dangan index rebuild`: a new index built from the database beside the live one and swapped in, then caught
up with what changed meanwhile (jobs went on writing to the old one), audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from access.models import User
from core import audit
from search import ENGINES, RebuildResult, UnknownEngine, pending
from workflows.indexing import check_index, count_indexable, rebuild_from_database, repair_index
from workflows.runtime import Runtime


@dataclass(frozen=True)
class RebuildPlan:
    """What a rebuild will do: its engine, how many documents, and how many an interrupted run already wrote."""

    engine: str
    total: int
    resumed: int


def plan_rebuild(runtime: Runtime, *, engine: str | None) -> RebuildPlan:
    """The engine (default DANGAN_SEARCH_ENGINE; an unknown one refused) and the work, for a progress bar."""
    engine = engine or runtime.settings.search_engine
    if engine not in ENGINES:
        raise UnknownEngine("search.index_engine_unknown", engine=engine)
    state = pending(runtime.settings.index_dir)
    resumed = int(state["done"]) if state and state.get("engine") == engine else 0
    with runtime.factory() as session:
        total = count_indexable(session)
    return RebuildPlan(engine, max(total, resumed), resumed)


def rebuild_index(
    runtime: Runtime,
    plan: RebuildPlan,
    *,
    actor: User,
    chunk: int,
    workers: int,
    on_chunk: Callable[[int], None] | None = None,
    client: str = "",
) -> RebuildResult:
    """Build, swap in, catch up and audit; the caller checks the actor's duty."""
    result = rebuild_from_database(
        runtime.factory,
        runtime.settings.index_dir,
        engine=plan.engine,
        chunk=chunk,
        workers=workers,
        on_chunk=on_chunk,
    )
    with runtime.factory() as session, session.begin():
        caught_up = repair_index(session, runtime.index, check_index(session, runtime.index))
        audit.record(
            session,
            actor=actor.login,
            role=actor.role_label,
            action="index.rebuild",
            client=client,
            details={
                "engine": plan.engine,
                "documents": result.written,
                "resumed_from": result.resumed_from,
                "caught_up": list(caught_up),
            },
        )
    return result
