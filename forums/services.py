"""Every write in the forums: topics, posts, answers, reactions, reading, moderation."""

import datetime
import re
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can_mention_member
from accounts.roles import STAFF_ROLES
from community import limits, pending
from community import services as community
from community.claims import SWEEP_HORIZON, claim_cutoff
from community.limits import write_limit_check
from community.markdown import render_markdown
from community.pagecache import page_cache_invalidate
from community.recognition import badges_check
from community.sanctions import participation_check
from community.search import search_index, search_index_many
from forums import hooks, selectors
from forums.fragments import topic_changed
from forums.models import (
    ModerationLog,
    Post,
    PostRevision,
    Reaction,
    Section,
    SectionWatch,
    TagWatch,
    Topic,
    TopicRead,
    TopicWatch,
)
from forums.permissions import (
    can_accept_answer,
    can_create_topic,
    can_delete_post,
    can_edit_post,
    can_moderate_section,
    can_react_post,
    can_reply_topic,
    can_see_revisions,
)

__all__ = ["can_edit_post", "can_see_revisions"]  # used by views through services

MENTION = re.compile(r"(?<![\w@])@([\w.+-]{2,150})")
# A second identical submission within this time returns the first.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(seconds=60)
MAX_MENTIONS = 10


def _render(body: str) -> str:
    return render_markdown(body)


# A topic's fan-out starts this many seconds after the post that asks for it,
# and one waits per topic at a time (its key in the cache): a burst of replies
# is told in one go. (No wait where tasks run in the process: the embedded
# default and the tests.) A key whose task was lost goes after the timeout;
# the sweep tells what such a task left.
FANOUT_DELAY = 1
FANOUT_PENDING_TIMEOUT = 60


def _mentioned_users(body: str, *, author) -> list:
    names = list(dict.fromkeys(MENTION.findall(body)))[:MAX_MENTIONS]
    users = get_user_model().objects.filter(username__in=names, is_active=True)
    return [
        user
        for user in users
        if user.pk != author.pk and can_mention_member(author, user)
    ]


def _after_post(post: Post, *, quoted: Post | None = None) -> None:
    """What a published post changes at once: the author watches the topic;
    everyone who hears about it is told by a task after commit, so the topic
    stays locked only while the post is numbered and written."""
    badges_check(user=post.author, measures=[hooks.POSTS_MEASURE])
    # One statement, whether or not the author watches already.
    TopicWatch.objects.bulk_create(
        [TopicWatch(user=post.author, topic_id=post.topic_id)], ignore_conflicts=True
    )
    _fanout_enqueue(post.topic_id)


def _fanout_key(topic_id: int) -> str:
    return f"forums:fanout-pending:{topic_id}"


def _fanout_enqueue(topic_id: int) -> None:
    """After commit, a fan-out of the topic FANOUT_DELAY seconds later, unless
    one is waiting already: the posts written meanwhile are told by it."""
    from forums.tasks import topic_fanout_task

    def enqueue() -> None:
        # A cache that is away answers add() with True: enqueued every time.
        if cache.add(_fanout_key(topic_id), 1, FANOUT_PENDING_TIMEOUT):
            topic_fanout_task.apply_async((topic_id,), countdown=FANOUT_DELAY)

    transaction.on_commit(enqueue)


def post_published_fanout(*, post: Post, quoted: Post | None = None) -> int:
    """The fan-out of a published post's topic (``topic_fanout``): a task
    queued before posts kept what they quote may name the quoted post."""
    if quoted is not None and quoted.topic_id == post.topic_id:
        Post.objects.filter(pk=post.pk, quoted__isnull=True).update(quoted=quoted)
    return topic_fanout(topic_id=post.topic_id)


def topic_fanout_run(*, topic_id: int) -> int:
    """The fan-out ``_fanout_enqueue`` asked for: its key is forgotten first,
    so a post committed from now on asks for another."""
    cache.delete(_fanout_key(topic_id))
    return topic_fanout(topic_id=topic_id)


