"""The tantivy engine: the same analysis as the Whoosh index, fed as pre-analysed whitespace-separated terms.

search.analysis cuts the terms once in Python (normalisation, rjieba words, CJK bigrams, code parts);
tantivy's own `whitespace` tokenizer then only splits on the spaces we put in, in Rust. The bigram
fields hold the exact-sequence stream (search.analysis.bigram_query_terms: one term per position,
which is what the Whoosh bigram field holds minus the unigrams that share a position), and every CJK
character also goes to a `*_uni` field for one-character queries. Nothing of the text is stored.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

import tantivy

from search.analysis import bigram_query_terms, code_tokens, stem, word_tokens
from search.engine import IndexSchemaMismatch, PurgeReport, Refeed
from search.normalize import CJK_CHAR, normalize
from search.parser import Node
from search.results import SearchResult
from search.schema import (
    AMOUNTS,
    ARCHIVE_CODES,
    ARCHIVE_NO,
    CODES,
    CUSTOMER,
    CUSTOMER_BI,
    CUSTOMER_ID,
    DEPARTMENT,
    DOC_DATE,
    DOC_TYPE,
    DOC_TYPE_BI,
    HEAD,
    HEAD_BI,
    ID_FIELD,
    LEVEL,
    OWNER,
    SCHEMA_VERSION,
    TAGS,
    TEXT_BI,
    TEXT_CODES,
    TEXT_WORDS,
    UPDATED_FIELD,
    IndexDoc,
    date_key,
    head_text,
    keyword,
    tag_keys,
)
from search.scope import Scope
from search.tantivy_query import DATE_ASC, DATE_DESC, YEAR, tantivy_search, uni

_VERSION_FILE = "dangan-search.json"
WORD_FIELDS = (HEAD, TEXT_WORDS, CUSTOMER)
BIGRAM_FIELDS = (HEAD_BI, TEXT_BI, CUSTOMER_BI, DOC_TYPE_BI)
CODE_FIELDS = (TEXT_CODES, ARCHIVE_CODES, CODES)
KEYWORD_FIELDS = (DOC_TYPE, ARCHIVE_NO, LEVEL, DEPARTMENT, OWNER, TAGS)
_NO_DATE_ASC = 99_999_999
_NO_ARCHIVE_NO = "\U0010ffff"


def build_schema() -> tantivy.Schema:
    """The tantivy schema: the Whoosh fields, plus one-character fields and sort keys."""
    b = tantivy.SchemaBuilder()
    b.add_integer_field(ID_FIELD, stored=True, indexed=True, fast=True)
    b.add_text_field(UPDATED_FIELD, stored=True, tokenizer_name="raw", index_option="basic")
    for name in WORD_FIELDS + CODE_FIELDS:
        b.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    for name in BIGRAM_FIELDS:
        b.add_text_field(name, tokenizer_name="whitespace", index_option="position")
        b.add_text_field(uni(name), tokenizer_name="whitespace", index_option="freq")
    for name in KEYWORD_FIELDS:
        b.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    for name in (DOC_DATE, CUSTOMER_ID, AMOUNTS, YEAR, DATE_ASC, DATE_DESC):
        b.add_integer_field(name, indexed=True, fast=True)
    return b.build()


def _joined(terms: Iterable[str]) -> str:
    return " ".join(terms)


def _bigram_values(name: str, text: str, values: dict[str, str]) -> None:
    norm = normalize(text)
    values[name] = _joined(bigram_query_terms(norm))
    values[uni(name)] = _joined(CJK_CHAR.findall(norm))


def analysed(doc: IndexDoc) -> dict[str, Any]:
    """The field values of one document for tantivy, analysed exactly as for Whoosh."""
    head = head_text(doc)
    values: dict[str, Any] = {ID_FIELD: doc.document_id, LEVEL: doc.level or ""}
    if doc.updated_at is not None:
        values[UPDATED_FIELD] = doc.updated_at.isoformat()
    text_norm = normalize(doc.text) if doc.text else ""
    head_norm = normalize(head) if head else ""
    if head_norm:
        values[HEAD] = _joined(stem(w) for w, _, _, _ in word_tokens(head_norm))
        values[HEAD_BI] = _joined(bigram_query_terms(head_norm))
        values[uni(HEAD_BI)] = _joined(CJK_CHAR.findall(head_norm))
    if text_norm:
        values[TEXT_WORDS] = _joined(stem(w) for w, _, _, _ in word_tokens(text_norm))
        values[TEXT_BI] = _joined(bigram_query_terms(text_norm))
        values[uni(TEXT_BI)] = _joined(CJK_CHAR.findall(text_norm))
    # Codes in the title count as codes mentioned in the text (as in search.schema.to_fields).
    codes_text = f"{normalize(doc.title)}\n{text_norm}" if doc.title else text_norm
    values[TEXT_CODES] = _joined(t for t, _, _, _ in code_tokens(codes_text))
    if doc.customer and doc.customer.strip():
        cust = normalize(doc.customer)
        values[CUSTOMER] = _joined(stem(w) for w, _, _, _ in word_tokens(cust))
        _bigram_values(CUSTOMER_BI, doc.customer, values)
    if doc.doc_type and doc.doc_type.strip():
        _bigram_values(DOC_TYPE_BI, doc.doc_type, values)
    if doc.archive_no:
        values[ARCHIVE_CODES] = _joined(
            t for t, _, _, _ in code_tokens(normalize(doc.archive_no), whole_lines=True)
        )
    codes = "\n".join(code for code in doc.codes if code)
    if codes.strip():
        values[CODES] = _joined(t for t, _, _, _ in code_tokens(normalize(codes), whole_lines=True))
    for name, value in ((DOC_TYPE, doc.doc_type), (ARCHIVE_NO, doc.archive_no)):
        if value and keyword(value):
            values[name] = keyword(value)
    values.setdefault(ARCHIVE_NO, _NO_ARCHIVE_NO)
    for name, value in ((DEPARTMENT, doc.department), (OWNER, doc.owner)):
        if value is not None:
            values[name] = value
    if doc.doc_date is not None:
        key = date_key(doc.doc_date)
        values[DOC_DATE] = key
        values[YEAR] = doc.doc_date.year
    values[DATE_ASC] = values.get(DOC_DATE, _NO_DATE_ASC)
    values[DATE_DESC] = values.get(DOC_DATE, 0)
    if doc.customer_id is not None:
        values[CUSTOMER_ID] = doc.customer_id
    tags = tag_keys(doc.tags)
    if tags:
        values[TAGS] = tags
    if doc.amounts:
        values[AMOUNTS] = sorted(set(doc.amounts))
    # Level, department and owner keep "" (a value no rule names, but one a scope may list).
    return {n: v for n, v in values.items() if v != "" or n in (LEVEL, DEPARTMENT, OWNER)}


def _document(values: dict[str, Any]) -> tantivy.Document:
    doc = tantivy.Document()
    for name, value in values.items():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, int):
                    doc.add_integer(name, item)
                else:
                    doc.add_text(name, item)
        elif isinstance(value, int):
            doc.add_integer(name, value)
        else:
            doc.add_text(name, value)
    return doc


class TantivyIndex:
    """One tantivy index directory (search.engine.SearchEngine)."""

    engine = "tantivy"

    def __init__(
        self, path: Path | str, *, batch_size: int = 1000, heap_mb: int = 128, lock_timeout: float = 60.0
    ) -> None:
        self.path = Path(path)
        self.batch_size = max(1, batch_size)
        self.heap_mb = heap_mb
        self.lock_timeout = lock_timeout
        self._index: tantivy.Index | None = None
        self._schema: tantivy.Schema | None = None
        self._write_lock = threading.Lock()
        self._meta_stamp: tuple[int, int] | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> TantivyIndex:
        return cls(settings.index_dir, batch_size=settings.index_batch_size)

    # ------------------------------------------------------------ lifecycle

    def open_or_create(self) -> TantivyIndex:
        """Open the index, creating an empty one if the directory holds none."""
        if self._index is not None:
            return self
        self.path.mkdir(parents=True, exist_ok=True)
        self._schema = build_schema()
        if tantivy.Index.exists(str(self.path)):
            if self._stored_version() != SCHEMA_VERSION:
                raise IndexSchemaMismatch(
                    f"search index at {self.path} has another schema version; rebuild it"
                )
            self._index = tantivy.Index(self._schema, path=str(self.path), reuse=True)
        else:
            (self.path / _VERSION_FILE).write_text(
                json.dumps({"schema_version": SCHEMA_VERSION, "engine": self.engine})
            )
            self._index = tantivy.Index(self._schema, path=str(self.path), reuse=False)
        return self

    def recreate(self) -> TantivyIndex:
        """Drop everything in the index directory and start an empty index."""
        with self._write_lock:
            self.close()
            if self.path.exists():
                shutil.rmtree(self.path)
            return self.open_or_create()

    def close(self) -> None:
        self._index = None

    def __enter__(self) -> TantivyIndex:
        return self.open_or_create()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def index(self) -> tantivy.Index:
        if self._index is None:
            raise RuntimeError("TantivyIndex is not open; call open_or_create() first")
        return self._index

    @property
    def schema(self) -> tantivy.Schema:
        assert self._schema is not None
        return self._schema

    # ------------------------------------------------------------ writing

    @contextmanager
    def _writer(self) -> Iterator[Any]:
        """The index's one writer (tantivy's lock file serialises processes); waits up to lock_timeout."""
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                writer = self.index.writer(heap_size=self.heap_mb * 2**20, num_threads=1)
                break
            except ValueError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        try:
            yield writer
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()

    @staticmethod
    def prepare(doc: IndexDoc) -> tuple[int, dict[str, Any]]:
        """A document analysed for this engine, picklable: analysis can run in other processes."""
        return doc.document_id, analysed(doc)

    def add_documents(self, docs: Iterable[IndexDoc], *, fresh: bool = False) -> int:
        """Add or replace documents by id, batch_size per commit; returns how many were written."""
        return self.add_prepared((self.prepare(doc) for doc in docs), fresh=fresh)

    def add_prepared(self, items: Iterable[tuple[int, dict[str, Any]]], *, fresh: bool = False) -> int:
        """Add or replace documents given as (id, analysed values), batch_size per commit."""
        written = 0
        iterator = iter(items)
        with self._write_lock:
            first = list(islice(iterator, self.batch_size))
            if not first:
                return 0
            with self._writer() as writer:
                batch = first
                while batch:
                    latest = dict(batch)
                    for document_id, values in latest.items():
                        if not fresh:
                            writer.delete_documents_by_term(ID_FIELD, document_id)
                        writer.add_document(_document(values))
                    writer.commit()
                    written += len(latest)
                    batch = list(islice(iterator, self.batch_size))
        self.index.reload()
        return written

    def delete_documents(self, ids: Iterable[int], *, merge: bool = True) -> int:
        """Remove documents by id; returns how many index entries were deleted (tantivy merges as it likes)."""
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        present = self.doc_ids() & set(wanted)
        if not present:
            return 0
        with self._write_lock, self._writer() as writer:
            for document_id in present:
                writer.delete_documents_by_term(ID_FIELD, document_id)
            writer.commit()
        self.index.reload()
        return len(present)

    def optimize(self) -> None:
        """Wait for pending merges (tantivy merges segments in the background as it writes)."""
        with self._write_lock, self._writer() as writer:
            writer.commit()
        self.index.reload()

    def purge_deleted(self, *, ids: Iterable[int], refeed: Refeed) -> PurgeReport:
        """Drop every segment that holds deleted entries, then verify from the files.

        tantivy keeps a deleted entry's postings in its segment (masked by a delete file) until a merge, and
        neither merges nor its merge policy can be asked for from Python. What it does do: a commit drops a
        segment none of whose entries is alive, and garbage_collect_files then removes that segment's files.
        So the live entries of each segment with deletions are re-added from the database (refeed) and
        deleted there, all in one commit: the old segments die whole, their files go, and the entries live
        on in a new segment. Only segments with deletions are rewritten.
        """
        wanted = sorted(set(ids))
        with self._write_lock:
            doomed = [m for m in _segment_metas(self.path) if m["deletes"]]
            files = [str(p.name) for m in doomed for p in self.path.glob(f"{_segment_prefix(m)}.*")]
            live = self._live_ids_of({m["segment_id"] for m in doomed}) if doomed else []
            if doomed:
                fresh = {doc.document_id: doc for doc in refeed(live)}
                with self._writer() as writer:
                    for document_id in live:
                        writer.delete_documents_by_term(ID_FIELD, document_id)
                    for doc in fresh.values():
                        writer.add_document(_document(analysed(doc)))
                    writer.commit()
                with self._writer() as writer:
                    writer.garbage_collect_files()
                self.index.reload()
        return self.verify_purged(wanted, rewritten=len(live), gone=files)

    def verify_purged(
        self, ids: Iterable[int], *, rewritten: int = 0, gone: Iterable[str] = ()
    ) -> PurgeReport:
        """Read the files: meta.json lists no segment with deletes, the old segments' files are gone, and no
        id of ids has a posting (its id term's document frequency, deleted entries included, is 0)."""
        wanted = sorted(set(ids))
        metas = _segment_metas(self.path)
        searcher = self.searcher()
        # doc_freq counts an entry until its segment is merged away, deleted or not.
        left = [i for i in wanted if searcher.doc_freq(ID_FIELD, i)]
        return PurgeReport(
            engine=self.engine,
            segments=len(metas),
            deleted_left=sum(int(m["deletes"]["num_deleted_docs"]) for m in metas if m["deletes"]),
            ids_left=left,
            files_left=sorted(name for name in gone if (self.path / name).exists()),
            rewritten=rewritten,
        )

    def _live_ids_of(self, segment_ids: set[str]) -> list[int]:
        """The live ids held in the given segments (by the searcher's segment order, which is meta.json's)."""
        metas = _segment_metas(self.path)
        searcher = self.searcher()
        if searcher.num_segments != len(metas):
            raise RuntimeError("tantivy index changed while purging")
        ordinals = {n for n, m in enumerate(metas) if m["segment_id"] in segment_ids}
        count = searcher.num_docs
        result = searcher.search(tantivy.Query.all_query(), limit=max(count, 1), count=False)
        addresses = [a for _, a in result.hits if a.segment_ord in ordinals]
        alive = sum(
            metas[n]["max_doc"] - (metas[n]["deletes"] or {}).get("num_deleted_docs", 0) for n in ordinals
        )
        if len(addresses) != alive:
            # The orders disagree after all: rewriting every live entry is slower, never wrong.
            addresses = [a for _, a in result.hits]
        return sorted(int(i) for i in searcher.fast_field_values(ID_FIELD, addresses)) if addresses else []

    # ------------------------------------------------------------ reading

    def search(
        self,
        node: Node,
        *,
        limit: int = 20,
        offset: int = 0,
        filter_ids: set[int] | None = None,
        scope: Scope | None = None,
        sort: str = "relevance",
        facets: bool = False,
        exclude_ids: set[int] | None = None,
    ) -> SearchResult:
        """Hits, total and facets of a parsed query (search.tantivy_query)."""

        return tantivy_search(
            self,
            node,
            limit=limit,
            offset=offset,
            filter_ids=filter_ids,
            scope=scope,
            sort=sort,
            facets=facets,
            exclude_ids=exclude_ids,
        )

    def more_like_this(
        self, document_id: int, *, text: str, title: str = "", scope: Scope | None = None, limit: int = 10
    ) -> SearchResult:
        """Documents like document_id within scope (search.similar)."""
        from search.similar import more_like_this

        return more_like_this(self, document_id, text=text, title=title, scope=scope, limit=limit)

    def present(self, ids: Iterable[int]) -> set[int]:
        """Which of ids have a live entry."""
        return self.doc_ids() & set(ids)

    def searcher(self) -> tantivy.Searcher:
        """A searcher on the latest commit, this process's or another's (readers never wait for the writer)."""
        try:
            stat = (self.path / "meta.json").stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_ino)
        except OSError:
            stamp = None
        if stamp != self._meta_stamp:
            # tantivy's own reload on commit watches the file only now and then.
            self.index.reload()
            self._meta_stamp = stamp
        return self.index.searcher()

    def query(self, kind: str, *args: Any, **kwargs: Any) -> tantivy.Query:
        """A tantivy Query built against this index's schema (Query.term_query etc.)."""
        return getattr(tantivy.Query, kind)(self.schema, *args, **kwargs)

    def versions(self) -> dict[int, datetime | None]:
        """Each live document id with the updated_at it was indexed at (to spot stale entries)."""
        searcher = self.searcher()
        count = searcher.num_docs
        if not count:
            return {}
        result = searcher.search(tantivy.Query.all_query(), limit=count, count=False)
        found: dict[int, datetime | None] = {}
        for _, address in result.hits:
            stored = searcher.doc(address)
            stamp = stored.get_first(UPDATED_FIELD)
            found[stored.get_first(ID_FIELD)] = datetime.fromisoformat(stamp) if stamp else None
        return found

    def doc_ids(self) -> set[int]:
        """Ids of every live document in the index."""
        searcher = self.searcher()
        count = searcher.num_docs
        if not count:
            return set()
        result = searcher.search(tantivy.Query.all_query(), limit=count, count=False)
        addresses = [address for _, address in result.hits]
        return set(searcher.fast_field_values(ID_FIELD, addresses))

    def doc_count(self) -> int:
        return self.searcher().num_docs

    def doc_frequency(self, field: str, term: str) -> int:
        return self.searcher().doc_freq(field, term)

    def _stored_version(self) -> int | None:
        try:
            return int(json.loads((self.path / _VERSION_FILE).read_text())["schema_version"])
        except (OSError, ValueError, KeyError, TypeError):
            return None


def _segment_metas(path: Path) -> list[dict[str, Any]]:
    """The segments of the last commit as meta.json lists them (id, max_doc, deletes)."""
    return list(json.loads((path / "meta.json").read_text())["segments"])


def _segment_prefix(meta: dict[str, Any]) -> str:
    """A segment's file name stem: its uuid without dashes."""
    return str(meta["segment_id"]).replace("-", "")
