"""The shape of server/, read with ``ast``: one scope rule, no import cycles."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support import ROOT

SERVER = ROOT / "server"
SCOPE = SERVER / "scope.py"


def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(), str(path)) for path in sorted(SERVER.rglob("*.py"))}


def _names_a_path(node: ast.expr) -> bool:
    """``Area.path`` or ``row["village.path"]``: an area path (a request's ``url.path`` is not)."""
    if isinstance(node, ast.Attribute):
        url = isinstance(node.value, ast.Attribute) and node.value.attr == "url"
        return node.attr == "path" and not url
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        key = node.slice.value
        return isinstance(key, str) and (key == "path" or key.endswith(".path"))
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
