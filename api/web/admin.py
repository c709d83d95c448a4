"""Pages for admins: users (add, enable/disable, roles, positions, their API tokens), departments, positions and
level rules (who reads each level, who approves), document types and their classification rules.

Every change goes through access.users / access.rules / workflows.people, which check the admin role and audit
the change; the lists are guarded by the same require_role as GET /api/users.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from access.errors import require_role
from access.models import ROLES, Department, Position
from access.rules import load_rules, set_level_rule
from access.tokens import revoke_token, tokens_of
from access.users import add_department, set_active, set_department_manager, set_position, set_role
from api.params import PathId
from api.web import forget_type_names, render
from api.web.documents import document_types
from api.web.session import RuntimeDep, Viewer
from core.errors import DanganError
from workflows.doctypes import change_document_type
from workflows.offboarding import disable_user
from workflows.operations_status import backup_status, fixity_status
from workflows.people import add_person, people

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
Login = Annotated[str, Path(min_length=1, max_length=100)]
RuleText = Annotated[str, Form(max_length=20_000)]


def _page(
    request: Request, me: Viewer, rt: RuntimeDep, *, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        require_role(me.user(session), "admin", action="user.list", client=me.client)
        users = people(session)
        departments = list(session.scalars(select(Department).order_by(Department.code)))
        positions = list(session.scalars(select(Position).order_by(Position.code)))
        rules = sorted(load_rules(session).values(), key=lambda r: r.rank)
        context = {
            "users": users,
            "departments": [(d.code, d.name, d.manager.login if d.manager else None) for d in departments],
            "positions": [(p.code, p.name_zh, p.name_en) for p in positions],
            "position_names": {p.code: (p.name_zh, p.name_en) for p in positions},
            "rules": rules,
            "roles": ROLES,
            "errors": {},
            "form": {},
            "one_time": None,
            "edited": {},
            "saved_level": request.query_params.get("saved_level"),
            # issue 14: backup and integrity
            "backups": backup_status(session),
            "fixity": fixity_status(session),
        }
    return render(request, "admin/index.html", status_code=status_code, **(context | extra))


@router.get("/admin", response_class=HTMLResponse)
def admin(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    return _page(request, me, rt)


@router.post("/admin/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    me: Viewer,
    rt: RuntimeDep,
    login: Text = "",
    name: Text = "",
    department: Text = "",
    role: Text = "staff",
) -> HTMLResponse:
    form = {"login": login, "name": name, "department": department, "role": role}
    errors: dict[str, tuple[str, dict]] = {}
    if not login.strip():
        errors["login"] = ("ui.error.required", {})
    if not errors:
        try:
            with rt.factory() as session, session.begin():
                new = add_person(
                    session,
                    actor=me.user(session),
                    login=login.strip(),
                    name=name.strip(),
                    department=department or None,
                    roles=[role],
                    min_password_length=rt.settings.password_min_length,
                    client=me.client,
                )
                one_time = (new.user.login, new.one_time_password)
            return _page(request, me, rt, one_time=one_time)
        except DanganError as error:
            if error.status_code == 403:
                raise  # recorded and shown by the error page
            field = (
                "department" if "department" in error.code else "role" if "role" in error.code else "login"
            )
            errors[field] = (error.code, error.params)
    return _page(request, me, rt, status_code=400, errors=errors, form=form)


@router.post("/admin/users/{login}/active")
def activate(request: Request, login: Login, me: Viewer, rt: RuntimeDep, active: Text = "") -> Response:
    with rt.factory() as session, session.begin():
        if active == "1":
            set_active(session, actor=me.user(session), login=login, active=True, client=me.client)
        else:  # refused, with the list, while the account still holds files or duties (POL-5)
            disable_user(session, actor=me.user(session), login=login, client=me.client)
    return RedirectResponse("/admin", status_code=303)


@router.get("/admin/users/{login}/tokens", response_class=HTMLResponse)
def tokens(request: Request, login: Login, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """A user's API tokens, each revocable (access.tokens.tokens_of: admins only, the look audited)."""
    with rt.factory() as session, session.begin():
        found = tokens_of(session, actor=me.user(session), login=login, client=me.client)
    return render(request, "admin/tokens.html", login=login, tokens=found)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: PathId, me: Viewer, rt: RuntimeDep, login: Text = "") -> Response:
    with rt.factory() as session, session.begin():
        revoke_token(session, actor=me.user(session), token_id=token_id, client=me.client)
    return RedirectResponse(
        f"/admin/users/{quote(login, safe='')}/tokens" if login else "/admin", status_code=303
    )


@router.post("/admin/users/{login}/roles")
def roles(
    request: Request, login: Login, me: Viewer, rt: RuntimeDep, role: Text = "", grant: Text = "1"
) -> Response:
    with rt.factory() as session, session.begin():
        set_role(
            session, actor=me.user(session), login=login, role=role, granted=grant == "1", client=me.client
        )
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/users/{login}/positions", response_class=HTMLResponse)
def positions(
    request: Request, login: Login, me: Viewer, rt: RuntimeDep, position: Text = "", held: Text = "1"
) -> Response:
    """Give a user a position or take it away (access.users.set_position); errors show beside the form."""
    try:
        with rt.factory() as session, session.begin():
            set_position(
                session,
                actor=me.user(session),
                login=login,
                position=position.strip(),
                held=held != "0",
                client=me.client,
            )
    except DanganError as error:
        if error.status_code in (403, 404):
            raise  # recorded and shown by the error page
        errors = {f"position-{login}": (error.code, error.params)}
        return _page(request, me, rt, status_code=400, errors=errors)
    return RedirectResponse(f"/admin#user-{login}", status_code=303)


