"""REST: accounts, for admins (each change audited by the access domain)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel, Field

from access.errors import require_role
from access.tokens import tokens_of
from access.users import reset_password, set_active, set_role
from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers
from workflows.offboarding import disable_user
from workflows.people import add_person, people, person

router = APIRouter(prefix="/api/users", tags=["users"], responses=SIGNED_IN | answers(400))


class NewUserBody(BaseModel):
    login: str = Field(min_length=1, max_length=100)
    name: str = Field("", max_length=200)
    department: str | None = Field(None, max_length=100)
    roles: list[str] = Field(default_factory=lambda: ["staff"])
    positions: list[str] = Field(default_factory=list)
    password: str | None = Field(None, max_length=1000, description="None: a one-time password is returned.")


class PasswordBody(BaseModel):
    password: str | None = Field(None, max_length=1000, description="None: a one-time password is returned.")


class RoleBody(BaseModel):
    role: str = Field(min_length=1, max_length=40)


@router.get("")
def list_all(caller: CurrentUser, rt: RuntimeDep) -> list[dict]:
    """Every account."""
    with rt.factory() as session, session.begin():
        require_role(caller.user(session), "admin", action="user.list", client=caller.client)
        return people(session)


@router.post("", status_code=201, responses=answers(404, 409))
def add(body: NewUserBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Add an account; without a password a one-time one is returned (shown once) and must be changed."""
    with rt.factory() as session, session.begin():
        new = add_person(
            session,
            actor=caller.user(session),
            login=body.login,
            name=body.name,
            department=body.department,
            roles=body.roles,
            positions=body.positions,
            password=body.password,
            min_password_length=rt.settings.password_min_length,
            client=caller.client,
        )
        return person(session, new.user) | {"one_time_password": new.one_time_password}


@router.get("/{login}/tokens", responses=answers(403, 404))
def tokens(login: str, caller: CurrentUser, rt: RuntimeDep) -> list[dict]:
    """The user's API tokens, newest first, without secrets (admins; revoke with DELETE /api/tokens/{id})."""
    with rt.factory() as session, session.begin():
        found = tokens_of(session, actor=caller.user(session), login=login, client=caller.client)
        return [asdict(t) for t in found]


@router.post("/{login}/disable", responses=answers(404, 409))
def disable(login: str, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Disable an account: its sessions and tokens end (and stay ended if it is enabled again). Refused (409,
    with the list) while it still holds customer files, duties or loans: offboard it instead (POL-5)."""
    with rt.factory() as session, session.begin():
        return person(
            session, disable_user(session, actor=caller.user(session), login=login, client=caller.client)
        )


@router.post("/{login}/enable", responses=answers(404))
def enable(login: str, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Enable a disabled account again."""
    with rt.factory() as session, session.begin():
        return person(
            session,
            set_active(session, actor=caller.user(session), login=login, active=True, client=caller.client),
        )


@router.post("/{login}/reset-password", responses=answers(404))
def reset(login: str, body: PasswordBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Set a new password (or a one-time one, returned); unlocks the account, ends its sessions and tokens."""
    with rt.factory() as session, session.begin():
        one_time = reset_password(
            session,
            actor=caller.user(session),
            login=login,
            password=body.password,
            min_password_length=rt.settings.password_min_length,
            client=caller.client,
        )
    return {"login": login, "one_time_password": one_time}


@router.post("/{login}/roles", responses=answers(404, 409))
def grant_role(login: str, body: RoleBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Give the user a role."""
    with rt.factory() as session, session.begin():
        return person(
            session,
            set_role(session, actor=caller.user(session), login=login, role=body.role, client=caller.client),
        )


@router.delete("/{login}/roles/{role}", responses=answers(404, 409))
def revoke_role(login: str, role: str, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Take a role away from the user."""
    with rt.factory() as session, session.begin():
        return person(
            session,
            set_role(
                session,
                actor=caller.user(session),
                login=login,
                role=role,
                granted=False,
                client=caller.client,
            ),
        )
