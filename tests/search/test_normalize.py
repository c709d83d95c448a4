"""Normalisation: width, script, case, OCR gaps, look-alike separators, and the offset map."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.normalize import has_cjk, normalize, normalize_with_map


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＨＴ－２０２５－０００８", "ht-2025-0008"),  # full-width letters, digits, minus
        ("Ａｂｃ　ＤＥＦ", "abc def"),  # ideographic space
        ("（２０２３）", "(2023)"),
        ("借款合約書", "借款合约书"),  # traditional to simplified
        ("臺灣鴻海", "台湾鸿海"),
        ("HT–2025—0008", "ht-2025-0008"),  # en and em dashes
        ("A001-KH・2025", "a001-kh·2025"),  # katakana middle dot folds to ·
        ("借 款 合 同", "借款合同"),  # OCR spaces inside a CJK run
        ("抵押\n登记", "抵押登记"),  # a word wrapped across two lines
        ("抵押\r\n  登记", "抵押登记"),
        ("合同\u200b编号", "合同编号"),  # zero-width space
        ("Loan AGREEMENT", "loan agreement"),
        ("2024 年", "2024 年"),  # spaces next to digits are kept; tokenizers ignore them
        ("hello world", "hello world"),
    ],
)
def test_normalize_folds(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_lone_surrogates_and_controls_cannot_reach_the_index() -> None:
    assert normalize("a\ud800b\x00c") == "ab c"


@given(st.text())
def test_map_agrees_with_fast_path(text: str) -> None:
    folded, origin = normalize_with_map(text)
    assert folded == normalize(text)
    assert len(origin) == len(folded)
    assert origin == sorted(origin)
    assert all(0 <= index < len(text) for index in origin)


def test_map_points_at_original_characters() -> None:
    text = "签订借款\n合同，ＨＴ２０２４"
    folded, origin = normalize_with_map(text)
    start = folded.index("借款合同")
    assert text[origin[start] : origin[start + 3] + 1] == "借款\n合同"
    code = folded.index("ht2024")
    assert text[origin[code] : origin[code + 5] + 1] == "ＨＴ２０２４"


def test_expanding_characters_map_every_piece_to_their_source() -> None:
    folded, origin = normalize_with_map("㍿x")
    assert folded == "株式会社x"
    assert origin == [0, 0, 0, 0, 1]


def test_has_cjk() -> None:
    assert has_cjk("abc借")
    assert not has_cjk("abc-123")
