"""Which customer files a reader may open, as a condition on Customer (POL-2, POL-3).

The same rule as `access.policy.decide_customer` — a file's own content is read as a document of the file's
level would be — written for the database, so that the customer list, its analysis and its exports filter and
sort 100k files in one query instead of deciding file by file in Python. tests/access/test_customer_scope.py
checks on random files that both say the same.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_

from access.policy import ReadScope
from records.document_counts import DocumentCount
from records.models import LEVELS, Customer, Document


def by_rule(scope: ReadScope, *, level, department, owner) -> list[ColumnElement[bool]]:  # type: ignore[no-untyped-def]
    """The scope's level rules (everywhere, by department, by owner; no grants) on these three columns."""
    terms: list[ColumnElement[bool]] = []
    if scope.everywhere:
        terms.append(level.in_(sorted(scope.everywhere)))
    for name, departments in scope.departments.items():
        terms.append(and_(level == name, department.in_(sorted(departments))))
    for name, owners in scope.owners.items():
        terms.append(and_(level == name, owner.in_(sorted(owners))))
    return terms


def openable_filter(scope: ReadScope) -> ColumnElement[bool] | None:
    """The files the scope may open, as a condition on Customer; None when it may open every file."""
    if not scope.active:
        return false()
    if set(LEVELS) <= scope.everywhere.keys():
        return None
    terms = by_rule(scope, level=Customer.level, department=Customer.department, owner=Customer.owner)
    if scope.customers:
        terms.append(Customer.id.in_(sorted(scope.customers)))
    return or_(*terms) if terms else false()


def joined_document_filter(scope: ReadScope) -> ColumnElement[bool]:
    """access.policy.scope_filter for a query that joins each Document to its Customer (outer join): the
    same rule on the joined file's department and owner instead of a subquery per level, so that counting a
    million documents is one pass."""
    if not scope.active:
        return false()
    terms = by_rule(scope, level=Document.level, department=Customer.department, owner=Customer.owner)
    if scope.documents:
        terms.append(Document.id.in_(sorted(scope.documents)))
    if scope.customers:
        terms.append(Document.customer_id.in_(sorted(scope.customers)))
    return or_(*terms) if terms else false()


def counted_filter(scope: ReadScope) -> ColumnElement[bool]:
    """joined_document_filter for records.document_counts' rows (file department and owner, document level),
    without the grants: a grant names files and documents, which the rows do not keep (the caller counts the
    few documents read by a grant alone from the documents themselves)."""
    if not scope.active:
        return false()
    rows = DocumentCount
    terms = by_rule(scope, level=rows.level, department=rows.department, owner=rows.owner)
    return or_(*terms) if terms else false()
