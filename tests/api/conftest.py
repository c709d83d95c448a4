"""API fixtures: the fixture company (tests/api/world.py) behind the in-process app."""

from __future__ import annotations

import pytest

from tests.api.world import World, build_world


@pytest.fixture
def world(client) -> World:
    """The company in the client's archive; `world.client(login)` signs requests with that user's token."""
    return build_world(client.app, client.app.state.runtime)
