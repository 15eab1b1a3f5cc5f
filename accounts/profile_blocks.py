"""What other apps show on a member's profile page, below the member's own.

The profile page's blocks are ``community.page_blocks`` of the page
``"accounts.profile"``: an app registers one in ``AppConfig.ready()`` with
``profile_block_register`` (a key, an order, a ``read(member, viewer)`` that
returns the block's data — only what ``viewer`` may see — or None, and the
template of the block, given the data as ``block`` and the member's profile
as ``space_profile``). The accounts app imports no other app's models for it.
"""

from collections.abc import Callable

from community.page_blocks import PageBlock, ShownBlock, page_block_register
from community.page_blocks import page_blocks_for as _page_blocks_for

PAGE = "accounts.profile"

# The names this module gave them before the blocks served other pages.
ProfileBlock = PageBlock
ShownProfileBlock = ShownBlock


def profile_block_register(
    *,
    key: str,
    template: str,
    read: Callable[[object, object], object | None],
    order: int = 50,
) -> None:
    """Show a block on profile pages (call from ready()); registering the same
    key again replaces it, and ``manage.py check`` reports the key."""
    page_block_register(page=PAGE, key=key, template=template, read=read, order=order)


def profile_blocks_for(*, user, viewer) -> list[ShownBlock]:
    """The blocks of ``user``'s profile that ``viewer`` gets, in order, each
    with what it read; blocks with nothing to show are left out."""
    return _page_blocks_for(page=PAGE, obj=user, viewer=viewer)
