"""Rules the linters cannot say: every suppression explains itself, the store's modules form
no import cycle, and no test patches a private name or a module's standard-library import."""
from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys

from service.config import PROJECT_ROOT

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


def _store_cycles() -> list[list[str]]:
    """Strongly connected components (Tarjan) of more than one module among ``service.store.*``,
    counting function-level imports too."""
    import grimp

    graph = grimp.build_graph("service")
    modules = sorted(m for m in graph.modules if m.startswith("service.store."))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph.find_modules_directly_imported_by(module)):
            if not other.startswith("service.store."):
                continue
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_the_store_modules_import_one_another_without_a_cycle():
    """Lower modules (versions, reads, translations) never reach up to the ones built on them
    (search, changes), not even from inside a function."""
    assert _store_cycles() == []


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
