"""Every route of the app × every role × every level × every grant state, against a declared rule.

The rule table below is written by hand from the policies, not computed by the code under test: READS
says which levels each fixture user reads by right (c1 is kept by sales1 and owned by alice), and each
route names who may call it. A route the app serves without a rule here fails
`test_every_route_has_a_rule`; a rule for a route that is gone fails it too.

Routes about a document are called on a document of each level in each grant state (none, live, expired,
revoked grant for the caller); the others do not depend on either, so they are called once per user.
Allowed means the route's own answer (its probe's expected status, often a harmless 4xx such as "level
unchanged" so that nothing changes); denied means 401 without credentials and 403 (or 404 where a route
hides what is not the caller's) with them. Nothing may answer 5xx.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from fastapi.testclient import TestClient

from access.models import Notification, User
from access.requests import request_access
from access.tokens import create_token
from api.app import create_app
from records.customer_aliases import set_alias
from records.customer_timeline import add_entry
from records.models import Customer
from tests.api.world import PASSWORD, World, add_document, add_grant, build_world
from tests.conftest import fresh_database_url, make_settings

pytestmark = pytest.mark.database  # one archive for the whole matrix, made with fresh_database_url

LEVELS = ("internal", "department", "company", "personal")
GRANTS = ("none", "live", "expired", "revoked")
# One user per role, and the marketing director for company level; None is an anonymous caller.
USERS = (None, "admin", "archivist", "alice", "mgr1", "officer", "auditor", "md")
ROLES = {
    "admin": {"admin"},
    "archivist": {"archivist"},
    "alice": {"staff"},
    "mgr1": {"manager"},
    "officer": {"records_officer"},
    "auditor": {"auditor"},
    "md": {"manager"},
}
# Levels of customer file c1 each user reads without a grant (POL-3): roles alone clear no one.
READS = {
    "admin": {"internal"},
    "archivist": {"internal"},
    "officer": {"internal"},
    "auditor": {"internal"},
    "alice": {"internal", "department", "personal"},  # a member of sales1, the file's owner
    "mgr1": {"internal", "department", "personal"},  # sales1's manager, alice's manager
    "md": {"internal", "company"},  # the marketing director
}


@dataclass(frozen=True)
class Case:
    login: str | None
    level: str | None = None
    grant: str | None = None


def anyone(case: Case) -> bool:
    return True


def signed_in(case: Case) -> bool:
    return case.login is not None


def roles(*names: str) -> Callable[[Case], bool]:
    return lambda case: case.login is not None and bool(ROLES[case.login] & set(names))


def logins(*names: str) -> Callable[[Case], bool]:
    return lambda case: case.login in names


def reads(case: Case) -> bool:
    return case.login is not None and (case.level in READS[case.login] or case.grant == "live")


def changes_level(case: Case) -> bool:
    # A manager who reads the document by right; a grant lends reading, not the right to reclassify.
    return case.login is not None and "manager" in ROLES[case.login] and case.level in READS[case.login]


def corrects_metadata(case: Case) -> bool:
    # An archivist or manager who reads the document by right (POL-10); a grant lends reading only.
    return (
        case.login is not None
        and bool({"archivist", "manager"} & ROLES[case.login])
        and (case.level in READS[case.login])
    )


@dataclass(frozen=True)
class Rule:
    allowed: Callable[[Case], bool]
    ok: frozenset[int]  # the status an allowed call gets from the probe
    probe: Callable[[World, Case], tuple[str, dict]]  # (url, request keyword arguments)
    about_documents: bool = False
    denied: int | Callable[[Case], int] = 403  # or, by case, which refusal
    anonymous: int = 401  # what a caller without credentials gets (web pages: 303 to /login)

    @classmethod
    def of(cls, allowed, ok, probe, **kw) -> Rule:  # type: ignore[no-untyped-def]
        return cls(allowed, frozenset(ok if isinstance(ok, set) else {ok}), probe, **kw)


def url(path: str) -> Callable[[World, Case], tuple[str, dict]]:
    return lambda world, case: (path, {})


def doc_url(suffix: str = "", **kwargs) -> Callable[[World, Case], tuple[str, dict]]:
    def probe(world: World, case: Case) -> tuple[str, dict]:
        document_id = world.extra["docs"][case.level, case.grant]
        body = {"json": {"level": case.level, "reason": "probe"}} if kwargs.get("level") else {}
        if kwargs.get("metadata"):
            body = {"json": {"title": f"更正 {uuid.uuid4().hex[:6]}", "reason": "probe"}}
        return f"/api/documents/{document_id}{suffix}", body

    return probe


def fresh(make: Callable[[World], int], template: str, **kwargs) -> Callable[[World, Case], tuple[str, dict]]:
    """A probe on a new object per call (approving or revoking changes it)."""
    return lambda world, case: (template.format(make(world)), kwargs)


def _pending_request(world: World, requester: str, customer: str) -> int:
    """A request for a new department-level document of the customer file (approving grants it)."""
    document_id = add_document(world, customer, "department")
    with world.runtime.factory() as session, session.begin():
        info = request_access(
            session,
            requester=session.get_one(User, world.users[requester]),
            document_ids=[document_id],
            reason="probe",
            days=3,
        )
        return info.id


def _alice_grant(world: World) -> int:
    with world.runtime.factory() as session, session.begin():
        return add_grant(session, world, "alice", document_id=world.extra["named"]["c2.company"])


def _alice_token(world: World) -> int:
    with world.runtime.factory() as session, session.begin():
        return create_token(session, user=session.get_one(User, world.users["alice"]), name="probe").id


def _complaint(world: World) -> int:
    """A new complaint on c1, waiting for the general manager's approval."""
    with world.runtime.factory() as session, session.begin():
        customer = session.get_one(Customer, world.customers["c1"])
        return add_entry(
            session, customer=customer, actor="alice", kind="complaint", on=date(2026, 1, 5), text="probe"
        ).id


def _staff_alias(world: World) -> str:
    """A new alias on c1, as a path under /api/customers/ (removing it changes something)."""
    with world.runtime.factory() as session, session.begin():
        customer = session.get_one(Customer, world.customers["c1"])
        alias = set_alias(session, customer=customer, alias=_fresh_text(), present=True, actor="alice").alias
        return f"{customer.id}/aliases/{alias}"


def _suggested(world: World) -> int:
    """c1 with a value read from a document waiting to be accepted."""
    with world.runtime.factory() as session, session.begin():
        customer = session.get_one(Customer, world.customers["c1"])
        customer.suggested = {"website": f"https://{uuid.uuid4().hex[:8]}.example.cn"}
        return customer.id


