"""The user query language, parsed into a small engine-neutral tree.

    借款合同 鸿达            both words (AND is the default)
    借款 OR 担保            either;  AND / OR / NOT are operators only in upper case
    -草稿   NOT 草稿         without
    "借款合同"  「借款合同」   an exact phrase
    customer:鸿达  type:借款合同  archive:A001-KH·2025   field filters (also 客户: 类型: 档号:)
    tag:续贷  dept:信贷部                               tags and the customer file's department (标签: 部门:)
    date:2023-01..2023-06  amount:1000..5000         document date and amount (yuan) ranges (日期: 签订日期: 金额:)
    (借款 OR 担保) -草稿     grouping

Malformed input raises BadQuery; nothing else escapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import BadQuery

MAX_QUERY_CHARS = 1000
MAX_TERMS = 64
MAX_DEPTH = 32  # nesting of brackets, NOT and field prefixes

# Field names users type, mapped to the canonical filter name.
FIELD_ALIASES = {
    "customer": "customer",
    "客户": "customer",
    "type": "type",
    "类型": "type",
    "archive": "archive",
    "档号": "archive",
    "tag": "tag",
    "标签": "tag",
    "dept": "dept",
    "部门": "dept",
    "date": "date",
    "日期": "date",
    "签订日期": "date",
    "amount": "amount",
    "金额": "amount",
}
# Filters that restrict documents but are no text to mark in a snippet.
UNMARKED_FIELDS = frozenset({"tag", "dept", "date", "amount"})

# Full-width and typographic forms of the characters that carry query structure.
_STRUCTURE = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "：": ":",
        "＋": "+",
        "－": "-",
        "\u3000": " ",
        **dict.fromkeys("＂“”„‟〝〞「」『』", '"'),
    }
)
_FIELD_PREFIX = re.compile(r"([^\W\d_][\w]*):(.*)", re.DOTALL)
_OPERATORS = {"AND", "OR", "NOT"}
_BREAK = set('()"')


@dataclass(frozen=True)
class Term:
    """A word or quoted phrase, optionally restricted to one filter field."""

    text: str
    quoted: bool = False
    field: str | None = None


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Term | And | Or | Not


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "FIELD", "WORD", "PHRASE"
    value: str
    at: int


def _bad(fragment: str, at: int) -> BadQuery:
    return BadQuery("search.bad_query", detail=f"«{fragment[:40]}» @ {at}")


def _lex(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, char, i))
            i += 1
        elif char == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise _bad(query[i:], i)
            tokens.append(_Token("PHRASE", query[i + 1 : end], i))
            i = end + 1
        elif char in "+-":
            # "-word" negates, "+word" is the default; a stray sign between spaces is ignored.
            if char == "-" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] not in "+-)":
                tokens.append(_Token("NOT", char, i))
            i += 1
        else:
            end = i
            while end < n and not query[end].isspace() and query[end] not in _BREAK:
                end += 1
            tokens.extend(_word_tokens(query[i:end], i))
            i = end
    return tokens


def _word_tokens(word: str, at: int) -> list[_Token]:
    if word in _OPERATORS:
        return [_Token(word, word, at)]
    match = _FIELD_PREFIX.fullmatch(word)
    if match and match.group(1).lower() in FIELD_ALIASES:
        field = _Token("FIELD", FIELD_ALIASES[match.group(1).lower()], at)
        rest = match.group(2)
        return [field, _Token("WORD", rest, at + len(match.group(1)) + 1)] if rest else [field]
    return [_Token("WORD", word, at)]


class _Parser:
    def __init__(self, tokens: list[_Token], query: str) -> None:
        self.tokens = tokens
        self.query = query
        self.i = 0
        self.depth = 0
        self.terms = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def error(self, token: _Token | None) -> BadQuery:
        if token is None:
            return _bad(self.query[-10:], len(self.query))
        return _bad(token.value or token.kind, token.at)

    def parse(self) -> Node:
        node = self.parse_or()
        if self.peek() is not None:
            raise self.error(self.peek())
        return node

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.i += 1
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node:
        items: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in (")", "OR"):
            if token.kind == "AND":
                if not items:
                    raise self.error(token)
                self.i += 1
                following = self.peek()
                if following is None or following.kind in (")", "OR", "AND"):
                    raise self.error(token)
            items.append(self.parse_unary())
        if not items:
            raise self.error(self.peek())
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise self.error(None)
        if token.kind in ("NOT", "FIELD", "("):
            self.i += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(token)
            node = self.parse_nested(token)
            self.depth -= 1
            return node
        if token.kind in ("WORD", "PHRASE"):
            self.i += 1
            self.terms += 1
            if self.terms > MAX_TERMS:
                raise self.error(token)
            return Term(token.value, quoted=token.kind == "PHRASE")
        raise self.error(token)

    def parse_nested(self, token: _Token) -> Node:
        if token.kind == "NOT":
            return Not(self.parse_operand(token))
        if token.kind == "FIELD":
            return _with_field(self.parse_operand(token), token.value)
        node = self.parse_or()
        closing = self.peek()
        if closing is None or closing.kind != ")":
            raise self.error(token)
        self.i += 1
        return node

    def parse_operand(self, operator: _Token) -> Node:
        following = self.peek()
        if following is None or following.kind in (")", "OR", "AND"):
            raise self.error(operator)
        return self.parse_unary()


def _with_field(node: Node, field: str) -> Node:
    """Restrict every unrestricted term under node to field."""
    if isinstance(node, Term):
        return node if node.field else Term(node.text, node.quoted, field)
    if isinstance(node, Not):
        return Not(_with_field(node.item, field))
    return type(node)(tuple(_with_field(item, field) for item in node.items))


def parse(query: str) -> Node:
    """Parse a user query into a tree; raises BadQuery when it is malformed or empty."""
    if len(query) > MAX_QUERY_CHARS:
        raise _bad(query[MAX_QUERY_CHARS - 10 : MAX_QUERY_CHARS], MAX_QUERY_CHARS)
    text = query.translate(_STRUCTURE)
    tokens = _lex(text)
    if not tokens:
        raise BadQuery("search.empty_query")
    return _Parser(tokens, text).parse()


def positive_terms(node: Node) -> list[Term]:
    """Terms the query looks for (not those under NOT), in query order: what snippets mark."""
    if isinstance(node, Term):
        return [] if node.field in UNMARKED_FIELDS else [node]
    if isinstance(node, Not):
        return []
    return [term for item in node.items for term in positive_terms(item)]
