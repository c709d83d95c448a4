"""The Whoosh engine (search.engine.SearchEngine): open or create, batched writes, deletes, searches, purges.

Searching is search.query's (the parsed tree compiled to Whoosh, evaluated by search.whoosh_arrays); this
module owns the directory, the one writer and the segment files, and so also the purge that rewrites the
segments holding a destroyed record's entry and then reads them to prove nothing of it is left.
"""

from __future__ import annotations

import json
import math
import pickle
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from search.engine import IndexSchemaMismatch, PurgeReport, Refeed
from search.fields import _DirectField
from search.parser import Node
from search.results import SearchResult
from search.schema import ID_FIELD, SCHEMA_VERSION, UPDATED_FIELD, IndexDoc, build_schema, to_fields
from search.scope import Scope

_VERSION_FILE = "dangan-search.json"
# Segments are merged in tiers of this many (log-structured): each document is rewritten
# about log10(N / batch) times, and a 100k index keeps a few dozen segments at most.
MERGE_FACTOR = 10
# A segment with this share of deleted documents is rewritten to drop them.
MAX_DELETED_SHARE = 0.3
# Merges never build segments above this size: a Whoosh merge rewrites every posting in
# Python (~10 ms a document) while holding the write lock.
MAX_MERGE_DOCS = 50_000


