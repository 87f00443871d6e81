"""app/core/ is the layer every feature stands on: it imports nothing from a feature (app.org, app.jobs, ...),
so a feature can be added or removed without core changing. Core reaches feature behaviour only through
hooks a feature fills in (realtime.use_session_loader, cli.add_serve_companion, ...). Read from the source
with `ast`, so a lazy import inside a function counts too."""

import ast

from app import PROJECT_ROOT

APP = PROJECT_ROOT / "app"
CORE = APP / "core"
# Every package beside core under app/ is a feature (translations holds no code).
FEATURES = {path.name for path in APP.iterdir() if (path / "__init__.py").exists()} - {"core"}

NOT_YET_MOVED: set[str] = set()  # authz.py, which reads people and stores, now lives in app/org


def _runtime_nodes(tree: ast.AST):
    """Every node but those under `if TYPE_CHECKING:` (types for readers and type checkers, never imported
    when the app runs)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            continue
        yield node
        yield from _runtime_nodes(node)


def _imported_modules(tree: ast.AST):
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            if node.module == "app":  # `from app import jobs` names the package app.jobs
                for alias in node.names:
                    yield node.lineno, f"app.{alias.name}"


def _feature_imports(source: str) -> list[tuple[int, str]]:
    return [(line, module) for line, module in _imported_modules(ast.parse(source))
            if module.split(".")[0] == "app" and len(module.split(".")) > 1 and module.split(".")[1] in FEATURES]


def test_the_feature_list_is_read_from_the_tree():
    assert {"org", "jobs", "auth", "points"} <= FEATURES
    assert not FEATURES & {"extensions", "config"}  # modules every layer may import


def test_core_imports_no_feature():
    offenders = [f"{path.relative_to(PROJECT_ROOT)}:{line} imports {module}"
                 for path in sorted(CORE.rglob("*.py")) if path.name not in NOT_YET_MOVED
                 for line, module in _feature_imports(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_check_sees_every_kind_of_import():
    source = ("import app.org.models\nfrom app.jobs.queue import huey\nfrom app import points, PROJECT_ROOT\n"
              "def later():\n    from app.auth import sessions\n"
              "from app.core import text\nfrom app.extensions import db\nfrom app.config import X\n")
    assert [module for _, module in _feature_imports(source)] == [
        "app.org.models", "app.jobs.queue", "app.points", "app.auth"]
