"""What other apps show on a page of an app that does not know them.

A page names itself by a key (``"accounts.profile"``, ``"forums.section"``,
``"circles.community"``); an app adds a block to it in ``AppConfig.ready()``
with ``page_block_register``: the page, a key, an order, a
``read(obj, viewer)`` that returns the block's data through the app's
selectors — only what ``viewer`` may see of ``obj``, the page's object (the
member, the section, the community) — or None when there is nothing to show,
and the template of the block (a ``<section>``, given the data as
``block``). The page's view asks ``page_blocks_for`` and its template
includes each block. Each read costs a fixed number of queries, so the page
does; the app that owns the page imports no other app's models for it.

A block that is empty on most pages may also give ``annotate(viewer)``:
expressions (``{name: Exists(...)}``, against the page's object as
``OuterRef("pk")``) that the page's own query reads beside its object
(``page_block_annotations``), so that ``read`` knows without a query of its
own that it has nothing to show.

Pages kept for visitors (``community.pagecache``) show a block as it was
rendered: an app whose block lists rows moves ``PUBLIC_PAGES`` when they
change, through its change functions.
"""

from collections.abc import Callable
from dataclasses import dataclass

from community.registry import Registry


@dataclass(frozen=True)
class PageBlock:
    page: str
    key: str
    template: str
    read: Callable[[object, object], object | None]
    order: int = 50
    annotate: Callable[[object], dict] | None = None


@dataclass(frozen=True)
class ShownBlock:
    block: PageBlock
    data: object


# Keyed by (page, key): two pages may each have a block of the same key.
_blocks: Registry[tuple[str, str], PageBlock] = Registry()


def page_block_register(
    *,
    page: str,
    key: str,
    template: str,
    read: Callable[[object, object], object | None],
    order: int = 50,
    annotate: Callable[[object], dict] | None = None,
) -> None:
    """Show a block on ``page`` (call from ready()); registering the same
    page and key again replaces it, and ``manage.py check`` reports it
    (``community.checks``, with the template)."""
    _blocks.register((page, key), PageBlock(page, key, template, read, order, annotate))


def page_block_annotations(*, page: str, viewer) -> dict:
    """What the blocks of ``page`` ask its query to read beside its object
    (see the module's text): the page's selector annotates with them."""
    found = {}
    for block in _blocks.values():
        if block.page == page and block.annotate is not None:
            found.update(block.annotate(viewer))
    return found


def page_blocks_for(*, page: str, obj, viewer) -> list[ShownBlock]:
    """The blocks of ``page`` about ``obj`` that ``viewer`` gets, in order,
    each with what it read; blocks with nothing to show are left out."""
    shown = []
    for block in sorted(
        (block for block in _blocks.values() if block.page == page),
        key=lambda block: block.order,
    ):
        data = block.read(obj, viewer)
        if data is not None:
            shown.append(ShownBlock(block, data))
    return shown
