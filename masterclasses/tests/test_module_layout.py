"""The layout of the apps' services: no import cycle through ``hooks`` can come back.

``hooks`` imports the services (to hide a reported item, to decide a proposal);
the services take the keys they need from ``<app>.kinds``, which imports
nothing. These tests read the source with ``ast``: an import inside a function
counts too.
"""

import ast
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The module of each app that registers its kinds with the community layer.
HOOKS = {
    "masterclasses": {"masterclasses.hooks"},
    "materials": {"materials.hooks"},
    "accounts": {"accounts.hooks", "accounts.community_hooks"},
    "circles": {"circles.hooks"},
}


def _services_files(app: str) -> list[Path]:
    package = ROOT / app / "services"
    if package.is_dir():
        return sorted(package.glob("*.py"))
    return [ROOT / app / "services.py"]


def _imported(path: Path) -> set[str]:
    """Every module a file imports, as dotted names (``from a import b`` gives
    both ``a`` and ``a.b``: ``b`` may be a module)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("app", sorted(HOOKS))
def test_no_services_module_imports_its_apps_hooks(app):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported(path) & HOOKS[app])
        for path in _services_files(app)
        if _imported(path) & HOOKS[app]
    }
    assert offenders == {}


@pytest.mark.parametrize("app", sorted(HOOKS))
def test_the_kinds_module_imports_nothing(app):
    assert _imported(ROOT / app / "kinds.py") == set()


@pytest.mark.parametrize("app", sorted(HOOKS))
def test_the_hooks_register_the_kinds_modules_keys(app):
    """The hooks take their keys from ``kinds`` (same objects, same names)."""
    kinds = importlib.import_module(f"{app}.kinds")
    keys = {name for name in vars(kinds) if name.isupper()}
    assert keys
    for hooks_name in HOOKS[app]:
        if (ROOT / Path(*hooks_name.split("."))).with_suffix(".py").exists():
            hooks = importlib.import_module(hooks_name)
            for name in keys:
                assert getattr(hooks, name) is getattr(kinds, name), name


def test_masterclass_services_are_a_package_that_exports_every_public_function():
    from masterclasses import services

    assert (ROOT / "masterclasses" / "services" / "__init__.py").exists()
    assert not (ROOT / "masterclasses" / "services.py").exists()
    modules = [
        path.stem
        for path in _services_files("masterclasses")
        if path.stem != "__init__"
    ]
    public = set()
    for name in modules:
        module = importlib.import_module(f"masterclasses.services.{name}")
        public |= {
            attribute
            for attribute, value in vars(module).items()
            if inspect.isfunction(value)
            and value.__module__ == module.__name__
            and not attribute.startswith("_")
        }
    assert public <= set(services.__all__)
    for name in services.__all__:
        assert getattr(services, name) is not None, name
