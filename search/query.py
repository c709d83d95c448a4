"""Running user queries: search() hands the parsed tree to the engine; on Whoosh it is compiled here to a
Whoosh query, ranked by BM25F (search.tantivy_query does the same for tantivy).

A word matches where its characters occur in that exact order: a multi-character CJK
word is a bigram phrase, so 借款合同 never matches 借款…合同. jieba word terms only add
to the score. Codes are looked up whole with separators dropped, so HT-2024-0173,
HT2024-0173 and HT.2024-0173 find one another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from whoosh import query as wq
from whoosh.collectors import Collector, FilterCollector, SortingCollector, TopCollector
from whoosh.reading import TermNotFound
from whoosh.searching import Results, Searcher
from whoosh.sorting import FacetType, FieldFacet, MultiFacet, TranslateFacet

from core.errors import BadQuery
from search import whoosh_arrays as vector
from search.analysis import bigram_query_terms, code_key, is_code, word_terms
from search.datefilter import DateFilter
from search.facets import facet_counts
from search.normalize import has_cjk, normalize
from search.parser import And, Node, Not, Or, Term, parse
from search.phrase import SequenceQuery
from search.ranges import amount_bounds, date_bounds
from search.results import FACETS, FacetCount, Hit, SearchResult, check_page
from search.schema import (
    AMOUNTS,
    ARCHIVE_CODES,
    ARCHIVE_NO,
    BIGRAM_FIELDS,
    CODE_FIELDS,
    CUSTOMER,
    CUSTOMER_BI,
    DEPARTMENT,
    DOC_DATE,
    DOC_TYPE,
    DOC_TYPE_BI,
    ID_FIELD,
    TAGS,
    WORD_FIELDS,
    WORD_SCORE_WEIGHT,
    keyword,
    tag_keys,
)
from search.scope import Scope, readable_query, scope_filter
from search.typed import typed

if TYPE_CHECKING:
    from search.engine import SearchEngine
    from search.whoosh_index import WhooshIndex

# Above this many ids, scanning stored ids beats one term lookup per id.
_ID_LOOKUP_LIMIT = 2000


def search(
    index: SearchEngine,
    query: str | Node,
    *,
    limit: int = 20,
    offset: int = 0,
    filter_ids: set[int] | None = None,
    scope: Scope | None = None,
    sort: str = "relevance",
    facets: bool = False,
    exclude_ids: set[int] | None = None,
) -> SearchResult:
    """Search the index; filter_ids and scope, when given, restrict hits, total and facets to what they allow.

    query is the text a user typed or the tree search.parser.parse made of it (parse once, then use the tree
    for the snippets too). scope (search.scope) is a reader's permission filter, worked out inside the index
    from the level, department, owner, customer and document id stored with each entry; unlike filter_ids it
    needs no list of readable ids. sort is one of search.results.SORTS; facets adds counts per type,
    customer, year and level.
    """
    check_page(limit=limit, offset=offset, sort=sort)
    node = parse(query) if isinstance(query, str) else query
    return index.search(
        node,
        limit=limit,
        offset=offset,
        filter_ids=filter_ids,
        scope=scope,
        sort=sort,
        facets=facets,
        exclude_ids=exclude_ids,
    )


def whoosh_search(
    index: WhooshIndex,
    node: Node,
    *,
    limit: int,
    offset: int,
    filter_ids: set[int] | None,
    scope: Scope | None,
    sort: str,
    facets: bool,
    exclude_ids: set[int] | None,
) -> SearchResult:
    """search() on the Whoosh engine.

    The query is evaluated over whole posting lists with numpy (search.whoosh_arrays: same matches, scores
    and order as Whoosh's collectors, at array speed); a query it cannot evaluate runs through Whoosh's
    collectors (_run, search.facets).
    """
    check_page(limit=limit, offset=offset, sort=sort)
    compiled = compile_query(node)
    if filter_ids is not None and not filter_ids:
        return SearchResult(total=0, hits=[])
    with index.searcher() as searcher:
        try:
            return _vector_search(
                searcher, compiled, limit, offset, filter_ids, scope, sort, facets, exclude_ids
            )
        except vector.Unsupported:
            pass
        allow = None if filter_ids is None else _docnums(searcher, filter_ids)
        restrict = _docnums(searcher, exclude_ids) if exclude_ids else None
        if scope is not None:
            by_scope = scope_filter(searcher, scope)
            if by_scope.allow is not None:
                allow = by_scope.allow if allow is None else allow & by_scope.allow
            if by_scope.restrict:
                restrict = by_scope.restrict if restrict is None else restrict | by_scope.restrict
        if allow is not None and not allow:
            return SearchResult(total=0, hits=[], facets=_empty_facets() if facets else {})
        results, total = _run(searcher, compiled, offset + limit, allow, restrict or None, sort)
        hits = [
            Hit(
                document_id=searcher.stored_fields(docnum)[ID_FIELD],
                score=float(score) if sort == "relevance" else 0.0,
            )
            for score, docnum in results.top_n[offset : offset + limit]
        ]
        counts = facet_counts(searcher, compiled, allow, restrict or None) if facets else {}
    return SearchResult(total=total, hits=hits, facets=counts)


def _vector_search(
    searcher: Searcher,
    compiled: wq.Query,
    limit: int,
    offset: int,
    filter_ids: set[int] | None,
    scope: Scope | None,
    sort: str,
    facets: bool,
    exclude_ids: set[int] | None,
) -> SearchResult:
    """search() by whole-set evaluation (search.whoosh_arrays); vector.Unsupported when the query needs Whoosh's."""
    readable = None if scope is None else readable_query(scope)

    def keep(leaf: vector.Leaf) -> np.ndarray | None:
        mask = None
        if scope is not None:
            mask = vector.query_mask(leaf, readable) if readable is not None else np.zeros(leaf.size, bool)
        if filter_ids is not None:
            allowed = vector.ids_mask(leaf, filter_ids)
            mask = allowed if mask is None else mask & allowed
        if exclude_ids:
            kept = ~vector.ids_mask(leaf, exclude_ids)
            mask = kept if mask is None else mask & kept
        return mask

    outcome = vector.search(searcher, compiled, top=offset + limit, keep=keep, sort=sort, facets=facets)
    hits = [
        Hit(document_id=searcher.stored_fields(docnum)[ID_FIELD], score=score)
        for score, docnum in outcome.top[offset : offset + limit]
    ]
    return SearchResult(total=outcome.total, hits=hits, facets=outcome.facets)


def _empty_facets() -> dict[str, list[FacetCount]]:
    return {name: [] for name in FACETS}


# The date column's sort key is the value shifted to unsigned 32 bits; a missing date is the maximum.
_NO_DATE = 2**32 - 1


def _sort_facet(sort: str) -> FacetType:
    """Sort key: the field, then the id; documents without a date last either way."""
    if sort == "archive_no":
        # Documents without an archive number (the column's empty value) last.
        first: FacetType = TranslateFacet(lambda v: (not v, v), FieldFacet(ARCHIVE_NO))
    elif sort == "date":
        first = FieldFacet(DOC_DATE)
    else:
        first = TranslateFacet(lambda v: -v if v < _NO_DATE else 0, FieldFacet(DOC_DATE))
    return MultiFacet([first, FieldFacet(ID_FIELD)])


def _run(
    searcher: Searcher,
    compiled: wq.Query,
    top: int,
    allow: set[int] | None,
    restrict: set[int] | None = None,
    sort: str = "relevance",
) -> tuple[Results, int]:
    """The top hits and the exact total, by whichever of two strategies is cheaper."""
    skipping = sort == "relevance" and all(isinstance(leaf, wq.Term | wq.Every) for leaf in compiled.leaves())
    if sort != "relevance":
        collector: Collector = SortingCollector(_sort_facet(sort), limit=top)
    elif skipping:
        # Plain terms: block-max skipping finds the top hits fast, and an unscored pass
        # over the matches counts them cheaply.
        collector = TopCollector(top)
    else:
        # Phrases and prefixes cost most per candidate: score every match in one pass and
        # count as we go (replace=0: pruning sub-matchers mid-search would skew the count).
        collector = TopCollector(top, usequality=False, replace=0)
    if allow is not None or restrict:
        # Filtered as matches are collected, and again when the skipping strategy counts them.
        collector = FilterCollector(collector, allow=allow, restrict=restrict)
    searcher.search_with_collector(compiled, collector)
    results = collector.results()
    # Counted explicitly when skipping: Whoosh decides whether its own count is exact from
    # the last segment's matcher only.
    total = sum(1 for _ in collector.all_ids()) if skipping else len(results)
    return results, total


def compile_query(node: Node) -> wq.Query:
    """The Whoosh query for a parsed tree; BadQuery if nothing in it is searchable."""
    compiled = _compile(node)
    if compiled is None:
        raise BadQuery("search.empty_query")
    if isinstance(compiled, wq.Not):
        return wq.AndNot(wq.Every(), compiled.query)
    return compiled


def _compile(node: Node) -> wq.Query | None:
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Not):
        inner = _compile(node.item)
        return None if inner is None else wq.Not(inner)
    if isinstance(node, And):
        dates = [item for item in node.items if isinstance(item, Term) and item.field == "date"]
        rest = [item for item in node.items if item not in dates]
        if dates and any(not isinstance(item, Not) for item in rest):
            # Other terms pick the candidates; their dates are looked up in the column.
            inner = _compile(rest[0] if len(rest) == 1 else And(tuple(rest)))
            if inner is not None and not isinstance(inner, wq.Not):
                for term in dates:
                    inner = DateFilter(inner, *date_bounds(term.text))
                return inner
    children = [c for c in (_compile(item) for item in node.items) if c is not None]
    if not children:
        return None
    if isinstance(node, Or):
        return children[0] if len(children) == 1 else wq.Or(children)
    assert isinstance(node, And)
    positive = [c for c in children if not isinstance(c, wq.Not)]
    negative = [c.query for c in children if isinstance(c, wq.Not)]
    if not negative:
        return positive[0] if len(positive) == 1 else wq.And(positive)
    if not positive:
        return wq.Not(_either(negative))
    return wq.AndNot(positive[0] if len(positive) == 1 else wq.And(positive), _either(negative))


