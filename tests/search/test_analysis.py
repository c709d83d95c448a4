"""Analysis: jieba words, phrase-safe bigram positions, codes whole and in parts, Whoosh adapters."""

from __future__ import annotations

import pytest

from search.analysis import (
    BigramTokenizer,
    CodeTokenizer,
    add_user_words,
    bigram_analyzer,
    bigram_query_terms,
    bigram_tokens,
    code_key,
    code_tokens,
    code_variants,
    is_code,
    word_analyzer,
    word_terms,
    word_tokens,
)
from search.normalize import normalize


def _bigrams(text: str) -> list[tuple[str, int]]:
    return [(term, pos) for term, pos, _, _ in bigram_tokens(normalize(text))]


def _codes(text: str, **kwargs: bool) -> set[str]:
    return {term for term, _, _, _ in code_tokens(normalize(text), **kwargs)}


# ------------------------------------------------------------------ bigrams


def test_bigram_positions_are_consecutive_per_character() -> None:
    assert _bigrams("借款合同") == [("借款", 0), ("款合", 1), ("合同", 2), ("同", 2)]


def test_bigram_single_character_run_is_a_unigram() -> None:
    assert _bigrams("第001号") == [("第", 0), ("001", 1), ("号", 2)]


def test_bigram_run_after_digits_also_indexes_its_first_character() -> None:
    # so that the query 2024年 (2024, 年) finds 2024年度 as a phrase
    assert _bigrams("2024年度") == [("2024", 0), ("年", 1), ("年度", 1), ("度", 1)]


def test_bigram_run_after_punctuation_does_not_index_its_first_character() -> None:
    assert ("年", 1) not in _bigrams("2024，年度")


def test_bigram_latin_words_are_whole_and_lower_case() -> None:
    assert _bigrams("Loan 合同") == [("loan", 0), ("合", 1), ("合同", 1), ("同", 1)]


def test_bigram_query_terms_line_up_with_index_positions() -> None:
    indexed = _bigrams("编号为HT-2024-0173的借款合同")
    query = bigram_query_terms(normalize("借款合同"))
    assert query == ["借款", "款合", "合同"]
    starts = [pos for term, pos in indexed if term == "借款"]
    assert [(term, pos) for term, pos in indexed if term in query and pos >= starts[0]][:3] == [
        ("借款", starts[0]),
        ("款合", starts[0] + 1),
        ("合同", starts[0] + 2),
    ]


def test_bigram_tokenizer_reports_positions_and_chars() -> None:
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in BigramTokenizer()("甲方 借款", positions=True, chars=True)
    ]
    assert tokens == [("甲方", 0, 0, 2), ("方借", 1, 1, 3), ("借款", 2, 2, 4), ("款", 2, 3, 4)]


def test_bigram_tokenizer_honours_start_pos_and_tokenize_false() -> None:
    tokens = [(t.text, t.pos) for t in BigramTokenizer()("合同", positions=True, start_pos=10)]
    assert tokens == [("合同", 10), ("同", 10)]
    assert [t.text for t in BigramTokenizer()("Ａ 合同", tokenize=False)] == ["a 合同"]


def test_bigram_analyzer_normalises_traditional_and_full_width() -> None:
    assert [t.text for t in bigram_analyzer()("借款合約")] == [t.text for t in bigram_analyzer()("借款合约")]
    assert [t.text for t in bigram_analyzer()("ＨＴ２０２４")] == ["ht2024"]


# ------------------------------------------------------------------ words


def test_words_are_jieba_segments_of_three_or_more_characters_or_latin() -> None:
    words = [w for w, _, _, _ in word_tokens(normalize("鸿达融资担保有限公司签订了Loan Agreement"))]
    assert "有限公司" in words
    assert "loan" in words and "agreement" in words
    assert "签订" not in words  # two-character words are exactly one bigram; not repeated


def test_word_analyzer_stems_english_and_leaves_chinese() -> None:
    terms = [t.text for t in word_analyzer()("Payments agreements 有限公司")]
    assert terms == ["payment", "agreement", "有限公司"]
    assert word_terms("payments") == ["payment"]


def test_word_positions_count_kept_words() -> None:
    positions = [t.pos for t in word_analyzer()("alpha beta gamma", positions=True)]
    assert positions == [0, 1, 2]


def test_add_user_words_keeps_a_customer_name_whole() -> None:
    name = "瑞祥鑫织造"  # not in the corpus, so other tests see no difference
    assert name not in word_terms(f"温州{name}厂")
    assert add_user_words([name, "  "]) == 1
    assert add_user_words([name]) == 0  # already known
    assert name in word_terms(f"温州{name}厂")


# ------------------------------------------------------------------ codes


@pytest.mark.parametrize(
    "query", ["HT-2024-0173", "HT20240173", "HT2024-0173", "HT.2024-0173", "2024-0173", "0173"]
)
def test_contract_number_is_indexed_whole_and_in_parts(query: str) -> None:
    assert code_key(normalize(query)) in _codes("合同编号：HT-2024-0173。")


def test_ocr_merged_prefix_still_yields_the_parts() -> None:
    assert {"ht20240173", "20240173", "0173", "2024", "ht"} <= _codes("HT2024-0173")


def test_credit_code_stays_one_unit() -> None:
    codes = _codes("统一社会信用代码 91330100MA2H3XYZ1K")
    assert "91330100ma2h3xyz1k" in codes
    assert "ma2h3xyz1k" not in codes  # not split at every letter/digit change


def test_archive_number_parts() -> None:
    codes = _codes("A001-KH·2025-D30-XS-0007")
    assert {"a001kh2025d30xs0007", "2025d30xs0007", "d30", "0007", "kh2025"} <= codes


def test_phone_numbers_with_spaces_and_dashes() -> None:
    assert "13800138000" in _codes("手机：138 0013 8000")
    assert "057187654321" in _codes("电话 0571-8765 4321")
    assert "87654321" in _codes("电话 0571-8765 4321")


def test_whole_lines_keep_chinese_document_numbers() -> None:
    assert "鸿借字第001号" in _codes("鸿借字第001号", whole_lines=True)
    assert "鸿借字第001号" not in _codes("鸿借字第001号")
    assert "001" in _codes("鸿借字第001号")


def test_plain_words_and_short_numbers_are_not_codes() -> None:
    assert _codes("Loan agreement 第3条 共12页") == set()


def test_code_variants_skip_single_characters() -> None:
    assert "d" not in code_variants("d-30")
    assert "d30" in code_variants("d-30")


def test_is_code() -> None:
    assert is_code("ht-2024-0173")
    assert is_code("0173")
    assert not is_code("借款")
    assert not is_code("loan")
    assert not is_code("鸿借字第001号")


def test_code_tokenizer_is_a_whoosh_tokenizer() -> None:
    # Whoosh tokenizers yield one reused Token: read attributes while iterating.
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in CodeTokenizer()("HT-2024-0173", positions=True, chars=True)
    ]
    assert {text for text, _, _, _ in tokens} >= {"ht20240173", "0173"}
    assert {(pos, start, end) for _, pos, start, end in tokens} == {(0, 0, 12)}
