"""The index schema and the document shape handed to it.

Only what ranking and filtering need is indexed; nothing but the id and its version is
stored, and no term vectors are kept: snippets are cut from the database text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, Schema

from search.fields import BigramField, CodeField, WordField
from search.normalize import normalize

# Bump when fields or analysis change in a way that needs a rebuild of existing indexes.
# 2: level, department and owner are stored exactly (they filter what a reader may see).
# 3: tags and amounts (field filters), customer department as a filter.
SCHEMA_VERSION = 3

ID_FIELD = "id"
UPDATED_FIELD = "updated_at"
# "head" is title, customer and document type together: one short field that ranks high,
# so a plain word costs two posting lists (head, text) instead of four.
HEAD, HEAD_BI = "head", "head_bi"
TEXT_WORDS, TEXT_BI, TEXT_CODES = "text", "text_bi", "text_codes"
CUSTOMER, CUSTOMER_BI = "customer", "customer_bi"
DOC_TYPE, DOC_TYPE_BI = "doc_type", "doc_type_bi"
ARCHIVE_NO, ARCHIVE_CODES = "archive_no", "archive"
CODES = "codes"
DOC_DATE = "doc_date"
LEVEL, DEPARTMENT, OWNER, CUSTOMER_ID = "level", "department", "owner", "customer_id"
TAGS, AMOUNTS = "tags", "amounts"


@dataclass
class IndexDoc:
    """One document as the index sees it (built by the job that joins records and search)."""

    document_id: int
    title: str = ""
    text: str = ""
    customer: str = ""
    aliases: list[str] = field(default_factory=list)  # the customer file's short names (issue 18)
    doc_type: str = ""
    archive_no: str = ""
    codes: list[str] = field(default_factory=list)
    doc_date: date | None = None
    level: str = ""
    department: str | None = None
    owner: str | None = None
    customer_id: int | None = None
    updated_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    amounts: list[int] = field(default_factory=list)  # fen


def build_schema() -> Schema:
    """The Whoosh schema: word, bigram and code fields per text, keywords for filters."""
    # Only the bigram fields carry positions (for phrases); word and code fields keep
    # frequencies. Keyword fields are sortable columns for facets and filters. Level,
    # department, owner and customer id are what search.scope filters readers by.
    return Schema(
        **{
            ID_FIELD: NUMERIC(int, bits=64, signed=False, unique=True, stored=True, shift_step=0),
            UPDATED_FIELD: STORED(),
            HEAD: WordField(),
            HEAD_BI: BigramField(),
            TEXT_WORDS: WordField(),
            TEXT_BI: BigramField(),
            TEXT_CODES: CodeField(),
            CUSTOMER: WordField(),
            CUSTOMER_BI: BigramField(),
            DOC_TYPE: ID(sortable=True),
            DOC_TYPE_BI: BigramField(),
            ARCHIVE_NO: ID(sortable=True),
            ARCHIVE_CODES: CodeField(whole_lines=True),
            CODES: CodeField(whole_lines=True),
            DOC_DATE: NUMERIC(int, bits=32, sortable=True),
            LEVEL: ID(sortable=True),
            DEPARTMENT: ID(sortable=True),
            OWNER: ID(),
            CUSTOMER_ID: NUMERIC(int, bits=64, sortable=True, shift_step=0),
            TAGS: KEYWORD(commas=True, lowercase=False),
            AMOUNTS: NUMERIC(int, bits=64, signed=True),
        }
    )


def keyword(value: str) -> str:
    """How keyword fields (type, archive number, level...) are stored and looked up."""
    return normalize(value).strip()


def date_key(value: date) -> int:
    """A date as the yyyymmdd integer stored in date fields."""
    return value.year * 10000 + value.month * 100 + value.day


def head_text(doc: IndexDoc) -> str:
    """Title, customer, its aliases and document type as one field: a short name typed (明远) ranks the
    customer's records above those that merely hold the characters in their text."""
    # "|" keeps bigrams and phrases from running from one part of the head into the next.
    parts = (doc.title, doc.customer, *doc.aliases, doc.doc_type)
    return " | ".join(part for part in parts if part and part.strip())


def to_fields(doc: IndexDoc) -> dict[str, object]:
    """The Whoosh field values for one document; empty values are left out."""
    values: dict[str, object] = {ID_FIELD: doc.document_id}
    if doc.updated_at is not None:
        values[UPDATED_FIELD] = doc.updated_at.isoformat()
    head = head_text(doc)
    texts = {
        HEAD: head,
        HEAD_BI: head,
        TEXT_WORDS: doc.text,
        TEXT_BI: doc.text,
        # Codes in the title count as codes mentioned in the text.
        TEXT_CODES: f"{doc.title}\n{doc.text}" if doc.title else doc.text,
        CUSTOMER: doc.customer,
        CUSTOMER_BI: doc.customer,
        DOC_TYPE_BI: doc.doc_type,
        ARCHIVE_CODES: doc.archive_no,
        CODES: "\n".join(code for code in doc.codes if code),
    }
    values.update({name: text for name, text in texts.items() if text and text.strip()})
    keywords = {DOC_TYPE: doc.doc_type, ARCHIVE_NO: doc.archive_no}
    values.update({name: keyword(v) for name, v in keywords.items() if v and keyword(v)})
    # Access fields hold the database value unchanged: the permission filter must match exactly what
    # access.policy compares, and folding would merge "Sales" with "sales" or 銷售 with 销售.
    # Every entry has a level ("" when unknown, which no rule names): search.scope lists the unreadable
    # documents by level, and an entry without one would escape that list.
    values[LEVEL] = doc.level or ""
    access = {DEPARTMENT: doc.department, OWNER: doc.owner}
    values.update({name: v for name, v in access.items() if v is not None})
    if doc.doc_date is not None:
        values[DOC_DATE] = date_key(doc.doc_date)
    if doc.customer_id is not None:
        values[CUSTOMER_ID] = doc.customer_id
    tags = tag_keys(doc.tags)
    if tags:
        values[TAGS] = ",".join(tags)
    if doc.amounts:
        values[AMOUNTS] = sorted(set(doc.amounts))
    return values


def tag_keys(tags: list[str]) -> list[str]:
    """Tags as they are indexed and looked up: folded, without commas, each once."""
    keys = (keyword(tag).replace(",", " ") for tag in tags)
    return sorted({key for key in keys if key})


# Where a plain word is looked for, and how much a match there counts (the same for both engines).
BIGRAM_FIELDS = ((HEAD_BI, 3.0), (TEXT_BI, 1.0))
WORD_FIELDS = ((HEAD, 3.0), (TEXT_WORDS, 1.0))
CODE_FIELDS = ((CODES, 4.0), (ARCHIVE_CODES, 4.0), (TEXT_CODES, 1.0))
# jieba terms refine the ranking of CJK matches but never decide what matches.
WORD_SCORE_WEIGHT = 0.5
