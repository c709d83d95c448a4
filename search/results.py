"""What a search returns, whatever the engine: hits, the total, facet counts; and the sort orders."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from core.errors import BadQuery

SORTS = ("relevance", "date", "-date", "archive_no")
# Facet name -> what it counts: document type code, customer id, year of the document date, level.
FACETS = ("type", "customer", "year", "level")


@dataclass(frozen=True)
class Hit:
    """One matching document and its score (relevance; 0.0 when sorted by a field)."""

    document_id: int
    score: float


@dataclass(frozen=True)
class FacetCount:
    """One value of a facet and how many matching documents the reader may see have it."""

    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    """The total number of matches, the requested page of hits, and facet counts when asked for."""

    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)


def check_page(*, limit: int, offset: int, sort: str) -> None:
    """BadQuery unless limit, offset and sort are usable."""
    if limit < 1 or offset < 0:
        raise BadQuery("search.bad_query", detail=f"limit={limit} offset={offset}")
    if sort not in SORTS:
        raise BadQuery("search.bad_query", detail=f"sort={sort[:20]} ∉ {', '.join(SORTS)}")


# Values listed per facet: the most frequent, as a search engine's terms aggregation gives them. A broad
# query over a large archive touches thousands of customers; nobody reads (or renders) them all.
FACET_VALUES = 30


def facet_list(counts: dict[str, int]) -> list[FacetCount]:
    """The FACET_VALUES most frequent facet values, most frequent first, then by value."""
    ranked = heapq.nsmallest(FACET_VALUES, ((-n, value) for value, n in counts.items() if n))
    return [FacetCount(value, -negative) for negative, value in ranked]
