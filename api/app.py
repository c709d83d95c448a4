"""The FastAPI application: REST under /api, OpenAPI at /docs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from access.errors import AccessDenied, record_denial
from api.i18n import error_body
from api.params import refuse_control_characters
from core.errors import DanganError
from core.settings import Settings
from workflows.runtime import Runtime

log = logging.getLogger(__name__)


def create_app(settings: Settings, *, start_worker: bool | None = None) -> FastAPI:
    """Build the app for these settings; the worker thread starts with the app."""
    runtime = Runtime(settings)
    run_worker = settings.serve_worker if start_worker is None else start_worker

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from workflows.jobs import build_queue, start_resuming
        from workflows.setup import initialise

        initialise(runtime)
        app.state.queue = build_queue(runtime)
        if run_worker:  # the process that works the queue also finishes what a previous run left
            start_resuming(runtime)
        consumer = None
        if run_worker and not app.state.queue.immediate:
            consumer = _start_consumer(app.state.queue, settings.worker_threads)
        try:
            yield
        finally:
            if consumer is not None:
                consumer.stop(graceful=True)
            runtime.close()

    app = FastAPI(
        title="Dangan 档案",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(refuse_control_characters)],  # every route, pages included
    )
    app.state.runtime = runtime

    @app.exception_handler(DanganError)
    async def _domain_error(request: Request, exc: DanganError) -> JSONResponse:
        if isinstance(exc, AccessDenied) and exc.event is not None:
            # The refused transaction rolled back; its audit event is written in a new one (AUD-2).
            await run_in_threadpool(_record_refusal, runtime, exc)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(
            error_body(request, exc.code, **exc.params), status_code=exc.status_code, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()
        )
        return JSONResponse(error_body(request, "request.invalid", detail=detail), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = exc.headers or None
        if exc.status_code == 404:
            body = error_body(request, "request.not_found")
        elif exc.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request)}
            body = error_body(request, "request.method_not_allowed", allow=headers["Allow"])
        else:
            body = error_body(request, "request.invalid", detail=str(exc.detail))
        return JSONResponse(body, status_code=exc.status_code, headers=headers)

    from api.rest import (  # issue 12's lifecycle and lists: before /{id} routes
        access,
        audit,
        custody,
        customer_lifecycle,
        customers,
        documents,
        offboarding,
        retention,
        session,
        tokens,
        users,
    )
    from api.rest import customers_io as cio  # issue 12: before customers, whose /{id} takes any path
    from api.web import install as install_web

    for module in (session, tokens, documents, customer_lifecycle, cio, customers, access, offboarding, users,
                   audit, retention, custody):  # fmt: skip
        app.include_router(module.router)
    from api.rest import handovers  # issue 13: handover lists under /api/custody/handovers

    app.include_router(handovers.router)
    from api.rest import customer_aliases  # issue 18: short names of customer files

    app.include_router(customer_aliases.router)
    from api.rest import custody_records  # issue 13: ledgers, labels, inspections

    app.include_router(custody_records.router)
    from api.rest import operations  # issue 14: backup status and fixity report

    app.include_router(operations.router)
    install_web(app)  # the HTML pages (api/web), /static and HTML error pages outside /api
    # --- operations (issue 14): /healthz, /metrics, /api/jobs; request ids and JSON request logs ---
    from api.observe import RequestLog
    from api.rest import ops

    app.include_router(ops.router)
    app.add_middleware(RequestLog)
    return app


def app_from_environment() -> FastAPI:
    """The app for DANGAN_* settings: what each web process of `dangan serve --workers N` builds."""
    settings = Settings()
    from core.logs import configure_logging

    configure_logging(json_lines=settings.log_format == "json", level=settings.log_level)
    return create_app(settings)


def allowed_methods(request: Request) -> str:
    """The methods some route serves at this path (Starlette names only the first route's)."""
    try:  # FastAPI ≥ 0.130 includes routers lazily; this walks the routes they hold
        from fastapi.routing import iter_route_contexts

        routes = [context.route for context in iter_route_contexts(request.app.router.routes)]
    except ImportError:
        routes = list(request.app.router.routes)
    methods: set[str] = set()
    for route in routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods - {"HEAD"}))


def _record_refusal(runtime: Runtime, error: AccessDenied) -> None:
    with runtime.factory() as session, session.begin():
        record_denial(session, error)


def _start_consumer(huey, workers: int):  # type: ignore[no-untyped-def]
    """huey's consumer in threads of this process, leaving the server's signal handlers alone."""
    consumer = huey.create_consumer(workers=workers, worker_type="thread")
    consumer._set_signal_handlers = lambda: None  # uvicorn owns SIGINT/SIGTERM
    consumer.start()
    return consumer
