"""New members' write limits: so many of each kind of writing an hour.

For their first ``MODERATION_NEW_MEMBER_DAYS`` members write at most
``MODERATION_NEW_MEMBER_PER_HOUR[kind]`` items of a kind an hour, so a fresh
account cannot flood colleagues' pages and mailboxes in seconds. Staff,
moderators and experts are trusted from the start. Every service through
which a member writes calls ``write_limit_check`` after ``participation_check``.

The count comes from the rows themselves (their creation time), so the limit
holds on any database and while the cache is away; only writes that leave no
row (images in a text) are counted in the cache.
"""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

TOPICS = "topics"
POSTS = "posts"
BLOG_POSTS = "blog_posts"
COMMENTS = "comments"
RATINGS = "ratings"
COLLECTIONS = "collections"
COLLECTION_ITEMS = "collection_items"
REPORTS = "reports"
MASTERCLASSES = "masterclasses"
MATERIALS = "materials"
COURSES = "courses"
CONTEST_ENTRIES = "contest_entries"
POLLS = "polls"
IMAGES = "images"

HOUR = datetime.timedelta(hours=1)


def _message(kind: str, limit: int) -> str:
    # One sentence per kind: the plural form of the noun follows the number.
    messages = {
        TOPICS: ngettext(
            "New members may start %(limit)d topic an hour; please try again later.",
            "New members may start %(limit)d topics an hour; please try again later.",
            limit,
        ),
        POSTS: ngettext(
            "New members may write %(limit)d reply an hour; please try again later.",
            "New members may write %(limit)d replies an hour; please try again later.",
            limit,
        ),
        BLOG_POSTS: ngettext(
            "New members may write %(limit)d blog post an hour; "
            "please try again later.",
            "New members may write %(limit)d blog posts an hour; "
            "please try again later.",
            limit,
        ),
        COMMENTS: ngettext(
            "New members may write %(limit)d comment an hour; please try again later.",
            "New members may write %(limit)d comments an hour; please try again later.",
            limit,
        ),
        RATINGS: ngettext(
            "New members may rate %(limit)d material an hour; please try again later.",
            "New members may rate %(limit)d materials an hour; please try again later.",
            limit,
        ),
        COLLECTIONS: ngettext(
            "New members may create %(limit)d collection an hour; "
            "please try again later.",
            "New members may create %(limit)d collections an hour; "
            "please try again later.",
            limit,
        ),
        COLLECTION_ITEMS: ngettext(
            "New members may add %(limit)d material to collections an hour; "
            "please try again later.",
            "New members may add %(limit)d materials to collections an hour; "
            "please try again later.",
            limit,
        ),
        REPORTS: ngettext(
            "New members may send %(limit)d report an hour; please try again later.",
            "New members may send %(limit)d reports an hour; please try again later.",
            limit,
        ),
        MASTERCLASSES: ngettext(
            "New members may propose %(limit)d master-class an hour; "
            "please try again later.",
            "New members may propose %(limit)d master-classes an hour; "
            "please try again later.",
            limit,
        ),
        MATERIALS: ngettext(
            "New members may share %(limit)d material an hour; please try again later.",
            "New members may share %(limit)d materials an hour; "
            "please try again later.",
            limit,
        ),
        COURSES: ngettext(
            "New members may create %(limit)d course an hour; please try again later.",
            "New members may create %(limit)d courses an hour; please try again later.",
            limit,
        ),
        CONTEST_ENTRIES: ngettext(
            "New members may submit %(limit)d contest entry an hour; "
            "please try again later.",
            "New members may submit %(limit)d contest entries an hour; "
            "please try again later.",
            limit,
        ),
        POLLS: ngettext(
            "New members may start %(limit)d poll an hour; please try again later.",
            "New members may start %(limit)d polls an hour; please try again later.",
            limit,
        ),
        IMAGES: ngettext(
            "New members may upload %(limit)d picture an hour; please try again later.",
            "New members may upload %(limit)d pictures an hour; "
            "please try again later.",
            limit,
        ),
    }
    return messages[kind] % {"limit": limit}


def is_new_member(user) -> bool:
    """Within the first MODERATION_NEW_MEMBER_DAYS and not trusted by a role."""
    if not user.is_authenticated or user.is_staff or user.is_superuser:
        return False
    joined = user.date_joined
    if joined < timezone.now() - datetime.timedelta(
        days=settings.MODERATION_NEW_MEMBER_DAYS
    ):
        return False
    from accounts.roles import STAFF_ROLES

    # Moderators and experts, even without the staff flag (asked last: a query).
    return not user.groups.filter(name__in=STAFF_ROLES).exists()


def write_limit_check(
    user, kind: str, written: QuerySet | None = None, *, field: str = "created_at"
) -> None:
    """Refuse a new member's write of ``kind`` past the hourly limit.

    ``written`` is the member's rows of that kind (filtered by ``field``, their
    creation time, here); without rows (images) the writes are counted in the
    cache, and every call counts one. Raises ValidationError(code="rate") with
    a message naming the limit.
    """
    limit = settings.MODERATION_NEW_MEMBER_PER_HOUR[kind]
    if not is_new_member(user):
        return
    if written is not None:
        since = timezone.now() - HOUR
        count = written.filter(**{f"{field}__gte": since}).count()
    else:
        count = _counted(user, kind)
    if count >= limit:
        raise ValidationError(_message(kind, limit), code="rate")


def _counted(user, kind: str) -> int:
    """Writes counted in the cache this hour, this one left out; 0 without a cache.

    A cache that does not answer lets the write through: the other limits
    (size, participation) still hold, and the site keeps working.
    """
    key = f"write-limit:{kind}:{user.pk}"
    try:
        cache.add(key, 0, timeout=int(HOUR.total_seconds()))
        return cache.incr(key) - 1
    except Exception:
        logger.warning("write limit %s not counted: the cache is away", kind)
        return 0
