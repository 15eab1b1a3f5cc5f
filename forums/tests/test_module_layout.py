"""Which forums modules may import which, read with ``ast``.

The services write; the hooks register the forums with the community layer
and call the services; the fragments render a topic's posts. The services
take their keys from ``kinds`` and move a topic's version in ``versions``, so
they import neither the hooks nor the rendering, and neither of those two
small modules imports the services back. An import inside a function counts
as much as one at the top.
"""

import ast
from pathlib import Path

import pytest

FORUMS = Path(__file__).resolve().parents[1]
PROJECT_APPS = (
    "accounts",
    "community",
    "forums",
    "materials",
    "masterclasses",
    "circles",
)


def _imported(path: Path) -> set[str]:
    """Every module ``path`` imports, and each ``module.name`` it imports from."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                # Relative: resolved against the module's package.
                package = path.relative_to(FORUMS.parent).parent.parts
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, base] if base else package)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def _services_modules() -> list[Path]:
    return sorted((FORUMS / "services").glob("*.py"))


def test_the_services_are_a_package_of_several_modules():
    assert not (FORUMS / "services.py").exists()
    assert len(_services_modules()) > 3


@pytest.mark.parametrize("path", _services_modules(), ids=lambda path: path.name)
def test_no_service_imports_the_hooks_or_the_fragments(path):
    imported = _imported(path)

    assert not {
        name
        for name in imported
        if name.startswith(("forums.hooks", "forums.fragments"))
    }


def test_kinds_imports_nothing_of_the_project():
    imported = _imported(FORUMS / "kinds.py")

    assert not {name for name in imported if name.split(".")[0] in PROJECT_APPS}


def test_versions_imports_neither_the_services_nor_the_pages():
    imported = _imported(FORUMS / "versions.py")

    assert not {
        name
        for name in imported
        if name.startswith(
            ("forums.services", "forums.selectors", "forums.fragments", "forums.views")
        )
    }


def test_the_checks_see_an_import_inside_a_function(tmp_path):
    """The reading above finds what the checks look for (a guard on the guard)."""
    module = tmp_path / "module.py"
    module.write_text(
        "def f():\n    from forums.hooks import register\n    import forums.fragments\n"
    )

    assert {"forums.hooks.register", "forums.fragments"} <= _imported(module)
