"""Which services write rows without saying what follows, read with ``ast``.

Each app's ``tests/test_changes.py`` asks ``unannounced_writes`` for the
public functions of its services that write a row — themselves, or through a
function of the same modules they call — and call none of the app's change
functions (``<app>/changes.py``), directly or through such a function. A new
service that forgets fails there; one that writes only what no page, index
or feed shows is listed by the app with the reason.

``cache_mechanisms_used`` finds the modules of an app other than its
``changes.py`` that reach for a cache, the index or the feed themselves.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A call of one of these on anything is taken for a write: an ORM write
# (``Model.save``, ``QuerySet.update``...). A false match (a file storage's
# ``save``) is listed by the app with its reason, like a real exemption.
WRITE_METHODS = {
    "save",
    "create",
    "bulk_create",
    "bulk_update",
    "update",
    "delete",
    "get_or_create",
    "update_or_create",
}

# What only ``<app>/changes.py`` may call in the domain apps.
CACHE_MECHANISMS = {
    "page_cache_invalidate",
    "card_changed",
    "cards_changed",
    "generation_bump",
    "generations_bump",
    "moved",
    "search_index",
    "search_index_many",
    "search_remove",
    "search_reindex_objects",
    "search_audience_set",
    "activity_record",
    "activity_remove",
    "activity_remove_many",
    "topic_pages",
}


@dataclass
class _Function:
    module: str
    name: str
    writes: bool = False
    announces: bool = False
    calls: set = field(default_factory=set)


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _modules(paths: list[Path]) -> dict[str, ast.Module]:
    return {
        _module_name(path): ast.parse(path.read_text(), filename=str(path))
        for path in paths
    }


def _imports(tree: ast.Module) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Names bound by ``from m import n`` (name → (m, n)) and module aliases."""
    names, aliases = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name
    return names, aliases


def _functions(
    modules: dict[str, ast.Module], changes: set[str]
) -> dict[tuple[str, str], _Function]:
    found: dict[tuple[str, str], _Function] = {}
    for module, tree in modules.items():
        names, aliases = _imports(tree)
        local = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            function = _Function(module, node.name)
            for call in ast.walk(node):
                if not isinstance(call, ast.Call):
                    continue
                target = call.func
                if isinstance(target, ast.Attribute):
                    owner = target.value
                    if isinstance(owner, ast.Name) and aliases.get(owner.id) in changes:
                        function.announces = True
                    elif target.attr in WRITE_METHODS:
                        function.writes = True
                elif isinstance(target, ast.Name):
                    if target.id in local:
                        function.calls.add((module, target.id))
                    elif target.id in names:
                        source, name = names[target.id]
                        if source in changes:
                            function.announces = True
                        elif source in modules:
                            function.calls.add((source, name))
            found[(module, node.name)] = function
    return found


def _closure(functions: dict, key: tuple, attribute: str, seen: set) -> bool:
    function = functions.get(key)
    if function is None or key in seen:
        return False
    seen.add(key)
    return getattr(function, attribute) or any(
        _closure(functions, callee, attribute, seen) for callee in function.calls
    )


def unannounced_writes(
    paths: list[Path], *, changes: set[str], exempt: dict[str, str]
) -> dict[str, str]:
    """The public functions of ``paths`` that write and call no function of
    the ``changes`` modules, less ``exempt`` (name → why). An exemption that
    no longer names such a function is reported too, so the list stays true.
    """
    functions = _functions(_modules(paths), changes)
    silent = {}
    for key, function in functions.items():
        if function.name.startswith("_"):
            continue
        writes = _closure(functions, key, "writes", set())
        announces = _closure(functions, key, "announces", set())
        if writes and not announces:
            silent[function.name] = f"{function.module}: writes, calls no change"
    for name in exempt:
        if name not in silent:
            silent[name] = "exempt, but writes nothing or calls a change function"
        else:
            del silent[name]
    return silent


def cache_mechanisms_used(paths: list[Path]) -> dict[str, set[str]]:
    """For each module, the cache, index and feed mechanisms it imports or
    calls by name (``community.activity_record`` included)."""
    used = {}
    for module, tree in _modules(paths).items():
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
        if found := names & CACHE_MECHANISMS:
            used[module] = found
    return used


def app_services(app: str) -> list[Path]:
    """An app's services: the package's modules, or the one module."""
    package = ROOT / app / "services"
    if package.is_dir():
        return sorted(package.glob("*.py"))
    return [ROOT / app / "services.py"]


def app_modules(app: str) -> list[Path]:
    """Every module of an app but its tests and migrations."""
    return sorted(
        path
        for path in (ROOT / app).rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
    )
