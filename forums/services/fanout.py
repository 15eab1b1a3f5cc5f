"""Who hears about a published post: the topic's fan-out, after commit.

The replies it claims come into search and the activity feed here, a burst
in one batch (``forums.changes.replies_announced``). Mentions and quotes per
post, the topic's watchers in one line each, the watchers of a new topic's
section and tags; the sweep that enqueues again a
fan-out whose task was lost. Only those who may read the topic hear of it
(``_readers``): in a community's section its members, or signed-in members
(a watcher who left the community hears nothing more)."""

import re

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.permissions import can_mention_member
from community import services as community
from community.audience import may_read, readers
from community.claims import SWEEP_HORIZON, claim_cutoff
from forums import kinds
from forums.changes import replies_announced
from forums.models import Post, Section, SectionWatch, TagWatch, Topic, TopicWatch

__all__ = [
    "post_fanouts_sweep",
    "post_published_fanout",
    "topic_fanout",
    "topic_fanout_run",
]


MENTION = re.compile(r"(?<![\w@])@([\w.+-]{2,150})")


MAX_MENTIONS = 10


# A topic's fan-out starts this many seconds after the post that asks for it,
# and one waits per topic at a time (its key in the cache): a burst of replies
# is told in one go. (No wait where tasks run in the process: the embedded
# default and the tests.) A key whose task was lost goes after the timeout;
# the sweep tells what such a task left.
FANOUT_DELAY = 1


FANOUT_PENDING_TIMEOUT = 60


def _readers(section: Section, *, user_field: str = "pk") -> Q:
    """A ``Q`` for rows naming a member (``user_field``) who may read the
    section's topics (``community.audience.readers``). Site moderators, who
    may open every section, are told as its readers are."""
    return readers(section.audience, section.group_id, user_field=user_field)


def _mentioned_users(body: str, *, author, section: Section) -> list:
    names = list(dict.fromkeys(MENTION.findall(body)))[:MAX_MENTIONS]
    users = get_user_model().objects.filter(
        _readers(section), username__in=names, is_active=True
    )
    return [
        user
        for user in users
        if user.pk != author.pk and can_mention_member(author, user)
    ]


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
    (``Post.notified_at``) in the transaction that tells of it, and the
    replies claimed are counted in their section (``_section_counted``), under its row
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
        .select_related("topic__section__parent", "author", "quoted")
        .order_by("number")
    )
    if not waiting:
        return 0
    Post.objects.filter(pk__in=[post.pk for post in waiting]).update(
        notified_at=timezone.now()
    )
    _section_counted([post for post in waiting if post.number > 1])
    shown = [post for post in waiting if not post.is_deleted and not post.is_hidden]
    # Replies published in a request come into search and the feed here,
    # a burst in one batch (``post_create``); once more is harmless.
    replies_announced([post for post in shown if post.number > 1])
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


def _section_counted(replies: list[Post]) -> None:
    """The section's post count and last post take the replies just claimed
    (each claimed once: counted once), in one UPDATE per fan-out instead of
    one per reply in the requests that published them."""
    if not replies:
        return
    latest = max(reply.created_at for reply in replies)
    Section.objects.filter(pk=replies[0].topic.section_id).update(
        post_count=F("post_count") + len(replies),
        last_post_at=Greatest(Coalesce("last_post_at", Value(latest)), Value(latest)),
    )


def _post_told_apart(post: Post) -> tuple[set[int], int]:
    """Tell the members a post mentions and the author it quotes; returns who
    heard of it so (with its author) and how many were told."""
    author, topic = post.author, post.topic
    url = post.get_absolute_url()
    said = {"actor": author, "target_title": topic.title}
    told = {author.pk}
    count = 0
    if MENTION.search(post.body):
        mentioned = _mentioned_users(post.body, author=author, section=topic.section)
        told |= {user.pk for user in mentioned}
        count += community.notify_many(
            recipients=mentioned,
            kind=kinds.MENTION,
            target=post,
            url=url,
            group=False,
            **said,
        )
    quoted = post.quoted
    if quoted is not None and quoted.topic_id == topic.pk:
        if quoted.author_id not in told and _may_hear(quoted.author, topic.section):
            count += community.notify_many(
                recipients=[quoted.author],
                kind=kinds.QUOTE,
                target=post,
                url=url,
                group=False,
                **said,
            )
        told.add(quoted.author_id)
    return told, count


def _may_hear(user, section: Section) -> bool:
    """One member (the author a post quotes): a query only for a
    community's section."""
    return may_read(user, section.audience, section.group_id)


def _watchers_tell(replies: list[Post], *, told_of: dict[int, set[int]]) -> int:
    """Tell the topic's watchers of the replies, in one line each.

    Each watcher's line counts the replies that are news to them: not their
    own, nor one they heard of by a mention or a quote. Most watchers share
    one ``notify_many``; the few who wrote, were mentioned or quoted are told
    in groups by what is news to them. With such groups the topic's lines
    are taken first, all in one statement (``notification_group_take``).
    """
    topic = replies[0].topic
    apart = set().union(*(told_of[reply.pk] for reply in replies))
    watching = TopicWatch.objects.filter(topic=topic).values("user_id")
    # notify_many reads only who they are and whether they are active:
    # hundreds of watchers are not loaded as whole rows.
    members = (
        get_user_model()
        .objects.filter(_readers(topic.section), pk__in=watching)
        .only("pk", "is_active")
    )
    groups: dict[tuple[int, int], list] = {}
    for member in members.filter(pk__in=apart):
        news = [reply for reply in replies if member.pk not in told_of[reply.pk]]
        if news:
            groups.setdefault((len(news), news[-1].pk), []).append(member)
    if groups:
        community.notification_group_take(
            kind=kinds.REPLY, target=topic, recipients=members
        )
    latest = replies[-1]
    count = community.notify_many(
        recipients=members.exclude(pk__in=apart),
        kind=kinds.REPLY,
        target=topic,
        url=latest.get_absolute_url(),
        actor=latest.author,
        target_title=topic.title,
        times=len(replies),
    )
    by_pk = {reply.pk: reply for reply in replies}
    for (times, last_pk), recipients in sorted(groups.items()):
        last = by_pk[last_pk]
        count += community.notify_many(
            recipients=recipients,
            kind=kinds.REPLY,
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
        for watch in SectionWatch.objects.filter(
            _readers(topic.section, user_field="user"), section_id=topic.section_id
        )
        .exclude(user_id__in=told)
        .select_related("user")
    ]
    count = community.notify_many(
        recipients=section_watchers, kind=kinds.NEW_TOPIC, target=topic.section, **said
    )
    told |= {user.pk for user in section_watchers}
    by_tag: dict[int, tuple] = {}
    for watch in (
        TagWatch.objects.filter(
            _readers(topic.section, user_field="user"), tag__in=topic.tags.all()
        )
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
            recipients=users, kind=kinds.NEW_TAGGED, target=tag, **said
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
