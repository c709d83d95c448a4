"""End-to-end fixtures: `dangan serve` in a subprocess on 127.0.0.1 (embedded job queue, in-process worker)
over an archive holding the fixture company (tests/api/world.py), and Debian's headless Chromium driven
by Playwright (never a downloaded browser).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from records.models import DocumentType
from tests.api.world import PASSWORD, World, build_world
from tests.conftest import fresh_database_url
from tests.web.archive import add_pdf_document
from workflows.runtime import Runtime
from workflows.setup import initialise

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Server:
    url: str
    world: World
    docs: dict[str, int] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(home: Path, database_url: str | None, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGAN_")}
    env |= {
        "DANGAN_HOME": str(home),
        "DANGAN_QUEUE_BACKEND": "sqlite",
        "DANGAN_OCR_WORKERS": "1",
        "DANGAN_WORKER_THREADS": "1",
        "DANGAN_HOST": "127.0.0.1",
        "DANGAN_PORT": str(port),
    }
    if database_url:
        env["DANGAN_DATABASE_URL"] = database_url
    return env


def _seed(home: Path, database_url: str | None) -> tuple[World, dict[str, int]]:
    settings = Settings(home=home, database_url=database_url, queue_backend="immediate", _env_file=None)
    runtime = Runtime(settings)
    initialise(runtime)
    world = build_world(None, runtime)
    with runtime.factory() as session, session.begin():
        # This company files letters as internal records, so the archivist who captures them reads them.
        session.get_one(DocumentType, "correspondence").default_level = "internal"
    docs = {
        "public": add_pdf_document(
            world,
            "c1",
            "internal",
            title="借款合同（鸿达）",
            lines=["合同编号：HT-2024-0012", "借款金额：人民币壹佰万元整", "签订日期：2024年2月20日"],
        ),
        "confidential": add_pdf_document(
            world,
            "c2",
            "department",
            title="担保合同（机密）",
            lines=["合同编号：DB-2024-0099", "担保金额：人民币伍佰万元整", "签订日期：2024年5月8日"],
        ),
    }
    runtime.close()
    return world, docs


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    """The app served over HTTP as `dangan serve` runs it."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it (apt-get install chromium)")
    home = tmp_path_factory.mktemp("e2e") / "home"
    with fresh_database_url() as database_url:
        world, docs = _seed(home, database_url)
        port = _free_port()
        log = open(home / "server.log", "wb")  # noqa: SIM115 - closed below
        dangan = shutil.which("dangan", path=str(Path(sys.executable).parent)) or "dangan"
        process = subprocess.Popen(
            [dangan, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=_environment(home, database_url, port),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process, home / "server.log")
            yield Server(url, world, docs)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dangan serve exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"dangan serve did not answer:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # this run's screenshots only
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Person:
    """One user's browser tab, signed in through the login page; screenshots go to tests/e2e/artifacts."""

    def __init__(
        self, browser, server: Server, login: str, *, locale: str = "zh-CN", prefix: str = ""
    ) -> None:  # type: ignore[no-untyped-def]
        self.server, self.login, self.prefix = server, login, prefix or login
        self.context = browser.new_context(
            locale=locale,
            viewport={"width": 1280, "height": 800},
            extra_http_headers={"Accept-Language": locale},
        )
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.shots = 0

    def sign_in(self) -> Person:
        page = self.page
        page.goto(f"{self.server.url}/login")
        page.fill("#login", self.login)
        page.fill("#password", PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{self.server.url}/")
        return self

    def goto(self, path: str):  # type: ignore[no-untyped-def]
        return self.page.goto(f"{self.server.url}{path}")

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = ARTIFACTS / f"{self.prefix}-{self.shots:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def person(browser, server):  # type: ignore[no-untyped-def]
    """person(login, locale=...) → a signed-in Person; every tab is closed after the test."""
    opened: list[Person] = []

    def open_tab(login: str, *, locale: str = "zh-CN", prefix: str = "") -> Person:
        tab = Person(browser, server, login, locale=locale, prefix=prefix).sign_in()
        opened.append(tab)
        return tab

    yield open_tab
    for tab in opened:
        tab.close()
