"""Who may read and write in the forums.

A section says who may read its topics (``Section.audience``,
``community.audience``): a community's section (``group_id``) may be its
members' only, or signed-in members'. Who may not read a topic gets a 404
for it, whatever else they might do there; only site moderators read every
section. Writing in a community's section takes its membership, and nobody
writes in a read-only one (an archived community).
"""

from community import audience
from forums.models import Post, Section, Topic


def _is_member(user) -> bool:
    return user.is_authenticated and user.is_active


def _is_site_moderator(user) -> bool:
    # Moderators are staff: members pay no permission query here.
    return user.is_superuser or (user.is_staff and user.has_perm("forums.change_topic"))


def _in_group(user, section: Section) -> bool:
    """Whether the member belongs to the section's group: one query, asked
    once per member and section object (a page asks it for every post)."""
    cache = section.__dict__.setdefault("_group_answers", {})
    if user.pk not in cache:
        cache[user.pk] = audience.in_group(user, section.group_id)
    return cache[user.pk]


def can_read_section(user, section: Section) -> bool:
    # Everyone's section: anyone. Members': signed-in members. A group's: its
    # members (one query, remembered on the section). Site moderators: all.
    if section.audience == audience.Audience.EVERYONE:
        return True
    if not _is_member(user):
        return False
    if section.audience == audience.Audience.MEMBERS:
        return True
    return _in_group(user, section) or _is_site_moderator(user)


def can_moderate_section(user, section: Section) -> bool:
    # The Moderators group (site-wide) or a moderator named for this section.
    if not _is_member(user):
        return False
    if _is_site_moderator(user):
        return True
    # Asked once per post on a topic page: remember the answer on the section.
    cache = section.__dict__.setdefault("_moderator_answers", {})
    if user.pk not in cache:
        cache[user.pk] = section.moderators.filter(pk=user.pk).exists()
    return cache[user.pk]


def can_view_topic(user, topic: Topic) -> bool:
    # Its section's readers (``can_read_section``); hidden topics only for
    # moderators; one awaiting moderation also for its author.
    if not can_read_section(user, topic.section):
        return False
    if topic.is_pending and _is_member(user) and user.pk == topic.author_id:
        return True
    if topic.is_hidden or topic.is_pending:
        return can_moderate_section(user, topic.section)
    return True


def can_see_post(user, post: Post) -> bool:
    # Its section's readers; a post awaiting moderation: its author and
    # moderators only.
    if not can_read_section(user, post.topic.section):
        return False
    if not post.is_pending:
        return True
    if _is_member(user) and user.pk == post.author_id:
        return True
    return can_moderate_section(user, post.topic.section)


def _may_write_in(user, section: Section) -> bool:
    # Nobody in a read-only section; in a community's, its members only (a
    # public community is read by all, written in by its members).
    if section.is_read_only:
        return False
    return section.group_id is None or _in_group(user, section)


def can_create_topic(user, section: Section) -> bool:
    # Any member, in a section open for writing (``_may_write_in``).
    return _is_member(user) and _may_write_in(user, section)


def can_reply_topic(user, topic: Topic) -> bool:
    # Members, while the topic is open; moderators even in a locked topic.
    if not _is_member(user) or topic.is_hidden or topic.is_pending:
        return False
    if not _may_write_in(user, topic.section):
        return False
    return not topic.is_locked or can_moderate_section(user, topic.section)


def can_edit_post(user, post: Post) -> bool:
    # The author (not of a removed post), or a moderator.
    if not _is_member(user):
        return False
    if user.pk == post.author_id and not post.is_deleted and not post.is_hidden:
        return True
    return can_moderate_section(user, post.topic.section)


def can_delete_post(user, post: Post) -> bool:
    # The author or a moderator; the opening post goes with its topic only.
    return can_edit_post(user, post) and post.number > 1


def can_accept_answer(user, topic: Topic) -> bool:
    # The question's author or a moderator.
    if not _is_member(user) or not topic.is_question:
        return False
    return user.pk == topic.author_id or can_moderate_section(user, topic.section)


def can_react_post(user, post: Post) -> bool:
    # Members, on others' visible posts.
    return (
        _is_member(user)
        and user.pk != post.author_id
        and not post.is_deleted
        and not post.is_hidden
    )


def can_see_revisions(user, post: Post) -> bool:
    # Earlier versions are for moderators.
    return can_moderate_section(user, post.topic.section)
