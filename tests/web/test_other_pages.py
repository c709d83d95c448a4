"""Dashboard, customer files, administration and the auditor's pages."""

from __future__ import annotations

from sqlalchemy import select

from access.models import User
from core.audit import AuditEvent
from tests.web.archive import add_pdf_document


def test_customer_file_lists_readable_documents_newest_first_grouped_by_type(tab, world):
    old = add_pdf_document(world, "c1", "internal", title="旧合同", lines=["x"], doc_type="contract")
    new = add_pdf_document(world, "c1", "internal", title="新合同", lines=["x"], doc_type="contract")
    personal = add_pdf_document(world, "c1", "personal", title="私人备忘", lines=["x"])
    bob = tab("bob")
    assert "客户c1" in bob.get("/customers").text
    page = bob.get(f"/customers/{world.customers['c1']}")
    assert page.status_code == 200
    assert page.text.index("新合同") < page.text.index("旧合同")
    assert "私人备忘" not in page.text  # personal: alice's file, not bob's
    assert "私人备忘" in tab("alice").get(f"/customers/{world.customers['c1']}").text
    assert {old, new, personal}


def test_dashboard_shows_approvals_waiting(tab, world):
    secret = add_pdf_document(world, "c2", "department", title="t", lines=["x"])
    alice = tab("alice")
    alice.post("/access/request", {"document": str(secret), "reason": "r", "days": "3"})
    page = tab("mgr2").get("/")
    assert page.status_code == 200 and 'href="/access/inbox"' in page.text
    assert '<p class="big">1</p>' in page.text


def test_admin_adds_a_user_and_sees_errors_beside_the_field(tab, world):
    admin = tab("admin", "en")
    page = admin.get("/admin")
    assert page.status_code == 200 and "alice" in page.text and "Departments" in page.text
    taken = admin.post("/admin/users", {"login": "alice", "role": "staff"})
    assert taken.status_code == 400 and 'id="err-login"' in taken.text
    added = admin.post(
        "/admin/users", {"login": "dave", "name": "Dave", "department": "sales1", "role": "staff"}
    )
    assert added.status_code == 200 and "one-time password" in added.text
    with world.runtime.factory() as session:
        assert session.scalar(select(User).where(User.login == "dave")).must_change_password
    assert admin.get("/admin/types").status_code == 200
    assert admin.post("/admin/departments/sales2/manager", {"login": "dave"}).status_code == 303
    with world.runtime.factory() as session:
        assert "department_manager" in session.scalar(select(User).where(User.login == "dave")).positions
    granted = admin.post("/admin/users/dave/roles", {"role": "archivist", "grant": "1"})
    assert granted.status_code == 303
    with world.runtime.factory() as session:
        assert "archivist" in session.scalar(select(User).where(User.login == "dave")).roles


def test_only_admins_administer(tab):
    for login in ("alice", "archivist", "auditor"):
        assert tab(login).get("/admin").status_code == 403


def test_auditor_searches_the_trail_and_verifies_it(tab, world):
    public = add_pdf_document(world, "c1", "internal", title="t", lines=["x"])
    tab("bob").get(f"/documents/{public}")
    auditor = tab("auditor")
    page = auditor.get(f"/audit?document={public}&user=bob")
    assert page.status_code == 200 and "view" in page.text and "bob" in page.text
    bad = auditor.get("/audit?from=yesterday")
    assert bad.status_code == 400 and 'id="err-from"' in bad.text
    verify = auditor.get("/audit/verify")
    assert verify.status_code == 200 and 'class="card good"' in verify.text
    with world.runtime.factory() as session:
        assert session.scalar(
            select(AuditEvent).where(AuditEvent.action == "audit.search", AuditEvent.actor == "auditor")
        )


def test_the_trail_is_for_auditors(tab):
    assert tab("admin").get("/audit").status_code == 403
    assert tab("admin").get("/audit/verify").status_code == 200  # verifying reveals no event
    assert tab("alice").get("/audit/verify").status_code == 403


def test_the_dashboard_differs_by_role(tab, world):
    add_pdf_document(world, "c1", "internal", title="待审", lines=["x"], needs_review=["low_confidence"])
    archivist = tab("archivist").get("/").text
    assert 'href="/review"' in archivist and "识别置信度低: 1" in archivist
    staff = tab("bob").get("/").text
    assert "识别置信度低" not in staff and 'href="/intake"' in staff and 'href="/audit"' not in staff
    assert 'href="/audit"' in tab("auditor").get("/").text


def test_admin_tunes_a_type_rule_and_bad_json_is_refused_beside_it(tab, world):
    import json

    from core.audit import AuditEvent
    from records.models import DocumentType

    admin = tab("admin", "en")
    page = admin.get("/admin/types")
    assert 'id="rule-correspondence"' in page.text
    bad = admin.post(
        "/admin/types/correspondence", {"rule": '{"keywords": [{"pattern": "(", "regex": true}]'}
    )
    assert bad.status_code == 400 and 'id="err-correspondence"' in bad.text
    with world.runtime.factory() as session:
        rule = session.get(DocumentType, "correspondence").rule
    rule = {
        **rule,
        "default_level": "internal",
        "keywords": [*rule["keywords"], {"pattern": "催告函", "weight": 2.0}],
    }
    saved = admin.post("/admin/types/correspondence", {"rule": json.dumps(rule, ensure_ascii=False)})
    assert saved.status_code == 303
    with world.runtime.factory() as session:
        stored = session.get(DocumentType, "correspondence")
        assert stored.default_level == "internal" and stored.rule["keywords"][-1]["pattern"] == "催告函"
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "doctype.change"))
    assert tab("archivist").post("/admin/types/correspondence", {"rule": "{}"}).status_code == 403


def test_the_icon_browsers_ask_for_is_there_for_everyone(client):
    for path in ("/favicon.ico", "/static/favicon.svg"):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
        assert answer.content.startswith(b"<svg")
