"""Snippets: marks on original characters, every hit marked, HTML escaped, sensible window."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.highlight import ELLIPSIS, snippet
from tests.search.corpus import BY_ID


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_marks_the_hit() -> None:
    assert marked(snippet(BY_ID[1].text, "借款合同", length=400)) == ["借款合同", "借款合同"]


def test_marks_every_hit_of_every_term() -> None:
    html = snippet("甲方借款给乙方，乙方提供担保。借款期限一年，担保期限两年。", "借款 担保")
    assert marked(html) == ["借款", "担保", "借款", "担保"]


def test_marks_original_characters_across_a_line_break() -> None:
    html = snippet(BY_ID[8].text, "抵押登记")
    assert marked(html) == ["抵押 登记"]  # the newline is shown as a space inside the mark


def test_marks_ocr_spaced_characters() -> None:
    assert marked(snippet(BY_ID[3].text, "保证合同")) == ["保 证 合 同"]


def test_marks_traditional_original_for_simplified_query() -> None:
    assert marked(snippet(BY_ID[5].text, "台湾")) == ["台灣", "臺灣"]


def test_marks_full_width_original_for_ascii_code() -> None:
    assert marked(snippet(BY_ID[6].text, "HT2023-0789")) == ["ＨＴ－２０２３－０７８９"]


@pytest.mark.parametrize("query", ["HT-2024-0173", "HT2024-0173", "HT.2024-0173", "ht20240173"])
def test_marks_codes_whatever_the_separators(query: str) -> None:
    assert marked(snippet(BY_ID[2].text, query)) == ["HT2024-0173"]
    assert marked(snippet(BY_ID[1].text, query)) == ["HT-2024-0173"]


def test_code_part_is_not_marked_inside_a_longer_number() -> None:
    assert marked(snippet("编号 HT-2024-0173 与 20173", "0173")) == ["0173"]


def test_marks_english_by_stem() -> None:
    html = snippet(BY_ID[7].text, "payment agreement")
    assert "<mark>payments</mark>" in html
    assert "<mark>AGREEMENT</mark>" in html or "<mark>Agreement</mark>" in html


def test_digits_next_to_chinese_with_ocr_space() -> None:
    assert marked(snippet("签订于 2024 年 5 月", "2024年")) == ["2024 年"]


def test_negated_terms_are_not_marked() -> None:
    assert marked(snippet(BY_ID[13].text, "借款合同 -草稿")) == ["借款合同"]


def test_html_in_text_is_escaped() -> None:
    html = snippet(BY_ID[16].text, "客户回访")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp;" in html
    assert marked(html) == ["客户回访"]


def test_html_in_query_is_escaped() -> None:
    html = snippet("a <b>bold</b> claim", '"<b>"')
    assert marked(html) == ["&lt;b&gt;"]
    assert "<b>" not in html


def test_window_is_centred_on_the_best_hits() -> None:
    text = "无关内容。" * 60 + "抵押物评估价值为人民币捌佰万元。" + "无关内容。" * 60
    html = snippet(text, "评估价值", length=40)
    assert html.startswith(ELLIPSIS) and html.endswith(ELLIPSIS)
    assert marked(html) == ["评估价值"]
    assert len(re.sub(r"</?mark>", "", html)) <= 40 + 2


def test_window_prefers_the_place_with_more_distinct_terms() -> None:
    text = "借款。" * 50 + "借款与担保同时约定。" + "借款。" * 50
    html = snippet(text, "借款 担保", length=30)
    assert "担保" in marked(html)


def test_no_hit_falls_back_to_the_beginning() -> None:
    text = "第一段内容。" * 50
    html = snippet(text, "不存在的词", length=20)
    assert html == "第一段内容。" * 3 + "第一" + ELLIPSIS


def test_malformed_query_falls_back_to_the_beginning() -> None:
    assert snippet("短文本 <x>", "(借款") == "短文本 &lt;x&gt;"


def test_empty_text() -> None:
    assert snippet("", "借款") == ""


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.text(max_size=40))
def test_snippet_never_fails_and_is_well_formed(text: str, query: str) -> None:
    html = snippet(text, query, length=50)
    assert html.count("<mark>") == html.count("</mark>")
    assert "<" not in re.sub(r"</?mark>", "", html)


def test_long_text_hit_far_from_the_start_is_found_and_marked() -> None:
    text = "无关内容。" * 30_000 + "抵押\n登记" + "借款" * 100
    html = snippet(text, "抵押登记 借款", length=60)
    assert marked(html)[0] == "抵押 登记"
    assert marked(html).count("借款") >= 20  # hits past the chunk edge are marked too


def test_window_crossing_a_chunk_edge_marks_everything_inside() -> None:
    text = "甲" * 7_990 + "借款" + "乙" * 20 + "借款" * 30
    html = snippet(text, "借款", length=100)
    unmarked = re.sub(r"<mark>.*?</mark>", "|", html)
    assert "借款" not in unmarked
    assert len(marked(html)) > 20
