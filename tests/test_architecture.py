"""The shape of server/, read with ``ast``: one scope rule, no import cycles.

No cycle between modules, and none between the feature packages (the folders under
server/) under this layering: a package's ``tables`` module is the shared data layer
(any package may import another package's tables); the web layer -- ``controllers.py``,
``*_controllers.py``, ``pages.py``, ``device_pages.py`` -- sits above every service and
may import any package; apart from those, the graph of feature packages has no cycle.
The modules beside the packages (scope.py, db.py, wire.py, ...) are no package; the
module check covers them.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

from tests.support import ROOT

SERVER = ROOT / "server"
SCOPE = SERVER / "scope.py"


def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(), str(path)) for path in sorted(SERVER.rglob("*.py"))}


def _names_a_path(node: ast.expr) -> bool:
    """``Area.path`` or ``row["village.path"]``: an area path (a request's URL path is not)."""
    if isinstance(node, ast.Attribute):
        url = isinstance(node.value, ast.Attribute) and node.value.attr == "url"
        return node.attr == "path" and not url
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        key = node.slice.value
        asgi = isinstance(node.value, ast.Name) and node.value.id == "scope"  # a URL path
        return isinstance(key, str) and (key.endswith(".path") or (key == "path" and not asgi))
    return False


def _is_area_filter(node: ast.AST) -> bool:
    """An actor's area paths read, or an area path compared by prefix."""
    if isinstance(node, ast.Attribute):
        return node.attr == "area_paths"
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("like", "ilike", "startswith")
        and _names_a_path(node.func.value)
    )


def _area_filters(tree: ast.Module) -> list[int]:
    """Lines that build an area filter."""
    return [node.lineno for node in ast.walk(tree) if _is_area_filter(node)]


def test_only_the_scope_module_builds_an_area_filter():
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for path, tree in _modules().items()
        if path != SCOPE
        for line in _area_filters(tree)
    }
    assert not found, "area filters outside server/scope.py: " + ", ".join(sorted(found))


def test_the_scope_module_is_seen_building_area_filters():
    # Keeps the test above honest: it must recognise the filters it forbids.
    assert _area_filters(ast.parse(SCOPE.read_text()))


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runs_at_import(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports a module runs when it is imported (not those under ``if TYPE_CHECKING``)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append(node)
            elif isinstance(node, ast.If):
                if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                    visit(node.body + node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body + node.orelse + node.finalbody)

    visit(tree.body)
    return found


def _import_graph() -> dict[str, set[str]]:
    trees = {_module_name(path): tree for path, tree in _modules().items()}
    graph: dict[str, set[str]] = {name: set() for name in trees}
    for name, tree in trees.items():
        for node in _runs_at_import(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in trees else base
                    for alias in node.names
                ]
            graph[name] |= {t for t in targets if t in trees and t != name}
    return graph


def _cycle_from(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """The shortest chain of imports from ``start`` back to itself, if any."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        current = queue.pop(0)
        for target in sorted(graph[current]):
            if target == start:
                return [*paths[current], start]
            if target not in paths:
                paths[target] = [*paths[current], target]
                queue.append(target)
    return None


def test_no_module_of_server_imports_itself_through_others():
    graph = _import_graph()
    cycles = {" → ".join(c) for name in graph if (c := _cycle_from(graph, name))}
    assert not cycles, "import cycles:\n" + "\n".join(sorted(cycles))


def test_the_cycle_check_sees_a_cycle():
    graph = {"a.x": {"b.y"}, "b.y": {"c.z"}, "c.z": {"a.x"}, "d": set()}
    assert _cycle_from(graph, "a.x") == ["a.x", "b.y", "c.z", "a.x"]
    assert _cycle_from(graph, "d") is None


def _imports_inside_functions(tree: ast.Module) -> list[int]:
    return [
        inner.lineno
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for inner in ast.walk(node)
        if isinstance(inner, (ast.Import, ast.ImportFrom))
    ]


def test_only_the_command_line_imports_inside_functions():
    # The CLI imports what each command needs, so ``doorstep --help`` starts fast; anywhere
    # else an import inside a function hides a cycle or a dependency.
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for path, tree in _modules().items()
        if path != SERVER / "cli.py"
        for line in _imports_inside_functions(tree)
    }
    assert not found, "imports inside functions: " + ", ".join(sorted(found))


def test_the_function_import_check_sees_one():
    tree = ast.parse("def f():\n    import json\n")
    assert _imports_inside_functions(tree) == [2]


WEB_LAYER = ("controllers", "pages", "device_pages")


def _in_web_layer(path: Path) -> bool:
    return path.stem in WEB_LAYER or path.stem.endswith("_controllers")


def _imported_modules(node: ast.Import | ast.ImportFrom, known: set[str]) -> list[str]:
    """The modules of ``server`` an import names (``from p import m`` names ``p.m`` if a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names
    ]


def _package_graph(trees: dict[Path, ast.Module]) -> dict[str, dict[str, set[str]]]:
    """``{package: {package it imports: {"path:line module", ...}}}`` under the layering above."""
    known = {_module_name(path) for path in trees}
    graph: dict[str, dict[str, set[str]]] = {}
    for path, tree in trees.items():
        parts = path.relative_to(SERVER).parts
        if len(parts) < 2 or _in_web_layer(path):
            continue
        package = parts[0]
        graph.setdefault(package, {})
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for module in _imported_modules(node, known):
                names = module.split(".")
                if len(names) < 2 or names[0] != "server" or names[-1] == "tables":
                    continue
                if names[1] != package and (SERVER / names[1]).is_dir():
                    where = f"{path.relative_to(ROOT)}:{node.lineno} imports {module}"
                    graph[package].setdefault(names[1], set()).add(where)
    return graph


def _package_cycles(trees: dict[Path, ast.Module]) -> set[str]:
    graph = _package_graph(trees)
    edges = {package: set(targets) for package, targets in graph.items()}
    for targets in graph.values():
        for target in targets:
            edges.setdefault(target, set())
    cycles = set()
    for package in sorted(edges):
        cycle = _cycle_from(edges, package)
        if cycle and package == min(cycle):  # each circle once, from its first package
            steps = [
                f"  {a} → {b}: " + "; ".join(sorted(graph[a][b]))
                for a, b in itertools.pairwise(cycle)
            ]
            cycles.add(" → ".join(cycle) + "\n" + "\n".join(steps))
    return cycles


def test_no_feature_package_imports_itself_through_others():
    """Under the layering of the module docstring (tables and the web layer are no edges)."""
    cycles = _package_cycles(_modules())
    assert not cycles, "package cycles:\n" + "\n".join(sorted(cycles))


def test_the_package_check_sees_a_cycle_and_the_layers():
    # households/service imports a service of entries, and entries one of households: a cycle.
    # Importing a package's tables, or importing from a controller, is no edge.
    sources = {
        "households/service.py": "from server.entries.kinds import visit\n",
        "households/controllers.py": "from server.sync import pull\n",
        "entries/service.py": "from server.households import change\n",
        "sync/pull.py": "from server.households.tables import Household\n",
    }
    trees = {SERVER / name: ast.parse(text) for name, text in sources.items()}
    cycles = _package_cycles(trees)
    assert {c.splitlines()[0] for c in cycles} == {"entries → households → entries"}
    assert "sync" not in _package_graph(trees)["households"]
    assert _package_graph(trees)["sync"] == {}