def _c1(suffix: str, **body: Callable[[], object]) -> Callable[[World, Case], tuple[str, dict]]:
    """A probe on c1 whose values are fresh per call, so that every allowed call changes something."""
    return lambda world, case: (
        f"/api/customers/{world.customers['c1']}{suffix}",
        {"json": {k: v() for k, v in body.items()}},
    )


def _c1_form(suffix: str, **data: Callable[[], str]) -> Callable[[World, Case], tuple[str, dict]]:
    return lambda world, case: (
        f"/customers/{world.customers['c1']}{suffix}",
        {"data": {k: v() for k, v in data.items()}},
    )


def _fresh_text() -> str:
    return f"probe {uuid.uuid4().hex[:8]}"


def _fresh_name() -> str:
    return f"探针客户{uuid.uuid4().hex[:8]}"


# Who changes a customer file's profile, contacts and timeline: its owner (alice), its department's manager
# (mgr1) and managers (md); the archivist only its status, the others nothing (access.customer_files).
EDITS_C1 = logins("alice", "mgr1", "md")
OPENS = roles("staff", "manager", "archivist")


def _upload(world: World, case: Case) -> tuple[str, dict]:
    return "/api/documents", {"files": {"file": ("empty.pdf", b"", "application/pdf")}}


def page(allowed, ok, probe, **kw) -> Rule:  # type: ignore[no-untyped-def]
    """A web page (api/web): anonymous callers are sent to /login (303) instead of a 401."""
    return Rule.of(allowed, ok, probe, anonymous=303, **kw)


def form(path: str, **data: str) -> Callable[[World, Case], tuple[str, dict]]:
    return lambda world, case: (path, {"data": data})


def doc_form(template: str, **data: str) -> Callable[[World, Case], tuple[str, dict]]:
    def probe(world: World, case: Case) -> tuple[str, dict]:
        fields = {k: v.format(uuid=uuid.uuid4().hex[:6]) for k, v in data.items()}
        return template.format(world.extra["docs"][case.level, case.grant]), {"data": fields}

    return probe


def doc_page(suffix: str = "") -> Callable[[World, Case], tuple[str, dict]]:
    return lambda world, case: (f"/documents/{world.extra['docs'][case.level, case.grant]}{suffix}", {})


def _empty_upload(world: World, case: Case) -> tuple[str, dict]:
    return "/intake/upload", {"files": {"file": ("empty.pdf", b"", "application/pdf")}}


