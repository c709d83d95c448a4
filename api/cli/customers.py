"""`dangan customers …`: customer files — open, list, show, edit, contacts, timeline, and set department, owner
and status (every command audited)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

import typer

from api.cli import customer_filters as filt
from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit, fail
from api.limits import CLI_ID
from core.errors import DanganError
from core.messages import bilingual
from records.customer_profile import EDITABLE, MONEY_FIELDS, yuan_to_fen
from workflows.corrections import change_customer_file, edit_customer_file
from workflows.customer_files import LIST_LIMIT, customer_detail, customer_list
from workflows.customer_records import (
    add_customer_contact,
    add_customer_note,
    approve_customer_note,
    open_customer_file,
)

NAME = "customers"
app = typer.Typer(
    help="Customer files: open, list, show, edit; contacts and timeline; department, owner and status.",
    no_args_is_help=True,
)
contact_app = typer.Typer(help="A customer file's contacts.", no_args_is_help=True)
app.add_typer(contact_app, name="contact")

Text = Annotated[str | None, typer.Option()]
Yuan = Annotated[str | None, typer.Option(help="In yuan (元), e.g. 5000000 or 1,200.50.")]
Day = Annotated[str | None, typer.Option(help="YYYY-MM-DD.")]


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(bilingual("customer.date_invalid", field_zh=option, field_en=option, value=value))


def _money(values: dict[str, object]) -> dict[str, object]:
    """Amounts typed in yuan as integer fen."""
    try:
        return {
            k: yuan_to_fen(v, field=k) if k in MONEY_FIELDS and isinstance(v, str) else v
            for k, v in values.items()
        }
    except DanganError as error:
        fail(error.both())


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    credit_code: Annotated[
        str | None, typer.Option(help="Unified social credit code (checksum-verified).")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="distributor or end_customer.")] = None,
    status: Annotated[str | None, typer.Option(help="potential (default), active, former or lost.")] = None,
    department: Annotated[str | None, typer.Option(help="Keeping department code (default: yours).")] = None,
    owner: Annotated[
        str | None, typer.Option(help="Owner's login (default: you, unless an archivist).")
    ] = None,
    legal_rep: Text = None,
    industry: Text = None,
    province: Text = None,
    city: Text = None,
    phone: Text = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Open a customer file at first contact, with or without any document (staff, managers, archivists).

    The same credit code or name as another file is refused, naming it; very similar names are listed.
    """
    values = {
        "credit_code": credit_code,
        "kind": kind,
        "status": status,
        "legal_rep": legal_rep,
        "industry": industry,
        "province": province,
        "city": city,
        "phone": phone,
    }
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        opened = asdict(
            open_customer_file(
                session,
                actor=who.user(session),
                name=name,
                department=department,
                owner=owner,
                values={k: v for k, v in values.items() if v is not None},
                client=who.client,
            )
        )
    if as_json:
        emit(opened)
        return
    print(
        f"{opened['id']}  {opened['name']}  {opened['status']}  {opened['department'] or '-'}  {opened['owner'] or '-'}"
    )
    for similar in opened["similar"]:
        print(f"  ~ [{similar['id']}] {similar['name']}  ({similar['score']})")


