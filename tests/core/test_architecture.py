"""The layers of docs/architecture.md: views -> services -> models and scoring, never back.

Read from the source with `ast`, so imports inside functions count too.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("admin", "core", "portal", "scoring", "staff")
VIEWS = ("admin", "portal", "staff")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        if (ROOT / package).is_dir()
        for path in (ROOT / package).rglob("*.py")
    }


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules that `path` imports (`from a import b` counts a.b when b is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in modules}


def _graph() -> dict[str, set[str]]:
    modules = _project_modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _package_of(module: str) -> str:
    return module.split(".")[0]


def test_no_two_modules_import_each_other():
    graph = _graph()
    # A package's __init__ that imports its own view modules (to register routes) is the
    # blueprint pattern, not a cycle between peers.
    for name in graph:
        if _package_of(name) in VIEWS and "." not in name:
            graph[name] = {t for t in graph[name] if _package_of(t) != name}

    assert _cycles(graph) == []


def test_the_cycle_finder_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_services_and_models_never_import_views():
    offenders = [
        (name, target)
        for name, targets in _graph().items()
        if name.startswith("core.")
        for target in targets
        if _package_of(target) in VIEWS
    ]

    assert offenders == []


def test_views_do_not_import_each_other():
    offenders = [
        (name, target)
        for name, targets in _graph().items()
        if _package_of(name) in VIEWS
        for target in targets
        if _package_of(target) in VIEWS and _package_of(target) != _package_of(name)
    ]

    assert offenders == []


# Commit helpers whose callers take the write lock themselves.
COMMIT_HELPERS = {"_commit_or_name_taken"}


def _services_committing_without_the_write_lock() -> list[str]:
    """Service functions that commit but never call begin_write() or write_locked()."""
    found = []
    for path in sorted((ROOT / "core" / "services").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef) or node.name in COMMIT_HELPERS:
                continue
            body = ast.get_source_segment(source, node)
            locked = "begin_write(" in body or "write_locked(" in body
            if "db.session.commit()" in body and not locked:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    return found


def test_every_service_that_commits_takes_the_write_lock():
    """On SQLite a read before the lock fails when another writer commits in between; the
    concurrency tests (test_writers_concurrency and others) check that it comes first."""
    assert _services_committing_without_the_write_lock() == []
