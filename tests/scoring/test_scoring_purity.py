"""scoring/ is pure: it imports only the standard library and itself."""

import ast
import sys
from pathlib import Path

import pytest

SCORING_DIR = Path(__file__).resolve().parents[2] / "scoring"
MODULES = sorted(SCORING_DIR.glob("*.py"))
FORBIDDEN = {"flask", "sqlalchemy", "core"}


def imported_names(path: Path) -> list[tuple[str, int]]:
    """Top-level names of modules imported by a file (level > 0 for relative)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [(alias.name.split(".")[0], 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(((node.module or "").split(".")[0], node.level))
    return names


def test_scoring_package_has_modules():
    assert {p.stem for p in MODULES} >= {
        "periods",
        "scores",
        "rankings",
        "points",
        "composite",
    }


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_no_framework(path):
    bad = [
        name for name, _ in imported_names(path) if name in FORBIDDEN or name.startswith("flask_")
    ]
    assert bad == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_only_stdlib_and_scoring(path):
    foreign = [
        name
        for name, level in imported_names(path)
        if level or (name not in sys.stdlib_module_names and name != "scoring")
    ]
    assert foreign == []