@app.command("list")
def list_customers(
    status: filt.Status = None,
    grade: filt.Grade = None,
    kind: filt.Kind = None,
    industry: filt.Industry = None,
    region: filt.Region = None,
    department: filt.Department = None,
    owner: filt.Owner = None,
    stale_days: filt.StaleDays = None,
    sort: filt.Sort = "name",
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Files per page.")] = LIST_LIMIT,
    offset: Annotated[int, typer.Option(min=0, help="Files to skip (paging).")] = 0,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Customer files, current before former and lost; each says whether the user may open it and how many
    of its documents they may read (audited). Profile filters match only files the user may open."""
    filters = filt.customer_filter(status=status, grade=grade, kind=kind, industry=industry, region=region,
                                   department=department, owner=owner, stale_days=stale_days)  # fmt: skip
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        rows = customer_list(
            session,
            viewer=who.user(session),
            filters=filters,
            sort=sort,
            limit=limit,
            offset=offset,
            client=who.client,
        )
    if as_json:
        emit(rows)
        return
    for row in rows:
        print(
            f"{row['id']:>6}  {row['name']}  {row['status']}  {row['grade'] or '-'}  {row['department'] or '-'}  "
            f"{row['owner'] or '-'}  {row['readable_documents']}{'' if row['may_open'] else '  *'}"
        )


@app.command("show")
def show(
    customer_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """One customer file: for those who may read it, its profile, contacts and timeline; always the documents
    the user may read, newest first (audited)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        shown = customer_detail(session, viewer=who.user(session), customer_id=customer_id, client=who.client)
    if as_json:
        emit(shown)
        return
    print(f"{shown['name']}  {shown['status']}  {shown['department'] or '-'}  {shown['owner'] or '-'}")
    for name, value in shown.get("profile", {}).items():
        if value not in (None, [], ""):
            print(f"  {name}: {value}")
    for contact in shown.get("contacts", []):
        print(f"  @ {contact['name']}  {contact['title'] or ''}  {', '.join(contact['phones'])}")
    for item in shown.get("timeline", []):
        print(f"  {item['date']}  {item['kind']}  {item.get('text') or item.get('title') or ''}")
    if "timeline" not in shown:
        for doc in shown["documents"]:
            print(f"  [{doc['document_id']}] {doc['archive_no'] or '-'}  {doc['title']}  ({doc['level']})")


@app.command("edit")
def edit(
    customer_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    name: Text = None,
    credit_code: Text = None,
    legal_rep: Text = None,
    registered_address: Text = None,
    business_address: Text = None,
    province: Text = None,
    city: Text = None,
    phone: Text = None,
    fax: Text = None,
    email: Text = None,
    website: Text = None,
    industry: Text = None,
    nature: Annotated[str | None, typer.Option(help="企业性质.")] = None,
    registered_capital: Yuan = None,
    founded_on: Day = None,
    business_scope: Text = None,
    kind: Annotated[str | None, typer.Option(help="distributor or end_customer.")] = None,
    grade: Annotated[str | None, typer.Option(help="A, B, C or D (set by a manager).")] = None,
    credit_standing: Text = None,
    credit_limit: Yuan = None,
    annual_sales: Yuan = None,
    customer_since: Day = None,
    department: Text = None,
    owner: Text = None,
    status: Annotated[str | None, typer.Option(help="active, potential, former or lost.")] = None,
    clear: Annotated[list[str] | None, typer.Option(help="Empty this field (repeatable).")] = None,
    reason: Annotated[str | None, typer.Option(help="Why (kept with the revision).")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Change a file's profile as one revision with before and after (audited): its owner, its department's
    manager or a manager; department and owner only managers; status also an archivist."""
    given = {k: v for k, v in locals().items() if k in EDITABLE and v is not None}
    for field in clear or []:
        if field not in EDITABLE:
            fail(bilingual("customer.field_unknown", field=field, known=", ".join(EDITABLE)))
        given[field] = None
    changes = _money(given)
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        change = asdict(
            edit_customer_file(
                session,
                runtime.index,
                customer_id=customer_id,
                actor=who.user(session),
                changes=changes,
                reason=reason or bilingual("customer.no_reason"),
                client=who.client,
            )
        )
    if as_json:
        emit(change)
        return
    print(
        f"{customer_id}: "
        + ", ".join(f"{k}: {change['before'][k] or '-'} → {v}" for k, v in change["after"].items())
    )


@contact_app.command("add")
def contact_add(
    customer_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    name: Annotated[str, typer.Option(help="The contact's name.")],
    title: Text = None,
    phone: Annotated[list[str] | None, typer.Option(help="A phone number (repeatable).")] = None,
    email: Text = None,
    birthday: Day = None,
    preferences: Text = None,
    notes: Text = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Add a contact to a file (its owner, its department's manager or a manager; audited)."""
    born = _day(birthday, "--birthday") if birthday else None
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        contact = asdict(
            add_customer_contact(
                session,
                customer_id=customer_id,
                actor=who.user(session),
                name=name,
                title=title,
                phones=phone,
                email=email,
                birthday=born,
                preferences=preferences,
                notes=notes,
                client=who.client,
            )
        )
    if as_json:
        emit(contact)
        return
    print(f"{contact['id']}  {contact['name']}")


@app.command("note")
def note(
    customer_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    kind: Annotated[str, typer.Option(help="visit, call, complaint, repair, survey or change.")],
    text: Annotated[str, typer.Option(help="What happened.")],
    on: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default today).")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Add a dated entry to a file's timeline; a complaint waits for the general manager (audited)."""
    day = _day(on, "--date") if on else date.today()
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        entry = asdict(
            add_customer_note(
                session,
                customer_id=customer_id,
                actor=who.user(session),
                kind=kind,
                on=day,
                text=text,
                client=who.client,
            )
        )
    if as_json:
        emit(entry)
        return
    print(f"{entry['id']}  {entry['date']}  {entry['kind']}  {entry['state']}")


@app.command("note-approve")
def note_approve(
    entry_id: Annotated[int, typer.Argument(metavar="ENTRY", **CLI_ID)],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Approve how a complaint was handled: the general manager (policy 7; audited)."""
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        entry = asdict(
            approve_customer_note(session, entry_id=entry_id, actor=who.user(session), client=who.client)
        )
    if as_json:
        emit(entry)
        return
    print(f"{entry['id']}  {entry['state']}  {entry['approved_by']}")


@app.command("set")
def set_file(
    customer_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    department: Annotated[str | None, typer.Option(help="Code of the department keeping the file.")] = None,
    owner: Annotated[str | None, typer.Option(help="Login of the responsible sales person (active).")] = None,
    status: Annotated[str | None, typer.Option(help="active, potential, former or lost.")] = None,
    reason: Annotated[str | None, typer.Option(help="Why (kept in the audit trail).")] = None,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Set a file's department, owner or status; its documents are re-indexed at once.

    Department and owner: a manager, or the manager of the department keeping the file; status: also an
    archivist. Audited with the values before and after.
    """
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        change = asdict(
            change_customer_file(
                session,
                runtime.index,
                customer_id=customer_id,
                actor=who.user(session),
                department=department,
                owner=owner,
                status=status,
                reason=reason or bilingual("customer.no_reason"),
                client=who.client,
            )
        )
    if as_json:
        emit(change)
        return
    changes = ", ".join(f"{k}: {change['before'][k] or '-'} → {v}" for k, v in change["after"].items())
    print(f"{customer_id}: {changes}")
