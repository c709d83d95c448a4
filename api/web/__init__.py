"""The web UI: server-rendered Jinja2 pages on the same domain functions as the API (issue 5).

How to add a page (the retention pages do it this way):

1. A router module in api/web/ (one per area; the review queue has its own beside intake) with plain
   `def` routes of a few lines::

       from api.web import render
       from api.web.session import Viewer, RuntimeDep

       router = APIRouter(include_in_schema=False)

       @router.get("/retention")
       def retention(request: Request, viewer: Viewer, rt: RuntimeDep) -> HTMLResponse:
           with rt.factory() as session:
               rows = some_domain_function(session, user=viewer.user(session))
           return render(request, "retention/list.html", rows=rows)

   `Viewer` signs the request in (cookie session or API token; a form POST must carry `csrf_token`,
   fetch/htmx the X-CSRF-Token header); anonymous callers are sent to /login. Permission checks stay in
   the domain functions (access.policy, access.duties): a page never decides who may read what.
2. Add the module to AREAS below and, for the navigation, a NavItem to NAV (roles=None: everyone).
3. Templates go in api/templates/<area>/ and extend "base.html" (blocks: title, content, scripts).
   Every word on screen comes from the catalogue (core/messages_web.py): `{{ _("ui.<area>.<name>", n=3) }}`.
   Context always has: request, lang, me (the WebUser or None), csrf, nav, current, path, tz.
   Helpers: `tr(code, lang)` (a given language, e.g. both on an error), `type_name(code)`, `action_name(a)`;
   filters `dt` (UTC → Asia/Shanghai), `d` (date), `num`, `json`, `item_code`. Forms: macros.html's `csrf_field()`,
   `error(errors, "field")` beside the input and `described(errors, "field")` in its tag, where errors maps
   a field to a catalogue code or (code, params). A route that shows a domain refusal next to a field
   calls session.keep_refusal(rt, error) so the refusal still reaches the audit trail.
4. Add a rule per route in tests/api/test_authorization_matrix.py (anonymous page calls get a 303).

Errors raised in a page (DanganError, 404, validation) are shown as an HTML page in the chosen language;
under /api they stay JSON.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from core.messages import CATALOGUE, pick_language, translate
from custody.ledgers import item_code  # a paper item's label code (I000012)

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE.parent / "templates"
STATIC_DIR = HERE.parent / "static"
LANG_COOKIE = "dangan_lang"
LANGUAGES = ("zh-CN", "en")
BABEL_LOCALE = {"zh-CN": "zh_Hans_CN", "en": "en_GB"}


@dataclass(frozen=True)
class NavItem:
    label: str  # a catalogue code
    href: str
    roles: frozenset[str] | None = None  # None: everyone signed in


def _roles(*names: str) -> frozenset[str]:
    return frozenset(names)


# The navigation, in order; an item shows when the user has one of its roles.
NAV: list[NavItem] = [
    NavItem("ui.nav.dashboard", "/"),
    NavItem("ui.nav.search", "/search"),
    NavItem("ui.nav.intake", "/intake", _roles("archivist", "staff", "admin")),
    NavItem("ui.nav.review", "/review", _roles("archivist", "manager")),
    NavItem("ui.nav.customers", "/customers"),
    NavItem("ui.nav.access", "/access"),
    NavItem("ui.nav.approvals", "/access/inbox", _roles("manager", "records_officer", "admin")),
    NavItem("ui.nav.retention", "/retention", _roles("records_officer", "manager", "auditor")),
    NavItem("ui.nav.handovers", "/custody/handovers", _roles("staff", "manager", "archivist", "auditor")),
    NavItem("ui.nav.custody", "/custody"),  # issue 13: paper originals, loans, ledgers
    NavItem("ui.nav.admin", "/admin", _roles("admin")),
    NavItem("ui.nav.audit", "/audit", _roles("auditor", "admin")),
    NavItem("ui.nav.notify", "/settings/notifications"),  # issue 14
]

# Pages load nothing from elsewhere and run no inline script: a stray tag in a snippet or a title could
# not run even if escaping ever failed. No page may be framed (clickjacking of approve buttons).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

# The router modules of the web UI, included in this order.
AREAS = (
    "auth",
    "dashboard",
    "intake",
    "review",
    "search",
    "documents",
    "customer_lifecycle",  # issue 12: before customers, whose /customers/{id} would take /customers/grades
    "customers_io",  # issue 12: before customers, whose /customers/{id} would take its paths
    "customers",
    "access",
    "admin",
    "offboarding",  # issue 12
    "audit",
    "retention",
    "handovers",  # issue 13
    "custody",  # issue 13
    "custody_loans",  # issue 13
    "ops",  # issue 14: notification settings, scheduled jobs
)


def language(request: Request) -> str:
    """?lang= first, then the remembered choice (cookie), then Accept-Language, then the default."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGUAGES:
        return asked
    default = request.app.state.runtime.settings.default_language
    return pick_language(request.headers.get("accept-language"), default)


