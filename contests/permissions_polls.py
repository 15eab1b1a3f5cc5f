"""Who may add, edit, vote in and see a poll on a forum topic.

A poll follows its topic: who may not read the topic gets a 404 for its poll
as for the topic (``forums.permissions.can_view_topic``). Its author is the
topic's author (or a moderator who added it); the section's moderators may
close or delete any poll. Secret voters (``voters_shown`` off) are never
named to anyone, moderators included: only the count shows.

None of these asks the database for a site-wide topic page: the section's
moderators and its group membership are remembered on the section by the
forums' checks (the topic page reads them with the topic).
"""

import datetime

from django.utils import timezone

from contests.models import Poll
from forums.models import Topic
from forums.permissions import (
    can_create_topic,
    can_moderate_section,
    can_view_topic,
)


def _is_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _open_topic(topic: Topic) -> bool:
    # A poll stands on a topic everyone it is for can see and write under.
    return not (topic.is_hidden or topic.is_pending or topic.section.is_read_only)


def poll_is_open(poll: Poll, now: datetime.datetime | None = None) -> bool:
    """Whether the poll takes votes: not closed early, its close date (if
    any) still ahead."""
    if poll.closed_at is not None:
        return False
    return poll.closes_at is None or poll.closes_at > (now or timezone.now())


def can_see_poll(user, poll: Poll) -> bool:
    # Whoever may read its topic.
    return can_view_topic(user, poll.topic)


def can_moderate_poll(user, poll: Poll) -> bool:
    # The moderators of the topic's section (and site moderators).
    return can_moderate_section(user, poll.topic.section)


def can_add_poll(user, topic: Topic) -> bool:
    # The topic's author, or its section's moderators; on a topic that is
    # public and open (one poll per topic: the service says so).
    if not _is_member(user) or not _open_topic(topic):
        return False
    if not can_view_topic(user, topic):
        return False
    if user.pk == topic.author_id and not topic.is_locked:
        return can_create_topic(user, topic.section)
    return can_moderate_section(user, topic.section)


def can_edit_poll(user, poll: Poll) -> bool:
    # Its author or the section's moderators, while it is open.
    if not _is_member(user) or not poll_is_open(poll):
        return False
    return user.pk == poll.author_id or can_moderate_poll(user, poll)


def can_close_poll(user, poll: Poll) -> bool:
    # Its author or the section's moderators, while it is open.
    return can_edit_poll(user, poll)


def can_delete_poll(user, poll: Poll) -> bool:
    # Its author while nobody has voted; the section's moderators always.
    if not _is_member(user):
        return False
    if can_moderate_poll(user, poll):
        return True
    return user.pk == poll.author_id and poll.voter_count == 0


def can_vote(user, poll: Poll) -> bool:
    # Members who may read the topic (a community's members only when the
    # poll says so: those who may write in its section), while it is open.
    topic = poll.topic
    if not _is_member(user) or not _open_topic(topic):
        return False
    if not poll_is_open(poll) or not can_view_topic(user, topic):
        return False
    if poll.audience == Poll.Audience.COMMUNITY:
        return topic.section.group_id is not None and can_create_topic(
            user, topic.section
        )
    return True


def can_see_results(user, poll: Poll, *, voted: bool) -> bool:
    # Always: everyone who sees the poll. After voting: who voted, and
    # everyone once it closed. After closing: everyone once it closed.
    # Moderators only: the section's moderators, ever.
    if poll.results == Poll.Results.ALWAYS:
        return True
    if poll.results == Poll.Results.STAFF:
        return _is_member(user) and can_moderate_poll(user, poll)
    if not poll_is_open(poll):
        return True
    return poll.results == Poll.Results.VOTED and voted


def can_see_voters(user, poll: Poll, *, voted: bool = False) -> bool:
    # Only a poll whose voters are shown, to whoever sees its results: a
    # secret poll's voters are named to nobody, moderators included.
    return poll.voters_shown and can_see_results(user, poll, voted=voted)
