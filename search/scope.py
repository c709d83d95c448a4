"""What a reader may see, as a filter on the access fields stored in the index (POL-3).

The scope is the plain values access.policy.ReadScope lists; search/ does not import access/, so anything
with these five attributes will do. A document passes when its level is in `everywhere`, or its level is L
and its file's department is in `departments[L]`, or its level is L and its file's owner is in `owners[L]`,
or its id is in `documents`, or its customer id is in `customers` (ReadScope.decide, the same rule).

The filter is a set of index document numbers read from posting lists, never from stored fields or the
database, and it is whichever of two exact sets is shorter to list: the documents the reader may read, or
the ones they may not (documents of the levels not readable everywhere, less those cleared by department,
owner or grant). Almost everyone reads every internal document, so for most readers the second is a small
fraction of the archive. It relies on every entry having a level (search.schema.to_fields writes one).

Department, owner and level are indexed exactly as the database holds them (search.schema), not folded like
the other keywords: "Sales" and "sales", 銷售 and 销售 may be two departments and must stay apart here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from whoosh import query as wq
from whoosh.searching import Searcher

from search.schema import CUSTOMER_ID, DEPARTMENT, ID_FIELD, LEVEL, OWNER

# The id fields are 64-bit: a value outside the range cannot be indexed, so it cannot match either.
_ID_RANGE = range(0, 2**63)


class Scope(Protocol):
    """The values a reader may see by (access.policy.ReadScope has them; mappings count by their keys)."""

    @property
    def everywhere(self) -> Collection[str]: ...

    @property
    def departments(self) -> Mapping[str, Collection[str]]: ...

    @property
    def owners(self) -> Mapping[str, Collection[str]]: ...

    @property
    def documents(self) -> Collection[int]: ...

    @property
    def customers(self) -> Collection[int]: ...


@dataclass(frozen=True)
class SearchScope:
    """A scope as plain sets, for callers without a ReadScope (tests, tools)."""

    everywhere: frozenset[str] = frozenset()
    departments: Mapping[str, frozenset[str]] = field(default_factory=dict)
    owners: Mapping[str, frozenset[str]] = field(default_factory=dict)
    documents: frozenset[int] = frozenset()
    customers: frozenset[int] = frozenset()


@dataclass(frozen=True)
class DocFilter:
    """Index document numbers to keep (allow) or to drop (restrict); exactly one is set."""

    allow: set[int] | None = None
    restrict: set[int] | None = None


def scope_filter(searcher: Searcher, scope: Scope) -> DocFilter:
    """The scope as document numbers of this searcher: the shorter of what it allows and what it does not."""
    frequency = {
        level: searcher.doc_frequency(LEVEL, level) for level in searcher.reader().field_terms(LEVEL)
    }
    readable = [level for level in frequency if level in scope.everywhere]
    closed = [level for level in frequency if level not in scope.everywhere]
    # Posting lists of single terms are read into sets (cheap); only the department, owner and grant
    # clauses go through Whoosh's matchers.
    cleared_query = _cleared(scope)
    cleared = set(searcher.docs_for_query(cleared_query)) if cleared_query is not None else set()
    if sum(frequency[level] for level in readable) <= sum(frequency[level] for level in closed):
        return DocFilter(allow=_docs(searcher, LEVEL, readable) | cleared)
    return DocFilter(restrict=_docs(searcher, LEVEL, closed) - cleared)


def readable_query(scope: Scope) -> wq.Query | None:
    """The documents the scope allows, as one query on the access fields (None: none at all)."""
    options: list[wq.Query] = [wq.Term(LEVEL, level) for level in sorted(scope.everywhere)]
    cleared = _cleared(scope)
    if cleared is not None:
        options.append(cleared)
    if not options:
        return None
    return options[0] if len(options) == 1 else wq.Or(options)


def _docs(searcher: Searcher, name: str, values: Iterable[str]) -> set[int]:
    found: set[int] = set()
    for value in values:
        found.update(searcher.docs_for_query(wq.Term(name, value)))
    return found


def _cleared(scope: Scope) -> wq.Query | None:
    """Documents the scope allows other than by a level readable everywhere."""
    options: list[wq.Query] = []
    for by_field, name in ((scope.departments, DEPARTMENT), (scope.owners, OWNER)):
        for level, values in sorted(by_field.items()):
            if values:
                options.append(wq.And([wq.Term(LEVEL, level), _any(name, sorted(values))]))
    for ids, name in ((scope.documents, ID_FIELD), (scope.customers, CUSTOMER_ID)):
        wanted = sorted(i for i in ids if isinstance(i, int) and i in _ID_RANGE)
        if wanted:
            options.append(_any(name, wanted))
    if not options:
        return None
    return options[0] if len(options) == 1 else wq.Or(options)


def _any(name: str, values: list[str] | list[int]) -> wq.Query:
    terms = [wq.Term(name, value) for value in values]
    return terms[0] if len(terms) == 1 else wq.Or(terms)
