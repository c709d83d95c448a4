"""Each role's main journey in headless Chromium against `dangan serve` (issue 5's proof).

archivist: uploads three scans by the file picker, watches them reach "indexed", corrects one;
staff (alice): searches in Chinese, opens a hit, is denied a confidential document and asks for access;
manager (mgr2, who signs for sales2's department files) approves; alice then reads it;
auditor: finds all of it in the trail. Screenshots go to tests/e2e/artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.ingest.docsamples import CUSTOMER_FORM, LETTER, LOAN_CONTRACT
from tests.ingest.samples import render_page, save_png, write_image_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _scans(folder: Path) -> list[Path]:
    """Three scans of realistic documents: two PDFs and a PNG, 200 dpi (OCR'd by the server)."""
    made = []
    for number, text in enumerate((LOAN_CONTRACT, LETTER, CUSTOMER_FORM)):
        title, *lines = text.strip().splitlines()
        image = render_page(lines[:12], title=title, dpi=200)
        path = folder / f"scan-{number + 1}.{'png' if number == 2 else 'pdf'}"
        save_png(image, path) if number == 2 else write_image_pdf(path, [image], dpi=200)
        made.append(path)
    return made


def _image_loaded(image, attempts: int = 100) -> bool:  # type: ignore[no-untyped-def]
    """Whether the <img> finished loading a real picture (polled: the page's CSP forbids eval'd waits)."""
    for _ in range(attempts):
        if image.evaluate("img => img.complete && img.naturalWidth > 0"):
            return True
        image.page.wait_for_timeout(100)
    return False


def test_archivist_uploads_three_scans_and_corrects_one(person, tmp_path):
    archivist = person("archivist", prefix="archivist")
    page = archivist.page
    archivist.goto("/intake")
    expect(page.locator("h1")).to_have_text("收件")
    # Every state a row shows is noted, to prove the live updates (queued → … → indexed).
    page.evaluate(
        """() => { window.seen = new Set();
        new MutationObserver(() => document.querySelectorAll('#uploads .state')
            .forEach(c => window.seen.add(c.textContent.trim())))
        .observe(document.getElementById('uploads'),
                 {subtree: true, childList: true, characterData: true}); }"""
    )
    page.set_input_files("#files", [str(p) for p in _scans(tmp_path)])
    rows = page.locator("#uploads tr")
    expect(rows).to_have_count(3)
    archivist.shot("uploading")
    # Each row polls its state (htmx) until the document is indexed.
    expect(page.locator("#uploads tr.good")).to_have_count(3, timeout=240_000)
    expect(page.locator("#uploads")).to_contain_text("已编入索引")
    seen = page.evaluate("() => [...window.seen]")
    assert "排队中" in seen and "已编入索引" in seen, seen
    archivist.shot("indexed")

    # Dropped onto the zone (a real drop event with a DataTransfer): a file that is no PDF is refused,
    # with the reason in both languages, as the CLI gives it.
    page.evaluate(
        """() => { const drop = new DataTransfer();
        drop.items.add(new File(['just some words'], 'notes.pdf', {type: 'application/pdf'}));
        document.getElementById('intake').dispatchEvent(
            new DragEvent('drop', {dataTransfer: drop, bubbles: true, cancelable: true})); }"""
    )
    refused = page.locator("#uploads tr.bad", has_text="notes.pdf")
    expect(refused).to_contain_text("已拒收")
    expect(refused.locator('[lang="en"]')).not_to_be_empty()
    archivist.shot("refused")

    # The letter (scan 2) is filed as correspondence, which this company keeps internal (see conftest):
    # the archivist reads it.
    page.locator("#uploads tr.good a", has_text="scan-2.pdf").click()
    expect(page.locator(".page img").first).to_be_visible()
    assert _image_loaded(page.locator(".page img").first)  # rendered from the stored original
    archivist.shot("document")
    page.click("details.edit summary")
    page.select_option("select[name=doc_type]", index=2)
    page.fill("input[name=title]", "借款合同（已核对）")
    page.fill("input[name=reason]", "题名与类型核对更正")
    page.click("details.edit button.primary")
    expect(page.locator(".notice")).to_contain_text("已保存更正")
    expect(page.locator("h1")).to_have_text("借款合同（已核对）")
    expect(page.locator(".history")).to_contain_text("题名与类型核对更正")
    archivist.shot("corrected")


def test_access_journey_search_denied_request_approve_read_audit(person, server):
    public, secret = server.docs["public"], server.docs["confidential"]

    alice = person("alice", prefix="staff")
    page = alice.page
    page.fill("#q", "合同")
    page.press("#q", "Enter")
    expect(page.locator("p.count")).to_contain_text("条结果")
    expect(page.locator(".hit mark").first).to_be_visible()
    hits = page.locator(".hit h2 a")
    # The confidential document of sales2 is not among alice's hits: search shows only what she reads.
    expect(page.locator(f'.hit a[href="/documents/{secret}"]')).to_have_count(0)
    alice.shot("search")
    page.locator(f'.hit a[href="/documents/{public}"]').click()
    expect(page.locator("h1")).to_have_text("借款合同（鸿达）")
    expect(page.locator(".page-text")).to_contain_text("HT-2024-0012")
    alice.shot("document")
    assert hits  # the hit list was there

    alice.goto(f"/documents/{secret}")
    expect(page.locator("h1")).to_have_text("无权查阅此档案")
    expect(page.locator("body")).not_to_contain_text("担保")  # nothing of the document shows
    alice.shot("denied")
    page.click("text=申请查阅")
    expect(page.locator("#document")).to_have_value(str(secret))
    page.click("button.primary")  # no reason: refused next to the field
    expect(page.locator("#err-reason")).to_be_visible()
    page.fill("#reason", "核对担保条款，配合风控检查")
    page.fill("#days", "5")
    page.click("button.primary")
    expect(page.locator(".notice")).to_contain_text("已提交")
    expect(page.locator(".request").first).to_contain_text("审批中")
    alice.shot("requested")

    manager = person("mgr2", prefix="manager")
    # The dashboard: one request awaits mgr2.
    expect(manager.page.locator('.tile:has(a[href="/access/inbox"]) .big')).to_have_text("1")
    manager.shot("dashboard")
    manager.goto("/access/inbox")
    card = manager.page.locator(".request").first
    expect(card).to_contain_text("alice")
    expect(card).to_contain_text("核对担保条款")
    card.locator("textarea").fill("同意，限五日")
    manager.shot("inbox")
    card.locator("button.primary").click()
    expect(manager.page.locator(".notice")).to_be_visible()
    manager.shot("approved")

    alice.goto(f"/documents/{secret}")
    expect(page.locator("h1")).to_have_text("担保合同（机密）")
    expect(page.locator(".grant")).to_be_visible()
    alice.shot("reads-under-grant")
    alice.goto("/access")
    approved = page.locator("#messages li.unread", has_text="已批准")
    expect(approved).to_have_count(1)
    approved.locator("button").click()  # htmx swaps the message list in place
    expect(approved).to_have_count(0)
    expect(page.locator("#messages li", has_text="已批准")).to_have_count(1)
    alice.shot("message-read")

    auditor = person("auditor", prefix="auditor")
    auditor.goto(f"/audit?document={secret}")
    trail = auditor.page.locator("table.trail")
    expect(trail).to_contain_text("denied")
    expect(trail.locator("tr", has_text="alice").filter(has_text=re.compile(r"grant:\d+"))).not_to_have_count(
        0
    )
    auditor.shot("trail-document")
    auditor.goto("/audit?action=access.*")
    access_trail = auditor.page.locator("table.trail")
    expect(access_trail.locator("tr", has_text="alice").filter(has_text="access.request")).to_have_count(1)
    expect(access_trail.locator("tr", has_text="mgr2").filter(has_text="access.approve")).to_have_count(1)
    auditor.goto("/audit?user=alice&action=search")
    expect(auditor.page.locator("table.trail")).to_contain_text("合同")  # her query, as she typed it
    auditor.shot("trail-access")
    auditor.goto("/audit/verify")
    expect(auditor.page.locator(".good")).to_be_visible()
    auditor.shot("verify")


def test_language_switch_is_remembered(person):
    staff = person("bob", prefix="language")
    page = staff.page
    expect(page.locator("nav")).to_contain_text("检索")
    page.click("button[name=lang][value=en]")
    expect(page.locator("nav")).to_contain_text("Search")
    staff.goto("/customers")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    staff.shot("english")
    # A tablet in portrait: the navigation wraps, nothing is cut off.
    page.set_viewport_size({"width": 768, "height": 1024})
    staff.goto("/access/request")
    expect(page.locator("button.primary")).to_be_in_viewport()
    staff.shot("tablet")
