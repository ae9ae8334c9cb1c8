"""The engine layer: only search/engine/ reaches into Whoosh."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import search

PACKAGE = Path(search.__file__).parent
#: What the rest of unsearch may use of Whoosh: queries, schema fields and
#: analysis filters, by their public names.
PUBLIC = {"whoosh.query", "whoosh.fields", "whoosh.analysis"}
OUTSIDE = sorted(
    str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if p.parent.name != "engine"
)


def _whoosh_imports(tree: ast.Module) -> list[tuple[str, str]]:
    """``(module, name)`` of every Whoosh name a module imports."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, "") for a in node.names if a.name.split(".")[0] == "whoosh"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            for a in node.names:
                if node.module == "whoosh":  # from whoosh import query
                    found.append((f"whoosh.{a.name}", ""))
                else:
                    found.append((node.module, a.name))
    return found


@pytest.mark.parametrize("path", OUTSIDE)
def test_only_the_engine_reaches_into_whoosh(path):
    tree = ast.parse((PACKAGE / path).read_text(encoding="utf-8"))
    for module, name in _whoosh_imports(tree):
        assert module in PUBLIC, f"{path} imports {module}"
        assert not name.startswith("_"), f"{path} imports {module}.{name}"


@pytest.mark.parametrize("path", OUTSIDE)
def test_whoosh_is_imported_after_the_engine_start_up(path):
    tree = ast.parse((PACKAGE / path).read_text(encoding="utf-8"))
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    first_whoosh = next(
        (i for i, n in enumerate(imports) if _whoosh_imports(ast.Module([n], []))), None
    )
    if first_whoosh is None:
        return
    engine = [
        i
        for i, n in enumerate(imports)
        if isinstance(n, ast.ImportFrom)
        and n.level == 1
        and (n.module or "").split(".")[0] == "engine"
    ]
    assert engine and engine[0] < first_whoosh, f"{path} imports Whoosh before search.engine"