def _either(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _term(term: Term) -> wq.Query | None:
    if term.field in ("date", "amount"):
        low, high = date_bounds(term.text) if term.field == "date" else amount_bounds(term.text)
        return wq.NumericRange(DOC_DATE if term.field == "date" else AMOUNTS, low, high)
    if term.field == "dept":
        # Exactly as the database holds it, like the permission filter (search.scope).
        return wq.Term(DEPARTMENT, term.text.strip()) if term.text.strip() else None
    if term.field == "tag":
        keys = tag_keys([term.text])
        return wq.Term(TAGS, keys[0]) if keys else None
    text = normalize(term.text).strip()
    if not text:
        return None
    if term.field == "customer":
        return _text_match(text, term.quoted, ((CUSTOMER_BI, 1.0),), ((CUSTOMER, 1.0),), ())
    if term.field == "type":
        by_name = _text_match(text, term.quoted, ((DOC_TYPE_BI, 1.0),), (), ())
        exact = wq.Term(DOC_TYPE, keyword(term.text))
        return exact if by_name is None else wq.Or([exact, by_name])
    if term.field == "archive":
        compact = code_key(text) or text
        return wq.Or([wq.Term(ARCHIVE_CODES, compact), wq.Term(ARCHIVE_NO, keyword(term.text))])
    match = _text_match(text, term.quoted, BIGRAM_FIELDS, WORD_FIELDS, CODE_FIELDS)
    meant = None if term.quoted else typed(text)
    if meant is None:
        return match
    # A month, an amount or a credit code as people type it also finds the form the record holds it in.
    options = [] if match is None else [match]
    if meant.dates is not None:
        options.append(wq.NumericRange(DOC_DATE, *meant.dates))
    if meant.fen is not None:
        options.append(wq.NumericRange(AMOUNTS, meant.fen, meant.fen))
    if meant.code is not None:
        key = code_key(normalize(meant.code)) or meant.code
        options += [wq.Term(name, key, boost=boost) for name, boost in CODE_FIELDS]
    for form in meant.texts:
        again = _text_match(normalize(form), False, BIGRAM_FIELDS, (), CODE_FIELDS)
        if again is not None:
            options.append(again)
    return options[0] if len(options) == 1 else wq.Or(options)


def _text_match(
    text: str,
    quoted: bool,
    bigram_fields: tuple[tuple[str, float], ...],
    word_fields: tuple[tuple[str, float], ...],
    code_fields: tuple[tuple[str, float], ...],
) -> wq.Query | None:
    """Exact-sequence match of normalised text across fields, with jieba words for ranking."""
    key = code_key(text)
    if key and code_fields and is_code(text):
        # A bare code is found through the code fields alone: they hold every separator
        # variant, and the document that carries the code outranks those that mention it.
        return _either([wq.Term(name, key, boost=boost) for name, boost in code_fields])
    sequence = bigram_query_terms(text)
    options: list[wq.Query] = []
    if len(sequence) == 1 and len(sequence[0]) == 1 and has_cjk(sequence[0]):
        # One CJK character: every character starts a bigram or is indexed alone at a run's end.
        options += [wq.Prefix(name, sequence[0], boost=boost) for name, boost in bigram_fields]
    elif len(sequence) == 1:
        options += [wq.Term(name, sequence[0], boost=boost) for name, boost in bigram_fields]
    elif sequence:
        options += [SequenceQuery(name, sequence, boost=boost) for name, boost in bigram_fields]
    if key:
        options += [wq.Term(name, key, boost=boost) for name, boost in code_fields]
    words = word_terms(text) if word_fields else []
    if words and not quoted and not has_cjk(text):
        # Latin words also match by stem ("contracts" finds "contract"); quoted phrases stay exact.
        options += [wq.And([wq.Term(name, w, boost=boost) for w in words]) for name, boost in word_fields]
    if not options:
        return None
    match = options[0] if len(options) == 1 else wq.Or(options)
    if words and has_cjk(text):
        scoring = [
            wq.Term(name, w, boost=boost * WORD_SCORE_WEIGHT) for name, boost in word_fields for w in words
        ]
        return wq.AndMaybe(match, wq.Or(scoring))
    return match


def _docnums(searcher: Searcher, ids: set[int]) -> set[int]:
    """Index document numbers of the given ids (deleted entries excluded)."""
    reader = searcher.reader()
    if len(ids) > _ID_LOOKUP_LIMIT:
        return {docnum for docnum, fields in reader.iter_docs() if fields.get(ID_FIELD) in ids}
    docnums: set[int] = set()
    for document_id in ids:
        if not isinstance(document_id, int) or not 0 <= document_id < 2**63:
            continue
        try:
            docnums.update(reader.postings(ID_FIELD, document_id).all_ids())
        except TermNotFound:
            continue
    return docnums
