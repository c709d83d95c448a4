"""The customer analysis page draws its charts (ECharts from a static script, under the CSP) and the import
page checks a file, shows every row, and imports on confirmation — in headless Chromium (issue 12)."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from records.customer_import import column_label

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_the_analysis_page_draws_a_chart_per_dimension_without_inline_script(person):
    alice = person("alice", prefix="analysis")
    page = alice.page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    alice.goto("/customers")
    page.click("#analysis-link")
    expect(page.locator("h1")).to_have_text("客户构成分析")
    expect(page.locator("#analysis")).to_have_attribute("data-ready", "1", timeout=20_000)
    for name in ("status", "grade", "industry", "region", "kind", "doc_type", "month"):
        expect(page.locator(f"#chart-{name} canvas")).to_have_count(1)
    assert not [e for e in errors if "Content Security Policy" in e], errors
    href = page.locator("#download-xlsx").get_attribute("href")
    assert href.startswith("/api/customers/analysis?") and "format=xlsx" in href
    alice.shot("charts")


def test_the_import_page_checks_then_imports_on_confirmation(person, tmp_path):
    alice = person("alice", prefix="import")
    page = alice.page
    book = Workbook()
    sheet = book.active
    sheet.append([column_label(c, "zh-CN") for c in ("name", "credit_code", "status")])
    sheet.append(["浏览器导入客户甲", None, "潜在"])
    sheet.append(["浏览器导入客户乙", None, "合作中"])
    good = tmp_path / "good.xlsx"
    book.save(good)
    sheet.append(["坏代码客户", "123", None])
    bad = tmp_path / "bad.xlsx"
    book.save(bad)

    alice.goto("/customers")
    page.click("#import-link")
    page.set_input_files("#file", str(bad))
    page.click("form[action='/customers/import'] button")
    expect(page.locator("#import-rows tbody tr")).to_have_count(3)
    expect(page.locator("#import-rows tr.import-error")).to_contain_text("统一社会信用代码")
    expect(page.locator("#confirm")).to_have_count(0)
    alice.shot("dry-run-errors")

    page.set_input_files("#file", str(good))
    page.click("form[action='/customers/import'] button")
    expect(page.locator("#import-rows tr.import-ok")).to_have_count(2)
    page.click("#confirm")
    expect(page.locator("#import-rows tr.import-created")).to_have_count(2)
    page.locator("#import-rows a", has_text="浏览器导入客户甲").click()
    expect(page.locator("h1")).to_contain_text("浏览器导入客户甲")
    alice.shot("imported")
