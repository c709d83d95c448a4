"""Web UI fixtures: the fixture company behind the in-process app, and browsers-without-a-browser
(TestClient) signed in through the login form, with the page's CSRF token at hand."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tests.api.world import PASSWORD, World, build_world

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


@dataclass
class Tab:
    """A signed-in user's client; `post` adds the CSRF token as a form field, as the pages do."""

    client: TestClient
    csrf: str

    def get(self, url: str, **kw):  # type: ignore[no-untyped-def]
        return self.client.get(url, follow_redirects=False, **kw)

    def post(self, url: str, data: dict | None = None, **kw):  # type: ignore[no-untyped-def]
        return self.client.post(
            url, data={"csrf_token": self.csrf, **(data or {})}, follow_redirects=False, **kw
        )


@pytest.fixture
def world(client) -> World:
    return build_world(client.app, client.app.state.runtime)


@pytest.fixture
def tab(world):  # type: ignore[no-untyped-def]
    """tab(login, lang="zh-CN") → a Tab signed in through POST /login."""

    def sign_in(login: str, lang: str = "zh-CN") -> Tab:
        client = TestClient(world.app, base_url="https://testserver", headers={"Accept-Language": lang})
        response = client.post("/login", data={"login": login, "password": PASSWORD}, follow_redirects=False)
        assert response.status_code == 303, response.text
        page = client.get("/password")
        return Tab(client, CSRF.search(page.text).group(1))

    return sign_in


def text_of(html: str) -> str:
    """The visible words of a page, roughly (tags dropped)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