@transaction.atomic
def topic_fanout(*, topic_id: int) -> int:
    """Tell everyone who hears about the topic's published posts; once per post.

    Every post of the topic nobody was told about is claimed
    (``Post.notified_at``) in the transaction that tells of it, under its row
    lock: a second run, or a fan-out of the same topic at once, skips it, so
    each post is told once and neither waits for the other. For each post,
    the members it mentions and the author it quotes; for an opening post,
    the watchers of its section and of its tags (once each, whatever they
    watch); the replies, to the topic's watchers together (``_watchers_tell``).
    A post still waiting for moderation is not claimed (``post_approve``
    publishes it later); one removed or hidden meanwhile is claimed and told
    to nobody. Returns how many notifications were given or added to.
    """
    waiting = list(
        Post.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(topic_id=topic_id, notified_at__isnull=True, is_pending=False)
        .select_related("topic__section", "author", "quoted")
        .order_by("number")
    )
    if not waiting:
        return 0
    Post.objects.filter(pk__in=[post.pk for post in waiting]).update(
        notified_at=timezone.now()
    )
    shown = [post for post in waiting if not post.is_deleted and not post.is_hidden]
    count = 0
    told_of: dict[int, set[int]] = {}
    for post in shown:
        told, told_count = _post_told_apart(post)
        told_of[post.pk] = told
        count += told_count
    replies = [post for post in shown if post.number > 1]
    if replies:
        count += _watchers_tell(replies, told_of=told_of)
    if shown and shown[0].number == 1:
        # Members mentioned in the opening post hear of the topic as watchers too.
        count += _topic_fanout(shown[0].topic, told={shown[0].author_id})
    return count


def _post_told_apart(post: Post) -> tuple[set[int], int]:
    """Tell the members a post mentions and the author it quotes; returns who
    heard of it so (with its author) and how many were told."""
    author, topic = post.author, post.topic
    url = post.get_absolute_url()
    said = {"actor": author, "target_title": topic.title}
    told = {author.pk}
    count = 0
    if MENTION.search(post.body):
        mentioned = _mentioned_users(post.body, author=author)
        told |= {user.pk for user in mentioned}
        count += community.notify_many(
            recipients=mentioned,
            kind=hooks.MENTION,
            target=post,
            url=url,
            group=False,
            **said,
        )
    quoted = post.quoted
    if quoted is not None and quoted.topic_id == topic.pk:
        if quoted.author_id not in told:
            count += community.notify_many(
                recipients=[quoted.author],
                kind=hooks.QUOTE,
                target=post,
                url=url,
                group=False,
                **said,
            )
        told.add(quoted.author_id)
    return told, count


def _watchers_tell(replies: list[Post], *, told_of: dict[int, set[int]]) -> int:
    """Tell the topic's watchers of the replies, in one line each.

    Each watcher's line counts the replies that are news to them: not their
    own, nor one they heard of by a mention or a quote. Most watchers share
    one ``notify_many``; the few who wrote, were mentioned or quoted are told
    in groups by what is news to them.
    """
    topic = replies[0].topic
    apart = set().union(*(told_of[reply.pk] for reply in replies))
    watching = TopicWatch.objects.filter(topic=topic).values("user_id")
    # notify_many reads only who they are and whether they are active:
    # hundreds of watchers are not loaded as whole rows.
    members = get_user_model().objects.filter(pk__in=watching).only("pk", "is_active")
    latest = replies[-1]
    count = community.notify_many(
        recipients=members.exclude(pk__in=apart),
        kind=hooks.REPLY,
        target=topic,
        url=latest.get_absolute_url(),
        actor=latest.author,
        target_title=topic.title,
        times=len(replies),
    )
    groups: dict[tuple[int, int], list] = {}
    for member in members.filter(pk__in=apart):
        news = [reply for reply in replies if member.pk not in told_of[reply.pk]]
        if news:
            groups.setdefault((len(news), news[-1].pk), []).append(member)
    by_pk = {reply.pk: reply for reply in replies}
    for (times, last_pk), recipients in sorted(groups.items()):
        last = by_pk[last_pk]
        count += community.notify_many(
            recipients=recipients,
            kind=hooks.REPLY,
            target=topic,
            url=last.get_absolute_url(),
            actor=last.author,
            target_title=topic.title,
            times=times,
        )
    return count


