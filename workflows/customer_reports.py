"""Composition analysis of the customer files (客户构成分析: policy 9 §4.3, POL-2): counts and shares by
status, grade, industry, region and kind, documents per type and new files per month, for the list's filters.

What a reader is told follows the list's rule (POL-2, access.policy): every signed-in user sees that a file
exists and its status, so the status and month counts cover every matching file; the profile dimensions
(grade, industry, region, kind) count only files the reader may open, and the files they may not open are one
`hidden` number per dimension (never split by value, so no count reveals a value the row hides); documents
per type count only documents the reader may read. The analysis is audited like a list.

Documents per type are summed from records.document_counts (kept on every write) under the same rule
(access.customer_scope.counted_filter), plus the few documents a reader reads by a grant alone and those not
in a file yet, counted directly; with a profile or staleness filter, which those counts do not keep, they are
counted from the documents (about a second at 1M).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from access.customer_scope import counted_filter, joined_document_filter, openable_filter
from access.models import User
from access.policy import ReadScope, read_scope
from core import audit
from core.db import utcnow
from core.messages import translate
from records import document_counts
from records.customer_query import CustomerFilter, matching
from records.document_counts import DESTROYED, DocumentCount
from records.models import Customer, Document, DocumentType

# The dimensions, in the order reports show them; True: a profile value only the file's readers see.
DIMENSIONS: dict[str, bool] = {
    "status": False,
    "grade": True,
    "industry": True,
    "region": True,
    "kind": True,
    "doc_type": False,
    "month": False,
}


@dataclass(frozen=True)
class Bucket:
    """One value of a dimension: its labels, how many, and its share of the dimension's total (0–1)."""

    value: str | None
    label_zh: str
    label_en: str
    count: int
    share: float


@dataclass(frozen=True)
class Dimension:
    """A dimension's buckets (largest first; months in order); hidden: files the reader may not open."""

    name: str
    label_zh: str
    label_en: str
    total: int
    hidden: int
    buckets: list[Bucket] = field(default_factory=list)


@dataclass(frozen=True)
class Analysis:
    """The composition of the files matching the filters, as far as the reader may know it."""

    total: int
    openable: int
    documents: int
    filters: dict[str, str | int]
    generated_at: str
    dimensions: list[Dimension]


def customer_analysis(
    session: Session,
    *,
    viewer: User,
    filters: CustomerFilter | None = None,
    timezone: str = "Asia/Shanghai",
    client: str = "",
) -> Analysis:
    """Counts and shares of the matching files by status, grade, industry, region and kind, the readable
    documents of those files per type, and new files per month (in the reader's zone); audited."""
    chosen = (filters or CustomerFilter()).checked()
    scope = read_scope(session, viewer)
    openable = openable_filter(scope)
    now = utcnow()
    where = matching(chosen, openable=openable, now=now)
    by_status, by_profile = _profiles(session, where, openable)
    total = sum(by_status.values())
    seen = sum(by_profile["grade"].values())
    hidden = total - seen
    dimensions = [
        _dimension("status", by_status, total, 0, _status_label),
        _dimension("grade", by_profile["grade"], total, hidden, _grade_label),
        _dimension("industry", by_profile["industry"], total, hidden, _plain),
        _dimension("region", by_profile["region"], total, hidden, _plain),
        _dimension("kind", by_profile["kind"], total, hidden, _kind_label),
    ]
    types = _documents_by_type(session, scope, chosen, where)
    documents = sum(types.values())
    dimensions.append(_dimension("doc_type", types, documents, 0, _type_labels(session)))
    months = _grouped(session, _month(session, timezone, now), where)
    dimensions.append(_dimension("month", months, total, 0, _plain, by_value=True))
    audit.record(
        session,
        actor=viewer.login,
        role=viewer.role_label,
        action="customer.analysis",
        client=client,
        details={"filters": chosen.given(), "total": total, "openable": seen, "documents": documents},
    )
    return Analysis(total, seen, documents, chosen.given(), now.isoformat(), dimensions)


# The profile dimensions and the columns they group by (region: the province).
PROFILE_COLUMNS = {"grade": Customer.grade, "industry": Customer.industry, "region": Customer.province,
                   "kind": Customer.kind}  # fmt: skip


def _profiles(
    session: Session, where: list[ColumnElement[bool]], openable: ColumnElement[bool] | None
) -> tuple[Counter, dict[str, Counter]]:
    """Matching files per status, and per profile value among those the reader may open, in one pass: grouped
    by every dimension at once (a few thousand groups) in the order of ix_customer_analysis, which holds every
    column read here, so the database walks one narrow index instead of the files once per dimension."""
    opened = func.count() if openable is None else func.sum(case((openable, 1), else_=0))
    columns = [Customer.status, *PROFILE_COLUMNS.values()]
    query = select(*columns, func.count(), opened).select_from(Customer).where(*where).group_by(*columns)
    by_status: Counter = Counter()
    by_profile: dict[str, Counter] = {name: Counter() for name in PROFILE_COLUMNS}
    for status, *values, count, readable in session.execute(query):
        by_status[status] += count
        if readable:
            for name, value in zip(PROFILE_COLUMNS, values, strict=True):
                by_profile[name][value] += readable
    return by_status, by_profile