# The web UI (api/web): the same domain calls as the API, so the same people may do the same things.
# Allowed form posts answer with their redirect (303) or a validation error shown on the page (400).
WEB_RULES: dict[tuple[str, str], Rule] = {
    # The sign-in form for anyone without a session; someone signed in is sent on (303).
    ("GET", "/login"): Rule.of(lambda case: case.login is None, 200, url("/login"), denied=303),
    ("POST", "/login"): Rule.of(anyone, 303, form("/login", login="bob", password=PASSWORD)),
    ("POST", "/logout"): page(signed_in, 303, url("/logout")),
    ("POST", "/language"): Rule.of(anyone, 303, form("/language", lang="en", next="/")),
    ("GET", "/password"): page(signed_in, 200, url("/password")),
    ("POST", "/password"): page(
        signed_in, 400, form("/password", old_password=PASSWORD, new_password=PASSWORD, confirm=PASSWORD)
    ),  # unchanged
    ("GET", "/"): page(signed_in, 200, url("/")),
    ("GET", "/search"): page(signed_in, 200, url("/search?q=合同")),
    ("GET", "/intake"): page(roles("archivist", "staff", "admin"), 200, url("/intake")),
    ("POST", "/intake/upload"): page(roles("archivist", "staff", "admin"), 422, _empty_upload),
    ("GET", "/intake/status/{document_id}"): page(reads, 200, doc_page(), about_documents=True),
    ("GET", "/review"): page(signed_in, 200, url("/review")),  # lists only what the caller reads
    ("POST", "/review/{document_id}"): page(
        corrects_metadata, 303, doc_form("/review/{}", reason="probe"), about_documents=True
    ),
    ("GET", "/documents/{document_id}"): page(reads, 200, doc_page(), about_documents=True),
    ("GET", "/documents/{document_id}/pages/{number}.png"): page(
        reads, {200, 404}, doc_page("/pages/1.png"), about_documents=True
    ),  # the fixture's originals are not real PDFs: nothing to render
    ("GET", "/documents/{document_id}/original"): page(
        reads, 200, doc_page("/original"), about_documents=True
    ),
    ("GET", "/documents/{document_id}/searchable"): page(
        reads, 404, doc_page("/searchable"), about_documents=True
    ),  # readable, but no searchable PDF was made
    ("POST", "/documents/{document_id}/metadata"): page(
        corrects_metadata,
        303,
        doc_form("/documents/{}/metadata", title="更正 {uuid}", reason="probe"),
        about_documents=True,
    ),
    ("POST", "/documents/{document_id}/retry"): page(
        lambda case: roles("archivist", "staff", "admin")(case) and reads(case),
        {303, 409},
        doc_form("/documents/{}/retry"),
        about_documents=True,
        denied=lambda case: 404 if roles("archivist", "staff", "admin")(case) else 403,
    ),
    ("GET", "/customers"): page(signed_in, 200, url("/customers")),
    ("GET", "/customers/{customer_id}"): page(
        signed_in, 200, lambda w, c: (f"/customers/{w.customers['c1']}", {})
    ),
    ("GET", "/customers/new"): page(signed_in, 200, url("/customers/new")),
    ("POST", "/customers"): page(OPENS, 303, lambda w, c: ("/customers", {"data": {"name": _fresh_name()}})),
    ("GET", "/customers/{customer_id}/edit"): page(
        signed_in, 200, lambda w, c: (f"/customers/{w.customers['c1']}/edit", {})
    ),
    ("POST", "/customers/{customer_id}/edit"): page(
        EDITS_C1, 303, _c1_form("/edit", phone=_fresh_text, reason=_fresh_text)
    ),
    ("POST", "/customers/{customer_id}/contacts"): page(
        EDITS_C1, 303, _c1_form("/contacts", name=_fresh_text)
    ),
    ("POST", "/customers/{customer_id}/timeline"): page(
        EDITS_C1, 303, _c1_form("/timeline", kind=lambda: "visit", on=lambda: "2026-01-05", text=_fresh_text)
    ),
    ("POST", "/customers/{customer_id}/accept"): page(
        EDITS_C1, 303, fresh(_suggested, "/customers/{}/accept", data={"field": "website"})
    ),
    # Only the general manager approves a complaint's handling (policy 7); none of USERS holds the post.
    ("POST", "/customers/entries/{entry_id}/approve"): page(
        logins("gm"), 303, fresh(_complaint, "/customers/entries/{}/approve", data={})
    ),
    # issue 12: the analysis and import pages; an empty upload is refused as a file (422) to those who may
    # import and as a right (403) to the others; a confirmation of nothing waiting is a 400 to anyone.
    ("GET", "/customers/analysis"): page(signed_in, 200, url("/customers/analysis")),
    ("GET", "/customers/import"): page(signed_in, 200, url("/customers/import")),
    ("POST", "/customers/import"): page(
        OPENS, 422, lambda w, c: ("/customers/import", {"files": {"file": ("e.csv", b"", "text/csv")}})
    ),
    ("POST", "/customers/import/confirm"): page(
        signed_in, 400, form("/customers/import/confirm", token="x" * 32)
    ),
    ("GET", "/access"): page(signed_in, 200, url("/access")),
    ("GET", "/access/request"): page(signed_in, 200, url("/access/request")),
    ("POST", "/access/request"): page(signed_in, 400, form("/access/request", reason="", days="3")),
    ("GET", "/access/inbox"): page(signed_in, 200, url("/access/inbox")),
    ("POST", "/access/requests/{request_id}/approve"): page(
        logins("mgr1"),
        303,
        fresh(lambda w: _pending_request(w, "carol", "c1"), "/access/requests/{}/approve", data={}),
    ),
    ("POST", "/access/requests/{request_id}/refuse"): page(
        logins("mgr1"),
        303,
        fresh(
            lambda w: _pending_request(w, "carol", "c1"), "/access/requests/{}/refuse", data={"comment": "no"}
        ),
    ),
    ("POST", "/access/requests/{request_id}/withdraw"): page(
        logins("alice"),
        303,
        fresh(lambda w: _pending_request(w, "alice", "c2"), "/access/requests/{}/withdraw"),
    ),
    ("POST", "/access/grants/{grant_id}/revoke"): page(
        logins("alice", "admin", "mgr1", "md"), 303, fresh(_alice_grant, "/access/grants/{}/revoke", data={})
    ),
    # Marking a message read: one's own only; someone else's is as unknown as a missing one (404).
    ("POST", "/access/notifications/{notification_id}/read"): page(
        logins("alice"),
        303,
        lambda w, c: (f"/access/notifications/{w.extra['notification']}/read", {}),
        denied=404,
    ),
    ("POST", "/access/notifications/read"): page(signed_in, 303, url("/access/notifications/read")),
    ("GET", "/admin"): page(roles("admin"), 200, url("/admin")),
    ("GET", "/admin/types"): page(roles("admin"), 200, url("/admin/types")),
    ("POST", "/admin/types/{code}"): page(
        roles("admin"), 400, form("/admin/types/contract", rule="{not json")
    ),  # refused beside the editor: nothing changes
    ("POST", "/admin/users"): page(roles("admin"), 400, form("/admin/users", login="alice")),  # exists
    ("POST", "/admin/users/{login}/active"): page(
        roles("admin"), 404, form("/admin/users/ghost/active", active="1")
    ),
    ("GET", "/admin/users/{login}/tokens"): page(roles("admin"), 200, url("/admin/users/alice/tokens")),
    ("POST", "/admin/tokens/{token_id}/revoke"): page(
        logins("alice", "admin"), 303, fresh(_alice_token, "/admin/tokens/{}/revoke", data={"login": "alice"})
    ),
    ("POST", "/admin/users/{login}/roles"): page(
        roles("admin"), 400, form("/admin/users/alice/roles", role="nonsense")
    ),
    ("POST", "/admin/users/{login}/positions"): page(
        roles("admin"), 400, form("/admin/users/alice/positions", position="nonsense", held="1")
    ),  # unknown position, refused beside the user: nothing changes
    ("POST", "/admin/levels/{level}"): page(
        roles("admin"), 400, form("/admin/levels/company", readers="nonsense", chain="gm")
    ),  # unknown reader code, refused beside the field
    ("POST", "/admin/departments"): page(roles("admin"), 400, form("/admin/departments", code="sales1")),
    ("POST", "/admin/departments/{code}/manager"): page(
        roles("admin"), 404, form("/admin/departments/ghost/manager", login="mgr1")
    ),
    ("GET", "/audit"): page(roles("auditor"), 200, url("/audit")),
    ("GET", "/audit/verify"): page(roles("auditor", "admin"), 200, url("/audit/verify")),
}

# Retention (api/rest/retention.py): the schedule is open to all signed in; due lists, holds and batches to
# records officers, approving managers and auditors; each step to its role. Probes use objects that do not
# exist (404) or empty input (400), so nothing changes.
WATCH = roles("records_officer", "manager", "auditor")
OFFICER = roles("records_officer")
NONE = 999_999
RETENTION_RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/api/retention/rules"): Rule.of(signed_in, 200, url("/api/retention/rules")),
    ("PUT", "/api/retention/rules/{doc_type}"): Rule.of(
        OFFICER,
        400,
        lambda w, c: ("/api/retention/rules/ghost", {"json": {"trigger": "filing", "action": "destroy"}}),
    ),  # unknown type
    ("GET", "/api/retention/due"): Rule.of(WATCH, 200, url("/api/retention/due")),
    ("POST", "/api/retention/documents/{document_id}/extension"): Rule.of(
        OFFICER,
        404,
        lambda w, c: (
            f"/api/retention/documents/{NONE}/extension",
            {"json": {"new_due": "2099-01-01", "reason": "probe", "approver": "gm"}},
        ),
    ),
    ("GET", "/api/retention/holds"): Rule.of(WATCH, 200, url("/api/retention/holds")),
    ("POST", "/api/retention/holds"): Rule.of(
        OFFICER,
        400,
        lambda w, c: ("/api/retention/holds", {"json": {"name": "p", "reason": "p", "scope": "documents"}}),
    ),  # no documents named
    ("GET", "/api/retention/holds/{hold_id}"): Rule.of(WATCH, 404, url(f"/api/retention/holds/{NONE}")),
    ("POST", "/api/retention/holds/{hold_id}/release"): Rule.of(
        OFFICER, 404, lambda w, c: (f"/api/retention/holds/{NONE}/release", {"json": {"reason": "probe"}})
    ),
    ("GET", "/api/retention/batches"): Rule.of(WATCH, 200, url("/api/retention/batches")),
    ("POST", "/api/retention/batches"): Rule.of(
        OFFICER, 400, lambda w, c: ("/api/retention/batches", {"json": {"document_ids": []}})
    ),  # empty batch
    ("GET", "/api/retention/batches/{batch_id}"): Rule.of(WATCH, 404, url(f"/api/retention/batches/{NONE}")),
    ("POST", "/api/retention/batches/{batch_id}/appraise"): Rule.of(
        OFFICER, 404, lambda w, c: (f"/api/retention/batches/{NONE}/appraise", {"json": {"opinion": "probe"}})
    ),
    ("POST", "/api/retention/batches/{batch_id}/approve"): Rule.of(
        roles("manager"), 404, lambda w, c: (f"/api/retention/batches/{NONE}/approve", {"json": {}})
    ),
    ("POST", "/api/retention/batches/{batch_id}/execute"): Rule.of(
        OFFICER, 404, lambda w, c: (f"/api/retention/batches/{NONE}/execute", {"json": {}})
    ),
    ("GET", "/api/retention/batches/{batch_id}/register/{kind}"): Rule.of(
        roles("records_officer", "auditor"), 404, url(f"/api/retention/batches/{NONE}/register/pdf")
    ),
}