def _topic_fanout(topic: Topic, *, told: set[int]) -> int:
    """A new topic: the watchers of its section, then of its tags (one
    notification each, about the first of their tags by name)."""
    url = topic.get_absolute_url()
    said = {"actor": topic.author, "target_title": topic.title, "url": url}
    section_watchers = [
        watch.user
        for watch in SectionWatch.objects.filter(section_id=topic.section_id)
        .exclude(user_id__in=told)
        .select_related("user")
    ]
    count = community.notify_many(
        recipients=section_watchers, kind=hooks.NEW_TOPIC, target=topic.section, **said
    )
    told |= {user.pk for user in section_watchers}
    by_tag: dict[int, tuple] = {}
    for watch in (
        TagWatch.objects.filter(tag__in=topic.tags.all())
        .exclude(user_id__in=told)
        .select_related("user", "tag")
        .order_by("user_id", "tag__name")
    ):
        if watch.user_id not in told:
            told.add(watch.user_id)
            by_tag.setdefault(watch.tag_id, (watch.tag, []))[1].append(watch.user)
    # In the tags' order: two new topics sharing tags take their groups' locks
    # (notify_many) in the same order, so neither waits for the other forever.
    for _tag_id, (tag, users) in sorted(by_tag.items()):
        count += community.notify_many(
            recipients=users, kind=hooks.NEW_TAGGED, target=tag, **said
        )
    return count


def post_fanouts_sweep(*, now=None) -> int:
    """Enqueue again the fan-outs of topics with published posts nobody was
    told about.

    A fan-out task lost before it ran (a worker killed at its time limit, a
    broker that dropped it, retries used up) leaves ``Post.notified_at``
    empty. The topics of such posts written before the claim cutoff and
    within the sweep's horizon get a fan-out again (``topic_fanout``), whose
    claims tell each post once however many copies run. Returns how many
    topics were enqueued.
    """
    from forums.tasks import topic_fanout_task

    now = now or timezone.now()
    topics = (
        Post.objects.filter(
            notified_at__isnull=True,
            is_pending=False,
            created_at__lt=claim_cutoff(now),
            created_at__gte=now - SWEEP_HORIZON,
        )
        .order_by()
        .values_list("topic_id", flat=True)
        .distinct()
    )
    count = 0
    for topic_id in topics:
        topic_fanout_task.delay(topic_id)
        count += 1
    return count


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
    search_index(topic)
    return topic


def _topic_published(topic: Topic, post: Post) -> None:
    """Counters and the feed, once a topic is public (the watchers of its
    section and tags are told after commit: ``post_published_fanout``)."""
    Section.objects.filter(pk=topic.section_id).update(
        topic_count=F("topic_count") + 1,
        post_count=F("post_count") + 1,
        last_post_at=timezone.now(),
    )
    _after_post(post)
    _topic_activity(topic)


def _topic_activity(topic: Topic) -> None:
    section = topic.section
    community.activity_record(
        actor=topic.author,
        kind=hooks.TOPIC_ACTIVITY,
        target=topic,
        title=topic.title,
        url=topic.get_absolute_url(),
        subjects=[section.subject] if section.subject_id else [],
    )


def _reply_activity(post: Post) -> None:
    # Replies reach the author's followers only: a subject's feed stays readable.
    community.activity_record(
        actor=post.author,
        kind=hooks.REPLY_ACTIVITY,
        target=post,
        title=post.topic.title,
        url=post.get_absolute_url(),
    )


