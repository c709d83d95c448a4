"""Journeys of a customer file's life in Chromium (issue 12): a manager merges a duplicate file and its reader
lands on the file it went into; an admin is refused disabling a user who still owns files, offboards them
through the admin page, downloads the handover report, and the successor sees the file on their dashboard."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _api(server, login: str) -> httpx.Client:
    return httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {server.world.tokens[login]}"}
    )


def test_merge_journey_duplicate_file_merged_and_pointer_redirects(person, server):
    tag = uuid.uuid4().hex[:6]
    with _api(server, "alice") as api:
        keep = api.post("/api/customers", json={"name": f"杭州合并测试{tag}有限公司"}).json()["id"]
        dup = api.post("/api/customers", json={"name": f"杭州合并测试{tag}公司"}).json()["id"]
        assert api.post(f"/api/customers/{dup}/contacts", json={"name": "周会计"}).status_code == 201
    mgr = person("mgr1")
    mgr.goto(f"/customers/{dup}")
    mgr.page.click("#merge summary")
    mgr.page.fill("#merge-into", str(keep))
    mgr.page.fill("#merge-reason", "重复建档")
    mgr.page.click("#merge button")
    mgr.page.wait_for_url(f"**/customers/{keep}?merged_from={dup}")
    expect(mgr.page.locator("#merged-notice")).to_contain_text(str(dup))
    expect(mgr.page.locator("body")).to_contain_text("周会计")
    mgr.shot("merged")
    alice = person("alice")
    alice.goto(f"/customers/{dup}")  # the old file points to the one it went into
    alice.page.wait_for_url(f"**/customers/{keep}?merged_from={dup}")


def test_offboarding_journey_refused_disable_then_handover_and_successor_dashboard(person, server):
    admin = person("admin")
    admin.goto("/admin")
    row = admin.page.locator("tr", has=admin.page.locator("#offboard-carol"))
    row.locator("form[action='/admin/users/carol/active'] button").click()
    expect(admin.page.locator("body")).to_contain_text("仍有未交接")  # refused: carol still owns c2
    admin.shot("disable-refused")
    admin.goto("/admin")
    admin.page.click("#offboard-carol")
    expect(admin.page.locator("#held-files")).to_contain_text("客户c2")
    admin.page.select_option("#successor", "bob")
    admin.page.fill("#reason", "个人原因离职")
    admin.page.click("form button.danger")
    expect(admin.page.locator("#offboarded")).to_contain_text("bob")
    with admin.page.expect_download() as download:
        admin.page.click("#handover-pdf")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    admin.shot("offboarded")
    with _api(server, "admin") as api:
        assert api.get("/api/users/carol/holdings").json()["files"] == []
        assert [u["active"] for u in api.get("/api/users").json() if u["login"] == "carol"] == [False]
    bob = person("bob")
    bob.goto(f"/customers/{server.world.customers['c2']}")
    expect(bob.page.locator("body")).to_contain_text("bob")
