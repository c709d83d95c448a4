"""REST: API tokens for scripts (the secret is returned once; only its hash is kept)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from fastapi import APIRouter
from pydantic import BaseModel, Field

from access.tokens import create_token, list_tokens, revoke_token
from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers
from api.params import PathId
from core.db import utcnow

router = APIRouter(prefix="/api/tokens", tags=["tokens"], responses=SIGNED_IN)


class NewTokenBody(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    days: int | None = Field(None, ge=1, le=3650, description="Days until it expires; none: until revoked.")


@router.post("", status_code=201)
def create(body: NewTokenBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """A new token for oneself; `secret` is shown this once."""
    expires = utcnow() + timedelta(days=body.days) if body.days else None
    with rt.factory() as session, session.begin():
        return asdict(
            create_token(
                session, user=caller.user(session), name=body.name, expires_at=expires, client=caller.client
            )
        )


@router.get("")
def mine(caller: CurrentUser, rt: RuntimeDep) -> list[dict]:
    """One's own tokens, newest first, without secrets."""
    with rt.factory() as session:
        return [asdict(t) for t in list_tokens(session, user=caller.user(session))]


@router.delete("/{token_id}", status_code=204, responses=answers(404, 409))
def revoke(token_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> None:
    """Revoke a token: one's own, or anyone's for an admin."""
    with rt.factory() as session, session.begin():
        revoke_token(session, actor=caller.user(session), token_id=token_id, client=caller.client)
