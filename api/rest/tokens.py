"""REST: API tokens for scripts (the secret is returned once; only its hash is kept)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel, Field

from access.tokens import create_token, list_tokens, revoke_token
from api.auth import CurrentUser, RuntimeDep
from api.openapi import SIGNED_IN, answers
from api.params import PathId

router = APIRouter(prefix="/api/tokens", tags=["tokens"], responses=SIGNED_IN)


class NewTokenBody(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    days: int | None = Field(
        None,
        description="Days until it expires: DANGAN_TOKEN_DAYS_DEFAULT when left out, at most "
        "DANGAN_TOKEN_DAYS_MAX (a longer lifetime is a 422).",
    )


@router.post("", status_code=201)
def create(body: NewTokenBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """A new token for oneself; `secret` is shown this once. It ends when it expires, is revoked, or the
    owner's password is changed or reset or the account disabled."""
    with rt.factory() as session, session.begin():
        return asdict(
            create_token(
                session,
                user=caller.user(session),
                name=body.name,
                days=body.days,
                default_days=rt.settings.token_days_default,
                max_days=rt.settings.token_days_max,
                client=caller.client,
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
