"""Accounts, departments, roles and positions: added, listed, disabled and changed by an admin, all audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.credentials import credentials_changed
from access.errors import require_role
from access.models import (
    ROLES,
    Department,
    DepartmentManager,
    Position,
    User,
    UserPosition,
    UserRole,
)
from access.passwords import check_password, generate_password, hash_password
from core import audit
from core.errors import Conflict, DanganError, NotFound

ADMIN_LOGIN = "admin"
DEFAULT_MIN_PASSWORD = 10


@dataclass(frozen=True)
class NewUser:
    user: User
    one_time_password: str | None  # shown once when the system chose the password


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    name: str
    department: str | None
    roles: tuple[str, ...]
    positions: tuple[str, ...]
    active: bool
    locked_until: datetime | None
    must_change_password: bool


def get_user(session: Session, login: str) -> User:
    """The user with that login, or NotFound."""
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise NotFound("user.not_found", login=login)
    return user


def get_department(session: Session, code: str) -> Department:
    """The department with that code, or NotFound."""
    department = session.scalar(select(Department).where(Department.code == code))
    if department is None:
        raise NotFound("department.not_found", code=code)
    return department


def _record(
    session: Session,
    actor: User | str,
    action: str,
    object_type: str,
    object_id: object,
    client: str,
    **details: object,
) -> None:
    login, role = (actor, "") if isinstance(actor, str) else (actor.login, actor.role_label)
    audit.record(
        session,
        actor=login,
        role=role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client=client,
        details=dict(details),
    )


def _new_password(password: str | None, min_length: int) -> tuple[str, str | None]:
    """(hash, one-time password or None): the given password checked, or a generated one."""
    if password is None:
        one_time = generate_password()
        return hash_password(one_time), one_time
    check_password(password, min_length=min_length)
    return hash_password(password), None


def _check_codes(session: Session, roles: Iterable[str], positions: Iterable[str]) -> None:
    for role in roles:
        if role not in ROLES:
            raise DanganError("role.unknown", role=role, known=", ".join(ROLES))
    known = set(session.scalars(select(Position.code)))
    for position in positions:
        if position not in known:
            raise DanganError("position.unknown", position=position, known=", ".join(sorted(known)))


def ensure_admin(
    session: Session,
    *,
    password: str | None = None,
    login: str = ADMIN_LOGIN,
    min_password_length: int = DEFAULT_MIN_PASSWORD,
) -> str | None:
    """Create the first admin if no active admin exists; return the one-time password if one was made."""
    if session.scalar(select(UserRole).join(User).where(UserRole.role == "admin", User.active)) is not None:
        return None
    password_hash, one_time = _new_password(password, min_password_length)
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        user = User(login=login, name=login)
        session.add(user)
    user.active, user.password_hash = True, password_hash
    user.must_change_password = one_time is not None
    if "admin" not in user.roles:
        user.role_rows.append(UserRole(role="admin"))
    session.flush()
    _record(session, "system", "user.add", "user", user.id, "", login=login, roles=["admin"])
    return one_time


def add_user(
    session: Session,
    *,
    actor: User,
    login: str,
    name: str = "",
    department: str | None = None,
    roles: Iterable[str] = ("staff",),
    positions: Iterable[str] = (),
    password: str | None = None,
    min_password_length: int = DEFAULT_MIN_PASSWORD,
    client: str = "",
) -> NewUser:
    """Add an account (admin only); without a password a one-time one is made and must be changed."""
    require_role(actor, "admin", action="user.add", object_type="user", object_id=login, client=client)
    login = login.strip()
    if not login:
        raise DanganError("user.login_required")
    if session.scalar(select(User.id).where(User.login == login)) is not None:
        raise Conflict("user.exists", login=login)
    roles, positions = sorted(set(roles)), sorted(set(positions))
    _check_codes(session, roles, positions)
    dept = get_department(session, department) if department else None
    password_hash, one_time = _new_password(password, min_password_length)
    user = User(
        login=login,
        name=name or login,
        department=dept,
        password_hash=password_hash,
        must_change_password=one_time is not None,
    )
    user.role_rows = [UserRole(role=r) for r in roles]
    user.position_rows = [UserPosition(position=p) for p in positions]
    session.add(user)
    session.flush()
    _record(
        session,
        actor,
        "user.add",
        "user",
        user.id,
        client,
        login=login,
        department=department,
        roles=roles,
        positions=positions,
    )
    return NewUser(user, one_time)


def list_users(session: Session) -> list[UserInfo]:
    """Every account, by login."""
    users = session.scalars(select(User).order_by(User.login)).all()
    return [
        UserInfo(
            u.id,
            u.login,
            u.name,
            u.department.code if u.department else None,
            tuple(sorted(u.roles)),
            tuple(sorted(u.positions)),
            u.active,
            u.locked_until,
            u.must_change_password,
        )
        for u in users
    ]


def _other_active_admins(session: Session, user: User) -> int:
    return len(
        session.scalars(
            select(UserRole.user_id)
            .join(User)
            .where(UserRole.role == "admin", User.active, User.id != user.id)
        ).all()
    )


def set_active(session: Session, *, actor: User, login: str, active: bool, client: str = "") -> User:
    """Disable (or enable again) an account; disabling ends its sessions and its tokens, for good."""
    action = "user.enable" if active else "user.disable"
    require_role(actor, "admin", action=action, object_type="user", object_id=login, client=client)
    user = get_user(session, login)
    if not active and "admin" in user.roles and not _other_active_admins(session, user):
        raise Conflict("user.last_admin")
    user.active = active
    ended = {}
    if not active:
        gone = credentials_changed(session, user)
        ended = {"sessions_ended": gone.sessions, "tokens_ended": gone.tokens}
    _record(session, actor, action, "user", user.id, client, login=login, **ended)
    return user


def reset_password(
    session: Session,
    *,
    actor: User,
    login: str,
    password: str | None = None,
    min_password_length: int = DEFAULT_MIN_PASSWORD,
    client: str = "",
) -> str | None:
    """Set a new password (or a one-time one, returned), unlock the account, end its sessions and tokens."""
    require_role(actor, "admin", action="password.reset", object_type="user", object_id=login, client=client)
    user = get_user(session, login)
    user.password_hash, one_time = _new_password(password, min_password_length)
    # Someone else chose this password, so its holder must replace it.
    user.must_change_password = True
    user.failed_logins, user.locked_until = 0, None
    gone = credentials_changed(session, user)
    _record(
        session,
        actor,
        "password.reset",
        "user",
        user.id,
        client,
        login=login,
        sessions_ended=gone.sessions,
        tokens_ended=gone.tokens,
    )
    return one_time


def set_role(
    session: Session, *, actor: User, login: str, role: str, granted: bool = True, client: str = ""
) -> User:
    """Grant (or take away) a role."""
    require_role(
        actor, "admin", action="permission.change", object_type="user", object_id=login, client=client
    )
    _check_codes(session, [role], [])
    user = get_user(session, login)
    if granted and role not in user.roles:
        user.role_rows.append(UserRole(role=role))
    elif not granted and role in user.roles:
        if role == "admin" and user.active and not _other_active_admins(session, user):
            raise Conflict("user.last_admin")
        user.role_rows = [r for r in user.role_rows if r.role != role]
    session.flush()
    _record(
        session, actor, "permission.change", "user", user.id, client, login=login, role=role, granted=granted
    )
    return user


def set_position(
    session: Session, *, actor: User, login: str, position: str, held: bool = True, client: str = ""
) -> User:
    """Give (or take away) a position such as marketing director or GM."""
    require_role(
        actor, "admin", action="permission.change", object_type="user", object_id=login, client=client
    )
    _check_codes(session, [], [position])
    user = get_user(session, login)
    if held and position not in user.positions:
        user.position_rows.append(UserPosition(position=position))
    elif not held:
        user.position_rows = [p for p in user.position_rows if p.position != position]
    session.flush()
    _record(
        session,
        actor,
        "permission.change",
        "user",
        user.id,
        client,
        login=login,
        position=position,
        held=held,
    )
    return user


def add_department(session: Session, *, actor: User, code: str, name: str, client: str = "") -> Department:
    """Add a department; its code is what customer files name in customer.department."""
    require_role(
        actor, "admin", action="department.add", object_type="department", object_id=code, client=client
    )
    if session.scalar(select(Department.id).where(Department.code == code)) is not None:
        raise Conflict("department.exists", code=code)
    department = Department(code=code, name=name)
    session.add(department)
    session.flush()
    _record(session, actor, "department.add", "department", department.id, client, code=code, name=name)
    return department


def set_department_manager(
    session: Session, *, actor: User, code: str, manager: str | None, client: str = ""
) -> Department:
    """Name the department's manager (or none); the manager holds the department_manager position."""
    require_role(
        actor, "admin", action="permission.change", object_type="department", object_id=code, client=client
    )
    department = get_department(session, code)
    old = department.manager
    new = get_user(session, manager) if manager else None
    department.manager = new
    session.flush()
    if new is not None and "department_manager" not in new.positions:
        _check_codes(session, [], ["department_manager"])
        new.position_rows.append(UserPosition(position="department_manager"))
    if (
        old is not None
        and old is not new
        and session.scalar(select(DepartmentManager.department_id).where(DepartmentManager.user_id == old.id))
        is None
    ):
        old.position_rows = [p for p in old.position_rows if p.position != "department_manager"]
    before = old.login if old else None
    _record(
        session,
        actor,
        "permission.change",
        "department",
        department.id,
        client,
        code=code,
        before={"manager": before},
        after={"manager": manager},
    )
    return department


def move_user(session: Session, *, actor: User, login: str, department: str | None, client: str = "") -> User:
    """Put a user in a department (or none)."""
    require_role(
        actor, "admin", action="permission.change", object_type="user", object_id=login, client=client
    )
    user = get_user(session, login)
    before = user.department.code if user.department else None
    user.department = get_department(session, department) if department else None
    session.flush()
    _record(
        session,
        actor,
        "permission.change",
        "user",
        user.id,
        client,
        login=login,
        before={"department": before},
        after={"department": department},
    )
    return user
