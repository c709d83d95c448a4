"""The query language: operators, phrases, field filters, and BadQuery for malformed input."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import BadQuery
from search.parser import MAX_DEPTH, MAX_QUERY_CHARS, MAX_TERMS, And, Not, Or, Term, parse, positive_terms


def test_default_operator_is_and() -> None:
    assert parse("借款 担保") == And((Term("借款"), Term("担保")))


def test_or_binds_looser_than_and() -> None:
    assert parse("a OR b c") == Or((Term("a"), And((Term("b"), Term("c")))))


def test_explicit_and_equals_implicit() -> None:
    assert parse("a AND b") == parse("a b")


@pytest.mark.parametrize("query", ["-草稿", "NOT 草稿"])
def test_negation(query: str) -> None:
    assert parse(query) == Not(Term("草稿"))


def test_negated_group() -> None:
    assert parse("借款 -(草稿 OR 作废)") == And((Term("借款"), Not(Or((Term("草稿"), Term("作废"))))))


def test_lower_case_operators_are_words() -> None:
    assert parse("loan and guarantee") == And((Term("loan"), Term("and"), Term("guarantee")))


def test_dash_inside_a_word_is_not_negation() -> None:
    assert parse("HT-2024-0173") == Term("HT-2024-0173")


def test_stray_signs_are_ignored() -> None:
    assert parse("借款 - 担保 +抵押") == And((Term("借款"), Term("担保"), Term("抵押")))


@pytest.mark.parametrize("query", ['"借款 合同"', "“借款 合同”", "「借款 合同」", "『借款 合同』"])
def test_phrases_in_any_quotes(query: str) -> None:
    assert parse(query) == Term("借款 合同", quoted=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("customer:明远", Term("明远", field="customer")),
        ("客户：明远", Term("明远", field="customer")),
        ("Customer:明远", Term("明远", field="customer")),
        ("customer: 明远", Term("明远", field="customer")),
        ('customer:"明远 贸易"', Term("明远 贸易", quoted=True, field="customer")),
        ("type:营业执照", Term("营业执照", field="type")),
        ("类型:营业执照", Term("营业执照", field="type")),
        ("archive:A001-KH·2024", Term("A001-KH·2024", field="archive")),
        ("档号:A001", Term("A001", field="archive")),
        ("-customer:明远", Not(Term("明远", field="customer"))),
    ],
)
def test_field_filters(query: str, expected: object) -> None:
    assert parse(query) == expected


def test_field_applies_to_a_group() -> None:
    assert parse("客户：（明远 OR 海天）") == Or(
        (Term("明远", field="customer"), Term("海天", field="customer"))
    )


def test_unknown_field_is_part_of_the_word() -> None:
    assert parse("time:10:30") == Term("time:10:30")
    assert parse("http://example.com") == Term("http://example.com")


def test_full_width_brackets_group() -> None:
    assert parse("（借款 OR 担保） 明远") == And((Or((Term("借款"), Term("担保"))), Term("明远")))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "a AND",
        "AND a",
        "a OR",
        "OR a",
        "a OR OR b",
        "a AND AND b",
        "NOT",
        "a NOT",
        "(a",
        "a)",
        "()",
        '"借款',
        "customer:",
        "customer: )",
        "(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1),
        "NOT " * (MAX_DEPTH + 1) + "a",
        " ".join(["x"] * (MAX_TERMS + 1)),
        "x" * (MAX_QUERY_CHARS + 1),
    ],
)
def test_malformed_queries_raise_bad_query(query: str) -> None:
    with pytest.raises(BadQuery) as raised:
        parse(query)
    assert raised.value.code in {"search.bad_query", "search.empty_query"}


def test_bad_query_points_at_the_problem() -> None:
    with pytest.raises(BadQuery) as raised:
        parse("借款 AND")
    assert raised.value.params["detail"] == "«AND» @ 3"
    assert "AND" in raised.value.message("en")


def test_positive_terms_skip_negated_ones() -> None:
    assert positive_terms(parse('借款 -草稿 (担保 OR "合同") NOT 作废')) == [
        Term("借款"),
        Term("担保"),
        Term("合同", quoted=True),
    ]


@given(st.text(max_size=200))
def test_parse_never_raises_anything_but_bad_query(query: str) -> None:
    with contextlib.suppress(BadQuery):
        parse(query)


@given(
    st.lists(
        st.sampled_from(["a", "借款", "AND", "OR", "NOT", "-", "(", ")", '"', "customer:", " "]), max_size=30
    )
)
def test_operator_soup_never_raises_anything_but_bad_query(parts: list[str]) -> None:
    with contextlib.suppress(BadQuery):
        parse(" ".join(parts))