RETENTION_PAGES: dict[tuple[str, str], Rule] = {
    ("GET", "/retention"): page(signed_in, 200, url("/retention")),
    ("POST", "/retention/rules"): page(
        OFFICER, 400, form("/retention/rules", doc_type="ghost", trigger="filing", action="destroy")
    ),  # unknown type
    ("GET", "/retention/holds"): page(WATCH, 200, url("/retention/holds")),
    ("POST", "/retention/holds"): page(
        OFFICER, 400, form("/retention/holds", name="p", reason="p", scope="documents")
    ),  # no documents named
    ("POST", "/retention/holds/{hold_id}/release"): page(
        OFFICER, 404, form(f"/retention/holds/{NONE}/release", reason="probe")
    ),
    ("GET", "/retention/due"): page(WATCH, 200, url("/retention/due")),
    ("POST", "/retention/batches"): page(OFFICER, 400, form("/retention/batches")),  # empty batch
    ("GET", "/retention/batches"): page(WATCH, 200, url("/retention/batches")),
    ("GET", "/retention/batches/{batch_id}"): page(WATCH, 404, url(f"/retention/batches/{NONE}")),
    ("GET", "/retention/batches/{batch_id}/progress"): page(
        WATCH, 404, url(f"/retention/batches/{NONE}/progress")
    ),
    ("POST", "/retention/batches/{batch_id}/appraise"): page(
        OFFICER, 404, form(f"/retention/batches/{NONE}/appraise", opinion="probe")
    ),
    ("POST", "/retention/batches/{batch_id}/approve"): page(
        roles("manager"), 404, form(f"/retention/batches/{NONE}/approve")
    ),
    ("POST", "/retention/batches/{batch_id}/execute"): page(
        OFFICER, 404, form(f"/retention/batches/{NONE}/execute")
    ),
    ("GET", "/retention/batches/{batch_id}/register.{kind}"): page(
        roles("records_officer", "auditor"), 404, url(f"/retention/batches/{NONE}/register.pdf")
    ),
}

# Custody (api/rest/custody.py): the archivist keeps locations and items, hands out and takes back; anyone
# signed in may ask to borrow and list their own loans; approving needs the chairman's, GM's or a deputy
# GM's post, which no user of the matrix holds (tests/custody/test_loans.py covers those posts). An item's
# place is shown to the archivist and to those who read its document. Probes use objects that do not exist
# (404) or input refused after the permission check (400), so nothing changes.
ARCHIVIST = roles("archivist")


def _custody_item(world: World, case: Case) -> tuple[str, dict]:
    """A paper item of a department-level document of c1 (read by alice and mgr1), made once."""
    if "custody_item" not in world.extra:
        from workflows import custody

        document_id = add_document(world, "c1", "department")
        with world.runtime.factory() as session, session.begin():
            archivist = session.get_one(User, world.users["archivist"])
            custody.add_location(session, path="总部/档案室/矩阵盒", kind="box", actor=archivist)
            item = custody.add_item(session, document_id=document_id, customer_id=None, pieces=1, pages=1,
                                    location="总部/档案室/矩阵盒", actor=archivist)  # fmt: skip
        world.extra["custody_item"] = item.id
    return f"/api/custody/items/{world.extra['custody_item']}", {}


CUSTODY_RULES: dict[tuple[str, str], Rule] = {
    ("POST", "/api/custody/locations"): Rule.of(
        ARCHIVIST, 400, lambda w, c: ("/api/custody/locations", {"json": {"path": "总部//x", "kind": "box"}})
    ),  # malformed path
    ("GET", "/api/custody/locations"): Rule.of(ARCHIVIST, 200, url("/api/custody/locations")),
    ("POST", "/api/custody/items"): Rule.of(
        ARCHIVIST,
        404,
        lambda w, c: ("/api/custody/items", {"json": {"document_id": NONE, "pieces": 1, "pages": 1}}),
    ),
    ("GET", "/api/custody/items/{item_id}"): Rule.of(
        lambda case: ARCHIVIST(case) or case.login in ("alice", "mgr1"), 200, _custody_item
    ),
    ("POST", "/api/custody/items/{item_id}/move"): Rule.of(
        ARCHIVIST,
        404,
        lambda w, c: (f"/api/custody/items/{NONE}/move", {"json": {"to": "总部", "reason": "probe"}}),
    ),
    ("POST", "/api/custody/loans"): Rule.of(
        signed_in, 400, lambda w, c: ("/api/custody/loans", {"json": {"item_ids": [], "purpose": "probe"}})
    ),  # nothing to borrow
    ("GET", "/api/custody/loans"): Rule.of(signed_in, 200, url("/api/custody/loans?overdue=true")),
    ("GET", "/api/custody/loans/{loan_id}"): Rule.of(signed_in, 404, url(f"/api/custody/loans/{NONE}")),
    ("POST", "/api/custody/loans/{loan_id}/approve"): Rule.of(
        logins(), 404, url(f"/api/custody/loans/{NONE}/approve")
    ),
    ("POST", "/api/custody/loans/{loan_id}/refuse"): Rule.of(
        logins(), 404, url(f"/api/custody/loans/{NONE}/refuse")
    ),
    ("POST", "/api/custody/loans/{loan_id}/out"): Rule.of(
        ARCHIVIST, 404, url(f"/api/custody/loans/{NONE}/out")
    ),
    ("POST", "/api/custody/loans/{loan_id}/renew"): Rule.of(
        signed_in, 404, lambda w, c: (f"/api/custody/loans/{NONE}/renew", {"json": {}})
    ),  # the borrower's; an unknown slip is unknown to all
    ("POST", "/api/custody/loans/{loan_id}/return"): Rule.of(
        ARCHIVIST,
        404,
        lambda w, c: (f"/api/custody/loans/{NONE}/return", {"json": {"pieces": 1, "pages": 1}}),
    ),
    ("GET", "/api/custody/calendar/workdays-after"): Rule.of(
        signed_in, 200, url("/api/custody/calendar/workdays-after?date=2026-02-13&n=2")
    ),
}