@router.post("/admin/levels/{level}", response_class=HTMLResponse)
def level_rule(
    request: Request,
    level: Login,
    me: Viewer,
    rt: RuntimeDep,
    readers: Text = "",
    chain: Text = "",
    rank: Text = "",
) -> Response:
    """Change who reads a level and who approves requests for it (access.rules.set_level_rule)."""
    edited = {"readers": readers, "chain": chain, "rank": rank}
    reader_codes, chain_codes = _codes(readers), _codes(chain)
    errors: dict[str, tuple[str, dict]] = {}
    if not reader_codes:
        errors[f"{level}-readers"] = ("ui.error.required", {})
    if rank.strip() and not (rank.strip().isascii() and rank.strip().isdigit() and int(rank) <= MAX_RANK):
        errors[f"{level}-rank"] = ("ui.admin.bad_rank", {"max": MAX_RANK})
    if not errors:
        try:
            with rt.factory() as session, session.begin():
                set_level_rule(
                    session,
                    level=level,
                    readers=reader_codes,
                    chain=chain_codes,
                    rank=int(rank) if rank.strip() else None,
                    actor=me.user(session),
                    client=me.client,
                )
            return RedirectResponse(f"/admin?saved_level={level}#levels", status_code=303)
        except DanganError as error:
            if error.status_code in (403, 404) or error.code == "level.unknown":
                raise  # recorded and shown by the error page
            errors.update(_rule_errors(level, error, reader_codes, chain_codes))
    return _page(request, me, rt, status_code=400, errors=errors, edited={level: edited})


MAX_RANK = 99
_SEPARATORS = str.maketrans({c: " " for c in ",，、;；→>"})


def _codes(text: str) -> list[str]:
    """Codes typed as a list (commas, spaces or arrows between them), in order, each once."""
    return list(dict.fromkeys(text.translate(_SEPARATORS).split()))


def _rule_errors(
    level: str, error: DanganError, readers: list[str], chain: list[str]
) -> dict[str, tuple[str, dict]]:
    """Show a refused rule beside the field holding the unknown codes (both if both do)."""
    bad = set(str(error.params.get("codes", "")).split(", "))
    fields = [name for name, codes in (("readers", readers), ("chain", chain)) if bad & set(codes)]
    return {f"{level}-{name}": (error.code, error.params) for name in fields or ["readers"]}


@router.post("/admin/departments", response_class=HTMLResponse)
def department(request: Request, me: Viewer, rt: RuntimeDep, code: Text = "", name: Text = "") -> Response:
    errors: dict[str, tuple[str, dict]] = {}
    if not code.strip():
        errors["code"] = ("ui.error.required", {})
    if not errors:
        try:
            with rt.factory() as session, session.begin():
                add_department(
                    session,
                    actor=me.user(session),
                    code=code.strip(),
                    name=name.strip() or code.strip(),
                    client=me.client,
                )
            return RedirectResponse("/admin", status_code=303)
        except DanganError as error:
            if error.status_code == 403:
                raise  # recorded and shown by the error page
            errors["code"] = (error.code, error.params)
    return _page(request, me, rt, status_code=400, errors=errors, form={"code": code, "name": name})


@router.post("/admin/departments/{code}/manager")
def manager(request: Request, code: Login, me: Viewer, rt: RuntimeDep, login: Text = "") -> Response:
    """Name a department's manager (or none): access.users.set_department_manager."""
    with rt.factory() as session, session.begin():
        set_department_manager(
            session, actor=me.user(session), code=code, manager=login.strip() or None, client=me.client
        )
    return RedirectResponse("/admin", status_code=303)


def _types(
    request: Request, me: Viewer, rt: RuntimeDep, *, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        require_role(me.user(session), "admin", action="doctype.list", client=me.client)
        rows = [
            {
                "code": t.code,
                "name_zh": t.name_zh,
                "name_en": t.name_en,
                "level": t.default_level,
                "retention": t.retention,
                "rule": json.dumps(t.rule, ensure_ascii=False, indent=1),
            }
            for t in document_types(session)
        ]
    context = {"rows": rows, "errors": {}, "edited": {}, "saved": request.query_params.get("saved")}
    return render(request, "admin/types.html", status_code=status_code, **(context | extra))


@router.get("/admin/types", response_class=HTMLResponse)
def types(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """Document types, their default level, retention and classification rule."""
    return _types(request, me, rt)


@router.post("/admin/types/{code}", response_class=HTMLResponse)
def change_type(request: Request, code: Login, me: Viewer, rt: RuntimeDep, rule: RuleText = "") -> Response:
    """Replace a type's rule (validated like a rules file); errors show beside its editor."""
    try:
        with rt.factory() as session, session.begin():
            change_document_type(session, actor=me.user(session), code=code, rule_json=rule, client=me.client)
    except DanganError as error:
        if error.status_code in (403, 404):
            raise  # recorded and shown by the error page
        return _types(
            request, me, rt, status_code=400, errors={code: (error.code, error.params)}, edited={code: rule}
        )
    forget_type_names(request)
    return RedirectResponse(f"/admin/types?saved={code}", status_code=303)
