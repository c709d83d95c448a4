"""REST for running Dangan (issue 14): /healthz for load balancers and monitors, /metrics for Prometheus, and
the scheduled jobs' last runs."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from access.duties import require_any
from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN
from core.job_runs import last_runs
from workflows.health import check_health
from workflows.metrics import CONTENT_TYPE, exposition
from workflows.scheduled import JOBS

router = APIRouter(tags=["operations"])
log = logging.getLogger(__name__)
METRICS_ROLES = frozenset({"admin", "auditor"})


@router.get(
    "/healthz",
    responses={
        200: {
            "description": "Every part is up: database, object store, index, queue (state and latency each)."
        },
        503: {"description": "At least one part is down; the body says which."},
    },
)
async def healthz(request: Request) -> JSONResponse:
    """Database, object store, search index and job queue: each one's state and latency (no sign-in; no
    content: a load balancer or monitor polls it)."""
    rt = request.app.state.runtime
    health = await run_in_threadpool(check_health, rt, getattr(request.app.state, "queue", None))
    for name, part in health.parts.items():
        if part.state != "up":
            log.warning("health: %s down (%s)", name, part.detail)
    body = {"status": "ok" if health.ok else "down",
            "parts": {k: {"state": v.state, "latency_ms": v.latency_ms} for k, v in health.parts.items()}}  # fmt: skip
    return JSONResponse(body, status_code=200 if health.ok else 503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"description": "Prometheus text format.", "content": {"text/plain": {}}}, **SIGNED_IN},
)
def metrics(request: Request, caller: CurrentUser, rt: RuntimeDep) -> Response:
    """Prometheus metrics of every process of this server (admins and auditors; a scraper signs with an API
    token). Refusals are audited; scrapes are not, as they read no record."""
    with rt.factory() as session, session.begin():
        require_any(caller.user(session), METRICS_ROLES, action="metrics.read", client=caller.client)
    return Response(exposition(rt, getattr(request.app.state, "queue", None)), media_type=CONTENT_TYPE)


@router.get("/api/jobs", responses=SIGNED_IN)
def jobs(caller: CurrentUser, rt: RuntimeDep) -> dict:
    """The scheduled jobs: time of day, last attempt and its result, last success, next retry (admins)."""
    with rt.factory() as session, session.begin():
        require_any(caller.user(session), frozenset({"admin"}), action="job.list", client=caller.client)
        runs = last_runs(session)
    found = []
    for name, job in JOBS.items():
        run = runs.get(name)
        found.append({
            "job": name,
            "at": getattr(rt.settings, job.setting),
            "state": run.state if run else "never",
            "attempt": run.attempt if run else None,
            "started_at": run.started_at if run else None,
            "finished_at": run.finished_at if run else None,
            "last_ok_at": run.last_ok_at if run else None,
            "retry_at": run.retry_at if run else None,
            "result": run.result if run else {},
            "error": run.error if run else "",
        })  # fmt: skip
    return {"jobs": found}
