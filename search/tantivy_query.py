"""Running a parsed query on the tantivy engine: the same tree, the same matching rules as search.query.

A multi-character CJK word is an exact bigram phrase; a one-character word looks in the `*_uni`
fields; codes are looked up whole with separators dropped; jieba words only add to the score.
The reader's scope is a constant-score filter clause inside the query, so hits, the total and
the facet counts (tantivy aggregations) never include a document outside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import tantivy
from tantivy import Occur, Order

from core.errors import BadQuery
from search.analysis import bigram_query_terms, code_key, is_code, word_terms
from search.normalize import CJK_CHAR, has_cjk, normalize
from search.parser import Node, Not, Or, Term
from search.ranges import amount_bounds, date_bounds
from search.results import FACETS, FacetCount, Hit, SearchResult, facet_list
from search.schema import (
    AMOUNTS,
    ARCHIVE_CODES,
    ARCHIVE_NO,
    BIGRAM_FIELDS,
    CODE_FIELDS,
    CUSTOMER,
    CUSTOMER_BI,
    CUSTOMER_ID,
    DEPARTMENT,
    DOC_DATE,
    DOC_TYPE,
    DOC_TYPE_BI,
    ID_FIELD,
    LEVEL,
    OWNER,
    TAGS,
    WORD_FIELDS,
    WORD_SCORE_WEIGHT,
    keyword,
    tag_keys,
)
from search.scope import Scope
from search.typed import typed

_ID_RANGE = range(0, 2**63)
if TYPE_CHECKING:
    from search.tantivy_index import TantivyIndex

# Sort keys that put documents without a date last in either direction.
DATE_ASC, DATE_DESC, YEAR = "date_asc", "date_desc", "year"


def uni(name: str) -> str:
    """The one-character field beside a bigram field."""
    return f"{name}_uni"


_FACET_FIELDS = {"type": DOC_TYPE, "customer": CUSTOMER_ID, "year": YEAR, "level": LEVEL}
_SORTS = {
    "date": (DATE_ASC, Order.Asc),
    "-date": (DATE_DESC, Order.Desc),
    "archive_no": (ARCHIVE_NO, Order.Asc),
}


class _Compiler:
    """Builds tantivy queries against one index's schema."""

    def __init__(self, index: TantivyIndex) -> None:
        self.schema = index.schema

    # -------------------------------------------------------- building blocks

    def term(self, name: str, value: Any, boost: float = 1.0) -> tantivy.Query:
        query = tantivy.Query.term_query(self.schema, name, value)
        return query if boost == 1.0 else tantivy.Query.boost_query(query, boost)

    def any_of(self, name: str, values: list[Any]) -> tantivy.Query:
        return tantivy.Query.term_set_query(self.schema, name, values)

    def sequence(self, name: str, terms: list[str], boost: float) -> tantivy.Query:
        if any(len(t) == 1 and CJK_CHAR.match(t) for t in terms):
            # A lone character in a sequence may be the first or last of a longer run in the
            # document, as Whoosh's run-edge unigrams allow: 2024年 finds 2024年度, 第0012345号
            # finds 产权第0012345号权利人.
            words = [
                f"(.?{t}|{t}.?)" if len(t) == 1 and CJK_CHAR.match(t) else _regex_literal(t) for t in terms
            ]
            query = tantivy.Query.regex_phrase_query(self.schema, name, words)
        else:
            query = tantivy.Query.phrase_query(self.schema, name, terms)
        return query if boost == 1.0 else tantivy.Query.boost_query(query, boost)

    def range(self, name: str, low: int | None, high: int | None) -> tantivy.Query:
        return tantivy.Query.range_query(self.schema, name, tantivy.FieldType.Integer, low, high)

    @staticmethod
    def either(queries: list[tantivy.Query]) -> tantivy.Query:
        if len(queries) == 1:
            return queries[0]
        return tantivy.Query.boolean_query([(Occur.Should, q) for q in queries])

    # -------------------------------------------------------- the tree

    def compile(self, node: Node) -> tantivy.Query:
        positive, negative = self._compile(node)
        if positive is None and negative is None:
            raise BadQuery("search.empty_query")
        if positive is None:
            return tantivy.Query.boolean_query(
                [(Occur.Must, tantivy.Query.all_query()), (Occur.MustNot, negative)]
            )
        return positive

    def _compile(self, node: Node) -> tuple[tantivy.Query | None, tantivy.Query | None]:
        """(query, None) for a positive node, (None, query) for a negated one, (None, None) if empty."""
        if isinstance(node, Term):
            return self._term(node), None
        if isinstance(node, Not):
            inner = self.compile_or_none(node.item)
            return None, inner
        parts = [self._compile(item) for item in node.items]
        if isinstance(node, Or):
            options = [self._positive(p) for p in parts]
            options = [q for q in options if q is not None]
            if not options:
                return None, None
            return self.either(options), None
        positive = [p for p, _ in parts if p is not None]
        negative = [n for _, n in parts if n is not None]
        if not positive and not negative:
            return None, None
        if not positive:
            return None, self.either(negative)
        clauses = [(Occur.Must, q) for q in positive] + [(Occur.MustNot, q) for q in negative]
        if len(clauses) == 1:
            return positive[0], None
        return tantivy.Query.boolean_query(clauses), None

    def _positive(self, part: tuple[tantivy.Query | None, tantivy.Query | None]) -> tantivy.Query | None:
        positive, negative = part
        if negative is not None:
            return tantivy.Query.boolean_query(
                [(Occur.Must, tantivy.Query.all_query()), (Occur.MustNot, negative)]
            )
        return positive

    def compile_or_none(self, node: Node) -> tantivy.Query | None:
        return self._positive(self._compile(node))

    def _term(self, term: Term) -> tantivy.Query | None:
        if term.field in ("date", "amount"):
            low, high = date_bounds(term.text) if term.field == "date" else amount_bounds(term.text)
            return self.range(DOC_DATE if term.field == "date" else AMOUNTS, low, high)
        if term.field == "dept":
            return self.term(DEPARTMENT, term.text.strip()) if term.text.strip() else None
        if term.field == "tag":
            keys = tag_keys([term.text])
            return self.term(TAGS, keys[0]) if keys else None
        text = normalize(term.text).strip()
        if not text:
            return None
        if term.field == "customer":
            return self._text_match(text, term.quoted, ((CUSTOMER_BI, 1.0),), ((CUSTOMER, 1.0),), ())
        if term.field == "type":
            by_name = self._text_match(text, term.quoted, ((DOC_TYPE_BI, 1.0),), (), ())
            exact = self.term(DOC_TYPE, keyword(term.text))
            return exact if by_name is None else self.either([exact, by_name])
        if term.field == "archive":
            compact = code_key(text) or text
            return self.either([self.term(ARCHIVE_CODES, compact), self.term(ARCHIVE_NO, keyword(term.text))])
        match = self._text_match(text, term.quoted, BIGRAM_FIELDS, WORD_FIELDS, CODE_FIELDS)
        meant = None if term.quoted else typed(text)
        if meant is None:
            return match
        # As search.query: a month, an amount or a credit code as typed also finds the form the record holds.
        options = [] if match is None else [match]
        if meant.dates is not None:
            options.append(self.range(DOC_DATE, *meant.dates))
        if meant.fen is not None:
            options.append(self.range(AMOUNTS, meant.fen, meant.fen))
        if meant.code is not None:
            key = code_key(normalize(meant.code)) or meant.code
            options += [self.term(name, key, boost) for name, boost in CODE_FIELDS]
        for form in meant.texts:
            again = self._text_match(normalize(form), False, BIGRAM_FIELDS, (), CODE_FIELDS)
            if again is not None:
                options.append(again)
        return self.either(options)

    def _text_match(
        self,
        text: str,
        quoted: bool,
        bigram_fields: tuple[tuple[str, float], ...],
        word_fields: tuple[tuple[str, float], ...],
        code_fields: tuple[tuple[str, float], ...],
    ) -> tantivy.Query | None:
        key = code_key(text)
        if key and code_fields and is_code(text):
            return self.either([self.term(name, key, boost) for name, boost in code_fields])
        sequence = bigram_query_terms(text)
        options: list[tantivy.Query] = []
        if len(sequence) == 1 and len(sequence[0]) == 1 and has_cjk(sequence[0]):
            options += [self.term(uni(name), sequence[0], boost) for name, boost in bigram_fields]
        elif len(sequence) == 1:
            options += [self.term(name, sequence[0], boost) for name, boost in bigram_fields]
        elif sequence:
            options += [self.sequence(name, sequence, boost) for name, boost in bigram_fields]
        if key:
            options += [self.term(name, key, boost) for name, boost in code_fields]
        words = word_terms(text) if word_fields else []
        if words and not quoted and not has_cjk(text):
            for name, boost in word_fields:
                options.append(
                    tantivy.Query.boolean_query([(Occur.Must, self.term(name, w, boost)) for w in words])
                )
        if not options:
            return None
        match = self.either(options)
        if words and has_cjk(text):
            scoring = [
                self.term(name, w, boost * WORD_SCORE_WEIGHT) for name, boost in word_fields for w in words
            ]
            return tantivy.Query.boolean_query([(Occur.Must, match), (Occur.Should, self.either(scoring))])
        return match

    # -------------------------------------------------------- scope

    def scope(self, scope: Scope) -> tantivy.Query:
        """What the scope lets a reader see (the rule of search.scope, as one query)."""
        options: list[tantivy.Query] = []
        if scope.everywhere:
            options.append(self.any_of(LEVEL, sorted(scope.everywhere)))
        for by_field, name in ((scope.departments, DEPARTMENT), (scope.owners, OWNER)):
            for level, values in sorted(by_field.items()):
                if values:
                    options.append(
                        tantivy.Query.boolean_query(
                            [
                                (Occur.Must, self.term(LEVEL, level)),
                                (Occur.Must, self.any_of(name, sorted(values))),
                            ]
                        )
                    )
        for ids, name in ((scope.documents, ID_FIELD), (scope.customers, CUSTOMER_ID)):
            wanted = sorted(i for i in ids if isinstance(i, int) and i in _ID_RANGE)
            if wanted:
                options.append(self.any_of(name, wanted))
        if not options:
            return tantivy.Query.empty_query()
        return self.either(options)


