"""What follows filing, joining ingest and retention: due dates, and the store's own lock (WORM)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from retention.schedule import recompute
from retention.worm import lock_records
from workflows.runtime import Runtime

log = logging.getLogger(__name__)


def after_filing(runtime: Runtime, document_ids: Iterable[int]) -> None:
    """Compute the new records' due dates and retain their objects until then where the store can.

    A store that refuses now (an outage) leaves the lock to `dangan retention lock`, which renews and
    catches up every record; the record itself is filed and stays so.
    """
    ids = list(document_ids)
    if not ids:
        return
    with runtime.factory() as session, session.begin():
        recompute(session, document_ids=ids)
    if not runtime.store.supports_lock:
        return
    try:
        with runtime.factory() as session, session.begin():
            lock_records(
                session,
                runtime.store,
                today=runtime.today(),
                permanent_years=runtime.settings.s3_lock_permanent_years,
                document_ids=ids,
            )
    except Exception:  # noqa: BLE001 - see above: `retention lock` catches up
        log.exception("object lock of documents %s not set; `dangan retention lock` will set it", ids)