@pass_context
def _translate(context: Any, code: str, /, **params: object) -> str:
    return translate(code, context.get("lang", "zh-CN"), **params)


def _local(value: datetime, tz: str) -> datetime:
    return value.astimezone(ZoneInfo(tz))


@pass_context
def _datetime(context: Any, value: datetime | str | None) -> str:
    """A UTC time on screen: Asia/Shanghai (the setting), in the page's language."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    tz = context.get("tz", "Asia/Shanghai")
    return format_datetime(value, "yyyy-MM-dd HH:mm", tzinfo=ZoneInfo(tz), locale=BABEL_LOCALE["en"])


@pass_context
def _date(context: Any, value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, "medium", locale=BABEL_LOCALE[context.get("lang", "zh-CN")])


@pass_context
def _number(context: Any, value: int | float | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=BABEL_LOCALE[context.get("lang", "zh-CN")])


@pass_context
def _type_name(context: Any, code: str | None) -> str:
    """A document type's display name in the page's language (its code if unknown)."""
    if not code:
        return "—"
    names = context.get("type_names") or {}
    zh, en = names.get(code, (code, code))
    return zh if context.get("lang") == "zh-CN" else en


@pass_context
def _action(context: Any, action: str) -> str:
    """An audit action as people read it (its code when the catalogue has no words for it)."""
    code = f"ui.action.{action}"
    return translate(code, context.get("lang", "zh-CN")) if code in CATALOGUE else action


def _json(value: object) -> str:
    """JSON as people read it (Chinese left as is); escaped by the template like any text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals.update(
    _=_translate, t=_translate, tr=translate, type_name=_type_name, action_name=_action
)
templates.env.filters.update(dt=_datetime, d=_date, num=_number, json=_json, item_code=item_code)


TYPE_NAMES_TTL = 60.0  # seconds: document types change rarely (and maybe from the CLI, another process)


def type_names(request: Request) -> dict[str, tuple[str, str]]:
    """Document type code → (Chinese, English) name, re-read at most once a minute."""
    state = request.app.state
    cached = getattr(state, "web_type_names", None)
    now = time.monotonic()
    if cached is None or now - cached[0] > TYPE_NAMES_TTL:
        from sqlalchemy import select

        from records.models import DocumentType

        with state.runtime.factory() as session:
            rows = session.execute(select(DocumentType.code, DocumentType.name_zh, DocumentType.name_en))
            cached = (now, {code: (zh, en) for code, zh, en in rows})
        state.web_type_names = cached
    return cached[1]


def forget_type_names(request: Request) -> None:
    """Re-read the type names on the next page (after a type was changed)."""
    request.app.state.web_type_names = None


def _current(nav: list[NavItem], path: str) -> str | None:
    """The navigation entry the page belongs to: the longest href that is the path or a parent of it."""
    matches = [i.href for i in nav if path == i.href or (i.href != "/" and path.startswith(i.href + "/"))]
    return max(matches, key=len) if matches else None


def render(request: Request, template: str, /, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with the shared context (language, signed-in user, CSRF token, navigation)."""
    me = getattr(request.state, "web_user", None)
    settings = request.app.state.runtime.settings
    nav = [item for item in NAV if me is not None and (item.roles is None or item.roles & me.roles)]
    base = {
        "lang": language(request),
        "me": me,
        "csrf": me.csrf_token if me is not None else "",
        "nav": nav,
        "current": _current(nav, request.url.path),
        "path": request.url.path,
        "tz": settings.timezone,
        "type_names": type_names(request),
    }
    response = templates.TemplateResponse(request, template, base | context, status_code=status_code)
    response.headers.setdefault("Cache-Control", "no-store")
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def install(app: FastAPI) -> None:
    """Add the web UI to the app: its routers, /static and HTML error pages outside /api."""
    import importlib

    from api.web.errors import install_error_pages

    for area in AREAS:
        app.include_router(importlib.import_module(f"api.web.{area}").router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:  # browsers ask for it on every page, whatever the page links
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml",
                            headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip

    install_error_pages(app)