def _post_activity_remove(post: Post) -> None:
    community.activity_remove(kind=hooks.REPLY_ACTIVITY, target=post)
    community.activity_remove(kind=hooks.ANSWER_ACTIVITY, target=post)


@transaction.atomic
def post_create(*, topic: Topic, author, body: str, quoted: Post | None = None) -> Post:
    """Reply in a topic; a double submit of the same text returns the first post.

    Raises ValidationError with code "locked" (closed or hidden topic), "empty"
    or "too_long".
    """
    participation_check(author)
    # Rendered before the topic is locked: other replies wait only while this
    # one is numbered and written.
    try:
        body_html = _render(_check_body(body))
    except ValidationError:
        body_html = ""  # raised again below, after the topic's own refusal
    topic = (
        Topic.objects.select_for_update(of=("self",))
        .select_related("section")
        .get(pk=topic.pk)
    )
    if not can_reply_topic(author, topic):
        raise ValidationError(_("This topic is closed for replies."), code="locked")
    body = _check_body(body)
    last = topic.posts.order_by("-number").first()
    if (
        last is not None
        and last.author_id == author.pk
        and last.body == body
        and last.created_at >= timezone.now() - DOUBLE_SUBMIT_WINDOW
    ):
        return last
    _check_rate(author, topics=False)
    pending = _needs_premoderation(author, topic.section)
    # Numbered under the topic's lock: the last post's number, read above.
    number = (last.number if last is not None else 0) + 1
    post = Post.objects.create(
        topic=topic,
        author=author,
        number=number,
        body=body,
        body_html=body_html,
        is_pending=pending,
        quoted=quoted if quoted is not None and quoted.topic_id == topic.pk else None,
    )
    topic_changed(topic.pk)
    if quoted is not None and quoted.topic_id != topic.pk:
        quoted = None
    search_index(post)
    if not pending:
        _reply_published(post, quoted=quoted)
    return post


def _reply_published(post: Post, *, quoted: Post | None = None) -> None:
    """Counters, the author's watch and the feed; the rest after commit."""
    now = timezone.now()
    Topic.objects.filter(pk=post.topic_id).update(
        reply_count=F("reply_count") + 1, last_post_at=now, last_poster=post.author
    )
    _after_post(post, quoted=quoted)
    _reply_activity(post)
    # Every reply in the section updates this row: last, so that it stays
    # locked only until the commit that follows.
    Section.objects.filter(pk=post.topic.section_id).update(
        post_count=F("post_count") + 1, last_post_at=now
    )


def _post_lock(post: Post) -> None:
    """Lock the post's row and read its moderation state again (a page may be
    out of date, or another moderator may have decided meanwhile)."""
    post.is_pending, post.is_hidden = (
        Post.objects.select_for_update()
        .values_list("is_pending", "is_hidden")
        .get(pk=post.pk)
    )


@transaction.atomic
def post_approve(*, post: Post, moderator) -> Post:
    """Publish a post that waited for moderation (a topic with its first post).

    Once: the post's row is locked and read again, so a double click or two
    moderators at once publish it (and count it) once. Raises PermissionDenied
    for anyone who does not moderate its section.
    """
    if not can_moderate_section(moderator, post.topic.section):
        raise PermissionDenied
    _post_lock(post)
    if not post.is_pending:
        return post
    post.is_pending = False
    post.save(update_fields=["is_pending"])
    topic_changed(post.topic_id)
    topic = post.topic
    if post.number == 1:
        topic.is_pending = False
        topic.save(update_fields=["is_pending"])
        _topic_published(topic, post)
    else:
        _reply_published(post)
    _log(moderator=moderator, action="approve", post=post)
    _search_post(post)
    return post


