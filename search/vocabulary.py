"""The segmenter's user dictionary: customer names and document-type names, from the database.

Loaded once per process and taught again only when customers or document types change: a fingerprint of
both tables (the customers' count, highest id and latest change, the types' codes and names) is read at most
every REFRESH_SECONDS, and a search in between does no database work for it. New words are added to the
segmenter; none is ever taken out (a renamed customer's old name only ranks, it never hides a document:
matching is by bigrams and codes, segmentation only adds to the score).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from records.models import Customer, DocumentType
from search.analysis import add_user_words

REFRESH_SECONDS = 5.0

Fingerprint = tuple[object, ...]


class Vocabulary:
    """What this process has taught the segmenter, and when it last looked at the tables."""

    def __init__(
        self, *, refresh_seconds: float = REFRESH_SECONDS, clock: Callable[[], float] = time.monotonic
    ):
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._fingerprint: Fingerprint | None = None
        self._checked_at: float | None = None

    def ensure(self, session: Session) -> int:
        """Teach the segmenter the names if the tables changed since it was taught; how many words were new.

        Looks at the tables at most every refresh_seconds; in between it returns 0 at once.
        """
        now = self.clock()
        if self._checked_at is not None and now - self._checked_at < self.refresh_seconds:
            return 0
        with self._lock:
            if self._checked_at is not None and now - self._checked_at < self.refresh_seconds:
                return 0
            fingerprint = _fingerprint(session)
            added = 0
            if fingerprint != self._fingerprint:
                added = add_user_words(_names(session))
                self._fingerprint = fingerprint
            self._checked_at = now
            return added

    def refresh(self) -> None:
        """Look at the tables on the next ensure (a workflow that adds a customer or a type calls this)."""
        self._checked_at = None


def _fingerprint(session: Session) -> Fingerprint:
    customers = session.execute(
        select(func.count(), func.max(Customer.id), func.max(Customer.updated_at))
    ).one()
    # Types are a few dozen rows: their names are the fingerprint (a renamed type has no change time).
    types = tuple(
        session.execute(select(DocumentType.code, DocumentType.name_zh).order_by(DocumentType.code))
    )
    return (*customers, types)


def _names(session: Session) -> list[str]:
    names = list(session.scalars(select(Customer.name)))
    names += [n for row in session.execute(select(DocumentType.name_zh, DocumentType.code)) for n in row if n]
    return names


VOCABULARY = Vocabulary()


def ensure_vocabulary(session: Session) -> int:
    """The process's vocabulary, taught again when the tables changed (see the module docstring)."""
    return VOCABULARY.ensure(session)


def refresh_vocabulary() -> None:
    """Have the next search or indexing look at the customer and type tables again."""
    VOCABULARY.refresh()