# --- customer lifecycle (issue 12): follow-ups for anyone's own files; grade rules and re-grading by managers;
# a merge by who may assign both files (c1 into itself: refused as the same file, 400, once allowed); an
# employee's leaving by the admin (a ghost: 404 once allowed).
LIFECYCLE_RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/api/customers/followups"): Rule.of(signed_in, 200, url("/api/customers/followups?due=true")),
    ("GET", "/api/customers/grade-rules"): Rule.of(signed_in, 200, url("/api/customers/grade-rules")),
    ("PUT", "/api/customers/grade-rules/{grade}"): Rule.of(
        roles("manager"), 200, lambda w, c: ("/api/customers/grade-rules/D", {"json": {}})
    ),
    ("DELETE", "/api/customers/grade-rules/{grade}"): Rule.of(
        roles("manager"), {200, 404}, url("/api/customers/grade-rules/C")
    ),
    ("POST", "/api/customers/regrade"): Rule.of(
        roles("manager"), 200, lambda w, c: ("/api/customers/regrade", {"json": {"customer_ids": [NONE]}})
    ),
    ("POST", "/api/customers/{customer_id}/merge"): Rule.of(
        roles("manager"),
        400,
        lambda w, c: (
            f"/api/customers/{w.customers['c1']}/merge",
            {"json": {"into": w.customers["c1"], "reason": "p"}},
        ),
    ),
    ("GET", "/api/users/{login}/holdings"): Rule.of(roles("admin"), 200, url("/api/users/alice/holdings")),
    ("POST", "/api/users/{login}/offboard"): Rule.of(
        roles("admin"),
        404,
        lambda w, c: ("/api/users/ghost/offboard", {"json": {"to": "bob", "reason": "p"}}),
    ),
    ("GET", "/api/users/offboardings/{offboarding_id}"): Rule.of(
        roles("admin"), 404, url(f"/api/users/offboardings/{NONE}")
    ),
    ("GET", "/api/users/offboardings/{offboarding_id}/pdf"): Rule.of(
        roles("admin"), 404, url(f"/api/users/offboardings/{NONE}/pdf")
    ),
    # the pages: the same workflow calls, so the same people
    ("GET", "/customers/followups"): page(signed_in, 200, url("/customers/followups")),
    ("GET", "/customers/grades"): page(signed_in, 200, url("/customers/grades")),
    ("POST", "/customers/grades/{grade}"): page(roles("manager"), 303, form("/customers/grades/D")),
    ("POST", "/customers/grades-regrade"): page(roles("manager"), 200, form("/customers/grades-regrade")),
    ("POST", "/customers/{customer_id}/merge"): page(
        roles("manager"),
        400,
        lambda w, c: (
            f"/customers/{w.customers['c1']}/merge",
            {"data": {"into": str(w.customers["c1"]), "reason": "p"}},
        ),
    ),  # fmt: skip
    ("GET", "/admin/users/{login}/offboard"): page(roles("admin"), 200, url("/admin/users/alice/offboard")),
    ("POST", "/admin/users/{login}/offboard"): page(
        roles("admin"), 404, form("/admin/users/ghost/offboard", successor="bob", reason="p")
    ),
    ("GET", "/admin/offboardings/{offboarding_id}/pdf"): page(
        roles("admin"), 404, url(f"/admin/offboardings/{NONE}/pdf")
    ),
}

# Handovers (api/rest/handovers.py, api/web/handovers.py; issue 13): staff and managers prepare lists (the
# probe names an unknown reviewer: 400, nothing made); anyone signed in lists their own; a list's steps are
# its parties' and the archive's, so an unknown list is unknown to all (404). The pages follow the same rules.
HANDOVER_LINE = {"title": "probe", "pieces": 1, "pages": 1}
PREPARERS = roles("staff", "manager")

HANDOVER_RULES: dict[tuple[str, str], Rule] = {
    ("POST", "/api/custody/handovers"): Rule.of(
        PREPARERS,
        400,
        lambda w, c: (
            "/api/custody/handovers",
            {"json": {"title": "p", "customer_id": NONE, "reviewer": "ghost", "lines": [HANDOVER_LINE]}},
        ),
    ),
    ("GET", "/api/custody/handovers"): Rule.of(signed_in, 200, url("/api/custody/handovers?late=true")),
    ("GET", "/api/custody/handovers/{handover_id}"): Rule.of(
        signed_in, 404, url(f"/api/custody/handovers/{NONE}")
    ),
    ("GET", "/api/custody/handovers/{handover_id}/pdf"): Rule.of(
        signed_in, 404, url(f"/api/custody/handovers/{NONE}/pdf")
    ),
    ("PUT", "/api/custody/handovers/{handover_id}/lines"): Rule.of(
        signed_in,
        404,
        lambda w, c: (f"/api/custody/handovers/{NONE}/lines", {"json": {"lines": [HANDOVER_LINE]}}),
    ),
    ("POST", "/api/custody/handovers/{handover_id}/sign"): Rule.of(
        signed_in, 404, lambda w, c: (f"/api/custody/handovers/{NONE}/sign", {"json": {}})
    ),
    ("POST", "/api/custody/handovers/{handover_id}/return"): Rule.of(
        signed_in, 404, lambda w, c: (f"/api/custody/handovers/{NONE}/return", {"json": {"missing": "probe"}})
    ),
    ("GET", "/custody/handovers"): page(signed_in, 200, url("/custody/handovers")),
    ("GET", "/custody/handovers/new"): page(signed_in, 200, url("/custody/handovers/new")),
    ("POST", "/custody/handovers"): page(
        PREPARERS,
        400,
        form(
            "/custody/handovers",
            title="p",
            customer=str(NONE),
            reviewer="ghost",
            line_title="x",
            line_pieces="1",
            line_pages="1",
        ),  # fmt: skip
    ),
    ("GET", "/custody/handovers/{handover_id}"): page(signed_in, 404, url(f"/custody/handovers/{NONE}")),
    ("GET", "/custody/handovers/{handover_id}/list.pdf"): page(
        signed_in, 404, url(f"/custody/handovers/{NONE}/list.pdf")
    ),
    ("POST", "/custody/handovers/{handover_id}/sign"): page(
        signed_in, 404, form(f"/custody/handovers/{NONE}/sign")
    ),
    ("POST", "/custody/handovers/{handover_id}/return"): page(
        signed_in, 404, form(f"/custody/handovers/{NONE}/return", missing="probe")
    ),
    ("POST", "/custody/handovers/{handover_id}/lines"): page(
        signed_in,
        404,
        form(f"/custody/handovers/{NONE}/lines", line_title="x", line_pieces="1", line_pages="1"),
    ),
}

