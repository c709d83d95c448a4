"""How many documents each kind of customer file holds per type and level, kept on write (issue 12, POL-2).

The customer analysis counts the documents a reader may read per type. Read from the documents themselves
that is a pass over every document (about a second at 1M); this table holds the same counts grouped by what
the permission rule and the cheap filters look at — the file's department, owner, status and whether it was
merged, the document's type and level — so that the analysis sums a few hundred or thousand rows instead.
It is keyed by those values and not by file: at 100k files a row per (file, type, level) would be nearly as
many rows as documents.

Counted: documents in a customer file that are not destroyed. A document with no file yet (still being
read) is not; the analysis counts those few directly. Not recorded (None) is kept as '' so that each key has
one row on both databases (NULLs are never equal in a unique constraint).

Every change to what a row counts goes through `keeping_counts`, called by the one function that makes the
change, in its transaction: filing (ingest.process), a type or file correction (access.metadata), a level
change (access.levels), a file's department, owner or status (records.customer_profile.revise), a merge
(records.customer_merge) and destruction (retention.confirm, retention.residuals). `differences` compares the
table with the documents (`dangan check`) and `rebuild` makes it again (`dangan check --repair`, the bench).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import ColumnElement, String, UniqueConstraint, delete, false, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base
from records.models import Customer, Document

if TYPE_CHECKING:  # records.customer_query reaches records.customer_profile, which keeps these counts
    from records.customer_query import CustomerFilter

DESTROYED = "destroyed"  # the one state a counted document leaves by
# What a row knows of its files: the list's filters it answers (any other, a profile value or staleness, needs
# the files themselves), and the fields whose change moves a file's documents to other rows.
FILE_KEYS = ("department", "owner", "status")


class DocumentCount(Base):
    """Documents not destroyed, per file department, owner, status, merged or not, type and level."""

    __tablename__ = "document_count"
    __table_args__ = (UniqueConstraint("department", "owner", "status", "merged", "doc_type", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(String(100))
    owner: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    merged: Mapped[bool]
    doc_type: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    documents: Mapped[int]


class CountKey(NamedTuple):
    department: str
    owner: str
    status: str
    merged: bool
    doc_type: str
    level: str


KEY_COLUMNS = CountKey._fields


def counted_query(*where: ColumnElement[bool]):  # type: ignore[no-untyped-def]
    """The counts as the documents give them (a SELECT of the key columns and a count), for `where`."""
    key = (
        func.coalesce(Customer.department, ""),
        func.coalesce(Customer.owner, ""),
        Customer.status,
        Customer.merged_into.is_not(None),
        func.coalesce(Document.doc_type, ""),
        Document.level,
    )
    return (
        select(*key, func.count())
        .select_from(Document)
        .join(Customer, Customer.id == Document.customer_id)
        .where(Document.state != DESTROYED, *where)
        .group_by(*key)
    )


def _counted(session: Session, *where: ColumnElement[bool]) -> Counter[CountKey]:
    rows = session.execute(counted_query(*where)).all()
    return Counter({CountKey(d, o, s, bool(m), t, lv): n for d, o, s, m, t, lv, n in rows})


def _touched(documents: Iterable[int], customers: Iterable[int]) -> ColumnElement[bool] | None:
    terms = []
    if ids := sorted(set(documents)):
        terms.append(Document.id.in_(ids))
    if files := sorted(set(customers)):
        terms.append(Document.customer_id.in_(files))
    return or_(*terms) if terms else None


@contextmanager
def keeping_counts(
    session: Session, *, documents: Iterable[int] = (), customers: Iterable[int] = ()
) -> Iterator[None]:
    """Keep the counts in step with what the block changes about these documents, or the documents of these
    files: counted before, counted after (flushed), the difference written in the same transaction."""
    where = _touched(documents, customers)
    if where is None:
        yield
        return
    before = _counted(session, where)
    yield
    session.flush()
    after = _counted(session, where)
    change = Counter(after)
    change.subtract(before)
    add(session, {key: n for key, n in change.items() if n})


def add(session: Session, change: dict[CountKey, int]) -> None:
    """Add each number (negative: take away) to its row; rows that reach nothing go. In key order, so that two
    transactions touching the same rows lock them in the same order (no deadlock on PostgreSQL)."""
    if not change:
        return
    dialect = session.get_bind().dialect.name
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = DocumentCount.__table__
    for key in sorted(change):
        statement = upsert(table).values(**key._asdict(), documents=change[key])
        statement = statement.on_conflict_do_update(
            index_elements=list(KEY_COLUMNS),
            set_={"documents": table.c.documents + statement.excluded.documents},
        )
        session.execute(statement)
    emptied = [key for key, n in change.items() if n < 0]
    for key in emptied:
        session.execute(delete(table).where(*_is(key), table.c.documents <= 0))


def _is(key: CountKey) -> list[ColumnElement[bool]]:
    table = DocumentCount.__table__
    return [table.c[name] == value for name, value in key._asdict().items()]


def rebuild(session: Session) -> int:
    """Count again from the documents (one INSERT … SELECT); the number of rows written."""
    session.execute(delete(DocumentCount))
    columns = [*KEY_COLUMNS, "documents"]
    result = session.execute(insert(DocumentCount).from_select(columns, counted_query()))
    return result.rowcount or 0


def differences(session: Session) -> dict[CountKey, tuple[int, int]]:
    """Keys where the table and the documents disagree: (kept, counted)."""
    counted = _counted(session)
    kept = {
        CountKey(*(getattr(row, name) for name in KEY_COLUMNS)): row.documents
        for row in session.scalars(select(DocumentCount))
    }
    return {
        key: (kept.get(key, 0), counted.get(key, 0))
        for key in kept.keys() | counted.keys()
        if kept.get(key, 0) != counted.get(key, 0)
    }


def summable(filters: CustomerFilter) -> bool:
    """Whether the table answers for these filters (status, department and owner only)."""
    given = filters.given()
    return all(name in FILE_KEYS and value for name, value in given.items())


def filter_conditions(filters: CustomerFilter) -> list[ColumnElement[bool]]:
    """The list's conditions (a current file, not a merged pointer, and the summable filters) on the table."""
    terms: list[ColumnElement[bool]] = [DocumentCount.merged == false()]
    for name in FILE_KEYS:
        value = getattr(filters, name)
        if value is not None:
            terms.append(getattr(DocumentCount, name) == value)
    return terms
