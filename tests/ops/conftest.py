"""Operations fixtures: the fixture company (tests/api/world.py) in a runtime, with channels configured."""

from __future__ import annotations

import pytest

from tests.api.world import build_world


@pytest.fixture
def company(runtime):
    """The fixture company in this test's archive."""
    return build_world(None, runtime)