@transaction.atomic
def post_reject(*, post: Post, moderator, reason: str = "") -> Post:
    """Refuse a post that waited for moderation; it stays hidden, with the reason.

    Once, as ``post_approve``: a post already decided is left as it is.
    """
    if not can_moderate_section(moderator, post.topic.section):
        raise PermissionDenied
    _post_lock(post)
    if not post.is_pending:
        return post
    post.is_pending = False
    post.is_hidden = True
    post.save(update_fields=["is_pending", "is_hidden"])
    topic_changed(post.topic_id)
    if post.number == 1:
        Topic.objects.filter(pk=post.topic_id).update(is_pending=False, is_hidden=True)
    _log(moderator=moderator, action="reject", post=post, reason=reason)
    _search_post(post)
    return post


@transaction.atomic
def post_edit(*, post: Post, editor, body: str, reason: str = "") -> Post:
    """Change a post's text; the earlier version is kept for moderators.

    Raises PermissionDenied, or ValidationError on an empty or too long text.
    """
    participation_check(editor)
    if not can_edit_post(editor, post):
        raise PermissionDenied
    body = _check_body(body)
    if body == post.body:
        return post
    PostRevision.objects.create(post=post, editor=editor, body=post.body, reason=reason)
    post.body = body
    post.body_html = _render(body)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    topic_changed(post.topic_id)
    if editor.pk != post.author_id:
        _log(moderator=editor, action="edit", post=post, reason=reason)
    _search_post(post)
    return post


def _search_post(post: Post) -> None:
    # The opening post is searched as its topic.
    search_index(post.topic if post.number == 1 else post)


def _search_topics(*topics: Topic) -> None:
    """A topic's visibility, section or posts changed: its replies follow it."""
    search_index_many(
        [
            *topics,
            *Post.objects.filter(topic__in=topics, number__gt=1).select_related(
                "topic__section"
            ),
        ]
    )


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


def post_delete(*, post: Post, actor, reason: str = "") -> Post:
    """Remove a post, leaving a placeholder so that the thread still reads."""
    participation_check(actor)
    if not can_delete_post(actor, post):
        raise PermissionDenied
    if not post.is_deleted:
        post.is_deleted = True
        post.save(update_fields=["is_deleted"])
        topic_changed(post.topic_id)
        _post_activity_remove(post)
        if actor.pk != post.author_id:
            _log(moderator=actor, action="delete", post=post, reason=reason)
    _search_post(post)
    return post


def post_hide(*, post: Post, moderator, reason: str, hidden: bool = True) -> Post:
    """A moderator hides (or restores) a post; the log says who and why."""
    if not can_moderate_section(moderator, post.topic.section):
        raise PermissionDenied
    return _post_set_hidden(post, hidden=hidden, moderator=moderator, reason=reason)


def post_hide_by_reports(*, post: Post, hidden: bool = True) -> Post:
    """Reports of established members hide a post until a moderator looks."""
    return _post_set_hidden(
        post, hidden=hidden, moderator=None, reason=_("reported by colleagues")
    )


def _post_set_hidden(post: Post, *, hidden: bool, moderator, reason: str) -> Post:
    if post.is_hidden != hidden:
        post.is_hidden = hidden
        post.save(update_fields=["is_hidden"])
        topic_changed(post.topic_id)
        if hidden:
            _post_activity_remove(post)
        elif post.number > 1 and not (post.is_pending or post.is_deleted):
            _reply_activity(post)
        _log(
            moderator=moderator,
            action=("hide" if hidden else "restore")
            + ("" if moderator else "_automatic"),
            post=post,
            reason=reason,
        )
    _search_post(post)
    return post