# Custody's registers and checks (issue 13: api/rest/custody_records.py, api/web/custody*.py): ledgers for
# the archivist and the auditor (the loan ledger also for the approving posts, which no matrix user holds);
# labels, locations, inspections, moves, hand-outs for the archivist; scanning a code, the hub and loans for
# everyone signed in. Probes name objects that do not exist (404) or refused input (400), so nothing changes.
KEEPERS = roles("archivist", "auditor")
CUSTODY_RECORDS_RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/api/custody/ledgers/{ledger}"): Rule.of(
        KEEPERS, 200, url("/api/custody/ledgers/archive?status=in_store")
    ),
    ("GET", "/api/custody/ledgers/{ledger}/export"): Rule.of(
        KEEPERS, 200, url("/api/custody/ledgers/loans/export?format=xlsx")
    ),
    ("POST", "/api/custody/labels"): Rule.of(
        ARCHIVIST, 404, lambda w, c: ("/api/custody/labels", {"json": {"item_ids": [NONE]}})
    ),
    ("GET", "/api/custody/scan/{code}"): Rule.of(signed_in, 404, url("/api/custody/scan/I999999")),
    ("POST", "/api/custody/inspections"): Rule.of(
        ARCHIVIST,
        404,
        lambda w, c: ("/api/custody/inspections", {"json": {"path": "无此处", "findings": "probe"}}),
    ),
    ("GET", "/api/custody/inspections/overdue"): Rule.of(
        KEEPERS, 200, url("/api/custody/inspections/overdue")
    ),
    ("GET", "/custody"): page(signed_in, 200, url("/custody")),
    ("GET", "/custody/scan"): page(signed_in, 404, url("/custody/scan?code=I999999")),
    ("GET", "/custody/locations"): page(ARCHIVIST, 200, url("/custody/locations")),
    ("POST", "/custody/locations"): page(
        ARCHIVIST, 400, lambda w, c: ("/custody/locations", {"data": {"path": "总部//x", "kind": "box"}})
    ),
    ("GET", "/custody/locations/{location_id}"): page(ARCHIVIST, 404, url(f"/custody/locations/{NONE}")),
    ("POST", "/custody/locations/{location_id}/inspect"): page(
        ARCHIVIST, 404, form(f"/custody/locations/{NONE}/inspect", findings="probe")
    ),
    ("GET", "/custody/items/{item_id}"): page(signed_in, 404, url(f"/custody/items/{NONE}")),
    ("POST", "/custody/items/{item_id}/move"): page(
        ARCHIVIST, 404, form(f"/custody/items/{NONE}/move", to="总部", reason="probe")
    ),
    ("GET", "/custody/labels"): page(signed_in, 200, url("/custody/labels")),
    ("GET", "/custody/labels.pdf"): page(ARCHIVIST, 404, url("/custody/labels.pdf?codes=I999999")),
    ("GET", "/custody/loans"): page(signed_in, 200, url("/custody/loans")),
    ("POST", "/custody/loans"): page(
        signed_in, 404, form("/custody/loans", items="I999999", purpose="probe")
    ),
    ("GET", "/custody/loans/{loan_id}"): page(signed_in, 404, url(f"/custody/loans/{NONE}")),
    ("POST", "/custody/loans/{loan_id}/{step}"): page(ARCHIVIST, 404, form(f"/custody/loans/{NONE}/out")),
    ("GET", "/custody/ledgers"): page(signed_in, 303, url("/custody/ledgers")),
    ("GET", "/custody/ledgers/{ledger}"): page(KEEPERS, 200, url("/custody/ledgers/loans?status=overdue")),
    ("GET", "/custody/ledgers/{ledger}/export.{fmt}"): page(
        KEEPERS, 200, url("/custody/ledgers/archive/export.pdf?location=总部")
    ),
}

