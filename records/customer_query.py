"""The customer list's filters and sorts (POL-2), as one value every way in builds and one query the database
runs: at 100k files the list is an index walk, not a sort in Python (issue 12).

`CustomerFilter` is what the CLI options, the REST query, the pages' form and the exports share; it checks
itself and becomes SQL conditions. Which files a reader may open is the access package's to say: callers pass
it in as a condition (`openable`), so that profile filters match, and profile sorts use, only what the reader
may see (the list shows that every file exists; its profile values only to its readers).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, false, func, not_, or_, select, true
from sqlalchemy.orm import Session

from core.errors import DanganError
from records.customer_profile import field_names
from records.models import CUSTOMER_GRADES, CUSTOMER_KINDS, CUSTOMER_STATUSES, Customer

SORTS = ("name", "grade", "last_contact")
MAX_STALE_DAYS = 36_500  # a century: further back than any file, and still a date
# Filters on what a file's profile says: they match only files the reader may open.
PROFILE_FILTERS = ("grade", "kind", "industry", "region")


@dataclass(frozen=True)
class CustomerFilter:
    """The list's filters; None means any. region matches the province or the city; stale_days keeps files
    not updated for that many days."""

    status: str | None = None
    grade: str | None = None
    kind: str | None = None
    industry: str | None = None
    region: str | None = None
    department: str | None = None
    owner: str | None = None
    stale_days: int | None = None

    @classmethod
    def from_text(cls, **values: str | None) -> CustomerFilter:
        """Filters from form or query text: blanks are None, stale_days a number; then checked."""
        given = {f.name: (values.get(f.name) or "").strip() or None for f in fields(cls)}
        days = given["stale_days"]
        if days is not None:
            if not days.isdigit():
                raise DanganError("customer.stale_days_invalid", days=days)
            given["stale_days"] = int(days)
        return cls(**given).checked()

    def checked(self) -> CustomerFilter:
        """The same filters, or a DanganError naming the first impossible one."""
        if self.status is not None and self.status not in CUSTOMER_STATUSES:
            raise DanganError(
                "customer.status_unknown", status=self.status, known=", ".join(CUSTOMER_STATUSES)
            )
        for name, known in (("grade", CUSTOMER_GRADES), ("kind", CUSTOMER_KINDS)):
            value = getattr(self, name)
            if value is not None and value not in known:
                raise DanganError(
                    "customer.choice_unknown", **field_names(name), value=value, known=", ".join(known)
                )
        if self.stale_days is not None and not 0 <= self.stale_days <= MAX_STALE_DAYS:
            raise DanganError("customer.stale_days_invalid", days=self.stale_days)
        return self

    def given(self) -> dict[str, str | int]:
        """The filters that are set (for the audit trail, links and file names)."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @property
    def on_profile(self) -> bool:
        """Whether a filter looks at profile values (which only a file's readers see)."""
        return any(getattr(self, name) is not None for name in PROFILE_FILTERS)

    def without_profile(self) -> CustomerFilter:
        """The filters on what every user sees (status, department, owner, staleness)."""
        return replace(self, **dict.fromkeys(PROFILE_FILTERS))

    def conditions(self, *, now: datetime) -> list[ColumnElement[bool]]:
        """The filters as conditions on Customer."""
        terms: list[ColumnElement[bool]] = []
        for name in ("status", "grade", "kind", "industry", "department", "owner"):
            value = getattr(self, name)
            if value is not None:
                terms.append(getattr(Customer, name) == value)
        if self.region is not None:
            terms.append(or_(Customer.province == self.region, Customer.city == self.region))
        if self.stale_days is not None:
            terms.append(Customer.updated_at < now - timedelta(days=self.stale_days))
        return terms


def matching(
    filters: CustomerFilter, *, openable: ColumnElement[bool] | None, now: datetime
) -> list[ColumnElement[bool]]:
    """The conditions of the filters for a reader: profile filters also require that they may open the file
    (openable None: the reader may open every file)."""
    # A merged file is a pointer to the file it went into, not a customer of its own (records.customer_merge).
    terms = [Customer.merged_into.is_(None), *filters.conditions(now=now)]
    if filters.on_profile and openable is not None:
        terms.append(openable)
    return terms


def list_query(
    filters: CustomerFilter, *, sort: str, openable: ColumnElement[bool] | None, now: datetime
) -> Select[tuple[Customer]]:
    """The files matching the filters, current before former and lost (POL-11), then by name in pinyin
    order, grade (ungraded last) or last contact (most recent first, never contacted last); the grade and
    last contact of files the reader may not open sort as unknown. `openable` is None for a reader who may
    open every file, which keeps each sort on plain columns."""
    if sort not in SORTS:
        raise DanganError("customer.sort_unknown", sort=sort, known=", ".join(SORTS))
    query = select(Customer).where(*matching(filters, openable=openable, now=now))
    by_name = (Customer.name_key, Customer.id)  # the list indexes' order (SQLite appends the rowid itself)
    seen_all = openable is None or filters.on_profile  # every row here may be opened
    if sort == "name":
        return query.order_by(Customer.ended, *by_name)
    column = Customer.grade if sort == "grade" else Customer.last_contact
    shown = column if seen_all else case((openable, column), else_=None)
    if sort == "grade":
        return query.order_by(Customer.ended, shown.is_(None), shown, *by_name)
    return query.order_by(Customer.ended, shown.is_(None), shown.desc(), *by_name)


def fetch_page(
    session: Session,
    filters: CustomerFilter,
    *,
    sort: str,
    openable: ColumnElement[bool] | None,
    now: datetime,
    limit: int | None,
    offset: int = 0,
) -> list[Customer]:
    """One page of list_query's order, read as index walks.

    For a reader who may not open every file, a sort by grade or last contact is not one column's order; it
    is read as four consecutive segments — current files whose value the reader sees (by value, then name),
    the other current files (by name), then the same two for former and lost files — each an index walk that
    stops at the page's end, so the database never sorts the whole list."""
    if sort not in SORTS:
        raise DanganError("customer.sort_unknown", sort=sort, known=", ".join(SORTS))
    if sort == "name" or openable is None or filters.on_profile or limit is None:
        query = list_query(filters, sort=sort, openable=openable, now=now).offset(offset)
        return list(session.scalars(query if limit is None else query.limit(limit)))
    column = Customer.grade if sort == "grade" else Customer.last_contact
    value = column if sort == "grade" else column.desc()
    base = matching(filters, openable=openable, now=now)
    shown = and_(openable, column.is_not(None))
    hidden = or_(column.is_(None), not_(func.coalesce(openable, false())))
    segments = []
    for ended in (false(), true()):
        segments.append(([Customer.ended == ended, shown], (value, Customer.name_key, Customer.id)))
        segments.append(([Customer.ended == ended, hidden], (Customer.name_key, Customer.id)))
    page: list[Customer] = []
    for terms, order in segments:
        if len(page) >= limit:
            break
        where = [*base, *terms]
        if offset:
            size = session.scalar(select(func.count()).select_from(Customer).where(*where)) or 0
            if offset >= size:
                offset -= size
                continue
        query = select(Customer).where(*where).order_by(*order).offset(offset).limit(limit - len(page))
        page.extend(session.scalars(query))
        offset = 0
    return page


def count_matching(
    session: Session, filters: CustomerFilter, *, openable: ColumnElement[bool] | None, now: datetime
) -> int:
    """How many files match the filters for this reader."""
    terms = matching(filters, openable=openable, now=now)
    return session.scalar(select(func.count()).select_from(Customer).where(*terms)) or 0
