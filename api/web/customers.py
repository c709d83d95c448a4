"""Pages: customer files — the list with its filters, a form to open a file, the file (profile, contacts,
timeline, documents) and its edit form with the history.

Through workflows.customer_files (reads), workflows.customer_records (new files, contacts, entries) and
workflows.corrections.edit_customer_file (changes): who may read or change what is decided there.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from access.customer_files import OPEN_ROLES
from access.errors import AccessDenied
from api.params import PathId
from api.web import render
from api.web.session import RuntimeDep, Viewer, WebUser, keep_refusal
from core.errors import DanganError
from core.messages import translate
from records.customer_profile import DATE_FIELDS, EDITABLE, MONEY_FIELDS, yuan_to_fen
from records.customer_query import CustomerFilter
from records.models import CUSTOMER_GRADES, CUSTOMER_KINDS, CUSTOMER_STATUSES, ENTRY_KINDS
from workflows import custody_records
from workflows.corrections import edit_customer_file
from workflows.customer_files import LIST_LIMIT, customer_detail, customer_list, similar_to
from workflows.customer_records import (
    add_customer_contact,
    add_customer_note,
    approve_customer_note,
    open_customer_file,
)

router = APIRouter(include_in_schema=False)
CustomerId = PathId  # a customer file's (or timeline entry's) id within the column's range
Filter = Annotated[str, Query(max_length=100)]
Field = Annotated[str, Form(max_length=20_000)]
SORTS = ("name", "grade", "last_contact")
# Fields of the open-a-file form, beside the name (the rest is edited on the file's edit page).
NEW_FIELDS = ("credit_code", "kind", "status", "department", "owner", "industry", "province", "city", "phone")


def _choices() -> dict[str, Any]:
    return {"statuses": CUSTOMER_STATUSES, "kinds": CUSTOMER_KINDS, "grades": CUSTOMER_GRADES}


@router.get("/customers", response_class=HTMLResponse)
def customers(
    request: Request,
    me: Viewer,
    rt: RuntimeDep,
    status: Annotated[str, Query(max_length=20)] = "",
    grade: Annotated[str, Query(max_length=1)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    industry: Filter = "",
    region: Filter = "",
    department: Filter = "",
    owner: Filter = "",
    stale_days: Annotated[str, Query(max_length=6)] = "",
    sort: Annotated[str, Query(max_length=20)] = "name",
    page: Annotated[int, Query(ge=1, le=10**6)] = 1,
) -> HTMLResponse:
    chosen = {
        "status": status if status in CUSTOMER_STATUSES else None,
        "grade": grade if grade in CUSTOMER_GRADES else None,
        "kind": kind if kind in CUSTOMER_KINDS else None,
        "industry": industry.strip() or None,
        "region": region.strip() or None,
        "department": department.strip() or None,
        "owner": owner.strip() or None,
        "stale_days": int(stale_days) if stale_days.isdigit() else None,
    }
    order = sort if sort in SORTS else "name"
    with rt.factory() as session, session.begin():
        rows = customer_list(
            session,
            viewer=me.user(session),
            filters=CustomerFilter(**chosen),
            sort=order,
            limit=LIST_LIMIT + 1,  # one more than shown: is there a next page?
            offset=(page - 1) * LIST_LIMIT,
            client=me.client,
        )
    more, rows = len(rows) > LIST_LIMIT, rows[:LIST_LIMIT]
    query = {k: v for k, v in chosen.items() if v is not None} | {"sort": order}
    return render(
        request,
        "customers/list.html",
        current_rows=[r for r in rows if not r["ended"]],
        ended_rows=[r for r in rows if r["ended"]],
        chosen=chosen,
        sort=order,
        sorts=SORTS,
        page=page,
        more=more,
        query=query,
        may_add=me.has(*OPEN_ROLES),
        **_choices(),
    )


@router.get("/customers/new", response_class=HTMLResponse)
def new_file(request: Request, me: Viewer) -> HTMLResponse:
    return render(request, "customers/new.html", form={}, errors={}, **_choices())


@router.post("/customers", response_class=HTMLResponse)
def open_file(
    request: Request,
    me: Viewer,
    rt: RuntimeDep,
    name: Field = "",
    credit_code: Field = "",
    kind: Field = "",
    status: Field = "",
    department: Field = "",
    owner: Field = "",
    industry: Field = "",
    province: Field = "",
    city: Field = "",
    phone: Field = "",
) -> Response:
    """Open a file at first contact (workflows.customer_records.open_customer_file)."""
    form = {
        "name": name,
        "credit_code": credit_code,
        "kind": kind,
        "status": status,
        "department": department,
        "owner": owner,
        "industry": industry,
        "province": province,
        "city": city,
        "phone": phone,
    }
    values = {k: v.strip() for k, v in form.items() if k not in ("name", "department", "owner") and v.strip()}
    try:
        with rt.factory() as session, session.begin():
            opened = open_customer_file(
                session,
                actor=me.user(session),
                name=name,
                department=department.strip() or None,
                owner=owner.strip() or None,
                values=values,
                client=me.client,
            )
    except DanganError as error:
        return _refused(request, rt, error, "customers/new.html", form=form, **_choices())
    return RedirectResponse(f"/customers/{opened.id}?opened=1", status_code=303)


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer(
    request: Request,
    customer_id: CustomerId,
    me: Viewer,
    rt: RuntimeDep,
    opened: Annotated[int, Query(ge=0, le=1)] = 0,
) -> HTMLResponse:
    return _show(request, me, rt, customer_id, opened=bool(opened))


def _show(request: Request, me: WebUser, rt: RuntimeDep, customer_id: int, **extra: Any) -> HTMLResponse:
    status_code = extra.pop("status_code", 200)
    with rt.factory() as session, session.begin():
        file = customer_detail(session, viewer=me.user(session), customer_id=customer_id, client=me.client)
        similar = similar_to(session, customer_id=customer_id) if extra.pop("opened", False) else []
        if file.get("merged_into") and status_code == 200:  # a merged file points to the one it went into
            return RedirectResponse(
                f"/customers/{file['merged_into']}?merged_from={customer_id}", status_code=303
            )  # type: ignore[return-value]
        originals = custody_records.originals_of(session, customer_id=customer_id, actor=me.user(session),
                                                 client=me.client)  # fmt: skip
    groups: dict[str | None, list[dict]] = {}
    for doc in file["documents"]:  # newest first already
        groups.setdefault(doc["doc_type"], []).append(doc)
    return render(
        request,
        "customers/show.html",
        status_code=status_code,
        file=file,
        groups=groups,
        similar=similar,
        originals=originals,
        entry_kinds=ENTRY_KINDS,
        today=date.today().isoformat(),
        yuan=_yuan,
        errors=extra.pop("errors", {}),
        form=extra.pop("form", {}),
        **extra,
    )


@router.post("/customers/{customer_id}/contacts", response_class=HTMLResponse)
def add_contact(
    request: Request,
    customer_id: CustomerId,
    me: Viewer,
    rt: RuntimeDep,
    name: Field = "",
    title: Field = "",
    phones: Field = "",
    email: Field = "",
    birthday: Field = "",
    preferences: Field = "",
    notes: Field = "",
) -> Response:
    form = {"name": name, "title": title, "phones": phones, "email": email, "birthday": birthday}
    form |= {"preferences": preferences, "notes": notes}
    try:
        born = _date(birthday, "birthday")
        with rt.factory() as session, session.begin():
            add_customer_contact(
                session,
                customer_id=customer_id,
                actor=me.user(session),
                name=name,
                title=title or None,
                phones=[p for p in phones.replace("，", ",").split(",") if p.strip()],
                email=email.strip() or None,
                birthday=born,
                preferences=preferences,
                notes=notes,
                client=me.client,
            )
    except DanganError as error:
        return _refused_on_file(request, me, rt, customer_id, error, "contact", form)
    return RedirectResponse(f"/customers/{customer_id}#contacts", status_code=303)


@router.post("/customers/{customer_id}/timeline", response_class=HTMLResponse)
def add_entry(
    request: Request,
    customer_id: CustomerId,
    me: Viewer,
    rt: RuntimeDep,
    kind: Field = "",
    on: Field = "",
    text: Field = "",
) -> Response:
    form = {"kind": kind, "on": on, "text": text}
    try:
        day = _date(on, "entry_date") or date.today()
        with rt.factory() as session, session.begin():
            add_customer_note(
                session,
                customer_id=customer_id,
                actor=me.user(session),
                kind=kind,
                on=day,
                text=text,
                client=me.client,
            )
    except DanganError as error:
        return _refused_on_file(request, me, rt, customer_id, error, "entry", form)
    return RedirectResponse(f"/customers/{customer_id}#timeline", status_code=303)


@router.post("/customers/entries/{entry_id}/approve", response_class=HTMLResponse)
def approve_entry(request: Request, entry_id: CustomerId, me: Viewer, rt: RuntimeDep) -> Response:
    try:
        with rt.factory() as session, session.begin():
            entry = approve_customer_note(
                session, entry_id=entry_id, actor=me.user(session), client=me.client
            )
    except DanganError as error:
        keep_refusal(rt, error)
        return render(
            request, "error.html", status_code=error.status_code, code=error.code, params=error.params
        )
    return RedirectResponse(f"/customers/{entry.customer_id}#timeline", status_code=303)


@router.get("/customers/{customer_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, customer_id: CustomerId, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    return _edit_page(request, me, rt, customer_id, form=None, errors={})


async def profile_form(request: Request) -> dict[str, str]:
    """The edit form's fields by name (each checked by the domain); a field the form does not carry stays."""
    raw = await request.form()
    return {k: str(raw[k])[:20_000] for k in (*EDITABLE, "reason") if k in raw}


