"""Unified social credit code (统一社会信用代码, GB 32100-2015) checksum: the one check for a code a person
types into a customer file and a code ingest reads from a licence (ingest.extract.uscc imports it from here).

Only the 18th character (the GB 32100 check) decides validity. The organisation-code check digit inside it
(characters 9-17, GB 11714) is not enforced: the national validators check only the 18th, and 主体标识码
issued after 2015 are not all GB 11714 codes (see ingest.extract.uscc).
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# First character: registration authority (1 编制, 5 民政, 9 工商/市场监管, A, N, Y ...).
AUTHORITIES = "123456789ANY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_char(body: str) -> str:
    """The GB 32100 check character for the first 17 characters of a code."""
    total = sum(_VALUE[ch] * w for ch, w in zip(body[:17], WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why a code is not a valid USCC, as a catalogue code (uscc.length, uscc.authority, uscc.region,
    uscc.characters, uscc.checksum), or None when it is valid."""
    if len(code) != 18:
        return "uscc.length"
    if code[0] not in AUTHORITIES:
        return "uscc.authority"
    if not code[1:8].isdigit():  # the kind of organisation (1 digit) and the region code (6 digits)
        return "uscc.region"
    if not all(ch in _VALUE for ch in code[8:]):
        return "uscc.characters"
    if code[17] != check_char(code):
        return "uscc.checksum"
    return None


def is_valid_uscc(code: str) -> bool:
    """True if code is a well-formed 18-character USCC whose check character is right."""
    return uscc_problem(code) is None


def org_code_valid(code: str) -> bool:
    """True if characters 9-17 carry a valid GB 11714 organisation-code check digit."""
    body, check = code[8:16], code[16]
    try:
        total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    except ValueError:
        return False
    digit = 11 - total % 11
    return check == {10: "X", 11: "0"}.get(digit, str(digit))
