"""Topics and sections: opening a topic, moderating, moving, merging and
splitting topics, adding a section."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from community.hiding import REPORTED, hidden_set
from community.sanctions import participation_check
from forums.changes import (
    section_changed,
    topic_moved,
    topic_state_changed,
    topic_visibility_changed,
    topics_rearranged,
)
from forums.models import Post, Section, Topic, TopicRead, TopicWatch
from forums.permissions import can_create_topic, can_moderate_section
from forums.services._common import (
    DOUBLE_SUBMIT_WINDOW,
    _check_body,
    _check_rate,
    _log,
    _needs_premoderation,
    _render,
)
from forums.services._publish import _topic_published
from forums.services.groups import feed_record_later

__all__ = [
    "section_create",
    "topic_create",
    "topic_hide_by_reports",
    "topic_merge",
    "topic_moderate",
    "topic_move",
    "topic_split",
]


@transaction.atomic
def topic_create(
    *,
    section: Section,
    author,
    title: str,
    body: str,
    kind: str = Topic.Kind.DISCUSSION,
    tags: Iterable[str] = (),
) -> Topic:
    """Open a topic with its first post; a double submit returns the first topic.

    Raises PermissionDenied when the member may not write here, ValidationError
    on an empty or too long text or title.
    """
    participation_check(author)
    if not can_create_topic(author, section):
        raise PermissionDenied
    body = _check_body(body)
    title = title.strip()
    recent = (
        Topic.objects.filter(
            author=author,
            section=section,
            title=title,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("-pk")
        .first()
    )
    if recent is not None and recent.posts.filter(number=1, body=body).exists():
        return recent
    _check_rate(author, topics=True)
    pending = _needs_premoderation(author, section)
    now = timezone.now()
    topic = Topic(
        section=section,
        author=author,
        title=title,
        kind=kind,
        last_post_at=now,
        last_poster=author,
        is_pending=pending,
    )
    topic.full_clean(exclude=["section", "author", "accepted_post", "last_poster"])
    topic.save()
    topic.tags.set(sorted({tag.strip()[:100] for tag in tags if tag.strip()}))
    post = Post.objects.create(
        topic=topic,
        author=author,
        number=1,
        body=body,
        body_html=_render(body),
        is_pending=pending,
    )
    if pending:
        TopicWatch.objects.get_or_create(user=author, topic=topic)
    else:
        _topic_published(topic, post)
    topic_visibility_changed(topic)
    return topic


def section_create(
    *,
    title: str,
    slug: str,
    description: str = "",
    parent: Section | None = None,
    subject=None,
    is_informal: bool = False,
    position: int = 0,
) -> Section:
    """Add a forum section (admins do it in the admin site; demo data here).

    Raises ValidationError on a taken address or a third level of nesting.
    """
    if parent is not None and parent.parent_id is not None:
        raise ValidationError(_("Sections nest two levels deep at most."), code="depth")
    section = Section(
        title=title,
        slug=slug,
        description=description,
        parent=parent,
        subject=subject,
        is_informal=is_informal,
        position=position,
    )
    section.full_clean()
    section.save()
    section_changed()
    return section


def topic_moderate(
    *, topic: Topic, moderator, pinned: bool | None = None, locked: bool | None = None,
    hidden: bool | None = None, reason: str = "",
) -> Topic:  # fmt: skip
    """Pin, lock or hide a topic (or undo it); every change goes into the log
    (and a call to hide or show it, as for anything hidden: ``hidden_set``)."""
    if not can_moderate_section(moderator, topic.section):
        raise PermissionDenied
    changes = {
        "is_pinned": (pinned, "pin", "unpin"),
        "is_locked": (locked, "lock", "unlock"),
    }
    changed = []
    for field, (value, on, off) in changes.items():
        if value is not None and getattr(topic, field) != value:
            setattr(topic, field, value)
            changed.append(field)
            _log(
                moderator=moderator,
                action=on if value else off,
                topic=topic,
                reason=reason,
            )
    if changed:
        topic.save(update_fields=changed)
    shown = hidden is not None and hidden_set(
        topic,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=topic_visibility_changed,
        record=_topic_record,
    )
    if not shown:
        topic_state_changed(topic)  # who may reply, where it is listed
    return topic


@transaction.atomic
def topic_move(*, topic: Topic, section: Section, moderator, reason: str = "") -> Topic:
    """Move a topic to another section; the counters of both follow."""
    if not (
        can_moderate_section(moderator, topic.section)
        and can_moderate_section(moderator, section)
    ):
        raise PermissionDenied
    if section.pk == topic.section_id:
        return topic
    previous = topic.section
    topic.section = section
    topic.save(update_fields=["section"])
    # Counted again: a topic waiting for moderation was never counted.
    _section_recount(previous.pk, section.pk)
    _log(moderator=moderator, action="move", topic=topic, reason=reason)
    # Its moderators, its section in search, the feed its new readers allow.
    if topic_moved(topic, previous=previous):
        feed_record_later(topic_id=topic.pk)
    return topic


def topic_hide_by_reports(*, topic: Topic, hidden: bool = True) -> Topic:
    """Reports of established members hide a topic until a moderator looks."""
    hidden_set(
        topic,
        hidden=hidden,
        moderator=None,
        reason=REPORTED,
        changed=topic_visibility_changed,
        record=_topic_record,
    )
    return topic


def _topic_record(topic: Topic, action: str, moderator, reason: str) -> None:
    _log(moderator=moderator, action=action, topic=topic, reason=reason)


def _check_moderates(moderator, *sections: Section) -> None:
    if not all(can_moderate_section(moderator, section) for section in sections):
        raise PermissionDenied


@transaction.atomic
def topic_merge(*, source: Topic, target: Topic, moderator, reason: str = "") -> Topic:
    """Move every post of ``source`` to the end of ``target``.

    The source keeps its address, which now leads to the target; its watchers
    watch the target. Raises PermissionDenied unless the moderator moderates
    both sections, ValidationError for the same topic or one already merged.
    """
    _check_moderates(moderator, source.section, target.section)
    if source.pk == target.pk:
        raise ValidationError(_("A topic cannot be merged into itself."), code="same")
    locked = {
        topic.pk: topic
        for topic in Topic.objects.select_for_update(of=("self",))
        .select_related("section")
        .filter(pk__in=[source.pk, target.pk])
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise ValidationError(
            _("This topic has already been merged into another."), code="merged"
        )
    offset = target.posts.aggregate(top=Max("number"))["top"] or 0
    Post.objects.filter(topic=source).update(topic=target, number=F("number") + offset)
    watchers = set(
        TopicWatch.objects.filter(topic=source).values_list("user_id", flat=True)
    )
    watchers -= set(
        TopicWatch.objects.filter(topic=target).values_list("user_id", flat=True)
    )
    TopicWatch.objects.bulk_create(
        [TopicWatch(user_id=user_id, topic=target) for user_id in watchers],
        ignore_conflicts=True,
    )
    TopicWatch.objects.filter(topic=source).delete()
    TopicRead.objects.filter(topic=source).delete()
    answer_id = source.accepted_post_id
    source.merged_into = target
    source.is_hidden = True
    source.accepted_post = None
    source.reply_count = 0
    source.save(
        update_fields=["merged_into", "is_hidden", "accepted_post", "reply_count"]
    )
    if answer_id and target.is_question and target.accepted_post_id is None:
        target.accepted_post_id = answer_id
        target.save(update_fields=["accepted_post"])
    _topic_recount(target)
    _section_recount(source.section_id, target.section_id)
    _log(moderator=moderator, action="merge", topic=source, reason=reason)
    _log(moderator=moderator, action="merge", topic=target, reason=reason)
    topic_visibility_changed(source)  # gone from the feed, its address leads on
    topics_rearranged(target, answers_moved=[answer_id])
    return target


@transaction.atomic
def topic_split(
    *,
    topic: Topic,
    numbers: Iterable[int],
    title: str,
    moderator,
    section: Section | None = None,
    reason: str = "",
    to_end: bool = False,
) -> Topic:
    """Move the chosen replies (with ``to_end``: and every later one) into a
    new topic, in their order.

    The rest of the old topic is numbered again without gaps, so that every
    permalink still finds its page. Raises PermissionDenied unless the
    moderator moderates both sections; ValidationError without replies, with
    the opening post or without a title.
    """
    section = section or topic.section
    _check_moderates(moderator, topic.section, section)
    topic = (
        Topic.objects.select_for_update(of=("self",))
        .select_related("section")
        .get(pk=topic.pk)
    )
    numbers = sorted({int(number) for number in numbers})
    if to_end and numbers:
        last = topic.posts.aggregate(top=Max("number"))["top"] or 0
        numbers = list(range(numbers[0], last + 1))
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the new topic a title."), code="title")
    if 1 in numbers:
        raise ValidationError(
            _("The opening post stays with its topic."), code="opening"
        )
    moved = list(
        topic.posts.filter(number__in=numbers)
        .select_related("author")
        .order_by("number")
    )
    if not moved:
        raise ValidationError(_("Choose at least one reply to move."), code="empty")
    new = Topic(
        section=section,
        author=moved[0].author,
        title=title,
        last_post_at=moved[-1].created_at,
        last_poster=moved[-1].author,
    )
    new.full_clean(exclude=["section", "author", "accepted_post", "last_poster"])
    new.save()
    new.tags.set(list(topic.tags.all()))
    for number, post in enumerate(moved, start=1):
        Post.objects.filter(pk=post.pk).update(topic=new, number=number)
    remaining = topic.posts.filter(number__gt=numbers[0]).order_by("number")
    for number, post_id in enumerate(
        remaining.values_list("pk", flat=True), start=numbers[0]
    ):
        Post.objects.filter(pk=post_id).update(number=number)
    answers_moved = []
    if topic.accepted_post_id in {post.pk for post in moved}:
        answers_moved.append(topic.accepted_post_id)
        topic.accepted_post = None
        topic.save(update_fields=["accepted_post"])
    _topic_recount(topic)
    _topic_recount(new)
    top = topic.posts.aggregate(top=Max("number"))["top"] or 1
    TopicRead.objects.filter(topic=topic, last_read_number__gt=top).update(
        last_read_number=top
    )
    TopicWatch.objects.bulk_create(
        [
            TopicWatch(user_id=user_id, topic=new)
            for user_id in {p.author_id for p in moved}
        ],
        ignore_conflicts=True,
    )
    _section_recount(topic.section_id, new.section_id)
    _log(moderator=moderator, action="split", topic=topic, reason=reason)
    _log(moderator=moderator, action="split", topic=new, reason=reason)
    topics_rearranged(topic, new, answers_moved=answers_moved)
    return new


def _topic_recount(topic: Topic) -> None:
    """Replies and the last post, counted again after posts moved."""
    public = topic.posts.filter(is_pending=False)
    last = public.order_by("-number").select_related("author").first()
    topic.reply_count = max(public.count() - 1, 0)
    if last is not None:
        topic.last_post_at = last.created_at
        topic.last_poster = last.author
    topic.save(update_fields=["reply_count", "last_post_at", "last_poster"])


def _section_recount(*section_ids: int) -> None:
    for section_id in set(section_ids):
        topics = Topic.objects.filter(
            section_id=section_id, is_pending=False, merged_into__isnull=True
        )
        Section.objects.filter(pk=section_id).update(
            topic_count=topics.count(),
            post_count=Post.objects.filter(topic__in=topics, is_pending=False).count(),
        )
