"""Contract numbers (HT-2024-0173, 鸿借字第001号, XX字〔2024〕第12号), phone numbers, archive numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.extract.textnorm import HAN, Normalised

_TO_DIGIT = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})
_DIG = "[0-9OoIl]"
# Letter prefixes that are words or standards, not contract series.
_NOT_PREFIX = {"NO", "RMB", "CNY", "USD", "GB", "GBT", "ISO", "TEL", "FAX", "ID", "PDF", "DA", "JR", "QB"}

# HT-2024-0173 and what OCR makes of it: HT2024-0173, HT.2024-0173, HT 2024·0173, HT-2O24-O173.
_SERIES = re.compile(
    rf"(?<![0-9A-Za-z])(?P<prefix>[A-Z]{{2,6}}(?:-[A-Z]{{1,6}})?)\s?[-._·]?\s?"
    rf"(?P<year>[12]{_DIG}{{3}})\s?[-._·]?\s?(?P<serial>{_DIG}{{2,6}})(?![0-9A-Za-z]|[-./]\d)"
)
# 鸿借字第001号, 鸿担字〔2024〕第12号, XX字[2024]第12号, 鸿借字(2024)第12号.
_ZIHAO = re.compile(
    rf"(?P<prefix>[{HAN}A-Z]{{1,6}}字)\s*(?:[\[〔【(]\s*(?P<year>(?:19|20)\d{{2}})\s*[\]〕】)])?\s*"
    rf"第\s*(?P<serial>{_DIG}{{1,6}})\s*号"
)
_LABELLED = re.compile(
    r"(?P<label>借款合同编号|担保合同编号|合同编号|协议编号|合同号码|合同号|编号|(?<![A-Za-z])N[Oo](?![a-z])\.?|№)"
    r"\s*[:]?\s*"
    r"(?P<value>[A-Za-z0-9][A-Za-z0-9\-_./·]{2,39})"
)
# Labels "编号" means something else after these words (licence serial, archive number, ID card).
_NOT_CONTRACT = re.compile(r"(?:档案|证书|证照|流水|登记|身份证|证件|税务|档)$")
_LABEL_BEFORE = re.compile(
    r"(借款合同编号|担保合同编号|合同编号|协议编号|合同号码|合同号|编号|文号)\s*[:]?\s*$"
)

_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?![0-9])")
_LANDLINE = re.compile(
    r"(?<![0-9])(?:\((?P<a1>0(?:10|2\d|[3-9]\d{2}))\)|(?P<a2>0(?:10|2\d|[3-9]\d{2})))\s?-?\s?"
    r"(?P<num>[1-9]\d{6,7})(?:\s?(?:-|转|ext\.?)\s?(?P<ext>\d{1,5}))?(?![0-9])"
)
_SERVICE = re.compile(r"(?<![0-9])([48]00)[-\s]?(\d{3})[-\s]?(\d{4})(?![0-9])")
_ARCHIVE = re.compile(
    r"(?<![0-9A-Za-z])(?P<fonds>[A-Z]\d{3})\s?-\s?(?P<cls>[A-Z]{1,4})\s?[·.\-]\s?(?P<year>(?:19|20)\d{2})\s?-\s?"
    r"(?P<ret>Y|D\d{1,3}|C)\s?-\s?(?P<unit>[A-Z0-9]{1,6})\s?-\s?(?P<item>\d{1,6})(?![0-9])"
)


@dataclass(frozen=True)
class ContractNumber:
    """A contract or file number: canonical value, the text it was read from, and its label if any."""

    value: str
    raw: str
    label: str | None = None
    pos: int = field(default=-1, compare=False, repr=False)


@dataclass(frozen=True)
class Phone:
    """A phone number, normalised: 13812345678, 0755-1234567, 021-12345678-801, 400-123-4567."""

    value: str
    kind: str  # mobile | landline | service
    raw: str
    pos: int = field(default=-1, compare=False, repr=False)


def _digits(text: str) -> str:
    return text.translate(_TO_DIGIT)


def canonical_series(text: str) -> str | None:
    """HT.2O25 0008 -> HT-2025-0008; None if text is not a letter-year-serial code."""
    match = _SERIES.fullmatch(text.strip())
    if not match or match["prefix"] in _NOT_PREFIX:
        return None
    year = _digits(match["year"])
    if not 1990 <= int(year) <= 2099:
        return None
    return f"{match['prefix']}-{year}-{_digits(match['serial'])}"


def _canonical_labelled(value: str) -> str:
    """A labelled number with OCR look-alike separators (. · _) turned into '-'."""
    value = value.rstrip(".-_·")
    series = canonical_series(value)
    if series:
        return series
    parts = re.split(r"[-._·]+", value)
    parts = [_digits(p) if re.fullmatch(r"[0-9OoIl]+", p) and re.search(r"\d", p) else p for p in parts]
    return "-".join(parts)


def find_contract_numbers(norm: Normalised) -> list[ContractNumber]:
    """Contract numbers in the text: labelled ones first, then recognised code shapes; unique by value."""
    text = norm.text
    found: list[tuple[int, ContractNumber]] = []
    spans: list[tuple[int, int]] = []

    def add(start: int, end: int, value: str, label: str | None, rank: int) -> None:
        if any(s < end and start < e for s, e in spans) or _ARCHIVE.fullmatch(value):
            return
        spans.append((start, end))
        found.append((rank, ContractNumber(value, norm.raw(start, end).strip(), label, start)))

    def label_before(start: int) -> str | None:
        label = _LABEL_BEFORE.search(text[max(0, start - 12) : start])
        return label[1] if label else None

    for match in _ZIHAO.finditer(text):
        year = f"〔{match['year']}〕" if match["year"] else ""
        value = f"{match['prefix']}{year}第{_digits(match['serial'])}号"
        label = label_before(match.start())
        add(match.start(), match.end(), value, label, 0 if label else 1)
    for match in _LABELLED.finditer(text):
        if match["label"] == "编号" and _NOT_CONTRACT.search(text[max(0, match.start() - 4) : match.start()]):
            continue
        value = _canonical_labelled(match["value"])
        if len(value) >= 3 and re.search(r"\d", value):
            add(match.start("value"), match.start("value") + len(match["value"].rstrip(".-_·")),
                value, match["label"].rstrip("."), 0)  # fmt: skip
    for match in _SERIES.finditer(text):
        value = canonical_series(match.group())
        if value:
            label = label_before(match.start())
            add(match.start(), match.end(), value, label, 0 if label else 1)
    found.sort(key=lambda item: (item[0], item[1].pos))
    unique: dict[str, ContractNumber] = {}
    for _, number in found:
        unique.setdefault(number.value, number)
    return list(unique.values())


def find_phones(norm: Normalised) -> list[Phone]:
    """Mainland mobiles, landlines with area code and 400/800 numbers, normalised, unique by value."""
    text = norm.text
    hits: list[tuple[int, int, str, str]] = []
    for match in _SERVICE.finditer(text):
        hits.append((match.start(), match.end(), "-".join(match.groups()), "service"))
    for match in _MOBILE.finditer(text):
        hits.append((match.start(), match.end(), "".join(match.groups()), "mobile"))
    for match in _LANDLINE.finditer(text):
        value = f"{match['a1'] or match['a2']}-{match['num']}" + (f"-{match['ext']}" if match["ext"] else "")
        hits.append((match.start(), match.end(), value, "landline"))
    hits.sort()
    out: dict[str, Phone] = {}
    last_end = -1
    for start, end, value, kind in hits:
        if start < last_end:
            continue
        last_end = end
        out.setdefault(value, Phone(value, kind, norm.raw(start, end).strip(), start))
    return list(out.values())


def find_archive_numbers(text: str) -> list[str]:
    """Archive numbers (档号) such as A001-KH·2025-D30-XS-0007, canonical, unique, in order."""
    out: dict[str, None] = {}
    for m in _ARCHIVE.finditer(text):
        out[f"{m['fonds']}-{m['cls']}·{m['year']}-{m['ret']}-{m['unit']}-{m['item']}"] = None
    return list(out)
