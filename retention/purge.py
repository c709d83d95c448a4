"""Removing destroyed records from the search index, and then from its files (DSP-4).

Deleting an index entry only marks it deleted: its terms, postings and stored fields stay in the engine's
segment files until those are rewritten. A batch deletes its entries chunk by chunk without merging (a
merge per chunk would rewrite the same segments again and again) and, when the batch ends, has the engine
rewrite every segment holding deleted entries once and read its files to prove nothing of the destroyed
records is left (search.SearchEngine.purge_deleted). How each engine does it is search's business.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session, sessionmaker

from search import IndexDoc, PurgeReport, SearchEngine, entries


def delete_entries(index: SearchEngine, ids: Iterable[int]) -> int:
    """Delete the records' entries in one commit, without merging; how many were deleted."""
    return index.delete_documents(ids, merge=False)


def present(index: SearchEngine, ids: list[int]) -> set[int]:
    """Which of the records still have an index entry."""
    return index.present(ids)


def purge_deleted(factory: sessionmaker[Session], index: SearchEngine, ids: Iterable[int]) -> PurgeReport:
    """Rewrite the segments holding deleted entries and verify, from the files, that none of ids is left.

    An engine that cannot copy a segment's live entries itself re-adds them from the database (the feed).
    """

    def refeed(live: Sequence[int]) -> list[IndexDoc]:
        with factory() as session:
            return entries(session, live)

    return index.purge_deleted(ids=ids, refeed=refeed)