def _regex_literal(term: str) -> str:
    return "".join(f"\\{c}" if not c.isalnum() else c for c in term)


def tantivy_search(
    index: TantivyIndex,
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
    """search.query.search on the tantivy engine."""
    compiler = _Compiler(index)
    query = compiler.compile(node)
    if filter_ids is not None and not filter_ids:
        return SearchResult(total=0, hits=[])
    clauses: list[tuple[Occur, tantivy.Query]] = [(Occur.Must, query)]
    filters: list[tantivy.Query] = []
    if filter_ids is not None:
        filters.append(compiler.any_of(ID_FIELD, sorted(i for i in filter_ids if i in _ID_RANGE)))
    if scope is not None:
        filters.append(compiler.scope(scope))
    clauses += [(Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
    if exclude_ids:
        clauses.append((Occur.MustNot, compiler.any_of(ID_FIELD, sorted(exclude_ids))))
    final = query if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)
    searcher = index.searcher()
    if sort == "relevance":
        result = searcher.search(final, limit=limit, count=True, offset=offset)
    else:
        field, order = _SORTS[sort]
        result = searcher.search(
            final, limit=limit, count=True, offset=offset, order_by_field=field, order=order
        )
    addresses = [address for _, address in result.hits]
    ids = searcher.fast_field_values(ID_FIELD, addresses) if addresses else []
    hits = [
        Hit(document_id=int(document_id), score=float(key) if sort == "relevance" else 0.0)
        for (key, _), document_id in zip(result.hits, ids, strict=True)
    ]
    counts = _facets(searcher, final) if facets else {}
    return SearchResult(total=int(result.count or 0), hits=hits, facets=counts)


def _facets(searcher: tantivy.Searcher, query: tantivy.Query) -> dict[str, list[FacetCount]]:
    spec = {name: {"terms": {"field": field, "size": 10_000}} for name, field in _FACET_FIELDS.items()}
    answer = searcher.aggregate(query, spec)
    counts: dict[str, list[FacetCount]] = {}
    for name in FACETS:
        buckets = answer.get(name, {}).get("buckets", [])
        tally: dict[str, int] = {}
        for bucket in buckets:
            key = bucket["key"]
            value = str(int(key)) if isinstance(key, int | float) else str(key)
            if value and not (name in ("customer", "year") and value == "0"):
                tally[value] = tally.get(value, 0) + int(bucket["doc_count"])
        counts[name] = facet_list(tally)
    return counts