# --- operations (issue 14): health for anyone, metrics for admins and auditors, jobs for admins, one's own
# notification settings for everyone signed in ---
OPS_RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/healthz"): Rule.of(anyone, 200, url("/healthz")),
    ("GET", "/metrics"): page(roles("admin", "auditor"), 200, url("/metrics")),
    ("GET", "/api/jobs"): Rule.of(roles("admin"), 200, url("/api/jobs")),
    ("GET", "/admin/jobs"): page(roles("admin"), 200, url("/admin/jobs")),
    ("GET", "/settings/notifications"): page(signed_in, 200, url("/settings/notifications")),
    ("POST", "/settings/notifications"): page(
        signed_in, 422, form("/settings/notifications", channel="pager")
    ),
}

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/favicon.ico"): Rule.of(anyone, 200, url("/favicon.ico")),
    ("GET", "/openapi.json"): Rule.of(anyone, 200, url("/openapi.json")),
    ("GET", "/docs"): Rule.of(anyone, 200, url("/docs")),
    ("GET", "/docs/oauth2-redirect"): Rule.of(anyone, 200, url("/docs/oauth2-redirect")),
    ("GET", "/redoc"): Rule.of(anyone, 200, url("/redoc")),
    ("GET", "/api/health"): Rule.of(anyone, 200, url("/api/health")),
    ("POST", "/api/login"): Rule.of(
        anyone, 200, lambda w, c: ("/api/login", {"json": {"login": "bob", "password": PASSWORD}})
    ),
    ("POST", "/api/logout"): Rule.of(signed_in, 204, url("/api/logout")),
    ("GET", "/api/me"): Rule.of(signed_in, 200, url("/api/me")),
    ("POST", "/api/password"): Rule.of(
        signed_in,
        400,
        lambda w, c: ("/api/password", {"json": {"old_password": PASSWORD, "new_password": PASSWORD}}),
    ),  # "unchanged": nothing changes
    ("POST", "/api/tokens"): Rule.of(
        signed_in, 201, lambda w, c: ("/api/tokens", {"json": {"name": "probe"}})
    ),
    ("GET", "/api/tokens"): Rule.of(signed_in, 200, url("/api/tokens")),
    ("DELETE", "/api/tokens/{token_id}"): Rule.of(
        logins("alice", "admin"), 204, fresh(_alice_token, "/api/tokens/{}")
    ),
    ("POST", "/api/documents"): Rule.of(roles("archivist", "staff", "admin"), 422, _upload),  # empty file
    # Retrying: capture work on a document one reads (202 queued, or 409 once it needs no retry). Those who
    # do not capture are refused (403); those who capture but do not read it are answered as if it did not
    # exist (404).
    ("POST", "/api/documents/{document_id}/retry"): Rule.of(
        lambda case: roles("archivist", "staff", "admin")(case) and reads(case),
        {202, 409},
        doc_url("/retry"),
        about_documents=True,
        denied=lambda case: 404 if roles("archivist", "staff", "admin")(case) else 403,
    ),
    ("GET", "/api/documents/{document_id}/status"): Rule.of(
        reads, 200, doc_url("/status"), about_documents=True
    ),
    ("GET", "/api/documents/{document_id}"): Rule.of(reads, 200, doc_url(), about_documents=True),
    ("GET", "/api/documents/{document_id}/original"): Rule.of(
        reads, 200, doc_url("/original"), about_documents=True
    ),
    ("GET", "/api/documents/{document_id}/similar"): Rule.of(
        reads, 200, doc_url("/similar"), about_documents=True
    ),
    ("GET", "/api/documents/{document_id}/history"): Rule.of(
        reads, 200, doc_url("/history"), about_documents=True
    ),
    ("PUT", "/api/documents/{document_id}/level"): Rule.of(
        changes_level, 400, doc_url("/level", level=True), about_documents=True
    ),  # same level: unchanged
    ("PUT", "/api/documents/{document_id}/metadata"): Rule.of(
        corrects_metadata, 200, doc_url("/metadata", metadata=True), about_documents=True
    ),
    ("PUT", "/api/customers/{customer_id}/level"): Rule.of(
        roles("manager"),
        400,
        lambda w, c: (
            f"/api/customers/{w.customers['c1']}/level",
            {"json": {"level": "internal", "reason": "probe"}},
        ),
    ),
    ("GET", "/api/search"): Rule.of(signed_in, 200, url("/api/search?q=合同")),
    # The customer list and a file's page are open to everyone signed in; only readable documents are listed.
    ("GET", "/api/customers"): Rule.of(signed_in, 200, url("/api/customers")),
    ("GET", "/api/customers/{customer_id}"): Rule.of(
        signed_in, 200, lambda w, c: (f"/api/customers/{w.customers['c1']}", {})
    ),
    # Moving a file changes who reads it: a manager (role) or the keeping department's manager; never the
    # archivist (status only) or the admin.
    ("PUT", "/api/customers/{customer_id}"): Rule.of(
        roles("manager"),
        400,
        lambda w, c: (
            f"/api/customers/{w.customers['c1']}",
            {"json": {"department": "sales1", "owner": "alice", "reason": "probe"}},
        ),
    ),  # the values it has: unchanged
    ("POST", "/api/customers"): Rule.of(
        OPENS, 201, lambda w, c: ("/api/customers", {"json": {"name": _fresh_name()}})
    ),
    ("PATCH", "/api/customers/{customer_id}"): Rule.of(
        EDITS_C1, 200, _c1("", phone=_fresh_text, reason=_fresh_text)
    ),
    ("POST", "/api/customers/{customer_id}/contacts"): Rule.of(
        EDITS_C1, 201, _c1("/contacts", name=_fresh_text)
    ),
    ("POST", "/api/customers/{customer_id}/timeline"): Rule.of(
        EDITS_C1, 201, _c1("/timeline", kind=lambda: "call", date=lambda: "2026-01-05", text=_fresh_text)
    ),
    # issue 18: a file's aliases are seen by everyone signed in, changed by those who edit the file.
    ("GET", "/api/customers/{customer_id}/aliases"): Rule.of(
        signed_in, 200, lambda w, c: (f"/api/customers/{w.customers['c1']}/aliases", {})
    ),
    ("POST", "/api/customers/{customer_id}/aliases"): Rule.of(
        EDITS_C1, 201, _c1("/aliases", alias=_fresh_text)
    ),
    ("DELETE", "/api/customers/{customer_id}/aliases/{alias}"): Rule.of(
        EDITS_C1, 200, fresh(_staff_alias, "/api/customers/{}")
    ),
    ("POST", "/api/customers/entries/{entry_id}/approve"): Rule.of(
        logins("gm"), 200, fresh(_complaint, "/api/customers/entries/{}/approve")
    ),
    # issue 12: analysis, export and catalogues show what the caller may see; import: those who open files.
    ("GET", "/api/customers/analysis"): Rule.of(signed_in, 200, url("/api/customers/analysis")),
    ("GET", "/api/customers/export"): Rule.of(signed_in, 200, url("/api/customers/export")),
    ("GET", "/api/customers/import/template"): Rule.of(signed_in, 200, url("/api/customers/import/template")),
    ("POST", "/api/customers/import"): Rule.of(
        OPENS, 422, lambda w, c: ("/api/customers/import", {"files": {"file": ("e.csv", b"", "text/csv")}})
    ),
    ("GET", "/api/customers/catalogue"): Rule.of(signed_in, 200, url("/api/customers/catalogue")),
    ("GET", "/api/customers/{customer_id}/catalogue"): Rule.of(
        signed_in, 200, lambda w, c: (f"/api/customers/{w.customers['c1']}/catalogue", {})
    ),
    ("POST", "/api/access-requests"): Rule.of(
        signed_in,
        400,
        lambda w, c: ("/api/access-requests", {"json": {"document_ids": [], "reason": "probe", "days": 3}}),
    ),  # nothing requested
    ("GET", "/api/access-requests/mine"): Rule.of(signed_in, 200, url("/api/access-requests/mine")),
    ("GET", "/api/access-requests/awaiting"): Rule.of(signed_in, 200, url("/api/access-requests/awaiting")),
    # alice asked for a sales2 document: she, its signer (mgr2), auditors and admins may see the request.
    ("GET", "/api/access-requests/{request_id}"): Rule.of(
        logins("alice", "auditor", "admin"),
        200,
        lambda w, c: (f"/api/access-requests/{w.extra['request']}", {}),
    ),
    # carol asks for a sales1 document: only sales1's manager signs.
    ("POST", "/api/access-requests/{request_id}/approve"): Rule.of(
        logins("mgr1"),
        200,
        fresh(lambda w: _pending_request(w, "carol", "c1"), "/api/access-requests/{}/approve", json={}),
    ),
    ("POST", "/api/access-requests/{request_id}/refuse"): Rule.of(
        logins("mgr1"),
        200,
        fresh(
            lambda w: _pending_request(w, "carol", "c1"),
            "/api/access-requests/{}/refuse",
            json={"comment": "no"},
        ),
    ),
    ("POST", "/api/access-requests/{request_id}/withdraw"): Rule.of(
        logins("alice"),
        200,
        fresh(lambda w: _pending_request(w, "alice", "c2"), "/api/access-requests/{}/withdraw"),
    ),
    ("GET", "/api/grants"): Rule.of(roles("admin", "auditor", "manager"), 200, url("/api/grants?all=true")),
    ("POST", "/api/grants/{grant_id}/revoke"): Rule.of(
        logins("alice", "admin", "mgr1", "md"),
        200,
        fresh(_alice_grant, "/api/grants/{}/revoke", json={"reason": "probe"}),
    ),
    ("GET", "/api/notifications"): Rule.of(signed_in, 200, url("/api/notifications")),
    ("POST", "/api/notifications/{notification_id}/read"): Rule.of(
        logins("alice"),
        204,
        lambda w, c: (f"/api/notifications/{w.extra['notification']}/read", {}),
        denied=404,
    ),
    ("GET", "/api/users"): Rule.of(roles("admin"), 200, url("/api/users")),
    ("POST", "/api/users"): Rule.of(
        roles("admin"), 409, lambda w, c: ("/api/users", {"json": {"login": "alice"}})
    ),  # exists
    ("GET", "/api/users/{login}/tokens"): Rule.of(roles("admin"), 200, url("/api/users/alice/tokens")),
    ("POST", "/api/users/{login}/disable"): Rule.of(roles("admin"), 404, url("/api/users/ghost/disable")),
    ("POST", "/api/users/{login}/enable"): Rule.of(roles("admin"), 404, url("/api/users/ghost/enable")),
    ("POST", "/api/users/{login}/reset-password"): Rule.of(
        roles("admin"), 404, lambda w, c: ("/api/users/ghost/reset-password", {"json": {}})
    ),
    ("POST", "/api/users/{login}/roles"): Rule.of(
        roles("admin"), 400, lambda w, c: ("/api/users/alice/roles", {"json": {"role": "nonsense"}})
    ),
    ("DELETE", "/api/users/{login}/roles/{role}"): Rule.of(
        roles("admin"), 400, url("/api/users/alice/roles/nonsense")
    ),
    ("GET", "/api/audit"): Rule.of(roles("auditor"), 200, url("/api/audit?limit=5")),
    ("GET", "/api/audit/verify"): Rule.of(roles("auditor", "admin"), 200, url("/api/audit/verify")),
    **WEB_RULES,
    **RETENTION_RULES,
    **RETENTION_PAGES,
    **CUSTODY_RULES,
    **LIFECYCLE_RULES,
    **HANDOVER_RULES,
    **CUSTODY_RECORDS_RULES,
    **OPS_RULES,
    # --- issue 14: backup status and fixity report, admins only ---
    ("GET", "/api/admin/backups"): Rule.of(roles("admin"), 200, url("/api/admin/backups")),
    ("GET", "/api/admin/fixity"): Rule.of(roles("admin"), 200, url("/api/admin/fixity")),
}


