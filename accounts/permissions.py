"""Who may see and do what in members' personal spaces.

Pure predicates, used by views, templates (``{% can %}``) and services alike.
What a member may not see is a 404, like something missing.
"""

from accounts.models import Block, BlogComment, BlogPost, Profile, User, Visibility


def _is_member(user) -> bool:
    return user.is_authenticated and user.is_active


def _is_moderator(user) -> bool:
    return _is_member(user) and (
        user.is_superuser
        # Moderators are staff: members pay no permission query here.
        or (user.is_staff and user.has_perm("accounts.change_profile"))
    )


def is_blocked_by(user, other) -> bool:
    """True when ``other`` has blocked ``user``."""
    if not _is_member(user) or not getattr(other, "pk", None):
        return False
    # Read with the profile (``selectors.profile_get_for_space``) when it was.
    known = other.__dict__.get("_blocks_viewer", {})
    if user.pk in known:
        return known[user.pk]
    return Block.objects.filter(blocker=other, blocked=user).exists()


def can_view_profile(user, profile: Profile) -> bool:
    # Everyone, as long as the account is active and not deleted.
    return profile.user.is_active and not profile.is_deleted


def can_moderate_profiles(user) -> bool:
    # The Moderators group (and superusers).
    return _is_moderator(user)


def can_see_hidden_profile(user, profile: Profile) -> bool:
    # A profile hidden by a moderator: its owner and moderators see it all,
    # others only the name.
    if not profile.is_hidden:
        return True
    if _is_member(user) and user.pk == profile.user_id:
        return True
    return can_moderate_profiles(user)


def can_see_detail(user, profile: Profile, visibility: str) -> bool:
    """Whether ``user`` sees a detail of ``profile`` guarded by ``visibility``."""
    if _is_member(user) and user.pk == profile.user_id:
        return True  # The owner always sees their own details.
    if visibility == Visibility.EVERYONE:
        return True
    if visibility == Visibility.MEMBERS:
        return _is_member(user)
    return False


def can_edit_profile(user, profile: Profile) -> bool:
    # The owner; moderators edit profiles in the admin site, not here.
    return _is_member(user) and user.pk == profile.user_id


def can_follow_member(user, other: User) -> bool:
    # Any member, not themself, and not someone who has blocked them.
    return (
        _is_member(user)
        and user.pk != other.pk
        and other.is_active
        and not is_blocked_by(user, other)
    )


def can_block_member(user, other: User) -> bool:
    # Any member may block anyone but themself.
    return _is_member(user) and user.pk != other.pk


def can_mention_member(user, other: User) -> bool:
    # Mentions of someone who blocked you do not reach them.
    return _is_member(user) and other.is_active and not is_blocked_by(user, other)


def can_message_member(user, other: User) -> bool:
    # Same rule as mentions: a block closes the channel.
    return can_mention_member(user, other) and user.pk != other.pk


def can_moderate_blogs(user) -> bool:
    # The Moderators group (and superusers): hide and show posts and comments.
    return _is_member(user) and (
        user.is_superuser
        # Moderators are staff: members pay no permission query here.
        or (user.is_staff and user.has_perm("accounts.change_blogpost"))
    )


def can_view_post(user, post: BlogPost) -> bool:
    # Published posts for everyone; drafts only for their author; posts hidden
    # by a moderator for their author and moderators.
    if post.is_published and not post.is_hidden:
        return True
    if _is_member(user) and user.pk == post.author_id:
        return True
    return post.is_published and can_moderate_blogs(user)


def can_edit_post(user, post: BlogPost) -> bool:
    # Only the author writes in their blog.
    return _is_member(user) and user.pk == post.author_id


def can_delete_post(user, post: BlogPost) -> bool:
    # The author, or a moderator removing something harmful.
    return can_edit_post(user, post) or _is_moderator(user)


def can_comment_post(user, post: BlogPost) -> bool:
    # Members, on published posts with comments open, unless the author blocked them.
    return (
        _is_member(user)
        and post.is_published
        and not post.is_hidden
        and not post.comments_closed
        and not is_blocked_by(user, post.author)
    )


def can_delete_comment(user, comment: BlogComment) -> bool:
    # The comment's author, the post's author, or a moderator.
    return _is_member(user) and (
        user.pk == comment.author_id
        or user.pk == comment.post.author_id
        or _is_moderator(user)
    )


def can_bookmark(user) -> bool:
    # Bookmarks are private, so any member keeps their own.
    return _is_member(user)
