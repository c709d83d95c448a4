"""The customer pages: the list with its filters, opening a file, the file with profile, contacts, timeline
and documents, the edit form with its history; Chinese first, English as complete, no inline scripts."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.db import utcnow
from records.models import Customer, CustomerEntry
from tests.web.conftest import text_of

CODE = "91110000600037341L"


def _set(world, name: str, **values) -> None:
    with world.runtime.factory() as session, session.begin():
        customer = session.get_one(Customer, world.customers[name])
        for key, value in values.items():
            setattr(customer, key, value)


def _no_inline_script(html: str) -> bool:
    """CSP allows only scripts from the app's own files: no inline <script> and no on…= handlers."""
    return not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) and not re.search(r"<[^>]+\son[a-z]+=", html)


def test_the_list_filters_and_keeps_former_customers_apart(tab, world):
    _set(world, "c1", grade="A", province="浙江", level="personal")
    _set(world, "c2", status="former", updated_at=utcnow() - timedelta(days=45))
    alice = tab("alice")
    page = alice.get("/customers").text
    current, ended = page.index("现有客户"), page.index("已结束和流失的客户")
    assert current < page.index("客户c1") < ended < page.index("客户c2")
    assert "超过一个月未更新" in page  # c2 was last updated 45 days ago
    assert "客户c2" not in alice.get("/customers?grade=A").text
    assert "客户c1" not in alice.get("/customers?region=江苏").text
    carol = tab("carol").get("/customers?sort=grade").text
    assert "无权查看" in carol and "客户c1" in carol  # listed, marked, its grade not shown
    assert "客户c1" not in tab("carol").get("/customers?grade=A").text
    english = tab("alice", "en").get("/customers").text
    assert "Former and lost customers" in english and "Grade" in english and _no_inline_script(english)


def test_a_file_is_opened_from_the_form_and_similar_names_are_shown(tab, world):
    bob = tab("bob")
    form = bob.get("/customers/new")
    assert form.status_code == 200 and 'action="/customers"' in form.text and _no_inline_script(form.text)
    first = bob.post(
        "/customers", {"name": "杭州鸿达机电设备有限公司", "credit_code": CODE, "kind": "distributor"}
    )
    assert first.status_code == 303
    first_id = int(first.headers["location"].split("/")[2].split("?")[0])
    page = bob.get(first.headers["location"]).text
    assert "以下客户名称相近" not in page and "经销商" in page and CODE in page
    opened = bob.post("/customers", {"name": "杭州鸿达机电设备有限责任公司"})
    page = bob.get(opened.headers["location"]).text
    assert "以下客户名称相近" in page and f'href="/customers/{first_id}"' in page
    wrong = bob.post("/customers", {"name": "远景", "credit_code": CODE[:-1] + "K"})
    assert wrong.status_code == 400 and "校验位不符" in wrong.text
    taken = bob.post("/customers", {"name": "远景", "credit_code": CODE})
    assert taken.status_code == 400 and "杭州鸿达机电设备有限公司" in taken.text
    assert tab("auditor").post("/customers", {"name": "审计客户"}).status_code == 403


def test_the_file_shows_profile_contacts_and_timeline_only_to_its_readers(tab, world):
    _set(world, "c1", level="department", phone="0571-88886666", registered_capital=500_000_000)
    url = f"/customers/{world.customers['c1']}"
    alice = tab("alice")
    page = alice.get(url).text
    for section in ('id="profile"', 'id="contacts"', 'id="timeline"', 'id="documents"'):
        assert section in page
    assert "0571-88886666" in page and "5,000,000.00 元" in page and _no_inline_script(page)
    carol = tab("carol").get(url).text
    assert "0571-88886666" not in carol and 'id="contacts"' not in carol
    assert "您无权查看该客户的资料" in carol and "客户c1" in carol
    english = tab("alice", "en").get(url).text
    assert "Registered capital" in english and "Contacts" in english and "Timeline" in english


def test_contacts_and_entries_are_added_on_the_page_and_the_gm_approves_a_complaint(tab, world):
    url = f"/customers/{world.customers['c1']}"
    alice = tab("alice")
    added = alice.post(
        f"{url}/contacts", {"name": "王经理", "phones": "13800000000，0571-1", "birthday": "1980-06-01"}
    )
    assert added.status_code == 303
    bad = alice.post(f"{url}/contacts", {"name": "李会计", "email": "not-an-address"})
    assert bad.status_code == 400 and "电子邮箱地址无效" in bad.text
    noted = alice.post(f"{url}/timeline", {"kind": "complaint", "on": "2026-05-02", "text": "交货延误三天"})
    assert noted.status_code == 303
    page = alice.get(url).text
    assert "王经理" in page and "13800000000, 0571-1" in page
    assert (
        "交货延误三天" in page and "待总经理审批" in page and "/approve" not in page
    )  # alice may not approve
    with world.runtime.factory() as session:
        entry = session.scalars(select(CustomerEntry)).one()
    gm = tab("gm")
    assert f'action="/customers/entries/{entry.id}/approve"' in gm.get(url).text
    assert gm.post(f"/customers/entries/{entry.id}/approve").status_code == 303
    assert "已审批" in gm.get(url).text
    assert tab("mgr1").post(f"/customers/entries/{entry.id}/approve").status_code == 403
    assert (
        'action="/customers/' not in tab("carol").get(url).text.split('id="contacts"')[1]
    )  # no forms for carol


def test_edit_keeps_a_history_with_before_and_after(tab, world):
    url = f"/customers/{world.customers['c1']}"
    alice = tab("alice")
    form = alice.get(f"{url}/edit")
    assert (
        form.status_code == 200 and 'name="registered_capital"' in form.text and _no_inline_script(form.text)
    )
    saved = alice.post(
        f"{url}/edit",
        {
            "legal_rep": "张三",
            "registered_capital": "5,000,000",
            "kind": "end_customer",
            "reason": "核对营业执照",
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"{url}?saved=1"
    history = text_of(alice.get(f"{url}/edit").text)
    assert (
        "核对营业执照" in history
        and "张三" in history
        and "5,000,000.00 元" in history
        and "终端客户" in history
    )
    refused = alice.post(f"{url}/edit", {"credit_code": CODE[:-1] + "K", "reason": "补录"})
    assert refused.status_code == 400 and "校验位不符" in refused.text
    assert alice.post(f"{url}/edit", {"owner": "bob", "reason": "移交"}).status_code == 403
    assert tab("bob").post(f"{url}/edit", {"phone": "1", "reason": "x"}).status_code == 403
    with world.runtime.factory() as session:
        customer = session.get_one(Customer, world.customers["c1"])
        assert (customer.legal_rep, customer.registered_capital, customer.owner) == (
            "张三",
            500_000_000,
            "alice",
        )


def test_a_value_read_from_a_licence_is_accepted_from_the_page(tab, world):
    _set(world, "c1", suggested={"registered_capital": 300_000_000})
    url = f"/customers/{world.customers['c1']}"
    alice = tab("alice")
    page = alice.get(url).text
    assert "从营业执照等文件中读取的值" in page and "3,000,000.00 元" in page
    assert alice.post(f"{url}/accept", {"field": "registered_capital"}).status_code == 303
    with world.runtime.factory() as session:
        customer = session.get_one(Customer, world.customers["c1"])
        assert (customer.registered_capital, customer.suggested) == (300_000_000, {})
    assert (
        alice.post(f"{url}/accept", {"field": "registered_capital"}).status_code == 400
    )  # nothing offered now