@transaction.atomic
def answer_accept(
    *, topic: Topic, post: Post | None, actor, withdrawn: Post | None = None
) -> Topic:
    """Mark ``post`` as the answer to the question (None takes the mark away).

    With ``withdrawn`` (and no ``post``), the mark is taken away only while
    that post is still the answer: "Not the answer" pressed on a page that is
    out of date never removes an answer chosen since.

    Raises PermissionDenied for anyone but the question's author or a
    moderator, ValidationError when the post is not a reply in this topic.
    """
    participation_check(actor)
    if not can_accept_answer(actor, topic):
        raise PermissionDenied
    if post is not None and (post.topic_id != topic.pk or post.number == 1):
        raise ValidationError(_("Only a reply can be the answer."), code="not_reply")
    # The topic's row locked: a double click or a retry finds the answer
    # already set and changes nothing (no second notice, no second event).
    topic.accepted_post_id = (
        Topic.objects.select_for_update()
        .values_list("accepted_post_id", flat=True)
        .get(pk=topic.pk)
    )
    if topic.accepted_post_id == (post.pk if post is not None else None):
        return topic
    if (
        post is None
        and withdrawn is not None
        and topic.accepted_post_id != withdrawn.pk
    ):
        return topic
    previous = topic.accepted_post
    if previous is not None and previous != post:
        community.activity_remove(kind=hooks.ANSWER_ACTIVITY, target=previous)
    topic.accepted_post = post
    topic.save(update_fields=["accepted_post"])
    topic_changed(topic.pk)
    if post is not None:
        badges_check(user=post.author, measures=[hooks.ANSWERS_MEASURE])
        section = topic.section
        community.activity_record(
            actor=post.author,
            kind=hooks.ANSWER_ACTIVITY,
            target=post,
            title=topic.title,
            url=post.get_absolute_url(),
            subjects=[section.subject] if section.subject_id else [],
        )
        community.notify(
            recipient=post.author,
            kind=hooks.ACCEPTED,
            actor=actor,
            target=post,
            target_title=topic.title,
            url=post.get_absolute_url(),
            group=False,
        )
    page_cache_invalidate()
    return topic


@transaction.atomic
def reaction_set(*, post: Post, user, kind: str, on: bool) -> bool:
    """Say "thank you" or "useful" (``on``), or take it back; returns ``on``.

    Sets the state asked for, so a double click or a retried request changes
    nothing the second time, and requests that arrive at once add one row
    (the unique (post, member, kind) decides) and move the counter once.
    Raises ValidationError (code "kind") for an unknown kind, PermissionDenied
    when the member may not react to the post.
    """
    participation_check(user)
    if kind not in Reaction.Kind.values:
        raise ValidationError(_("Unknown reaction."), code="kind")
    if not can_react_post(user, post):
        raise PermissionDenied
    mine = Reaction.objects.filter(post=post, user=user, kind=kind)
    if on:
        # get_or_create inserts under a savepoint and reads the row again when
        # a parallel request inserted it first.
        _reaction, changed = Reaction.objects.get_or_create(
            post=post, user=user, kind=kind
        )
    else:
        changed = mine.delete()[0] > 0
    if not changed:
        return on
    counter = f"{kind}_count"
    Post.objects.filter(pk=post.pk).update(**{counter: F(counter) + (1 if on else -1)})
    page_cache_invalidate()
    topic_changed(post.topic_id)
    if on and kind == Reaction.Kind.USEFUL:
        badges_check(user=post.author, measures=[hooks.USEFUL_MEASURE])
    return on


_UNKNOWN = object()


def topic_read_mark(*, user, topic: Topic, number: int, read_to=_UNKNOWN) -> None:
    """Remember that the member has read the topic up to post ``number``.

    Only forward: an INSERT the first time (a second tab inserting at the same
    moment wins) or an UPDATE that never moves back, so it is safe twice.
    ``read_to`` is the position the caller has already read
    (``selectors.read_position``; None: never opened); without it one query
    finds it. A page does not call this: see ``topic_read_on``.
    """
    if not user.is_authenticated:
        return
    if read_to is _UNKNOWN:
        read_to = selectors.read_position(topic=topic, user=user)
    if read_to is None:
        TopicRead.objects.bulk_create(
            [TopicRead(user=user, topic=topic, last_read_number=number)],
            ignore_conflicts=True,
        )
        read_to = 0  # or another tab's, which the UPDATE below respects
    if read_to < number:
        TopicRead.objects.filter(
            user=user, topic=topic, last_read_number__lt=number
        ).update(last_read_number=number)


