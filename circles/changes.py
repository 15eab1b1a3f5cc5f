"""What follows a write in communities: the one place that says it.

The communities' services call these after they change a community or its
members, inside their transaction, and never the caches, the index or the
feed directly (``circles/tests/test_changes.py``). What a community feeds:

- **the search index**: its entry while it is open (or dormant, archived)
  and not hidden, as ``search_documents`` reads it (private ones are left
  out there), with the counts kept of search results;
- **visitors' cached pages** (``community.pagecache``): the list, its page
  with its members and counts, the home page;
- **the activity feed**: its entry while it is open, readable beyond its
  members (public or members-only) and not hidden.

Members' notifications move their own unread counts (``community.notify``).
"""

from circles import kinds
from circles.models import Community
from community import services as community_layer
from community.changes import PUBLIC_PAGES, SEARCH_COUNTS, moved
from community.search import search_index

# Readable beyond its members: the feed may tell of it.
_TOLD = (Community.Visibility.PUBLIC, Community.Visibility.MEMBERS)
_LIVING = (Community.Status.OPEN, Community.Status.DORMANT)


def community_changed(community: Community) -> None:
    """A community was proposed or edited (its name, purpose, description,
    subject, tags): its search entry (gone while it is not listed), the
    search counts and visitors' pages."""
    search_index(community)
    moved(SEARCH_COUNTS, PUBLIC_PAGES)


def community_visibility_changed(community: Community) -> None:
    """A community opened, was hidden or shown again, archived, or changed
    who may read it: its feed entry follows it — there while it is open,
    readable beyond its members and not hidden, gone otherwise — then
    ``community_changed``."""
    if (
        community.status in _LIVING
        and community.visibility in _TOLD
        and not community.is_hidden
    ):
        community_layer.activity_record(
            actor=community.founder,
            kind=kinds.COMMUNITY_ACTIVITY,
            target=community,
            title=community.name,
            url=community.get_absolute_url(),
            subjects=[community.subject] if community.subject_id else [],
        )
    else:
        community_layer.activity_remove(kind=kinds.COMMUNITY_ACTIVITY, target=community)
    community_changed(community)


def community_shown_changed(community: Community) -> None:
    """What its pages show beside the searched text changed (its cover):
    visitors' pages."""
    moved(PUBLIC_PAGES)


def members_changed(community: Community) -> None:
    """Someone joined, left, was removed or changed role: the member counts
    and lists on visitors' pages. The index holds no members."""
    moved(PUBLIC_PAGES)