@router.post("/customers/{customer_id}/edit", response_class=HTMLResponse)
def edit(
    request: Request,
    customer_id: CustomerId,
    me: Viewer,
    rt: RuntimeDep,
    form: Annotated[dict[str, str], Depends(profile_form)],
) -> Response:
    """Change the profile as one revision (workflows.corrections.edit_customer_file); fields left as they
    were are no change."""
    try:
        changes: dict[str, Any] = {}
        for name in (f for f in EDITABLE if f in form):
            value = form[name].strip()
            if name in MONEY_FIELDS:
                changes[name] = yuan_to_fen(value, field=name) if value else None
            else:
                changes[name] = value or None
        if not changes.get("status"):
            changes.pop("status", None)
        with rt.factory() as session, session.begin():
            edit_customer_file(
                session,
                rt.index,
                customer_id=customer_id,
                actor=me.user(session),
                changes=changes,
                reason=form.get("reason", ""),
                client=me.client,
            )
    except DanganError as error:
        keep_refusal(rt, error)
        if isinstance(error, AccessDenied):
            return render(request, "error.html", status_code=403, code=error.code, params=error.params)
        errors = {"form": (error.code, error.params)}
        return _edit_page(
            request, me, rt, customer_id, form=form, errors=errors, status_code=error.status_code
        )
    return RedirectResponse(f"/customers/{customer_id}?saved=1", status_code=303)


