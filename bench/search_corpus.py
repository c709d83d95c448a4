"""The search benchmark's corpus: realistic Chinese business records, some with OCR noise, and labelled queries.

Documents come from bench.search_scale's clause generator (contracts, letters, licences, deeds, service
records, minutes; 1–3 KB each), streamed so that an indexing process never holds the whole corpus. A
share of them is damaged the way tesseract damages scans: dropped, swapped and look-alike characters,
spaces inside Chinese runs and separators read as dots or dropped in codes.

Queries are labelled with the documents that answer them, computed from the clean metadata and text
(what a person remembers), so a noisy document missed is a miss.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from bench import search_scale
from search import IndexDoc

NOISY_SHARE = 0.25
NOISE_RATE = 0.015  # damaged characters per character of a noisy document
LOOK_ALIKE = {
    "已": "己",
    "未": "末",
    "人": "入",
    "天": "夭",
    "日": "曰",
    "土": "士",
    "干": "千",
    "今": "令",
    "大": "太",
    "王": "玉",
    "贷": "货",
    "借": "惜",
    "款": "欵",
    "0": "O",
    "1": "l",
    "5": "S",
    "8": "B",
}
_DIGITS = re.compile(r"\d{6,}[0-9A-Za-z]*")  # a whole number or code: people type it whole
_CODE_SEP = re.compile(r"(?<=[A-Z0-9])-(?=[0-9])")


@dataclass
class Meta:
    """What the labeller keeps of one document (no index needs it)."""

    document_id: int
    customer: str
    doc_type: str
    code: str
    doc_date: date
    noisy: bool
    clean: str = field(repr=False)
    indexed: str = field(repr=False)


def _noise(rng: random.Random, text: str) -> str:
    chars = list(text)
    out: list[str] = []
    i = 0
    while i < len(chars):
        char = chars[i]
        roll = rng.random()
        if roll < NOISE_RATE / 3:
            i += 1  # dropped
            continue
        if roll < 2 * NOISE_RATE / 3 and i + 1 < len(chars):
            out += [chars[i + 1], char]  # swapped
            i += 2
            continue
        if roll < NOISE_RATE:
            out.append(LOOK_ALIKE.get(char, char))
        elif roll < NOISE_RATE * 2 and "\u4e00" <= char <= "\u9fff":
            out.append(char + " ")  # tesseract's spaces between Chinese characters
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _ocr_code(rng: random.Random, code: str) -> str:
    """A code as OCR reads it: a separator dropped or read as a dot."""
    return _CODE_SEP.sub(lambda _: rng.choice(["", ".", "-"]), code, count=1)


def iter_corpus(count: int, *, seed: int = 7) -> Iterator[tuple[IndexDoc, Meta]]:
    """count documents with their labeller's metadata, reproducibly, one at a time."""
    rng = random.Random(seed)
    customers = [search_scale._company(rng) for _ in range(max(10, count // 20))]
    types = list(search_scale._TYPES)
    tags = ["续贷", "逾期", "诉讼", "重点客户", "已结清"]
    for number in range(1, count + 1):
        customer = rng.choice(customers)
        doc_type = rng.choice(types)
        own = [clause for group in search_scale._TYPES[doc_type] for clause in search_scale._GROUPS[group]]
        code = f"HT-{rng.randint(2019, 2025)}-{rng.randint(1, 9999):04d}"
        chars = rng.randint(350, 1000)  # 1–3 KB of UTF-8
        parts: list[str] = [f"{customer}{doc_type}", f"合同编号：{code}"]
        while sum(map(len, parts)) < chars:
            pool = search_scale._ALL_CLAUSES if rng.random() < 0.1 else own
            parts.append(search_scale._fill(rng, rng.choice(pool), customer, code))
        clean = "\n".join(parts)[:chars]
        noisy = rng.random() < NOISY_SHARE
        text = _noise(rng, clean) if noisy else clean
        if noisy:
            text = text.replace(code, _ocr_code(rng, code))
        doc_date = date(2019, 1, 1) + timedelta(days=rng.randint(0, 7 * 365))
        amount = rng.randint(1, 900) * 1_000_000  # fen
        doc = IndexDoc(
            document_id=number,
            title=f"{customer}{doc_type}",
            text=text,
            customer=customer,
            doc_type=doc_type,
            archive_no=f"A001-KH·{doc_date.year}-D30-XS-{number:06d}",
            codes=[code],
            doc_date=doc_date,
            level=rng.choice(["internal"] * 8 + ["department", "personal"]),
            department=rng.choice(["信贷部", "风控部", "法务部"]),
            owner=None,
            customer_id=customers.index(customer) + 1,
            tags=[rng.choice(tags)] if rng.random() < 0.3 else [],
            amounts=[amount],
        )
        yield doc, Meta(number, customer, doc_type, code, doc_date, noisy, clean, text)


@dataclass(frozen=True)
class Labelled:
    """A query, what kind it is, whether its target is a noisy document, and the documents that answer it."""

    query: str
    kind: str
    noisy: bool
    relevant: frozenset[int]
    phrase: str = ""


def labelled_queries(metas: list[Meta], *, per_kind: int, seed: int = 11) -> list[Labelled]:
    """per_kind queries of each kind for clean and for noisy targets."""
    rng = random.Random(seed)
    by_customer: dict[str, set[int]] = {}
    by_code: dict[str, set[int]] = {}
    for m in metas:
        by_customer.setdefault(m.customer, set()).add(m.document_id)
        by_code.setdefault(m.code, set()).add(m.document_id)
    out: list[Labelled] = []
    for noisy in (False, True):
        pool = [m for m in metas if m.noisy == noisy]
        for _ in range(per_kind):
            m = rng.choice(pool)
            out.append(Labelled(m.customer, "name", noisy, frozenset(by_customer[m.customer])))
            variant = rng.choice([m.code, m.code.replace("-", "", 1), m.code.replace("-", ".", 1)])
            out.append(Labelled(variant, "code", noisy, frozenset(by_code[m.code])))
            rel = {d for d in by_customer[m.customer] if metas[d - 1].doc_type == m.doc_type}
            out.append(Labelled(f"customer:{m.customer} type:{m.doc_type}", "filter", noisy, frozenset(rel)))
            year = m.doc_date.year
            rel = {d for d in by_customer[m.customer] if metas[d - 1].doc_date.year == year}
            out.append(Labelled(f"customer:{m.customer} date:{year}", "date filter", noisy, frozenset(rel)))
            phrase = _phrase(rng, m.clean)
            if phrase:
                rel = {x.document_id for x in metas if phrase in x.clean}
                out.append(Labelled(f'"{phrase}"', "body phrase", noisy, frozenset(rel), phrase=phrase))
    return out


def _phrase(rng: random.Random, clean: str) -> str:
    """A few words around a number in the body (a phone, an amount, a register number): nearly unique."""
    spots = [m for m in _DIGITS.finditer(clean) if m.start() >= 4]
    if not spots:
        return ""
    spot = rng.choice(spots)
    phrase = clean[spot.start() - 4 : spot.end()]
    return phrase if "\n" not in phrase and " " not in phrase else ""
