"""Unified social credit codes (统一社会信用代码, GB 32100-2015): checksum, OCR repair, search in text.

Only the 18th character (the GB 32100 check) decides validity. The organisation-code check digit
inside it (characters 9-17, GB 11714) is reported as `inner_valid` but not enforced: GB 32100
defines the 18th character as the code's only check, the national validators check only that, and
主体标识码 issued after 2015 (e.g. to 个体工商户) are not all GB 11714 organisation codes; refusing a
genuine customer's code would be worse than keeping one whose inner digit we cannot vouch for.
The inner digit still breaks ties when OCR repair yields more than one valid reading.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

from ingest.extract.textnorm import Normalised

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# First character: registration authority (1 编制, 5 民政, 9 工商/市场监管, A, N, Y ...).
_AUTHORITIES = "123456789ANY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# 18 code characters, OCR spaces allowed between them; O/I/l are look-alikes repaired below.
# Lookahead capture so that overlapping windows are all tried (a wrong window must not hide a right one).
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z|])(?=([0-9A-Za-z|](?:[ \t]?[0-9A-Za-z|]){17})(?![0-9A-Za-z|]))")
_LOOKALIKE = {"O": "0", "o": "0", "I": "1", "l": "1", "i": "1", "|": "1"}
_LABEL = re.compile(r"(?:统一社会信用代码|社会信用代码|信用代码|注册号|税号|纳税人识别号)\s*[:]?\s*$")
# An 18-digit identity card number can pass the check by chance (1 in 31): its label rules it out.
_ID_CARD = re.compile(r"(?:身份证|证件号|公民身份号码)[^\n]{0,6}$")


@dataclass(frozen=True)
class CreditCode:
    """A checksum-valid unified social credit code found in a document."""

    value: str
    raw: str
    labelled: bool = False
    inner_valid: bool = True
    corrected: bool = False
    own: bool = False  # found in the archive's own organisation's party block
    pos: int = field(default=-1, compare=False, repr=False)
    positions: tuple[int, ...] = field(default=(), compare=False, repr=False)  # every occurrence


def check_char(body: str) -> str:
    """The GB 32100 check character for the first 17 characters of a code."""
    total = sum(_VALUE[ch] * w for ch, w in zip(body[:17], WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _well_formed(code: str) -> bool:
    return (
        len(code) == 18
        and code[0] in _AUTHORITIES
        and code[1:8].isdigit()
        and all(ch in _VALUE for ch in code[8:])
    )


def is_valid_uscc(code: str) -> bool:
    """True if code is a well-formed 18-character USCC whose check character is right."""
    return _well_formed(code) and code[17] == check_char(code)


def org_code_valid(code: str) -> bool:
    """True if characters 9-17 carry a valid GB 11714 organisation-code check digit."""
    body, check = code[8:16], code[16]
    try:
        total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    except ValueError:
        return False
    digit = 11 - total % 11
    return check == {10: "X", 11: "0"}.get(digit, str(digit))


def repair(raw: str) -> tuple[str, bool] | None:
    """The valid code behind an OCR reading (spaces, O/0, I/1, l/1), with whether it was changed."""
    chars = raw.replace(" ", "").replace("\t", "")
    if len(chars) != 18:
        return None
    upper = chars.upper()
    if is_valid_uscc(upper) and not any(ch in _LOOKALIKE for ch in chars):
        return upper, False
    # Each ambiguous position may be read as the letter or the digit; O, I are not in the alphabet.
    options = []
    for ch in chars:
        if ch in _LOOKALIKE:
            letter = ch.upper()
            options.append([letter, _LOOKALIKE[ch]] if letter in _VALUE else [_LOOKALIKE[ch]])
        else:
            options.append([ch.upper()])
    if sum(len(o) > 1 for o in options) > 6:
        return None
    valid = [code for code in ("".join(p) for p in itertools.product(*options)) if is_valid_uscc(code)]
    if not valid:
        return None
    valid.sort(key=lambda code: (not org_code_valid(code), code != upper))
    return valid[0], valid[0] != upper


def find_credit_codes(norm: Normalised) -> list[CreditCode]:
    """Every checksum-valid credit code in the text, in order, deduplicated by value."""
    text = norm.text
    found: dict[str, CreditCode] = {}
    taken_until = 0
    for match in _CANDIDATE.finditer(text):
        start, end = match.start(1), match.end(1)
        if start < taken_until:
            continue
        repaired = repair(match.group(1))
        if repaired is None or _ID_CARD.search(text[max(0, start - 14) : start]):
            continue
        taken_until = end
        value, corrected = repaired
        if value in found:
            found[value] = replace(found[value], positions=(*found[value].positions, start))
            continue
        labelled = bool(_LABEL.search(text[max(0, start - 20) : start]))
        raw = norm.raw(start, end)
        found[value] = CreditCode(
            value, raw, labelled, org_code_valid(value), corrected, pos=start, positions=(start,)
        )
    return list(found.values())
