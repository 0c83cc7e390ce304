"""Rules the linters cannot say: every suppression explains itself, no import circle anywhere in
``service/`` (function-level imports counted), tests use public seams, and every package is
placed in a layer and named in the README."""
from __future__ import annotations

import ast
import re
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


PRIVATE = re.compile(r"^_[A-Za-z0-9]")


def patched_names(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, name)`` of every ``monkeypatch.setattr(obj, "name", ...)`` / ``setattr(...)`` and
    ``mock.patch("a.b._name")`` / ``patch.object(obj, "name")`` in a test module."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        strings = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
        if called in ("setattr", "delattr", "object") and len(node.args) >= 2 and strings:
            found.append((node.lineno, strings[0]))
        elif called == "patch" and strings:
            found.append((node.lineno, strings[0].rsplit(".", 1)[-1]))
    return found


def test_no_test_patches_a_private_name_or_a_module_it_imported():
    """Tests use public seams (settings, clocks passed in, Protocols): a patched private name or a
    module's own ``dt``/``time`` breaks at every move of code and tests no behaviour."""
    offenders = []
    for path in sorted((PROJECT_ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(PROJECT_ROOT)}:{line}: {name}" for line, name in patched_names(tree)
                      if PRIVATE.match(name) or name in ("dt", "datetime", "time", "os", "sys", "random")]
    assert offenders == []


def test_the_patch_finder_sees_private_names():
    tree = ast.parse('monkeypatch.setattr(module, "_secret", 1)\nmock.patch("a.b._c")\nmonkeypatch.setattr(m, "dt", x)')
    assert patched_names(tree) == [(1, "_secret"), (2, "_c"), (3, "dt")]
