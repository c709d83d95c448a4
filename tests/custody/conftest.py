"""The fixture company (tests.api.world) plus a chairman, and helpers for locations, items and loans."""

from __future__ import annotations

from datetime import date

import pytest

from access.models import User, UserPosition, UserRole
from tests.api.world import World, build_world

# A plain Monday, far from any holiday, so that due dates are easy to check by hand.
TODAY = date(2026, 3, 9)


@pytest.fixture
def world(runtime) -> World:
    world = build_world(None, runtime)
    with runtime.factory() as session, session.begin():
        # The chairman is a shipped post (access.rules.DEFAULT_POSITIONS, POL-9).
        chair = User(login="chair", name="董事长")
        chair.role_rows = [UserRole(role="manager")]
        chair.position_rows = [UserPosition(position="chairman")]
        session.add(chair)
        session.flush()
        world.users["chair"] = chair.id
    return world


def user(session, world: World, login: str) -> User:
    return session.get_one(User, world.users[login])
