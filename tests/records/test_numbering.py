"""Archive numbers: the pattern, refusals of malformed numbers, and gapless items under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from core.errors import DanganError
from records import numbering

PATTERN = "{fonds}-{cls}·{year}-{retention}-{unit}-{item:04d}"
FIELDS = {"fonds": "A001", "cls": "KH", "year": 2025, "retention": "D30", "unit": "XS"}


def test_number_follows_the_pattern():
    assert numbering.format_number(PATTERN, item=7, **FIELDS) == "A001-KH·2025-D30-XS-0007"


@pytest.mark.parametrize("value", ["A001-KH·2025-D30-XS-0007", "A001-KH·2025-Y-XS-0100"])
def test_well_formed_numbers_validate(value):
    assert numbering.validate(PATTERN, value)["fonds"] == "A001"


@pytest.mark.parametrize(
    "value", ["A001-KH-2025-D30-XS-0007", "A001-KH·25-D30-XS-0007", "", "A001-KH·2025-D30-XS-"]
)
def test_malformed_numbers_are_refused(value):
    with pytest.raises(DanganError) as info:
        numbering.validate(PATTERN, value)
    assert info.value.code == "archive_no.malformed"


def test_items_run_on_in_each_series(runtime):
    with runtime.factory() as session, session.begin():
        first = numbering.allocate(session, PATTERN, **FIELDS)
        second = numbering.allocate(session, PATTERN, **FIELDS)
        other = numbering.allocate(session, PATTERN, **(FIELDS | {"year": 2024}))
    assert (first.item, second.item, other.item) == (1, 2, 1)


def test_rolled_back_filing_gives_its_number_back(runtime):
    with runtime.factory() as session:
        with session.begin():
            numbering.allocate(session, PATTERN, **FIELDS)
        session.begin()
        numbering.allocate(session, PATTERN, **FIELDS)
        session.rollback()
        with session.begin():
            again = numbering.allocate(session, PATTERN, **FIELDS)
    assert again.item == 2


def test_concurrent_allocations_are_gapless_and_unique(runtime):
    def one(_: int) -> int:
        with runtime.factory() as session, session.begin():
            return numbering.allocate(session, PATTERN, **FIELDS).item

    with ThreadPoolExecutor(8) as pool:
        items = list(pool.map(one, range(40)))
    assert sorted(items) == list(range(1, 41))
