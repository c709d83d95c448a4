"""The catalogue's part for search: query language, index life, check (merged into core.messages.CATALOGUE)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # facet labels for confidentiality levels
    "search.level.internal": {"zh-CN": "内部", "en": "Internal"},
    "search.level.department": {"zh-CN": "部门", "en": "Department"},
    "search.level.company": {"zh-CN": "公司机密", "en": "Company confidential"},
    "search.level.personal": {"zh-CN": "个人", "en": "Personal"},
    # query values outside their range (the detail of search.bad_query)
    "search.amount_too_large": {
        "zh-CN": "金额 {amount} 超出可检索的范围（最多 100 万亿元；例如 1000..5000）",
        "en": "the amount {amount} is beyond what can be searched (at most 100 trillion yuan; e.g. 1000..5000)",
    },
    "search.no_such_date": {
        "zh-CN": "日期 {date} 不存在（年份 1–9999，月份 1–12，日须在该月之内；例如 2023-01..2023-06）",
        "en": "there is no date {date} (years 1–9999, months 1–12, days within the month; e.g. 2023-01..2023-06)",
    },
    # index life: rebuild and check
    "search.index_engine_unknown": {
        "zh-CN": "未知的检索引擎：{engine}（可选 whoosh、tantivy）",
        "en": "Unknown search engine: {engine} (whoosh or tantivy)",
    },
    "search.rebuild_done": {
        "zh-CN": "索引已重建：{count} 份文档，引擎 {engine}，用时 {seconds} 秒",
        "en": "Index rebuilt: {count} documents, engine {engine}, {seconds} s",
    },
    "search.rebuild_resumed": {
        "zh-CN": "从断点继续重建：已完成 {done} 份文档",
        "en": "Resuming the rebuild: {done} documents already done",
    },
    "search.check_clean": {
        "zh-CN": "索引与数据库一致：{count} 份文档",
        "en": "Index and database agree: {count} documents",
    },
    "search.check_problems": {
        "zh-CN": "索引缺少 {missing} 份，多余 {orphaned} 份，过期 {stale} 份",
        "en": "Index is missing {missing}, has {orphaned} without a document and {stale} stale",
    },
    "search.check_repaired": {
        "zh-CN": "已修复：补入 {added} 份，删除 {removed} 份",
        "en": "Repaired: {added} indexed, {removed} removed",
    },
    "search.index_outdated": {
        "zh-CN": "检索索引由旧版本建立，请运行 dangan index rebuild 重建（{path}）",
        "en": "The search index was built by an older version; run `dangan index rebuild` ({path})",
    },
}
