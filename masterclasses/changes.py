"""What follows a write in master-classes: the one place that says it.

The master-classes' services call these after they change a master-class or
its registrations, inside their transaction, and never the caches, the index
or the feed directly (``masterclasses/tests/test_changes.py``). What a
master-class feeds:

- **the search index**: its entry while it is published or finished and not
  hidden (``search_documents``), with the counts kept of search results;
- **visitors' cached pages** (``community.pagecache``): the list, the month,
  its page, the tag pages and the home page, which show its title, cover,
  seats left and waitlist, recording and materials, its status;
- **the activity feed**: its entry while it is published or finished and not
  hidden.

The members' notifications move their own unread counts (``community.notify``);
certificates and badges are the community layer's to move.
"""

from community import services as community
from community.changes import PUBLIC_PAGES, SEARCH_COUNTS, moved
from community.search import search_index
from masterclasses import kinds
from masterclasses.models import MasterClass

# The states in which a master-class is public (unless hidden).
_PUBLIC = (MasterClass.Status.PUBLISHED, MasterClass.Status.FINISHED)


def masterclass_changed(masterclass: MasterClass) -> None:
    """A master-class was written, edited, proposed or returned: its search
    entry (gone while it is not public), the search counts and visitors'
    pages."""
    search_index(masterclass)
    moved(SEARCH_COUNTS, PUBLIC_PAGES)


def masterclass_visibility_changed(masterclass: MasterClass) -> None:
    """A master-class became public or stopped being (published, cancelled,
    hidden, shown again): its feed entry follows it — there while it is
    published or finished and not hidden, gone otherwise — then
    ``masterclass_changed``."""
    if masterclass.status in _PUBLIC and not masterclass.is_hidden:
        community.activity_record(
            actor=masterclass.host,
            kind=kinds.MASTERCLASS_ACTIVITY,
            target=masterclass,
            title=masterclass.title,
            url=masterclass.get_absolute_url(),
            subjects=[masterclass.subject],
        )
    else:
        community.activity_remove(kind=kinds.MASTERCLASS_ACTIVITY, target=masterclass)
    masterclass_changed(masterclass)


def registrations_changed(masterclass: MasterClass) -> None:
    """Someone took a seat, gave one back or joined the waitlist (and the
    waiting moved in): the seats left and the waiting on visitors' pages. The
    index holds no counts."""
    moved(PUBLIC_PAGES)


def masterclass_shown_changed(masterclass: MasterClass) -> None:
    """What its pages show beside the searched text changed — its cover, its
    recording and materials, its being over (finished, certificates issued
    for the portfolios): visitors' pages. The index holds none of these."""
    moved(PUBLIC_PAGES)
