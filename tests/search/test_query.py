"""Search behaviour on a real Whoosh index of the test corpus."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import BadQuery
from search.engine import SearchEngine
from search.query import search


def ids(index: SearchEngine, query: str, **kwargs: object) -> list[int]:
    return [hit.document_id for hit in search(index, query, limit=100, **kwargs).hits]  # type: ignore[arg-type]


def found(index: SearchEngine, query: str, **kwargs: object) -> set[int]:
    return set(ids(index, query, **kwargs))


# ------------------------------------------------------------------ words and phrases


def test_finds_by_customer_name(corpus_index: SearchEngine) -> None:
    hits = found(corpus_index, "宁波海天机械")
    assert {3, 4, 11, 14} <= hits
    assert 1 not in hits


def test_customer_documents_outrank_mentions(corpus_index: SearchEngine) -> None:
    ranking = ids(corpus_index, "明远")
    assert 14 in ranking  # the minutes mention 明远 in passing
    assert ranking.index(14) > ranking.index(1)


def test_two_chinese_words_must_both_occur(corpus_index: SearchEngine) -> None:
    hits = found(corpus_index, "抵押 评估")
    assert hits == {8}


def test_word_matches_exact_character_sequence(corpus_index: SearchEngine) -> None:
    hits = found(corpus_index, "借款合同")
    assert {1, 2, 13} <= hits
    assert 9 not in hits  # 借款 … 合同, never adjacent


def test_phrase_matches_and_scattered_characters_do_not(corpus_index: SearchEngine) -> None:
    assert {1, 2, 13} <= found(corpus_index, '"借款合同"')
    assert 9 not in found(corpus_index, '"借款合同"')
    assert found(corpus_index, '"连带责任保证"') == {3, 105}
    assert found(corpus_index, '"保证连带责任"') == set()


def test_phrase_across_letters_digits_and_chinese(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "2024年5月") == {1}
    assert found(corpus_index, '"第0012345号"') == {12}


def test_word_wrapped_across_a_line_break(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "抵押登记") == {8}


def test_ocr_spaces_inside_chinese(corpus_index: SearchEngine) -> None:
    assert 3 in found(corpus_index, "保证合同")  # scanned as 保 证 合 同


def test_traditional_characters_find_simplified_and_back(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "借款合约书") == {5}
    assert found(corpus_index, "臺灣鴻海") == {5}
    assert found(corpus_index, "台湾鸿海") == {5}


def test_full_width_text_is_found_with_ascii_query(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "HT-2023-0789") == {6}
    assert found(corpus_index, "ＨＴ２０２３０７８９") == {6}


def test_english_words_are_stemmed(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "payment") == {7}
    assert found(corpus_index, "agreements") == {7}
    assert found(corpus_index, "REPAY") == {7}


def test_quoted_english_is_exact(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, '"borrower agrees"') == {7}
    assert found(corpus_index, '"borrower agree"') == set()


@pytest.mark.parametrize(
    ("char", "expected"), [("煤", {15}), ("港", {15}), ("鑫", {8, 9, 10, 12, 15, 103, 106, 109, 112, 115})]
)
def test_single_character_query(corpus_index: SearchEngine, char: str, expected: set[int]) -> None:
    # 煤 and 港 each end a run before punctuation; 鑫 sits inside the customer name
    assert found(corpus_index, char) == expected


# ------------------------------------------------------------------ codes


@pytest.mark.parametrize(
    "query", ["HT-2024-0173", "2024-0173", "0173", "HT2024-0173", "HT.2024-0173", "ht20240173"]
)
def test_contract_number_in_any_ocr_form(corpus_index: SearchEngine, query: str) -> None:
    ranking = ids(corpus_index, query)
    assert set(ranking) == {1, 2}
    assert ranking[0] == 1  # the contract carrying the number outranks the letter quoting it


def test_dotted_ocr_code_in_document_is_found(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "HT-2025-0008") == {3}


def test_credit_code(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "91330200MA2B7C8D9E") == {4}
    assert found(corpus_index, "91330100ma2h3xyz1k") == {1}


def test_house_style_document_number(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "鸿借字第001号") == {10}


def test_phone_numbers(corpus_index: SearchEngine) -> None:
    for query in ["13800138000", "138-0013-8000", "0574-87654321", "87654321"]:
        assert found(corpus_index, query) == {11}, query


def test_title_deed_number(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "0012345") == {12}


# ------------------------------------------------------------------ operators and filters


def test_minus_excludes(corpus_index: SearchEngine) -> None:
    assert 13 in found(corpus_index, "借款合同")
    assert 13 not in found(corpus_index, "借款合同 -草稿")
    assert 13 not in found(corpus_index, "借款合同 NOT 草稿")


def test_pure_negation_returns_everything_else(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "-借款") == found(corpus_index, "NOT 借款")
    assert not found(corpus_index, "-借款") & found(corpus_index, "借款")


def test_or_unions(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "煤 OR 营业执照") == {4, 15}


def test_grouping(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "(煤 OR 营业执照) 温州港") == {15}


def test_customer_filter(corpus_index: SearchEngine) -> None:
    hits = found(corpus_index, "customer:明远")
    assert {1, 2, 6, 13} <= hits
    assert 14 not in hits  # mentions 明远 but is 海天's
    assert found(corpus_index, "客户:明远 借款合同") == found(corpus_index, "customer:明远") & found(
        corpus_index, "借款合同"
    )


def test_type_filter(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "type:营业执照") == {4}
    assert found(corpus_index, "类型:借款合同") == {1, 5, 7, 13}


def test_archive_filter(corpus_index: SearchEngine) -> None:
    assert found(corpus_index, "archive:A001-KH·2024-D30-XS-0001") == {1}
    assert found(corpus_index, "档号:2024-D30-XS-0001") == {1}


def test_filter_ids_restricts_hits_and_total(corpus_index: SearchEngine) -> None:
    everything = search(corpus_index, "借款")
    limited = search(corpus_index, "借款", filter_ids={1, 2, 4, 999})
    assert everything.total > 2
    assert limited.total == 2
    assert {hit.document_id for hit in limited.hits} == {1, 2}
    assert search(corpus_index, "借款", filter_ids=set()).total == 0
    assert search(corpus_index, "借款", filter_ids={999}).total == 0


def test_large_filter_id_sets_work_too(corpus_index: SearchEngine) -> None:
    allowed = set(range(3, 5000))
    assert found(corpus_index, "借款合同", filter_ids=allowed) == found(corpus_index, "借款合同") - {1, 2}


def test_paging(corpus_index: SearchEngine) -> None:
    full = ids(corpus_index, "借款")
    page = search(corpus_index, "借款", limit=3, offset=2)
    assert page.total == len(full)
    assert [hit.document_id for hit in page.hits] == full[2:5]
    assert all(a.score >= b.score for a, b in zip(page.hits, page.hits[1:], strict=False))


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (10, -1)])
def test_bad_paging_is_a_bad_query(corpus_index: SearchEngine, limit: int, offset: int) -> None:
    with pytest.raises(BadQuery):
        search(corpus_index, "借款", limit=limit, offset=offset)


@pytest.mark.parametrize("query", ["，。！", "-", '""', "customer:，"])
def test_nothing_searchable_is_a_bad_query(corpus_index: SearchEngine, query: str) -> None:
    with pytest.raises(BadQuery):
        search(corpus_index, query)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_random_queries_raise_nothing_but_bad_query(corpus_index: SearchEngine, query: str) -> None:
    try:
        result = search(corpus_index, query)
    except BadQuery:
        return
    assert result.total >= len(result.hits)


_PIECES = st.sampled_from(
    [
        "借款",
        "合同",
        "HT-2024-0173",
        "煤",
        "AND",
        "OR",
        "NOT",
        "-",
        "(",
        ")",
        '"',
        "customer:",
        "type:",
        "archive:",
        "：",
        "（",
        "）",
        "「",
        "」",
        "*",
        "?",
        "~",
        "\\",
        "\ud800",
        "\x00",
        "ＨＴ",
        "臺",
        " ",
        "\n",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES, max_size=25))
def test_query_soup_raises_nothing_but_bad_query(corpus_index: SearchEngine, pieces: list[str]) -> None:
    with contextlib.suppress(BadQuery):
        search(corpus_index, "".join(pieces))
