"""Who keeps a customer file and who owns it: assigned by management, checked against the accounts (POL-1, POL-3).

A file's department and owner decide who reads its department- and personal-level documents, so moving a
file is a permission change. It is management's (POL-3's 职责: the marketing director answers for all customer
files, each department manager for their department's): holders of the manager role, and the manager of the
department keeping the file — the same people who may change its level (access.levels). The archivist, who
keeps the files, may change a file's status (active, potential, former, lost; POL-11 keeps former customers
apart) but not its department or owner, and the admin neither: that would let them clear themselves to read.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.errors import denied
from access.levels import may_change_level
from access.models import Department, User
from core.errors import DanganError
from records.models import Customer

STATUS_ROLES = frozenset({"archivist"})


def may_assign(session: Session, user: User, customer: Customer) -> bool:
    """Whether the user may set the file's department and owner."""
    return may_change_level(session, user, customer)


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
    allowed = (
        may_assign(session, actor, customer)
        if department is not None or owner is not None
        else may_set_status(session, actor, customer)
    )
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
