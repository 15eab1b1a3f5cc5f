"""What other apps show on a member's profile page, below the member's own.

An app says what it adds in ``AppConfig.ready()`` with
``profile_block_register``: a key, an order, a ``read(member, viewer)`` that
returns the block's data through the app's selectors — only what ``viewer``
may see — or None when there is nothing to show, and the template of the
block (a ``<section>``, given the data as ``block`` and the member's profile
as ``space_profile``). Each read costs a fixed number of queries, so the
page does. The accounts app imports no other app's models for it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from community.registry import Registry


@dataclass(frozen=True)
class ProfileBlock:
    key: str
    template: str
    read: Callable[[object, object], object | None]
    order: int = 50


@dataclass(frozen=True)
class ShownProfileBlock:
    block: ProfileBlock
    data: object


_blocks: Registry[str, ProfileBlock] = Registry()


def profile_block_register(
    *,
    key: str,
    template: str,
    read: Callable[[object, object], object | None],
    order: int = 50,
) -> None:
    """Show a block on profile pages (call from ready()); registering the
    same key again replaces it, and ``manage.py check`` reports the key."""
    _blocks.register(key, ProfileBlock(key, template, read, order))


def profile_blocks_for(*, user, viewer) -> list[ShownProfileBlock]:
    """The blocks of ``user``'s profile that ``viewer`` gets, in order, each
    with what it read; blocks with nothing to show are left out."""
    shown = []
    for block in sorted(_blocks.values(), key=lambda block: block.order):
        data = block.read(user, viewer)
        if data is not None:
            shown.append(ShownProfileBlock(block, data))
    return shown
