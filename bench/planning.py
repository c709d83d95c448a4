"""Choosing the corpus's documents and laying them out to an exact page count."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.documents import BUILDERS, EXTRA_RANGE, Document
from bench.layout import FontFamily, Page, Style, families, layout
from bench.people import Customer, make_customers

_TYPE_WEIGHTS = {"contract": 35, "licence": 15, "correspondence": 20, "title_deed": 10, "service_record": 20}
_TARGET_PAGES = {"contract": (1, 2, 2, 2), "service_record": (1, 2)}
SCAN_FAMILIES = ("noto-serif", "noto-serif", "noto-sans", "noto-sans", "wqy-zenhei")
# TrueType outlines only: fpdf2 embeds CFF (OpenType, e.g. Noto CJK) fonts with an /Encoding CMap stream that
# pdfminer (hence pdfplumber) cannot read, so their text would vanish. Droid Sans Fallback lacks Latin glyphs.
TEXT_FAMILIES = ("wqy-zenhei",)


@dataclass
class Planned:
    """A document chosen for the corpus, laid out."""

    doc: Document
    style: Style
    pages: list[Page]
    seed: int


def _style(rng: random.Random, family: FontFamily) -> Style:
    return Style(
        family=family,
        body=rng.choice((10.5, 12.0, 12.0, 14.0)),
        title=rng.choice((16.0, 18.0, 20.0, 22.0)),
        leading=rng.uniform(1.5, 1.9),
        margin_x=rng.uniform(72, 90),
        margin_top=rng.uniform(72, 90),
    )


def _plan_one(
    rng: random.Random, doc_rng_seed: int, doc_type: str, customer: Customer, style: Style, remaining: int
) -> Planned | None:
    """Lay out doc_type at a random target length of 1–2 pages; None if it cannot fit in remaining."""
    target = min(remaining, rng.choice(_TARGET_PAGES.get(doc_type, (1,))))
    best: Planned | None = None
    for extra in range(EXTRA_RANGE[doc_type], -1, -1):
        doc = BUILDERS[doc_type](random.Random(doc_rng_seed), customer, extra)
        pages = layout(doc, style)
        if len(pages) <= remaining and (
            best is None or abs(len(pages) - target) < abs(len(best.pages) - target)
        ):
            best = Planned(doc, style, pages, doc_rng_seed)
        if len(pages) <= target:
            break
    return best


def plan(seed: int, total_pages: int, family_names: tuple[str, ...]) -> list[Planned]:
    """Choose and lay out documents until they add up to exactly total_pages pages."""
    rng = random.Random(seed)
    customers = make_customers(random.Random(seed), 50)
    fams = families()
    planned: list[Planned] = []
    count = 0
    while count < total_pages:
        doc_type = rng.choices(list(_TYPE_WEIGHTS), weights=list(_TYPE_WEIGHTS.values()))[0]
        style = _style(rng, fams[rng.choice(family_names)])
        item = _plan_one(
            rng, rng.randrange(2**31), doc_type, rng.choice(customers), style, total_pages - count
        )
        if item is not None:
            planned.append(item)
            count += len(item.pages)
    return planned
