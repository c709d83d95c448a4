"""The layout is the architecture (shared/DESIGN.md): dependencies point one way, only `api/` speaks HTTP or
the command line, and no two modules import each other, however indirectly.

Read from the source with `ast`, so an import inside a function counts as much as one at the top; imports
under `if TYPE_CHECKING:` are annotations only and do not count.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What each package may import (besides itself). core ← records/access ← storage, ingest, search, custody,
# retention ← workflows ← api; ingest and search never import each other (workflows joins them).
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "records": {"core"},
    "access": {"core", "records"},
    "storage": {"core"},
    "ingest": {"core", "records", "storage"},
    "search": {"core", "records"},
    "custody": {"core", "records", "access"},
    "retention": {"core", "records", "access", "storage", "search", "custody"},
    "workflows": {"core", "records", "access", "storage", "ingest", "search", "custody", "retention"},
    "api": {"core", "records", "access", "storage", "ingest", "search", "custody", "retention", "workflows"},
    "bench": {
        "core",
        "records",
        "access",
        "storage",
        "ingest",
        "search",
        "custody",
        "retention",
        "workflows",
    },
}
PACKAGES = tuple(ALLOWED)
WAYS_IN = ("fastapi", "starlette", "typer", "jinja2", "rich")
# The one way in a benchmark may use: the app, served to measure the pages as a browser gets them.
BENCH_MAY_USE = {"api.app"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations/versions" in path.as_posix():
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


@cache
def imports() -> dict[str, list[tuple[str, int]]]:
    """Each of our modules → the modules it imports (absolute names, as written) with their line."""
    modules = _modules()
    out: dict[str, list[tuple[str, int]]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        found = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from search import whoosh_arrays` names a module; `from search import search` a function.
                targets = [
                    f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                    for alias in node.names
                ]
            else:
                continue
            if not _under_type_checking(node, parents):
                found += [(target, node.lineno) for target in targets]
        out[name] = found
    return out


def _package(module: str) -> str:
    return module.split(".")[0]


def test_dependencies_point_one_way():
    wrong = [
        f"{module} (line {line}) imports {target}"
        for module, targets in imports().items()
        for target, line in targets
        if _package(target) in PACKAGES
        and _package(target) != _package(module)
        and _package(target) not in ALLOWED[_package(module)]
        and not (_package(module) == "bench" and target in BENCH_MAY_USE)
    ]
    assert not wrong, "\n".join(wrong)


def test_only_api_imports_web_and_command_line_libraries():
    wrong = [
        f"{module} (line {line}) imports {target}"
        for module, targets in imports().items()
        for target, line in targets
        # bench drives the app in-process through its test client, as the tests do
        if target.split(".")[0] in WAYS_IN and _package(module) not in ("api", "bench")
    ]
    assert not wrong, "\n".join(wrong)


def test_every_module_in_api_is_a_way_in():
    """A module of api/ that uses the application (any package of ours outside api/) but imports no web or CLI
    library belongs in workflows/ or a domain package. (One that uses neither, such as the OpenAPI
    declarations, only describes the ways in.)"""
    idle = [
        module
        for module, targets in imports().items()
        if _package(module) == "api"
        and _modules()[module].name != "__init__.py"
        and not any(target.split(".")[0] in WAYS_IN for target, _ in targets)
        and any(_package(target) in PACKAGES and _package(target) != "api" for target, _ in targets)
    ]
    assert not idle, "modules of api/ that import no web or CLI library: " + ", ".join(idle)


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, or None (depth-first search, iterative)."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    for start in sorted(graph):
        if state.get(start):
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def _module_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for module, targets in imports().items():
        for target, _ in targets:
            # The module itself, or the nearest enclosing one of ours (`from a.b import c` names a.b).
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != module and not module.startswith(target + "."):
                graph[module].add(target)
    return graph


def test_no_module_imports_itself_through_others():
    cycle = _cycle(_module_graph())
    assert cycle is None, " → ".join(cycle or [])


def test_no_two_packages_import_each_other():
    graph: dict[str, set[str]] = defaultdict(set)
    for module, targets in imports().items():
        for target, _ in targets:
            if _package(target) in PACKAGES and _package(target) != _package(module):
                graph[_package(module)].add(_package(target))
    cycle = _cycle(graph)
    assert cycle is None, " → ".join(cycle or [])


@pytest.mark.parametrize(
    ("graph", "expected"),
    [({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]), ({"a": {"b"}, "b": set()}, None)],
)
def test_the_cycle_finder_finds_cycles(graph, expected):
    assert _cycle(graph) == expected
