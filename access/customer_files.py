"""Who keeps a customer file and who owns it: assigned by management, checked against the accounts (POL-1, POL-3).

A file's department and owner decide who reads its department- and personal-level documents, so moving a
file is a permission change. It is management's (POL-3's 职责: the marketing director answers for all customer
files, each department manager for their department's): holders of the manager role, and the manager of the
department keeping the file — the same people who may change its level (access.levels). Moving a file to
another department is narrower: its keeping department's manager or the GM, so that no manager can take
another department's file into their own. The archivist, who
keeps the files, may change a file's status (active, potential, former, lost; POL-11 keeps former customers
apart) but not its department or owner, and the admin neither: that would let them clear themselves to read.
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