def app_routes(app) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path) of every route the app serves (HEAD aside: it follows GET)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before lazily included routers
        contexts = list(app.routes)
    else:
        contexts = list(iter_route_contexts(app.routes))
    return {
        (method, route.path) for route in contexts for method in (route.methods or ()) if method != "HEAD"
    }


@pytest.fixture(scope="module")
def matrix(tmp_path_factory, ocr_pool):
    """One archive for the whole matrix: documents of c1 per level and grant state, grants for everyone."""
    with fresh_database_url() as database_url:
        app = create_app(
            make_settings(tmp_path_factory.mktemp("matrix") / "home", database_url), start_worker=False
        )
        app.state.runtime.ocr_pool = ocr_pool
        with TestClient(app):
            world = build_world(app, app.state.runtime)
            world.extra = _objects(world)
            yield world


def _objects(world: World) -> dict:
    named = {f"{c}.{level}": add_document(world, c, level) for c in ("c1", "c2") for level in LEVELS}
    docs = {(level, grant): add_document(world, "c1", level) for level in LEVELS for grant in GRANTS}
    with world.runtime.factory() as session, session.begin():
        for (_level, grant), document_id in docs.items():
            if grant != "none":
                for login in filter(None, USERS):
                    add_grant(session, world, login, document_id=document_id, state=grant)
    extra = {"named": named, "docs": docs}
    world.extra = extra
    extra["request"] = _pending_request(world, "alice", "c2")
    with world.runtime.factory() as session, session.begin():
        note = Notification(user_id=world.users["alice"], code="notify.grant.revoked", params={"grant_id": 1})
        session.add(note)
        session.flush()
        extra["notification"] = note.id
    return extra


def test_every_route_has_a_rule(matrix):
    served = app_routes(matrix.app)
    assert sorted(served - set(RULES)) == [], "declare who may call these routes in RULES"
    assert sorted(set(RULES) - served) == [], "these rules name routes the app no longer serves"


def _cases(rule: Rule) -> list[Case]:
    if rule.about_documents:
        return [Case(login, level, grant) for login in USERS for level in LEVELS for grant in GRANTS]
    return [Case(login) for login in USERS]


@dataclass
class Tally:
    calls: int = 0
    wrong: list[str] = field(default_factory=list)


@pytest.mark.parametrize("route", sorted(RULES), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_obeys_its_rule(matrix, route):
    method, _path = route
    rule = RULES[route]
    tally = Tally()
    clients = {login: matrix.client(login) for login in USERS}
    for case in _cases(rule):
        target, kwargs = rule.probe(matrix, case)
        client = clients[case.login]
        response = client.request(method, target, follow_redirects=False, **kwargs)
        client.cookies.clear()
        tally.calls += 1
        allowed = rule.allowed(case)
        denied = rule.denied(case) if callable(rule.denied) else rule.denied
        expected = rule.ok if allowed else {rule.anonymous if case.login is None else denied}
        if response.status_code not in expected:
            tally.wrong.append(
                f"{case}: {'allowed' if allowed else 'denied'} expected {sorted(expected)}, "
                f"got {response.status_code} {response.text[:150]}"
            )
    assert tally.wrong == [], f"{len(tally.wrong)} of {tally.calls} calls broke the rule:\n" + "\n".join(
        tally.wrong
    )
