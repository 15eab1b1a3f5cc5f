"""What the forums' services share: the checks before a write, the
rendering of a text, the moderation log."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.roles import STAFF_ROLES
from community import limits
from community import services as community
from community.limits import write_limit_check
from community.markdown import render_markdown
from forums.models import ModerationLog, Post, Section, Topic
from forums.permissions import can_moderate_section

# A second identical submission within this time returns the first.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(seconds=60)


def _render(body: str) -> str:
    return render_markdown(body)


def _needs_premoderation(author, section: Section) -> bool:
    """A new member's first posts wait for a moderator (a safe space for all).

    Staff, the Moderators and Experts roles and the section's own moderators
    are never held, however few posts they have written.
    """
    required = settings.MODERATION_PREMODERATED_POSTS
    if not required or author.is_staff or author.is_superuser:
        return False
    published = Post.objects.filter(
        author=author, is_pending=False, is_deleted=False, is_hidden=False
    ).count()
    if published >= required:
        return False
    # Asked only of newcomers: an established member's reply pays no query here.
    if author.groups.filter(name__in=STAFF_ROLES).exists() or author.has_perm(
        "forums.change_topic"
    ):
        return False
    return not can_moderate_section(author, section)


def _check_rate(author, *, topics: bool) -> None:
    """New members write at most so many topics and replies an hour."""
    if topics:
        write_limit_check(author, limits.TOPICS, Topic.objects.filter(author=author))
    else:
        write_limit_check(author, limits.POSTS, Post.objects.filter(author=author))


def _check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError(_("The message is empty."), code="empty")
    if len(body) > Post._meta.get_field("body").max_length:
        raise ValidationError(_("The message is too long."), code="too_long")
    return body


def _log(*, moderator, action: str, topic=None, post=None, reason: str = "") -> None:
    """The topic's own moderation history, and the site's audit log."""
    ModerationLog.objects.create(
        moderator=moderator,
        action=action,
        topic=topic or (post.topic if post else None),
        post=post,
        reason=reason[:300],
    )
    community.audit(
        actor=moderator,
        action=f"forum_{'post' if post else 'topic'}_{action}",
        target=post or topic,
        reason=reason,
    )
