"""A batch through proposal, appraisal and two approvals, ready to execute."""

from __future__ import annotations

from retention.batches import appraise, approve, create_batch
from tests.retention.conftest import TODAY, user


def approved_batch(world, ids: list[int]) -> int:
    factory, index = world.runtime.factory, world.runtime.index
    with factory() as session, session.begin():
        batch = create_batch(
            session, index, actor=user(session, world, "officer"), document_ids=ids, today=TODAY
        ).id
    with factory() as session, session.begin():
        appraise(
            session,
            actor=user(session, world, "officer"),
            batch_id=batch,
            opinion="已过保管期限，无继续保存价值",
        )
    for login in ("mgr1", "gm"):
        with factory() as session, session.begin():
            approve(session, actor=user(session, world, login), batch_id=batch, opinion="同意销毁")
    return batch


def execute(world, batch: int, store=None, **kw):
    from retention.destroy import execute_batch

    rt = world.runtime
    return execute_batch(rt.factory, store or rt.store, rt.index, batch_id=batch, actor_id=world.users["officer"],
                         today=TODAY, **kw)  # fmt: skip
