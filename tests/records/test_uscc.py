"""A credit code typed into a customer file is checked by the same GB 32100 checksum ingest reads codes with,
and a refusal says why."""

from __future__ import annotations

import pytest

import ingest.extract.uscc
from core.messages import translate
from records.uscc import check_char, is_valid_uscc, uscc_problem

VALID = "91110000600037341L"


def test_a_valid_code_has_no_problem():
    assert uscc_problem(VALID) is None and is_valid_uscc(VALID)
    assert uscc_problem("91310115MA1K3YJ3X6") is None  # letters in the organisation code


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("9111000060003734", "uscc.length"),
        ("B1110000600037341L", "uscc.authority"),
        ("911X0000600037341L", "uscc.region"),
        ("91110000600O37341L", "uscc.characters"),  # O is never used: 0 is
        ("91110000600037341K", "uscc.checksum"),
    ],
)
def test_each_wrong_code_is_refused_with_its_reason(code, problem):
    assert uscc_problem(code) == problem and not is_valid_uscc(code)
    assert code in translate(problem, "zh-CN", code=code) and code in translate(problem, "en", code=code)


def test_ingest_reads_codes_with_the_same_checksum():
    assert ingest.extract.uscc.is_valid_uscc is is_valid_uscc
    assert ingest.extract.uscc.check_char is check_char
