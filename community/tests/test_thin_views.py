"""Views are thin: the apps named here read through their selectors and
write through their services, so no view module of theirs names a model's
manager. (The older apps still read some rows in their views; each joins the
list once it no longer does.)"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

THIN = ("courses", "growth")


def _view_modules(app: str) -> list[Path]:
    folder = ROOT / app
    return sorted(
        [*folder.glob("views*.py"), *folder.glob("views/*.py")],
        key=lambda path: str(path),
    )


def _managers_named(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in {"objects", "_default_manager", "_base_manager"}
    ]


@pytest.mark.parametrize("app", THIN)
def test_the_views_of_the_app_read_through_its_selectors(app):
    modules = _view_modules(app)

    assert modules
    assert [place for path in modules for place in _managers_named(path)] == []
