"""``docs/architecture.md`` stays readable in a diff and names every change
function: the section «What follows a write» has a line for each public
function of each app's ``changes.py``, read with ``ast``, so a new one
without a line in the docs fails here."""

import ast
import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
APPS = (
    "community",
    "forums",
    "accounts",
    "materials",
    "masterclasses",
    "circles",
    "conversations",
    "courses",
    "growth",
    "contests",
)
LONGEST_LINE = 1000


def public_functions(source: str) -> set[str]:
    """The names of a module's top-level functions not starting with ``_``."""
    return {
        node.name
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
    }


def section(text: str, heading: str, level: int = 2) -> str:
    """The text under a heading of that level, up to the next heading of the
    same level or above (empty when there is no such heading)."""
    marks = "#" * level
    match = re.search(
        rf"^{marks} {re.escape(heading)}\n(.*?)(?=^#{{1,{level}}} |\Z)",
        text,
        re.S | re.M,
    )
    return match.group(1) if match else ""


def unnamed(names: set[str], text: str) -> set[str]:
    """The names that no code span of ``text`` starts with (`name`, `name(…)`)."""
    return {name for name in names if not re.search(rf"`{re.escape(name)}\b", text)}


def test_no_line_is_too_long_to_diff():
    long = {
        number: len(line)
        for number, line in enumerate(ARCHITECTURE.read_text().splitlines(), 1)
        if len(line) > LONGEST_LINE
    }

    assert long == {}, f"lines of docs/architecture.md over {LONGEST_LINE}: {long}"


@pytest.mark.parametrize("app", APPS)
def test_what_follows_a_write_names_every_change_function(app):
    writes = section(ARCHITECTURE.read_text(), "What follows a write")
    assert writes, "docs/architecture.md has no section «What follows a write»"
    table = section(writes, f"`{app}/changes.py`", level=3)
    assert table, f"«What follows a write» has no part «`{app}/changes.py`»"

    names = public_functions((ROOT / app / "changes.py").read_text())

    assert names, f"{app}/changes.py has no public function: the reading is wrong"
    assert unnamed(names, table) == set()


def test_the_reading_finds_the_names_and_the_gaps():
    """A guard on the guard: on a small sample, the public functions are
    found (not the private ones, the nested ones or the constants), the
    sections are cut where the next heading starts, and a name missing from
    its part of the text is reported."""
    source = textwrap.dedent(
        """
        KEY = "x"

        def item_changed(item):
            def inner():
                pass

        async def items_moved(*items):
            pass

        def _helper():
            pass

        class Thing:
            def method(self):
                pass
        """
    )
    doc = textwrap.dedent(
        """
        ## What follows a write

        ### `shop/changes.py`

        | change function | what it moves |
        |---|---|
        | `item_changed(item)` | the page |

        ### `other/changes.py`

        `items_moved` is named in another app's part.

        ## Runtime

        `items_moved(*items)` here is past the section.
        """
    )

    assert public_functions(source) == {"item_changed", "items_moved"}
    writes = section(doc, "What follows a write")
    assert "## Runtime" not in writes
    shop = section(writes, "`shop/changes.py`", level=3)
    assert "other/changes.py" not in shop
    assert unnamed(public_functions(source), shop) == {"items_moved"}
    assert unnamed({"item"}, shop) == {"item"}  # a prefix is not a name
    assert section(doc, "Nowhere") == ""
