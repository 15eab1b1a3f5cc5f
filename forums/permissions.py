"""Who may read and write in the forums."""

from forums.models import Post, Section, Topic


def _is_member(user) -> bool:
    return user.is_authenticated and user.is_active


def can_moderate_section(user, section: Section) -> bool:
    # The Moderators group (site-wide) or a moderator named for this section.
    if not _is_member(user):
        return False
    # Moderators are staff: members pay no permission query here.
    if user.is_superuser or (user.is_staff and user.has_perm("forums.change_topic")):
        return True
    # Asked once per post on a topic page: remember the answer on the section.
    cache = section.__dict__.setdefault("_moderator_answers", {})
    if user.pk not in cache:
        cache[user.pk] = section.moderators.filter(pk=user.pk).exists()
    return cache[user.pk]


def can_view_topic(user, topic: Topic) -> bool:
    # Hidden topics only for moderators; one awaiting moderation also for its author.
    if topic.is_pending and _is_member(user) and user.pk == topic.author_id:
        return True
    if topic.is_hidden or topic.is_pending:
        return can_moderate_section(user, topic.section)
    return True


def can_see_post(user, post: Post) -> bool:
    # A post awaiting moderation: its author and moderators only.
    if not post.is_pending:
        return True
    if _is_member(user) and user.pk == post.author_id:
        return True
    return can_moderate_section(user, post.topic.section)


def can_create_topic(user, section: Section) -> bool:
    # Any member, in any section.
    return _is_member(user)


def can_reply_topic(user, topic: Topic) -> bool:
    # Members, while the topic is open; moderators even in a locked topic.
    if not _is_member(user) or topic.is_hidden or topic.is_pending:
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
