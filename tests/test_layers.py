"""The layer rules of docs/developers.md, checked on every import of mediatool/.

Each layer may import only the layers listed for it (its own included). An
import under `if TYPE_CHECKING:` is a type annotation, not a dependency, and is
not counted. click belongs to cli/ alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mediatool"
LAYERS = ("cli", "services", "core", "formats", "store", "host")
ALLOWED = {
    "core": {"core"},
    "formats": {"core", "formats"},
    "store": {"core", "store", "host"},
    "host": {"core", "formats", "host"},
    "services": {"core", "formats", "store", "host", "services"},
    "cli": {"cli", "services", "core", "formats"},
}
CLI_ONLY = {"click"}


def _runtime_imports(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "mediatool":
                found.extend((node.lineno, f"mediatool.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, node.module))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def violations(package: Path = PACKAGE) -> list[str]:
    """`file:line: message` for every import that breaks the layer rules."""
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if len(relative.parts) == 1:
            if relative.name not in ("__init__.py", "__main__.py"):
                found.append(f"{relative}:1: module outside a layer package")
            continue
        layer = relative.parts[0]
        if layer not in ALLOWED:
            found.append(f"{relative}:1: unknown layer « {layer} »")
            continue
        for line, module in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            parts = module.split(".")
            if parts[0] in CLI_ONLY and layer != "cli" or parts[0] == "mediatool" and len(parts) > 1 and parts[1] in LAYERS \
                    and parts[1] not in ALLOWED[layer]:
                found.append(f"mediatool/{relative}:{line}: {layer}/ imports {module}")
    return found


def test_every_import_follows_the_layer_rules():
    assert violations() == []


def test_a_planted_violation_is_caught_with_its_line(tmp_path):
    core = tmp_path / "mediatool" / "core"
    core.mkdir(parents=True)
    (core / "__init__.py").write_text("")
    (core / "bad.py").write_text("import os\n\nfrom mediatool.store import records\n")
    (tmp_path / "mediatool" / "loose.py").write_text("")
    assert sorted(violations(tmp_path / "mediatool")) == [
        "loose.py:1: module outside a layer package",
        "mediatool/core/bad.py:3: core/ imports mediatool.store",
    ]


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_says_what_it_is_for(layer):
    doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text()))
    assert doc and "import" in doc, f"mediatool/{layer}/__init__.py: docstring missing"


def test_test_modules_share_builders_through_conftest_only():
    # Builders imported from another test module run that module's tests' imports and
    # hide where the shared data lives: they belong in tests/conftest.py.
    offenders = []
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{path.name}:{node.lineno}: {n}" for n in names
                          if n.split(".")[-1].startswith("test_") or n.startswith("tests.")]
    assert not offenders, offenders
