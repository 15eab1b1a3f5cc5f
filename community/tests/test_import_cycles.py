"""The project's import graph has no cycle but a task and the service it
wraps calling each other back (``docs/architecture.md``, "Layers inside an
app"). Read with ``ast``; an import inside a function counts as much as one
at the top, since it is the same dependency taken later."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "community", "forums", "materials", "masterclasses", "circles")


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if {"tests", "migrations"} & set(parts):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [
                    f"{node.module}.{alias.name}"
                    if f"{node.module}.{alias.name}" in modules
                    else node.module
                    for alias in node.names
                ]
            else:
                continue
            edges |= {target for target in targets if target in modules}
        edges.discard(name)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


# The community layer's writing modules (its services, by concern).
COMMUNITY_SERVICES = {
    "community.digests",
    "community.embed_previews",
    "community.push_delivery",
    "community.recognition",
    "community.reporting",
    "community.sanctions",
    "community.services",
    "community.tags",
}


def _is_service(name: str) -> bool:
    return name in COMMUNITY_SERVICES or ".services" in f"{name}."


def _task_and_service(component: set[str]) -> bool:
    """One app's tasks module and its services, and nothing else."""
    apps = {name.split(".")[0] for name in component}
    tasks = {name for name in component if name.endswith(".tasks")}
    return (
        len(apps) == 1
        and len(tasks) == 1
        and all(_is_service(name) for name in component - tasks)
    )


def test_no_import_cycle_but_a_task_and_its_service():
    graph = _graph()
    assert [
        sorted(component)
        for component in _cycles(graph)
        if not _task_and_service(component)
    ] == []
    # ...and each of those loops goes through the task: without the tasks
    # modules, none is left.
    untasked = {
        name: {other for other in edges if not other.endswith(".tasks")}
        for name, edges in graph.items()
        if not name.endswith(".tasks")
    }
    assert _cycles(untasked) == []


def test_the_reading_finds_a_cycle():
    """A guard on the guard."""
    graph = {"a.hooks": {"a.services"}, "a.services": {"a.hooks"}, "b": set()}

    assert _cycles(graph) == [{"a.hooks", "a.services"}]
    assert not _task_and_service({"a.hooks", "a.services"})
    assert _task_and_service({"a.tasks", "a.services", "a.services.posts"})
    assert not _task_and_service({"a.tasks", "a.services", "a.views"})
