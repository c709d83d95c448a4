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


def openable_filter(scope: ReadScope) -> ColumnElement[bool] | None:
    """The files the scope may open, as a condition on Customer; None when it may open every file."""
    if not scope.active:
        return false()
    if set(LEVELS) <= scope.everywhere.keys():
        return None
    terms: list[ColumnElement[bool]] = []
    if scope.everywhere:
        terms.append(Customer.level.in_(sorted(scope.everywhere)))
    for level, departments in scope.departments.items():
        terms.append(and_(Customer.level == level, Customer.department.in_(sorted(departments))))
    for level, owners in scope.owners.items():
        terms.append(and_(Customer.level == level, Customer.owner.in_(sorted(owners))))
    if scope.customers:
        terms.append(Customer.id.in_(sorted(scope.customers)))
    return or_(*terms) if terms else false()


def joined_document_filter(scope: ReadScope) -> ColumnElement[bool]:
    """access.policy.scope_filter for a query that joins each Document to its Customer (outer join): the
    same rule on the joined file's department and owner instead of a subquery per level, so that counting a
    million documents is one pass."""
    if not scope.active:
        return false()
    terms: list[ColumnElement[bool]] = []
    if scope.everywhere:
        terms.append(Document.level.in_(sorted(scope.everywhere)))
    for level, departments in scope.departments.items():
        terms.append(and_(Document.level == level, Customer.department.in_(sorted(departments))))
    for level, owners in scope.owners.items():
        terms.append(and_(Document.level == level, Customer.owner.in_(sorted(owners))))
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
    terms: list[ColumnElement[bool]] = []
    if scope.everywhere:
        terms.append(DocumentCount.level.in_(sorted(scope.everywhere)))
    for level, departments in scope.departments.items():
        terms.append(and_(DocumentCount.level == level, DocumentCount.department.in_(sorted(departments))))
    for level, owners in scope.owners.items():
        terms.append(and_(DocumentCount.level == level, DocumentCount.owner.in_(sorted(owners))))
    return or_(*terms) if terms else false()
