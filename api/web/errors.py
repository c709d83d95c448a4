"""Error pages: outside /api a domain error, a 404 or a bad parameter is an HTML page in the chosen language.

The API's JSON handlers still run first for their side effects (a refusal's audit event is written there),
then pages get HTML with the same status.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.web.session import PasswordChangeRequired, SignInRequired
from core.errors import DanganError

JSON_PREFIXES = ("/api", "/docs", "/redoc", "/openapi.json", "/static")


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(JSON_PREFIXES)


def install_error_pages(app: FastAPI) -> None:
    """Wrap the app's error handlers so that pages answer in HTML."""
    from api.web import render

    originals = dict(app.exception_handlers)

    def wrap(kind: type[Exception]):  # type: ignore[no-untyped-def]
        original = originals.get(kind)

        async def handler(request: Request, exc: Exception) -> Response:
            answer = await original(request, exc) if original is not None else None
            if not is_page(request) and answer is not None:
                return answer
            status, code, params = _describe(exc, answer)
            if status == 401:
                return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
            page = render(request, "error.html", status_code=status, code=code, params=params)
            if answer is not None and "allow" in answer.headers:  # a 405 names what is allowed
                page.headers["Allow"] = answer.headers["allow"]
            return page

        return handler

    for kind in (DanganError, RequestValidationError, StarletteHTTPException):
        app.add_exception_handler(kind, wrap(kind))

    async def sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        if request.headers.get("HX-Request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        if request.method == "GET" and request.headers.get("sec-fetch-site") == "cross-site":
            # A shared link followed from another site: the SameSite=Strict session cookie was held back.
            # Reloading from this page makes it a same-site request, which carries the cookie if there is one.
            return render(request, "auth/reload.html", target=exc.next_url)
        return RedirectResponse("/login?" + urlencode({"next": exc.next_url}), status_code=303)

    async def change_password(request: Request, exc: Exception) -> Response:
        return RedirectResponse("/password", status_code=303)

    app.add_exception_handler(SignInRequired, sign_in)
    app.add_exception_handler(PasswordChangeRequired, change_password)


def _describe(exc: Exception, answer: Response | None) -> tuple[int, str, dict]:
    if isinstance(exc, DanganError):
        return exc.status_code, exc.code, dict(exc.params)
    if isinstance(exc, RequestValidationError):
        return 400, "ui.error.bad_request", {}
    if isinstance(exc, StarletteHTTPException):
        if exc.status_code == 404:
            return 404, "ui.error.not_found", {}
        if exc.status_code == 405:
            return 405, "ui.error.method", {}
        return exc.status_code, "ui.error.bad_request", {}
    return (answer.status_code if answer is not None else 500), "ui.error.bad_request", {}