def topic_read_on(*, user, topic: Topic, number: int, read_to: int | None) -> None:
    """The topic page: the member has read up to post ``number`` (``read_to``:
    how far they had read, None: never opened). When that moves the position
    forward, a task writes it after the response, so the page writes nothing;
    re-reading enqueues nothing."""
    if not user.is_authenticated or (read_to is not None and read_to >= number):
        return
    from forums.tasks import topic_read_mark_task

    user_id, topic_id = user.pk, topic.pk
    transaction.on_commit(lambda: topic_read_mark_task.delay(user_id, topic_id, number))


def topic_view_count(*, topic: Topic) -> int:
    """Count a view of the topic page, in the cache: a GET writes no row.
    Returns the views so far, this one included (as ``selectors.topic_views``).

    ``topic_views_flush`` (beat, every minute) adds the counts to
    ``Topic.view_count``.
    """
    return topic.view_count + pending.counter_add(selectors.TOPIC_VIEWS, topic.pk)


def _topic_views_write(counts: dict[int, int]) -> None:
    """One UPDATE per distinct count (most topics have one or two views a minute)."""
    by_count: dict[int, list[int]] = {}
    for pk, count in counts.items():
        by_count.setdefault(count, []).append(pk)
    with transaction.atomic():
        for count, pks in by_count.items():
            Topic.objects.filter(pk__in=pks).update(view_count=F("view_count") + count)


def topic_views_flush() -> int:
    """Add the views waiting in the cache to ``Topic.view_count``; returns how many.

    Each view is added once: a second run (or one running at the same time)
    finds nothing left, and views counted while it runs wait for the next.
    """
    return pending.counters_flush(selectors.TOPIC_VIEWS, _topic_views_write)


def _mark_topics_read(*, user, topics) -> int:
    """Mark the topics read to their last post, in a fixed number of queries."""
    tops = dict(
        topics.order_by().annotate(top=Max("posts__number")).values_list("pk", "top")
    )
    reads = list(TopicRead.objects.filter(user=user, topic_id__in=list(tops)))
    for read in reads:
        read.last_read_number = max(read.last_read_number, tops[read.topic_id] or 0)
    TopicRead.objects.bulk_update(reads, ["last_read_number"], batch_size=500)
    known = {read.topic_id for read in reads}
    TopicRead.objects.bulk_create(
        [
            TopicRead(user=user, topic_id=pk, last_read_number=top or 0)
            for pk, top in tops.items()
            if pk not in known
        ],
        batch_size=500,
        ignore_conflicts=True,  # the same member marking in two tabs
    )
    return len(tops)


def section_mark_read(*, user, section: Section) -> int:
    """Mark every topic of the section read; returns how many topics."""
    return _mark_topics_read(user=user, topics=Topic.objects.filter(section=section))


def forums_mark_read(*, user, topics) -> int:
    """Mark the given topics (say, everything new since the last visit) read."""
    return _mark_topics_read(user=user, topics=topics)


def topic_watch_set(*, user, topic: Topic, watching: bool) -> None:
    if watching:
        TopicWatch.objects.get_or_create(user=user, topic=topic)
    else:
        TopicWatch.objects.filter(user=user, topic=topic).delete()


