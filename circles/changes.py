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
  members (public or members-only) and not hidden;
- **what it holds**: its forum section (who may read it, its title, whether
  it is read-only, its moderators) and its meetings (who may read them), kept
  in step through the forums' and master-classes' own services, which say
  what follows there (``circles.permissions.community_audience``);
- **members' evidence of growth** (``community.attainments``): the
  communities she founded or runs (``circles.attainments``), told when one
  opens, is hidden or shown again, archived, changes who may read it or its
  name, and when its owner or moderators change.

Members' notifications move their own unread counts (``community.notify``).
"""

from collections.abc import Iterable
from itertools import chain

from circles import attainments, kinds
from circles.models import Community, Membership
from circles.permissions import LIVING, community_audience
from community import services as community_layer
from community.attainments import attainments_changed
from community.audience import member_groups
from community.changes import PUBLIC_PAGES, SEARCH_COUNTS, moved
from community.search import search_index
from forums import services as forum_services
from forums.models import Section
from masterclasses import services as masterclass_services

# Readable beyond its members: the feed may tell of it.
_TOLD = (Community.Visibility.PUBLIC, Community.Visibility.MEMBERS)


def community_changed(community: Community) -> None:
    """A community was proposed or edited (its name, purpose, description,
    subject, tags): its search entry (gone while it is not listed), the
    search counts and visitors' pages."""
    search_index(community)
    moved(SEARCH_COUNTS, PUBLIC_PAGES)


def community_visibility_changed(community: Community) -> None:
    """A community opened, was hidden or shown again, archived, or changed
    who may read it: its feed entry follows it — there while it is open,
    readable beyond its members and not hidden, gone otherwise —; its forum
    section and meetings take who may read it now (``community.audience``;
    the section read-only once archived); then ``community_changed``; the
    evidence of those who founded and run it."""
    if (
        community.status in LIVING
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
    _holdings_sync(community)
    community_changed(community)
    attainments_changed(attainments.runners(community))


def community_renamed(community: Community) -> None:
    """Its name changed: its section's title follows, then
    ``community_changed``; the evidence of those who founded and run it."""
    section = _section_of(community)
    if section is not None:
        forum_services.group_section_set(section=section, title=community.name)
    community_changed(community)
    attainments_changed(attainments.runners(community))


def moderators_changed(community: Community, *, members: Iterable[int] = ()) -> None:
    """Its owner or moderators changed: they, and only they, moderate its
    forum section; the evidence of those who run it, with ``members`` (whose
    role changed: one who stopped moderating is no longer among them)."""
    attainments_changed(chain(members, attainments.runners(community)))
    section = _section_of(community)
    if section is None:
        return
    forum_services.group_section_set(
        section=section, moderator_ids=_moderator_ids(community)
    )


def collection_changed(community: Community) -> None:
    """A material was added to its collection or taken out: visitors' pages."""
    moved(PUBLIC_PAGES)


def meetings_changed(community: Community) -> None:
    """A meeting of the community was proposed: visitors' pages."""
    moved(PUBLIC_PAGES)


def _moderator_ids(community: Community) -> list[int]:
    return list(
        Membership.objects.filter(
            community=community,
            role__in=(Membership.Role.OWNER, Membership.Role.MODERATOR),
        ).values_list("user_id", flat=True)
    )


def _section_of(community: Community):
    """Its forum section (read by the group: right even when the object in
    hand was read before the section was made), or None before it opens."""
    return Section.objects.filter(group_id=community.pk).first()


def _holdings_sync(community: Community) -> None:
    """Its section and meetings follow who may read the community (an
    archived one's section is read-only)."""
    audience = community_audience(community)
    section = _section_of(community)
    if section is not None:
        forum_services.group_section_set(
            section=section,
            audience=audience,
            title=community.name,
            read_only=community.status == Community.Status.ARCHIVED,
        )
    masterclass_services.group_audience_set(group_id=community.pk, audience=audience)


def community_shown_changed(community: Community) -> None:
    """What its pages show beside the searched text changed (its cover):
    visitors' pages."""
    moved(PUBLIC_PAGES)


def members_changed(community: Community) -> None:
    """Someone joined, left, was removed or changed role: the member counts
    and lists on visitors' pages."""
    moved(PUBLIC_PAGES)


def membership_changed(community: Community, user_id: int) -> None:
    """A member joined or left (was removed, banned): the groups kept for
    them (``community.audience.groups_kept``), so what they find in search
    follows at once."""
    moved(member_groups(user_id))
