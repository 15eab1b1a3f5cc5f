"""The home page's blocks: what is new for a member, a look at the network for visitors.

Apps say what they add in ``AppConfig.ready()`` with ``home_block_register``:
a key, who the block is for (``MEMBERS`` or ``VISITORS``), an order, a
``read(viewer)`` that returns the block's data through the app's selectors
(or None when the block is not for this viewer: reviews for someone who is
no expert), the template of the block (a ``<section>``, given the data as
``block``) and, for members, the template of its one line in the summary a
phone shows above the feed. Each read costs a fixed number of queries, so the
page does. The community layer imports no domain model.

Visitors' home pages are kept whole by the page cache
(``community.pagecache``) under ``changes.HOME_PAGES`` and everything's
generation: a topic's opening post moves the first (``forums.changes``), the
materials' and master-classes' writes the second; replies, reactions and
badges leave it kept. Upcoming master-classes that begin drop out of the
list within the cache's 10 minutes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from community.registry import Registry

MEMBERS = "members"
VISITORS = "visitors"


@dataclass(frozen=True)
class HomeViewer:
    """Who the home page is for: the member (or the anonymous visitor) and
    the subjects her feed follows, read once for the feed and every block."""

    user: object
    subject_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class HomeBlock:
    key: str
    audience: str
    template: str
    read: Callable[[HomeViewer], object | None]
    order: int = 50
    summary_template: str = ""


_blocks: Registry[tuple[str, str], HomeBlock] = Registry()


def home_block_register(
    *,
    key: str,
    audience: str,
    template: str,
    read: Callable[[HomeViewer], object | None],
    order: int = 50,
    summary_template: str = "",
) -> None:
    """Show a block on the home page (call from ready()); see the module's text."""
    if audience not in (MEMBERS, VISITORS):
        raise ValueError(f"unknown audience: {audience}")
    _blocks.register(
        (audience, key),
        HomeBlock(key, audience, template, read, order, summary_template),
    )


@dataclass(frozen=True)
class ShownBlock:
    block: HomeBlock
    data: object


def home_blocks(*, audience: str, viewer: HomeViewer) -> list[ShownBlock]:
    """The blocks for this viewer, in order, each with what it read."""
    shown = []
    for block in sorted(_blocks.values(), key=lambda block: block.order):
        if block.audience != audience:
            continue
        data = block.read(viewer)
        if data is not None:
            shown.append(ShownBlock(block, data))
    return shown


def _unread(viewer: HomeViewer) -> dict:
    from community.selectors import notification_unread_count

    # The header's count, kept in the cache: no query when it has shown it.
    return {"count": notification_unread_count(user=viewer.user)}


def register() -> None:
    """The community layer's own block: the member's unread notifications."""
    home_block_register(
        key="notifications",
        audience=MEMBERS,
        order=40,
        read=_unread,
        template="community/partials/_home_notifications.html",
        summary_template="community/partials/_home_notifications_summary.html",
    )