def _grouped(session: Session, column: ColumnElement, where: list[ColumnElement[bool]]) -> dict:
    query: Select = select(column, func.count()).select_from(Customer).where(*where).group_by(column)
    return dict(session.execute(query).all())


def _documents_by_type(
    session: Session, scope: ReadScope, chosen: CustomerFilter, where: list[ColumnElement[bool]]
) -> dict:
    """Readable documents per type of the matching files: summed from records.document_counts when the filters
    are ones it keeps (none, status, department, owner), else counted from the documents."""
    readable = joined_document_filter(scope)
    if not document_counts.summable(chosen):
        return _counted(session, readable, where)
    summed = (
        select(DocumentCount.doc_type, func.sum(DocumentCount.documents))
        .where(counted_filter(scope), *document_counts.filter_conditions(chosen))
        .group_by(DocumentCount.doc_type)
    )
    types: Counter[str | None] = Counter({code or None: int(n) for code, n in session.execute(summed)})
    # Not in a file yet (still being read): the table leaves them out; the outer join counts them (no filter).
    types.update(_counted(session, readable, [*where, Document.customer_id.is_(None)]))
    types.update(_granted_only(session, scope, where))
    return {code: n for code, n in types.items() if n}


def _counted(session: Session, readable: ColumnElement[bool], where: list[ColumnElement[bool]]) -> dict:
    query = (
        select(Document.doc_type, func.count())
        .select_from(Document)
        .outerjoin(Customer, Customer.id == Document.customer_id)
        .where(readable, Document.state != DESTROYED, *where)  # the file's filters on the joined file
        .group_by(Document.doc_type)
    )
    return dict(session.execute(query).all())


def _granted_only(session: Session, scope: ReadScope, where: list[ColumnElement[bool]]) -> Counter:
    """Filed documents of the matching files that the scope reads by a grant and by no rule (the counts table
    knows no grants); a reader has few grants, so these few rows are decided here by the same rule."""
    granted = []
    if scope.documents:
        granted.append(Document.id.in_(sorted(scope.documents)))
    if scope.customers:
        granted.append(Document.customer_id.in_(sorted(scope.customers)))
    if not granted:
        return Counter()
    rows = session.execute(
        select(Document.doc_type, Document.level, Customer.department, Customer.owner)
        .join(Customer, Customer.id == Document.customer_id)
        .where(or_(*granted), Document.state != DESTROYED, *where)
    )
    return Counter(
        code
        for code, level, department, owner in rows
        if not scope.decide(
            level=level, department=department, owner=owner, customer_id=None, document_id=None
        ).allowed
    )


def _month(session: Session, timezone: str, now: datetime) -> ColumnElement:
    """A file's month of opening (YYYY-MM) in the reader's zone."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(timezone, Customer.created_at), "YYYY-MM")
    offset = ZoneInfo(timezone).utcoffset(now.replace(tzinfo=None))
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return func.strftime("%Y-%m", Customer.created_at, literal_column(f"'{minutes:+d} minutes'"))


def _dimension(name, counts: dict, total: int, hidden: int, label, *, by_value: bool = False) -> Dimension:  # type: ignore[no-untyped-def]
    whole = total or 1
    items = sorted(counts.items(), key=lambda kv: kv[0] or "") if by_value else _largest_first(counts)
    buckets = [Bucket(value, *label(value), count, round(count / whole, 4)) for value, count in items]
    code = f"customer_report.dimension.{name}"
    return Dimension(name, translate(code, "zh-CN"), translate(code, "en"), total, hidden, buckets)


def _largest_first(counts: dict) -> list[tuple]:
    # Not recorded (None) last; ties by value so that the order is stable across databases.
    return sorted(counts.items(), key=lambda kv: (kv[0] is None, -kv[1], kv[0] or ""))


def _both(code: str) -> tuple[str, str]:
    return translate(code, "zh-CN"), translate(code, "en")


def _unset() -> tuple[str, str]:
    return _both("customer_report.unset")


def _plain(value: str | None) -> tuple[str, str]:
    return (value, value) if value else _unset()


def _status_label(value: str | None) -> tuple[str, str]:
    return _both(f"ui.customer_status.{value}") if value else _unset()


def _kind_label(value: str | None) -> tuple[str, str]:
    return _both(f"ui.customer_kind.{value}") if value else _unset()


def _grade_label(value: str | None) -> tuple[str, str]:
    if not value:
        return _unset()
    return translate("customer_report.grade", "zh-CN", grade=value), translate(
        "customer_report.grade", "en", grade=value
    )


def _type_labels(session: Session):  # type: ignore[no-untyped-def]
    names = {t.code: (t.name_zh, t.name_en) for t in session.scalars(select(DocumentType))}

    def label(value: str | None) -> tuple[str, str]:
        return names.get(value, (value, value)) if value else _both("customer_report.untyped")

    return label