@router.post("/customers/{customer_id}/accept", response_class=HTMLResponse)
def accept(
    request: Request,
    customer_id: CustomerId,
    me: Viewer,
    rt: RuntimeDep,
    field: Annotated[str, Form(max_length=40)],
) -> Response:
    """Take a value read from a document into the profile (a revision like any other change)."""
    with rt.factory() as session:
        file = customer_detail(session, viewer=me.user(session), customer_id=customer_id, client=me.client)
    offered = file.get("suggested", {})
    if field not in offered:
        return render(
            request,
            "error.html",
            status_code=400,
            code="customer.field_unknown",
            params={"field": field, "known": ", ".join(offered)},
        )
    try:
        with rt.factory() as session, session.begin():
            edit_customer_file(
                session,
                rt.index,
                customer_id=customer_id,
                actor=me.user(session),
                changes={field: offered[field]},
                reason=translate("ui.customers.accept_reason", "zh-CN"),
                client=me.client,
            )
    except DanganError as error:
        keep_refusal(rt, error)
        return render(
            request, "error.html", status_code=error.status_code, code=error.code, params=error.params
        )
    return RedirectResponse(f"/customers/{customer_id}?saved=1", status_code=303)


def _edit_page(
    request: Request,
    me: WebUser,
    rt: RuntimeDep,
    customer_id: int,
    *,
    form: dict | None,
    errors: dict,
    status_code: int = 200,
) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        file = customer_detail(session, viewer=me.user(session), customer_id=customer_id, client=me.client)
    if form is None and "profile" in file:
        form = {k: _shown(k, file["profile"].get(k, file.get(k))) for k in EDITABLE} | {"reason": ""}
        form |= {k: file[k] or "" for k in ("department", "owner", "status")}
    return render(
        request,
        "customers/edit.html",
        status_code=status_code,
        file=file,
        form=form or {},
        errors=errors,
        fields=[f for f in EDITABLE if f not in ("kind", "grade", "status", "business_scope")],
        money=MONEY_FIELDS,
        dates=DATE_FIELDS,
        yuan=_yuan,
        **_choices(),
    )


def _refused(
    request: Request, rt: RuntimeDep, error: DanganError, template: str, **context: Any
) -> HTMLResponse:
    keep_refusal(rt, error)
    status = 403 if isinstance(error, AccessDenied) else error.status_code
    return render(
        request, template, status_code=status, errors={"form": (error.code, error.params)}, **context
    )


def _refused_on_file(
    request: Request,
    me: WebUser,
    rt: RuntimeDep,
    customer_id: int,
    error: DanganError,
    where: str,
    form: dict,
) -> HTMLResponse:
    keep_refusal(rt, error)
    if isinstance(error, AccessDenied):
        return render(request, "error.html", status_code=403, code=error.code, params=error.params)
    return _show(
        request,
        me,
        rt,
        customer_id,
        status_code=error.status_code,
        errors={where: (error.code, error.params)},
        form={where: form},
    )


def _date(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        code = f"ui.customers.{field}"  # birthday or entry_date
        raise DanganError(
            "customer.date_invalid",
            field_zh=translate(code, "zh-CN"),
            field_en=translate(code, "en"),
            value=value,
        ) from None


def _yuan(fen: int | None) -> str:
    """Integer fen as yuan with two decimals ("" for none)."""
    return "" if fen is None else f"{Decimal(fen) / 100:,.2f}"


def _shown(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in MONEY_FIELDS:
        return f"{Decimal(value) / 100:.2f}"
    return str(value)