def tiered_merge(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: merge the smallest tier that has MERGE_FACTOR segments, and dead weight."""
    from whoosh.reading import SegmentReader

    tiers: dict[int, list[Any]] = {}
    doomed = []
    for segment in segments:
        live, every = segment.doc_count(), segment.doc_count_all()
        if every and (every - live) / every >= MAX_DELETED_SHARE:
            doomed.append(segment)
        else:
            tiers.setdefault(int(math.log10(max(live, 1))), []).append(segment)
    full = [
        tier
        for tier, members in tiers.items()
        if len(members) >= MERGE_FACTOR and sum(s.doc_count() for s in members) <= MAX_MERGE_DOCS
    ]
    merging = doomed + (tiers[min(full)] if full else [])
    for segment in merging:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    merged = {id(segment) for segment in merging}
    return [segment for segment in segments if id(segment) not in merged]


@lru_cache(maxsize=1)
def _schema() -> Any:
    return build_schema()


def _parse_stamp(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class WhooshIndex:
    """One Whoosh index directory with a single writer; searchers are cached per thread."""

    engine = "whoosh"

    def __init__(
        self,
        path: Path | str,
        *,
        batch_size: int = 200,
        limitmb: int = 128,
        lock_timeout: float = 60.0,
    ) -> None:
        self.path = Path(path)
        self.batch_size = max(1, batch_size)
        self.limitmb = limitmb
        self.lock_timeout = lock_timeout
        self._ix: FileIndex | None = None
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._searchers: list[Searcher] = []
        self._searchers_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Any) -> WhooshIndex:
        """The index configured by core.settings.Settings (index_dir, index_batch_size)."""
        return cls(settings.index_dir, batch_size=settings.index_batch_size)

    # ------------------------------------------------------------ lifecycle

    def open_or_create(self) -> WhooshIndex:
        """Open the index, creating an empty one if the directory holds none."""
        if self._ix is not None:
            return self
        self.path.mkdir(parents=True, exist_ok=True)
        if not whoosh_index.exists_in(str(self.path)):
            self._write_version()  # first: an index without its marker would look foreign
            self._ix = _storage(self.path).create_index(build_schema())
            return self
        if self._stored_version() != SCHEMA_VERSION:
            raise IndexSchemaMismatch(f"search index at {self.path} has another schema version; rebuild it")
        try:
            self._ix = _storage(self.path).open_index()
        except (pickle.UnpicklingError, AttributeError, ImportError) as exc:
            # The schema is pickled with our analyzer classes; renamed classes cannot load.
            raise IndexSchemaMismatch(f"search index at {self.path} cannot be loaded: {exc}") from exc
        return self

    def recreate(self) -> WhooshIndex:
        """Drop everything in the index directory and start an empty index (for rebuilds)."""
        with self._write_lock:
            self.close()
            if self.path.exists():
                shutil.rmtree(self.path)
            return self.open_or_create()

    def close(self) -> None:
        """Close cached searchers and the index."""
        with self._searchers_lock:
            for searcher in self._searchers:
                searcher.close()
            self._searchers.clear()
        self._local = threading.local()
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    def __enter__(self) -> WhooshIndex:
        return self.open_or_create()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def ix(self) -> FileIndex:
        """The open Whoosh index."""
        if self._ix is None:
            raise RuntimeError("WhooshIndex is not open; call open_or_create() first")
        return self._ix

    # ------------------------------------------------------------ writing

    @staticmethod
    def prepare(doc: IndexDoc) -> tuple[int, dict[str, Any]]:
        """A document analysed for this engine, picklable: analysis can run in other processes."""
        fields = to_fields(doc)
        schema = _schema()
        for name, value in fields.items():
            field = schema[name]
            if isinstance(field, _DirectField) and isinstance(value, str):
                fields[name] = field.analyse(value)
        return doc.document_id, fields

    def add_documents(self, docs: Iterable[IndexDoc], *, fresh: bool = False) -> int:
        """Add or replace documents by id, batch_size per commit; returns how many were written.

        fresh: none of the ids is in the index yet (a rebuild's new directory), so nothing is looked up.
        """
        return self.add_prepared(((doc.document_id, to_fields(doc)) for doc in docs), fresh=fresh)

    def add_prepared(self, items: Iterable[tuple[int, dict[str, Any]]], *, fresh: bool = False) -> int:
        """Add or replace documents given as (id, fields) (to_fields or prepare), batch_size per commit."""
        written = 0
        iterator = iter(items)
        with self._write_lock:
            while batch := list(islice(iterator, self.batch_size)):
                # update_document only replaces committed documents: keep the last of any
                # duplicates within one batch so a batch never indexes an id twice.
                latest = dict(batch)
                with self._writer() as writer:
                    # Replace only what is there: update_document runs a delete query per document,
                    # which cost 2.4 GB of RSS and half the time of a 100k rebuild into an empty index.
                    # An open searcher over every segment also keeps ~1 GB alive through a 100k build.
                    searcher = None if fresh else writer.searcher()
                    for document_id in latest if searcher is not None else ():
                        if searcher.doc_frequency(ID_FIELD, document_id):
                            writer.delete_by_term(ID_FIELD, document_id, searcher=searcher)
                    for fields in latest.values():
                        writer.add_document(**fields)
                written += len(latest)
        return written

    def delete_documents(self, ids: Iterable[int], *, merge: bool = True) -> int:
        """Remove documents by id; returns how many index entries were deleted.

        merge=False commits without merging: a destruction batch deletes chunk by chunk, and a merge per
        chunk would rewrite the same segments again and again; purge_deleted rewrites them once at the end.
        """
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        deleted = 0
        with self._write_lock, self._writer(merge=merge) as writer:
            for document_id in wanted:
                deleted += writer.delete_by_term(ID_FIELD, document_id)
        return deleted

    def optimize(self) -> None:
        """Merge all segments into one (after a rebuild; queries get faster)."""
        with self._write_lock:
            writer = self._new_writer()
            writer.commit(optimize=True)

    def purge_deleted(self, *, ids: Iterable[int], refeed: Refeed) -> PurgeReport:
        """Rewrite every segment with deleted entries (their live entries only), then verify from the files.

        Whoosh copies the live entries' postings and stored fields itself, so refeed is not needed.
        """
        wanted = sorted(set(ids))
        with self._write_lock:
            writer = self._new_writer()
            doomed = [segment for segment in writer.segments if segment.has_deletions()]
            files = [name for segment in doomed for name in segment.list_files(writer.storage)]
            rewritten = sum(segment.doc_count() for segment in doomed)
            writer.commit(mergetype=_rewrite_deleted)
        return self.verify_purged(wanted, rewritten=rewritten, gone=files)

    def verify_purged(
        self, ids: Iterable[int], *, rewritten: int = 0, gone: Iterable[str] = ()
    ) -> PurgeReport:
        """Read every segment of the latest commit: no deleted entry, and no id term or stored id of ids.

        The index is opened afresh from its files (not through a cached searcher) and each segment is read
        on its own: its deletion count, the id field's term dictionary (a posting list per id), and every
        stored-fields record by number, deleted ones too (reading through the index would skip those).
        """
        wanted = set(ids)
        storage = _storage(self.path)
        ix = storage.open_index()
        deleted_left, found = 0, set()
        try:
            with ix.reader() as reader:
                # An index with no segment left (its last entry purged) reads as one empty leaf.
                leaves = [leaf for leaf, _ in reader.leaf_readers() if leaf.segment() is not None]
                for leaf in leaves:
                    deleted_left += leaf.segment().deleted_count()
                    found.update(i for i in wanted if (ID_FIELD, i) in leaf)
                    stored = (leaf.stored_fields(n).get(ID_FIELD) for n in range(leaf.doc_count_all()))
                    found.update(i for i in stored if i in wanted)
        finally:
            ix.close()
        return PurgeReport(
            engine=self.engine,
            segments=len(leaves),
            deleted_left=deleted_left,
            ids_left=sorted(found),
            files_left=sorted(name for name in gone if storage.file_exists(name)),
            rewritten=rewritten,
        )

    @contextmanager
    def _writer(self, *, merge: bool = True) -> Iterator[SegmentWriter]:
        writer = self._new_writer()
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        if merge:
            writer.commit(mergetype=tiered_merge)
        else:
            writer.commit(merge=False)

    def _new_writer(self) -> SegmentWriter:
        # procs=1: one process writes; the WRITELOCK file serialises writers across processes.
        # limitmb bounds the posting pool (by a size estimate that Python's real use doubles); above
        # it Whoosh spills postings to temp files. 128 rather than 512: a 22k-document build of
        # 2,000-document commits peaked at 735 MB instead of 1,091 MB, for 6% more CPU time.
        return self.ix.writer(procs=1, limitmb=self.limitmb, timeout=self.lock_timeout)

    # ------------------------------------------------------------ reading

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A BM25F searcher on the latest commit; cached per thread, reopened when stale."""
        cached: Searcher | None = getattr(self._local, "searcher", None)
        if cached is not None and not cached.up_to_date():
            # Not Searcher.refresh(): whoosh-reloaded 2.7.5 reuses segment readers with
            # their old deletion sets there, so replaced documents show up twice.
            with self._searchers_lock:
                self._searchers.remove(cached)
            cached.close()
            cached = None
        if cached is None:
            cached = self.ix.searcher(weighting=BM25F())
            with self._searchers_lock:
                self._searchers.append(cached)
            self._local.searcher = cached
        yield cached

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
        """Hits, total and facets of a parsed query (search.query.whoosh_search)."""
        from search.query import whoosh_search

        return whoosh_search(
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
        with self.searcher() as searcher:
            return {i for i in set(ids) if searcher.document_number(**{ID_FIELD: i}) is not None}

    def doc_ids(self) -> set[int]:
        """Ids of every live document in the index (for consistency checks)."""
        return set(self.versions())

    def versions(self) -> dict[int, datetime | None]:
        """Each live document id with the updated_at it was indexed at (to spot stale entries)."""
        with self.searcher() as searcher:
            return {
                fields[ID_FIELD]: _parse_stamp(fields.get(UPDATED_FIELD))
                for fields in searcher.reader().all_stored_fields()
            }

    def doc_count(self) -> int:
        """Number of live documents."""
        with self.searcher() as searcher:
            return searcher.doc_count()

    def doc_frequency(self, field: str, term: str) -> int:
        """How many documents hold term in field (deleted ones may still count until a merge)."""
        with self.searcher() as searcher:
            return searcher.doc_frequency(field, term)

    # ------------------------------------------------------------ version marker

    def _stored_version(self) -> int | None:
        try:
            return int(json.loads((self.path / _VERSION_FILE).read_text())["schema_version"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_version(self) -> None:
        (self.path / _VERSION_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION}))


def _rewrite_deleted(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: rewrite every segment with deleted entries (their live entries only)."""
    from whoosh.reading import SegmentReader

    keep = []
    for segment in segments:
        if segment.has_deletions():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            keep.append(segment)
    return keep


def _storage(path: Path) -> FileStorage:
    """The index directory, read through file handles rather than mmap.

    With mmap, whoosh-reloaded wraps each compound segment's parts in a BytesIO, which copies the whole
    index into every searcher's memory: 1.7 GB of RSS and 0.7 s to open a 100k-document index (378 MB on
    disk), per thread that searches. Through file handles: 44 MB and 0.2 s.
    """
    return FileStorage(str(path), supports_mmap=False)
