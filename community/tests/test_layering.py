"""The community layer's imports, as ``docs/architecture.md`` states them.

``community/`` is the site-wide layer the domain apps (forums, materials,
master-classes) build on; it learns about them through its registries, never
by importing them. ``accounts`` is the identity layer: ``community/`` may
import the member's models and a short, named list of what else it needs.
Every module under ``community/`` (its tests aside) is read with ``ast``, so an
import inside a function counts as much as one at the top.
"""

import ast
import re
from pathlib import Path

import pytest

COMMUNITY = Path(__file__).resolve().parents[1]
ROOT = COMMUNITY.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"

DOMAIN_APPS = (
    "forums",
    "materials",
    "masterclasses",
    "circles",
    "conversations",
    "courses",
    "growth",
    "contests",
)

# The two modules that are wiring, not the layer: they may import any app.
WIRING = {
    "community/urls.py": "the root URLconf: it includes every app's URLs",
    "community/management/commands/seed_demo.py": (
        "the demo filler: it writes through every app's services"
    ),
}

# What community/ may import from accounts, module by module, name by name.
ACCOUNTS_ALLOWED = {
    "accounts.models": {"User", "Profile"},
    "accounts.roles": {"STAFF_ROLES"},
    "accounts.services": {"profile_set_language"},
}

# Calls that import by a name written in the code.
DYNAMIC_IMPORTS = {"import_module", "import_string", "get_model"}


def _modules() -> list[Path]:
    return sorted(
        path
        for path in COMMUNITY.rglob("*.py")
        if "tests" not in path.relative_to(COMMUNITY).parts
    )


def _top(module: str) -> str:
    return module.split(".")[0]


def _imports(tree: ast.AST):
    """Each (line, module, names) the code imports; names None for a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Call):
            function = node.func
            name = getattr(function, "attr", None) or getattr(function, "id", None)
            if name not in DYNAMIC_IMPORTS or not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value, None


def violations(path: Path, source: str) -> list[str]:
    """What ``path`` imports that the layering forbids, one line each."""
    where = path.relative_to(ROOT).as_posix()
    if where in WIRING:
        return []
    found = []
    for line, module, names in _imports(ast.parse(source, filename=where)):
        top = _top(module)
        if top in DOMAIN_APPS:
            found.append(
                f"{where}:{line} imports {module}: community/ imports no domain "
                "app (only the root URLconf and seed_demo do); reach the app "
                "through a registry, or move the code into the app"
            )
        elif top == "accounts":
            if names is None:
                found.append(
                    f"{where}:{line} imports {module} whole: community/ names what "
                    f"it takes from accounts, and may take only {_allowed_text()}"
                )
                continue
            extra = sorted(set(names) - ACCOUNTS_ALLOWED.get(module, set()))
            if extra:
                found.append(
                    f"{where}:{line} imports {', '.join(extra)} from {module}: "
                    f"from accounts community/ may import only {_allowed_text()}"
                )
    return found


def _allowed_text() -> str:
    return "; ".join(
        f"{module}: {', '.join(sorted(names))}"
        for module, names in sorted(ACCOUNTS_ALLOWED.items())
    )


def test_community_imports_only_what_the_architecture_allows():
    found = []
    for path in _modules():
        found += violations(path, path.read_text(encoding="utf-8"))
    assert not found, "community/ imports past its layer:\n" + "\n".join(found)


def test_the_wiring_files_exist():
    for where in WIRING:
        assert (ROOT / where).is_file(), where


@pytest.mark.parametrize(
    "source",
    [
        "from forums.models import Topic",
        "import masterclasses.views",
        "def f():\n    from materials import services\n",
        "from accounts import services",
        "from accounts.services import account_delete",
        "from accounts.models import BlogPost",
        "from accounts.selectors import space_context",
        "import accounts.models",
        "from accounts.models import *",
        "from django.apps import apps\napps.get_model('forums.Topic')",
        "from django.utils.module_loading import import_string\n"
        "import_string('materials.services.material_create')",
    ],
)
def test_each_forbidden_import_is_found(source):
    path = COMMUNITY / "example.py"
    assert violations(path, source), source


@pytest.mark.parametrize(
    "source",
    [
        "from accounts.models import Profile, User",
        "from accounts.roles import STAFF_ROLES",
        "from accounts.services import profile_set_language",
        "from community.models import Notification",
        "from django.apps import apps\napps.get_model('community', 'Subject')",
    ],
)
def test_allowed_imports_pass(source):
    path = COMMUNITY / "example.py"
    assert violations(path, source) == []


def test_the_wiring_files_may_import_apps():
    path = ROOT / "community" / "urls.py"
    assert violations(path, "from masterclasses import views") == []


def test_the_architecture_names_the_same_list():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    match = re.search(
        r"^### What `community/` may import\n(.*?)(?=^#)", text, re.S | re.M
    )
    assert match, "docs/architecture.md has no section «What `community/` may import»"
    section = match.group(1)
    for module, names in ACCOUNTS_ALLOWED.items():
        for name in names:
            assert f"`{module}.{name}`" in section, f"{module}.{name} not in the docs"
    for where in WIRING:
        assert f"`{where}`" in section, f"{where} not in the docs"
