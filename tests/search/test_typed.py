"""Queries as people type them (issue 18): months, amounts, credit codes with separators and OCR confusions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from search.query import search
from search.schema import IndexDoc
from search.typed import amount_fen, credit_code, typed

CODE = "91310115MA1K4Q8X21"
UPDATED = datetime(2025, 3, 1, tzinfo=UTC)


@pytest.fixture
def index(empty_index):
    def doc(document_id: int, **fields: object) -> IndexDoc:
        return IndexDoc(document_id=document_id, updated_at=UPDATED, level="internal", **fields)  # type: ignore[arg-type]

    empty_index.add_documents(
        [
            doc(
                1,
                title="借款合同",
                customer="上海明远贸易有限公司",
                text="合同金额人民币贰万贰仟元整",
                doc_date=date(2023, 5, 12),
                amounts=[2_200_000],
                codes=[CODE],
            ),
            doc(
                2,
                title="关于付款安排的函",
                customer="上海明远贸易有限公司",
                text="我司已于2023年5月20日付款。",
                doc_date=date(2023, 7, 1),
            ),
            doc(
                3,
                title="会议纪要",
                customer="武汉华瑞化工有限公司",
                text=f"与会方提到上海明远贸易有限公司的统一社会信用代码{CODE}。",
                doc_date=date(2022, 5, 3),
            ),
            doc(
                4,
                title="服务记录",
                customer="武汉华瑞化工有限公司",
                text="维修完成",
                doc_date=date(2024, 5, 2),
                amounts=[2_200_000 + 1],
            ),
        ]
    )
    return empty_index


def found(index, query: str) -> list[int]:
    return [hit.document_id for hit in search(index, query, limit=10).hits]


@pytest.mark.parametrize("query", ["2023年5月", "2023-05", "2023.5", "23年5月", "2023/5"])
def test_a_month_finds_records_dated_in_it_and_text_holding_a_date_in_it(index, query):
    assert set(found(index, query)) == {1, 2}


def test_a_year_finds_the_records_dated_in_it(index):
    assert set(found(index, "2023年")) == {1, 2}


@pytest.mark.parametrize("query", ["22,000.00", "2.2万", "贰万贰仟元整", "¥22000", "2.2万元"])
def test_an_amount_in_any_form_finds_the_same_record(index, query):
    assert found(index, query) == [1]


@pytest.mark.parametrize(
    "query", [CODE, "91310115-MA1K4Q8X21", "9131-0115-MA1K-4Q8X-21", "9131O115MA1K4Q8XZ1"]
)
def test_a_credit_code_typed_or_misread_ranks_the_record_holding_it_first(index, query):
    hits = found(index, query)
    assert hits[0] == 1 and 3 in hits


def test_short_name_ranks_the_customer_file_above_mentions(index):
    hits = found(index, "明远")
    assert set(hits[:2]) == {1, 2} and hits[-1] == 3


@pytest.mark.parametrize(
    "word, meaning",
    [
        ("12.5", None),  # a number, not December of 2012
        ("2023-13", None),
        ("HT-2024-0012", None),
        ("叁拾柒万玖仟伍佰元整", 37_950_000),
        ("379,500.00", 37_950_000),
        ("37.95万", 37_950_000),
    ],
)
def test_what_a_word_means(word, meaning):
    got = typed(word)
    assert (got.fen if got else None) == meaning or (meaning is None and (got is None or got.dates is None))


def test_a_misread_code_is_repaired_only_when_the_check_character_confirms():
    assert credit_code("9131O115MA1K4Q8XZ1") == CODE
    assert credit_code("9131O115MA1K4Q8XZ2") is None
    assert amount_fen("贰万贰仟元整") == 2_200_000
