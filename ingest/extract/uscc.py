"""Unified social credit codes (统一社会信用代码, GB 32100-2015): OCR repair, search in text (the checksum
itself is records.uscc's, shared with codes typed into a customer file).

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
from records.uscc import ALPHABET, WEIGHTS, check_char, is_valid_uscc, org_code_valid

__all__ = [
    "ALPHABET",
    "WEIGHTS",
    "CreditCode",
    "check_char",
    "find_credit_codes",
    "is_valid_uscc",
    "org_code_valid",
    "repair",
]

# 18 code characters, OCR spaces allowed between them; O/I/l are look-alikes repaired below.
# Lookahead capture so that overlapping windows are all tried (a wrong window must not hide a right one).
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z|])(?=([0-9A-Za-z|](?:[ \t]?[0-9A-Za-z|]){17})(?![0-9A-Za-z|]))")
# S and Z are outside the code's alphabet too: tesseract and RapidOCR read 5 and 2 as them under a seal or in
# a photocopy (issue 18). Each repair still stands only when the check character confirms it.
_LOOKALIKE = {
    "O": "0",
    "o": "0",
    "I": "1",
    "l": "1",
    "i": "1",
    "|": "1",
    "S": "5",
    "s": "5",
    "Z": "2",
    "z": "2",
}
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
            options.append([letter, _LOOKALIKE[ch]] if letter in ALPHABET else [_LOOKALIKE[ch]])
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
