"""Facet counts on a Whoosh searcher: type, customer, year and level of every match the reader may see.

The counts come from the sortable columns (no stored fields, no database), over the same filtered set
of matches as the total, so a facet never counts a document outside the reader's scope.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from search.results import FACETS, FacetCount, facet_list
from search.schema import CUSTOMER_ID, DOC_DATE, DOC_TYPE, LEVEL

_COLUMNS = {"type": DOC_TYPE, "customer": CUSTOMER_ID, "year": DOC_DATE, "level": LEVEL}


# A numeric column gives documents without a value the type's maximum.
_NO_DATE = 2**31 - 1
_NO_CUSTOMER = 2**63 - 1


def _value(name: str, raw: Any) -> str | None:
    """A column value as the facet value; None for documents without one."""
    if name == "year":
        return str(raw // 10000) if isinstance(raw, int) and 0 < raw < _NO_DATE else None
    if name == "customer":
        return str(raw) if isinstance(raw, int) and 0 < raw < _NO_CUSTOMER else None
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    return raw or None


def facet_counts(
    searcher: Searcher, compiled: wq.Query, allow: set[int] | None, restrict: set[int] | None
) -> dict[str, list[FacetCount]]:
    """Counts per facet value over the matches of compiled, filtered like the hits."""
    docs = searcher.docs_for_query(compiled)
    if allow is not None:
        docs = (d for d in docs if d in allow)
    if restrict:
        docs = (d for d in docs if d not in restrict)
    matched = sorted(docs)
    # Column by column of each segment: whoosh-reloaded's multi-segment column reader mis-maps
    # document numbers in the last segment.
    leaves = sorted(searcher.reader().leaf_readers(), key=lambda leaf: leaf[1])
    tallies: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for number, (reader, offset) in enumerate(leaves):
        end = leaves[number + 1][1] if number + 1 < len(leaves) else None
        local = [d - offset for d in matched if d >= offset and (end is None or d < end)]
        if not local:
            continue
        for name in FACETS:
            field = _COLUMNS[name]
            if not reader.has_column(field):
                continue
            column = reader.column_reader(field)
            tally = tallies[name]
            for docnum in local:
                value = _value(name, column[docnum])
                if value is not None:
                    tally[value] += 1
    return {name: facet_list(dict(tallies[name])) for name in FACETS}
