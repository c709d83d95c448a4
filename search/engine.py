"""The one seam between Dangan and a search engine: what every engine does, whatever it is built on.

Two engines implement it: search.whoosh_index.WhooshIndex (the default) and search.tantivy_index.TantivyIndex;
search.live.LiveIndex implements it by handing each call to whichever of them the live pointer names.
Code outside search/ holds a SearchEngine and calls these methods; it never asks which engine it has
(`engine` is a name for reports and the rebuild, not something to branch on) and never touches a Whoosh or
tantivy object. Like search.scope.Scope, it is a Protocol rather than a base class: the engines share no
code through it, and a test double or a future engine (a search service) needs only these methods.

A query reaches an engine already parsed (search.parser.parse): the caller parses once and uses the same
tree for the snippets of the hits (search.highlight).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from search.parser import Node
from search.results import SearchResult
from search.schema import IndexDoc
from search.scope import Scope

# The index entries of the given ids as the database holds them now (search.feed.entries, bound to a session);
# an engine that cannot rewrite a segment from its own files re-adds the live entries it had to drop.
Refeed = Callable[[Sequence[int]], Sequence[IndexDoc]]


class IndexSchemaMismatch(RuntimeError):
    """The index on disk was built with another schema or analysis; it must be rebuilt."""


@dataclass(frozen=True)
class PurgeReport:
    """What purge_deleted verified by reading the index files after rewriting them.

    deleted_left: deleted entries the segments still hold (a Whoosh deletion set, a tantivy delete file).
    ids_left: the purged ids that still have a term (posting list) or a stored id in any segment.
    files_left: segment files of the rewritten segments that are still on disk.
    """

    engine: str
    segments: int
    deleted_left: int
    ids_left: list[int] = field(default_factory=list)
    files_left: list[str] = field(default_factory=list)
    rewritten: int = 0  # live entries rewritten (Whoosh: copied; tantivy: re-added from the database)

    @property
    def clean(self) -> bool:
        """Nothing of the purged entries is left in the index files."""
        return not (self.deleted_left or self.ids_left or self.files_left)

    def as_check(self) -> dict[str, Any]:
        """The report as one verification check (retention.verify's shape)."""
        return {
            "check": "index_files_purged",
            "engine": self.engine,
            "ok": self.clean,
            "segments": self.segments,
            "deleted_left": self.deleted_left,
            "ids_left": self.ids_left[:20],
            "files_left": self.files_left[:20],
        }


@runtime_checkable
class SearchEngine(Protocol):
    """An index directory of one engine: writing, searching, purging and checking (see the module docstring)."""

    engine: str
    path: Path

    # ---------------------------------------------------------------- lifecycle
    def open_or_create(self) -> SearchEngine:
        """Open the index, creating an empty one if there is none."""
        ...

    def recreate(self) -> SearchEngine:
        """Drop everything and start an empty index."""
        ...

    def close(self) -> None:
        """Release files and cached readers."""
        ...

    # ---------------------------------------------------------------- writing
    def prepare(self, doc: IndexDoc) -> tuple[int, dict[str, Any]]:
        """A document analysed for this engine, picklable (rebuilds analyse in worker processes)."""
        ...

    def add_documents(self, docs: Iterable[IndexDoc], *, fresh: bool = False) -> int:
        """Add or replace documents by id; fresh: none of them is in the index yet."""
        ...

    def add_prepared(self, items: Iterable[tuple[int, dict[str, Any]]], *, fresh: bool = False) -> int:
        """Add or replace documents given as prepare() made them."""
        ...

    def delete_documents(self, ids: Iterable[int], *, merge: bool = True) -> int:
        """Remove entries by id; merge=False leaves segments alone (purge_deleted rewrites them once, later)."""
        ...

    def optimize(self) -> None:
        """Merge segments after a rebuild (queries get faster)."""
        ...

    def purge_deleted(self, *, ids: Iterable[int], refeed: Refeed) -> PurgeReport:
        """Rewrite every segment holding deleted entries so no term, stored field or posting of them is left
        in the index files, then read the files to verify it for ids (the destroyed records)."""
        ...

    # ---------------------------------------------------------------- searching
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
        """Hits, total and facets of a parsed query, restricted to filter_ids and scope when given."""
        ...

    def more_like_this(
        self, document_id: int, *, text: str, title: str = "", scope: Scope | None = None, limit: int = 10
    ) -> SearchResult:
        """Documents like document_id (whose text and title the caller gives), itself excluded, within scope."""
        ...

    # ---------------------------------------------------------------- checking
    def versions(self) -> dict[int, datetime | None]:
        """Each live document id with the stamp it was indexed at."""
        ...

    def doc_ids(self) -> set[int]:
        """Ids of every live document."""
        ...

    def present(self, ids: Iterable[int]) -> set[int]:
        """Which of ids have a live entry."""
        ...

    def doc_count(self) -> int:
        """Number of live documents."""
        ...

    def doc_frequency(self, field: str, term: str) -> int:
        """How many documents hold term in field (deleted ones may count until a merge)."""
        ...
