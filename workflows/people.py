"""Adding a person as `dangan users add` and POST /api/users promise it, from the access domain's steps.

A department named for the first time is created (with its code as its name), so that the documented
`users add LOGIN --department D --role R` works on a fresh install; and a person added with the
department_manager position and a department becomes that department's manager (the approver of its
requests and the reader of its department-level files). Each step is audited by the domain.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.errors import require_role
from access.models import Department, DepartmentManager, User
from access.users import NewUser, add_department, add_user, set_department_manager


def add_person(
    session: Session,
    *,
    actor: User,
    login: str,
    name: str = "",
    department: str | None = None,
    roles: Iterable[str] = ("staff",),
    positions: Iterable[str] = (),
    password: str | None = None,
    min_password_length: int,
    client: str = "",
) -> NewUser:
    """Add an account (admin only), creating its department if new and naming it manager if so placed."""
    require_role(actor, "admin", action="user.add", object_type="user", object_id=login, client=client)
    positions = sorted(set(positions))
    if department and session.scalar(select(Department.id).where(Department.code == department)) is None:
        add_department(session, actor=actor, code=department, name=department, client=client)
    new = add_user(
        session,
        actor=actor,
        login=login,
        name=name,
        department=department,
        roles=roles,
        positions=positions,
        password=password,
        min_password_length=min_password_length,
        client=client,
    )
    if department and "department_manager" in positions:
        set_department_manager(session, actor=actor, code=department, manager=new.user.login, client=client)
    return new


def person(session: Session, user: User) -> dict[str, Any]:
    """An account as the API and `users list --json` show it."""
    manages = list(
        session.scalars(
            select(Department.code)
            .join(DepartmentManager)
            .where(DepartmentManager.user_id == user.id)
            .order_by(Department.code)
        )
    )
    return {
        "id": user.id,
        "login": user.login,
        "name": user.name,
        "department": user.department.code if user.department else None,
        "roles": sorted(user.roles),
        "positions": sorted(user.positions),
        "manages": manages,
        "active": user.active,
        "locked_until": user.locked_until,
        "must_change_password": user.must_change_password,
    }


def people(session: Session) -> list[dict[str, Any]]:
    """Every account, by login."""
    return [person(session, u) for u in session.scalars(select(User).order_by(User.login))]