def topic_moderate(
    *, topic: Topic, moderator, pinned: bool | None = None, locked: bool | None = None,
    hidden: bool | None = None, reason: str = "",
) -> Topic:  # fmt: skip
    """Pin, lock or hide a topic (or undo it); every change goes into the log."""
    if not can_moderate_section(moderator, topic.section):
        raise PermissionDenied
    changes = {
        "is_pinned": (pinned, "pin", "unpin"),
        "is_locked": (locked, "lock", "unlock"),
        "is_hidden": (hidden, "hide", "unhide"),
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
        topic_changed(topic.pk)  # who may reply, or see it at all
    if "is_hidden" in changed:
        if topic.is_hidden:
            community.activity_remove(kind=hooks.TOPIC_ACTIVITY, target=topic)
        elif not topic.is_pending:
            _topic_activity(topic)
    if "is_hidden" in changed:
        _search_topics(topic)
    page_cache_invalidate()
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
    old_section_id = topic.section_id
    topic.section = section
    topic.save(update_fields=["section"])
    topic_changed(topic.pk)  # its moderators
    # Counted again: a topic waiting for moderation was never counted.
    _section_recount(old_section_id, section.pk)
    _log(moderator=moderator, action="move", topic=topic, reason=reason)
    _search_topics(topic)
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
    return section


def section_watch_set(*, user, section: Section, watching: bool) -> None:
    """Hear (or stop hearing) about every new topic in the section."""
    if watching:
        SectionWatch.objects.get_or_create(user=user, section=section)
    else:
        SectionWatch.objects.filter(user=user, section=section).delete()


def tag_watch_set(*, user, tag, watching: bool) -> None:
    """Hear (or stop hearing) about new topics carrying the tag."""
    if watching:
        TagWatch.objects.get_or_create(user=user, tag=tag)
    else:
        TagWatch.objects.filter(user=user, tag=tag).delete()


def tag_watches_merge(*, sources, target) -> int:
    """Tags merged into ``target``: their watchers watch ``target`` now, once
    each (community.tags.tag_merge runs this before deleting ``sources``, and
    checks the moderator). Returns how many watches moved."""
    watching = set(
        TagWatch.objects.filter(tag=target).values_list("user_id", flat=True)
    )
    moving = []
    for pk, user_id in (
        TagWatch.objects.filter(tag__in=[tag.pk for tag in sources])
        .order_by("pk")
        .values_list("pk", "user_id")
    ):
        if user_id not in watching:
            watching.add(user_id)
            moving.append(pk)
    # The others (already watching the target) go with their tags.
    return TagWatch.objects.filter(pk__in=moving).update(tag=target)


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
    topic_changed(source.pk, target.pk)
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
    community.activity_remove(kind=hooks.TOPIC_ACTIVITY, target=source)
    _topic_recount(target)
    _section_recount(source.section_id, target.section_id)
    _log(moderator=moderator, action="merge", topic=source, reason=reason)
    _log(moderator=moderator, action="merge", topic=target, reason=reason)
    _search_topics(source, target)
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
    topic_changed(topic.pk, new.pk)
    remaining = topic.posts.filter(number__gt=numbers[0]).order_by("number")
    for number, post_id in enumerate(
        remaining.values_list("pk", flat=True), start=numbers[0]
    ):
        Post.objects.filter(pk=post_id).update(number=number)
    if topic.accepted_post_id in {post.pk for post in moved}:
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
    _search_topics(topic, new)
    return new


def topic_hide_by_reports(*, topic: Topic, hidden: bool = True) -> Topic:
    """Reports of established members hide a topic until a moderator looks."""
    if topic.is_hidden != hidden:
        topic.is_hidden = hidden
        topic.save(update_fields=["is_hidden"])
        topic_changed(topic.pk)
        if hidden:
            community.activity_remove(kind=hooks.TOPIC_ACTIVITY, target=topic)
        elif not topic.is_pending:
            _topic_activity(topic)
        _log(
            moderator=None,
            action="hide_automatic" if hidden else "restore_automatic",
            topic=topic,
            reason=_("reported by colleagues"),
        )
    _search_topics(topic)
    return topic
