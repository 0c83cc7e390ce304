"""Rules the linters cannot say: every suppression explains itself, no import circle anywhere in
``service/`` (function-level imports counted), no test patches a private name or a module's
standard-library import, and every package is placed in a layer and named in the README."""
from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import tomllib

import grimp

from service.core.config import PROJECT_ROOT

SUPPRESSION = re.compile(r"#\s*(noqa\b[^#\n]*|type:\s*ignore\b[^#\n]*)")
REASON = re.compile(r"(noqa: [A-Z0-9, ]+ - \S|type: ignore\[[a-z-]+\]\s*#\s*\S)")


def test_every_noqa_and_type_ignore_says_why():
    unexplained = []
    for folder in ("service", "tests", "benchmarks"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = SUPPRESSION.search(line)
                if match and not REASON.search(line[match.start():]):
                    unexplained.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert not unexplained, "say why after the code, e.g. '# noqa: BLE001 - health reports, never raise':\n" + \
        "\n".join(unexplained)


def import_circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), over every import grimp finds:
    module level, function level and under ``TYPE_CHECKING`` alike."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return circles


def test_no_import_circle_in_service_even_through_function_level_imports():
    graph = grimp.build_graph("service", cache_dir=None)
    assert import_circles(graph) == []


def test_the_circle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for module in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(module)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    assert import_circles(graph) == [["a.x", "a.y"]]


def top_level_packages() -> set[str]:
    return {path.parent.name for path in (PROJECT_ROOT / "service").glob("*/__init__.py") if path.parent.name != "demo"}


def test_every_package_has_a_layer_and_a_line_in_the_readme():
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")["layers"]
    layered = {name.strip() for layer in layers for name in layer.split("|")}
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert top_level_packages() <= layered
    assert [name for name in sorted(top_level_packages()) if f"`{name}/`" not in readme] == []


PATCHERS = {"setattr", "delattr", "object"}      # monkeypatch.setattr/delattr, mock.patch.object


def _imported_names(tree: ast.AST) -> dict[str, str]:
    """Each name a test file binds by an import (at any depth) and the dotted module it names."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _stdlib_module(dotted: str, attribute: str) -> bool:
    """Whether ``attribute`` of the module ``dotted`` (when it is one) is a standard-library module."""
    try:
        module = importlib.import_module(dotted)
    except ImportError:
        return False
    value = getattr(module, attribute, None)
    return inspect.ismodule(value) and value.__name__.split(".")[0] in sys.stdlib_module_names


def test_no_test_patches_a_private_name_or_a_module_s_stdlib_import():
    """Tests go through public seams (a clock, a hook, a parameter, a Protocol), so a refactor
    of private code never breaks them and they never stand in for a module's ``datetime``."""
    found = []
    for path in sorted((PROJECT_ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = _imported_names(tree)
        where = f"{path.relative_to(PROJECT_ROOT)}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.append(f"{where}:{node.lineno}: reads .{node.attr}")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name.rpartition(".")[2].startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{where}:{node.lineno}: imports {alias.name}")
            if isinstance(node, ast.Call) and any(isinstance(a, ast.Name) and a.id == "monkeypatch" for a in node.args):
                found += [f"{where}:{node.lineno}: hands monkeypatch the name {a.value}" for a in node.args
                          if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value.startswith("_")]
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in PATCHERS and len(node.args) >= 2):
                continue
            target, name = node.args[0], node.args[1]
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                continue
            if name.value.startswith("_"):
                found.append(f"{where}:{node.lineno}: patches {name.value}")
            elif isinstance(target, ast.Name) and target.id in imported and \
                    _stdlib_module(imported[target.id], name.value):
                found.append(f"{where}:{node.lineno}: patches the module {name.value} of {imported[target.id]}")
    assert not found, "use a public seam instead:\n" + "\n".join(found)
