"""The engine seam (search.engine.SearchEngine): every engine and the live index implement all of it, and
nothing outside search/ reaches past it: no whoosh or tantivy import, no search internals, no asking which
engine it holds."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import search
from search.engine import SearchEngine
from search.live import LiveIndex
from search.tantivy_index import TantivyIndex
from search.whoosh_index import WhooshIndex

ROOT = Path(__file__).resolve().parents[2]
APPLICATION = (
    "core",
    "records",
    "access",
    "storage",
    "ingest",
    "custody",
    "retention",
    "workflows",
    "api",
    "bench",
)
# Benchmarks that measure search internals on purpose (the numpy evaluator against Whoosh's collectors).
INTERNALS_MEASURED = {
    "bench/web.py": {"search.whoosh_arrays", "search.query"},
}
MEMBERS = [name for name in dir(SearchEngine) if not name.startswith("_")] + ["engine", "path"]


@pytest.mark.parametrize("cls", [WhooshIndex, TantivyIndex, LiveIndex])
def test_every_engine_and_the_live_index_implement_the_whole_protocol(cls: type, tmp_path: Path) -> None:
    for name in MEMBERS:
        assert hasattr(cls, name) or name in ("engine", "path"), (cls.__name__, name)
    for name, member in inspect.getmembers(SearchEngine, inspect.isfunction):
        if name.startswith("_"):
            continue
        wanted = [p for p in inspect.signature(member).parameters.values() if p.kind == p.KEYWORD_ONLY]
        got = inspect.signature(getattr(cls, name)).parameters
        assert all(p.name in got for p in wanted), (cls.__name__, name)
    assert "__getattr__" not in vars(cls)  # the live index forwards the protocol, not arbitrary attributes


def test_instances_are_search_engines(tmp_path: Path) -> None:
    for index in (
        WhooshIndex(tmp_path / "w").open_or_create(),
        TantivyIndex(tmp_path / "t").open_or_create(),
        LiveIndex(tmp_path / "live").open_or_create(),
    ):
        try:
            assert isinstance(index, SearchEngine)
            assert index.engine in search.ENGINES and isinstance(index.path, Path)
        finally:
            index.close()


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _application_files() -> list[Path]:
    return [p for top in APPLICATION for p in sorted((ROOT / top).rglob("*.py"))]


def test_code_outside_search_imports_only_its_public_names() -> None:
    wrong = []
    for path in _application_files():
        name = str(path.relative_to(ROOT))
        allowed = INTERNALS_MEASURED.get(name, set())
        for module, names in _imports(path):
            top = module.split(".")[0]
            if top in ("whoosh", "tantivy"):
                wrong.append(f"{name}: import {module}")
            elif module.startswith("search.") and module not in allowed:
                wrong.append(f"{name}: from {module}")
            elif module == "search":
                internal = [n for n in names if n not in search.__all__ and f"search.{n}" not in allowed]
                if internal:
                    wrong.append(f"{name}: from search import {internal}")
    assert not wrong, wrong


def test_nothing_outside_search_asks_which_engine_it_holds() -> None:
    wrong = []
    for path in _application_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in ("engine", "ix", "searcher", "limitmb")
            ):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not wrong, wrong
