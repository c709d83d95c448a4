"""Who keeps a customer file and who owns it: assigned by management, checked against the accounts (POL-1, POL-3).

A file's department and owner decide who reads its department- and personal-level documents, so moving a
file is a permission change. It is management's (POL-3's 职责: the marketing director answers for all customer
files, each department manager for their department's): holders of the manager role, and the manager of the
department keeping the file — the same people who may change its level (access.levels). Moving a file to
another department is narrower: its keeping department's manager or the GM, so that no manager can take
another department's file into their own. The archivist, who
keeps the files, may change a file's status (active, potential, former, lost; POL-11 keeps former customers
apart) but not its department or owner, and the admin neither: that would let them clear themselves to read.

What the file says about the customer (its profile, contacts and timeline: POL-1, POL-11) is kept by its owner,
the manager of its department and managers; a file is opened by those who meet or file for customers (staff,
managers, archivists); a complaint's handling is approved by the general manager (policy 7).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.errors import denied
from access.levels import manages, may_change_level
from access.models import Department, User
from core.errors import DanganError
from records.models import Customer

STATUS_ROLES = frozenset({"archivist"})


def may_assign(session: Session, user: User, customer: Customer) -> bool:
    """Whether the user may set the file's department and owner."""
    return may_change_level(session, user, customer)


def may_move_out(session: Session, user: User, customer: Customer) -> bool:
    """Whether the user may move the file to another department: its keeping department's manager or the GM.

    A manager of another department may not take a file into their own (and so clear themselves to read its
    department-level records); a file no department keeps yet is assigned as any other change.
    """
    if customer.department is None:
        return may_assign(session, user, customer)
    return user.active and ("gm" in user.positions or manages(session, user, customer.department))


def may_set_status(session: Session, user: User, customer: Customer) -> bool:
    """Whether the user may set the file's status: those who may assign it, and archivists."""
    return may_assign(session, user, customer) or (user.active and bool(user.roles & STATUS_ROLES))


def check_change(
    session: Session,
    *,
    customer: Customer,
    actor: User,
    department: str | None = None,
    owner: str | None = None,
    client: str = "",
) -> None:
    """Refuse (and record) a change of the file by someone who may not make it, or to a department or owner
    that does not exist or is disabled. department and owner None: a change of status only."""
    if department is not None and department != customer.department:
        allowed = may_move_out(session, actor, customer)
    elif department is not None or owner is not None:
        allowed = may_assign(session, actor, customer)
    else:
        allowed = may_set_status(session, actor, customer)
    if not allowed:
        raise denied(
            actor,
            "customer.change_forbidden",
            action="customer.change",
            object_type="customer",
            object_id=customer.id,
            client=client,
        )
    _check_assignees(session, department=department, owner=owner)


# Who opens a file at first contact: the sales staff who meet the customer, their managers, and the archivists
# who file what arrives. Not the admin, the auditor or the records officer (they keep no customers).
OPEN_ROLES = frozenset({"staff", "manager", "archivist"})
# The general manager approves how a complaint was handled (policy 7).
APPROVER_POSITIONS = frozenset({"gm"})


def may_open(user: User) -> bool:
    """Whether the user may open a new customer file."""
    return user.active and bool(user.roles & OPEN_ROLES)


def may_edit_profile(session: Session, user: User, customer: Customer) -> bool:
    """Whether the user may change the file's profile, contacts and timeline: its owner, and those who may
    assign it (managers, the keeping department's manager)."""
    return user.active and (
        (customer.owner is not None and customer.owner == user.login) or may_assign(session, user, customer)
    )


def may_approve(user: User) -> bool:
    """Whether the user may approve a complaint's handling: the general manager."""
    return user.active and bool(user.positions & APPROVER_POSITIONS)


def check_open(
    session: Session, *, actor: User, department: str | None, owner: str | None, client: str = ""
) -> None:
    """Refuse (and record) opening a file by someone who may not, or for a department or owner that does not
    exist or is disabled."""
    if not may_open(actor):
        raise denied(
            actor, "customer.open_forbidden", action="customer.add", object_type="customer", client=client
        )
    _check_assignees(session, department=department, owner=owner)


def check_edit(
    session: Session,
    *,
    customer: Customer,
    actor: User,
    fields: set[str],
    department: str | None = None,
    owner: str | None = None,
    client: str = "",
) -> None:
    """Refuse (and record) a change of the file's fields by someone who may not make all of them: profile
    fields need its owner or those who may assign it, department and owner those who may assign it, status
    also an archivist (check_change)."""
    file_fields = fields & {"department", "owner", "status"}
    if fields - file_fields and not may_edit_profile(session, actor, customer):
        raise denied(
            actor,
            "customer.edit_forbidden",
            action="customer.edit",
            object_type="customer",
            object_id=customer.id,
            client=client,
        )
    if file_fields:
        check_change(
            session, customer=customer, actor=actor, department=department, owner=owner, client=client
        )


def check_record(session: Session, *, customer: Customer, actor: User, action: str, client: str = "") -> None:
    """Refuse (and record) adding a contact or a timeline entry by someone who may not edit the file."""
    if not may_edit_profile(session, actor, customer):
        raise denied(
            actor,
            "customer.edit_forbidden",
            action=action,
            object_type="customer",
            object_id=customer.id,
            client=client,
        )


def check_approve(*, actor: User, customer_id: int, client: str = "") -> None:
    """Refuse (and record) an approval by anyone but the general manager."""
    if not may_approve(actor):
        raise denied(
            actor,
            "customer.approve_forbidden",
            action="customer.note_approve",
            object_type="customer",
            object_id=customer_id,
            client=client,
        )


def _check_assignees(session: Session, *, department: str | None, owner: str | None) -> None:
    if (
        department is not None
        and session.scalar(select(Department.id).where(Department.code == department)) is None
    ):
        raise DanganError("department.not_found", code=department)
    if owner is not None:
        user = session.scalar(select(User).where(User.login == owner))
        if user is None:
            raise DanganError("user.not_found", login=owner)
        if not user.active:
            raise DanganError("user.disabled", login=owner)
