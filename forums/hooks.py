"""What the forums tell the community layer and the personal space.

What a channel lists follows who may read a section (``community.audience``):
lists a member reads, their readable topics (``readable``); a member's
portfolio, read by anyone, only topics everyone may read (``public``).
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forums import kinds

HOT_TOPICS = 5


def _portfolio_answers(user) -> list:
    # The portfolio is shown to anyone (the viewer is not asked): the answers
    # in sections everyone may read.
    from accounts.portfolio import PortfolioItem
    from community.audience import public
    from forums.models import Topic

    topics = (
        Topic.objects.filter(
            public("section__"), accepted_post__author=user, is_hidden=False
        )
        .select_related("accepted_post")
        .order_by("-last_post_at")[:100]
    )
    return [
        PortfolioItem(
            title=topic.title,
            url=topic.accepted_post.get_absolute_url(),
            date=topic.accepted_post.created_at,
        )
        for topic in topics
    ]


def _hot(topics, since):
    """``topics`` with their replies of the period (``fresh``), most first."""
    from django.db.models import Count, Q

    return (
        topics.filter(is_hidden=False, is_pending=False)
        .annotate(
            fresh=Count(
                "posts",
                filter=Q(
                    posts__created_at__gte=since,
                    posts__is_pending=False,
                    posts__is_deleted=False,
                ),
            )
        )
        .filter(fresh__gt=0)
        .select_related("section")
        .order_by("-fresh", "-last_post_at", "-pk")
    )


# Batches of members asked for their groups in one UNION query each (SQLite
# allows 500 terms in a compound SELECT).
GROUPS_BATCH = 250


def _groups_by_member(users: list, group_ids: set[int]) -> dict[int, set[int]]:
    """Which of ``group_ids`` each member belongs to: one query per
    ``GROUPS_BATCH`` members (a UNION of their groups' subqueries)."""
    from django.db.models import IntegerField, Value

    from community.audience import groups_of

    found: dict[int, set[int]] = {}
    members = [user for user in users if user.is_authenticated and user.is_active]
    for start in range(0, len(members), GROUPS_BATCH):
        parts = [
            groups_of(user)
            .filter(pk__in=group_ids)
            .annotate(member=Value(user.pk, output_field=IntegerField()))
            .values_list("pk", "member")
            .order_by()
            for user in members[start : start + GROUPS_BATCH]
        ]
        if not parts:
            continue
        for group_id, member_id in parts[0].union(*parts[1:], all=True):
            found.setdefault(member_id, set()).add(group_id)
    return found


def _hot_topics(users: list, since) -> dict:
    """The most answered topics of the period each reader may read: those of
    sections everyone or every member reads (one query, the same for all),
    and those of their communities' sections (one more query, and one per
    ``GROUPS_BATCH`` readers when some are hot)."""
    from community.audience import Audience
    from community.notifications import DigestItem
    from forums.models import Topic

    shared = list(
        _hot(
            Topic.objects.filter(
                section__audience__in=(Audience.EVERYONE, Audience.MEMBERS)
            ),
            since,
        )[:HOT_TOPICS]
    )
    grouped = list(
        _hot(Topic.objects.filter(section__audience=Audience.GROUP), since)[
            : HOT_TOPICS * 4
        ]
    )
    groups = (
        _groups_by_member(users, {topic.section.group_id for topic in grouped})
        if grouped
        else {}
    )
    found = {}
    for user in users:
        member = user.is_authenticated and user.is_active
        mine = [
            topic
            for topic in shared
            if member or topic.section.audience == Audience.EVERYONE
        ]
        theirs = groups.get(user.pk, set())
        mine += [topic for topic in grouped if topic.section.group_id in theirs]
        mine.sort(key=lambda topic: (-topic.fresh, -topic.last_post_at.timestamp()))
        items = [
            DigestItem(
                title=topic.title,
                url=topic.get_absolute_url(),
                detail=str(topic.fresh),
            )
            for topic in mine[:HOT_TOPICS]
        ]
        if items:
            found[user.pk] = items
    return found


def register() -> None:
    from accounts.bookmarks import bookmarkable_register
    from accounts.portfolio import portfolio_section_register
    from community.notifications import (
        activity_kind_register,
        digest_section_register,
        notification_kind_register,
    )
    from forums.models import Topic

    notification_kind_register(
        key=kinds.REPLY,
        preference="replies",
        one=_("%(actor)s replied in «%(target)s»"),
        many=_("%(count)s new replies in «%(target)s»"),
    )
    notification_kind_register(
        key=kinds.MENTION,
        preference="mentions",
        one=_("%(actor)s mentioned you in «%(target)s»"),
        many=_("%(count)s mentions of you in «%(target)s»"),
    )
    notification_kind_register(
        key=kinds.QUOTE,
        preference="replies",
        one=_("%(actor)s quoted you in «%(target)s»"),
        many=_("%(count)s quotes of you in «%(target)s»"),
    )
    notification_kind_register(
        key=kinds.ACCEPTED,
        preference="replies",
        one=_("Your answer in «%(target)s» was accepted"),
        many=_("%(count)s of your answers in «%(target)s» were accepted"),
    )
    notification_kind_register(
        key=kinds.NEW_TOPIC,
        preference="replies",
        one=_("New topic in a section you watch: «%(target)s»"),
        many=_("%(count)s new topics in sections you watch"),
    )
    notification_kind_register(
        key=kinds.NEW_TAGGED,
        preference="replies",
        one=_("New topic on a tag you watch: «%(target)s»"),
        many=_("%(count)s new topics on tags you watch"),
    )
    activity_kind_register(kinds.TOPIC_ACTIVITY, _("%(actor)s opened the topic"))
    activity_kind_register(kinds.REPLY_ACTIVITY, _("%(actor)s replied in"))
    activity_kind_register(
        kinds.ANSWER_ACTIVITY, _("%(actor)s gave the accepted answer in")
    )
    digest_section_register(
        key="hot_topics",
        title=_("Hot topics on the forums"),
        order=10,
        items=_hot_topics,
    )
    bookmarkable_register(
        Topic,
        key="topic",
        label=_("Forum topic"),
        visible_to=_readable_topics,
    )
    portfolio_section_register(
        key="forum_answers",
        title=_("Accepted answers"),
        order=20,
        items=_portfolio_answers,
    )
    register_attainments()


def register_attainments() -> None:
    """Accepted answers as evidence of growth (``forums.attainments``)."""
    from forums import attainments

    attainments.register()


def _posts_written(user_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from forums.models import Post

    rows = (
        Post.objects.filter(
            author_id__in=user_ids, is_pending=False, is_deleted=False, is_hidden=False
        )
        .values("author_id")
        .annotate(count=Count("pk"))
        .values_list("author_id", "count")
    )
    return dict(rows)


def _useful_received(user_ids: list[int]) -> dict[int, int]:
    from django.db.models import Sum

    from forums.models import Post

    rows = (
        Post.objects.filter(author_id__in=user_ids, is_deleted=False, is_hidden=False)
        .values("author_id")
        .annotate(total=Sum("useful_count"))
        .values_list("author_id", "total")
    )
    return {user_id: total or 0 for user_id, total in rows}


def _answers_accepted(user_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from forums.models import Topic

    rows = (
        Topic.objects.filter(accepted_post__author_id__in=user_ids, is_hidden=False)
        .values("accepted_post__author_id")
        .annotate(count=Count("pk"))
        .values_list("accepted_post__author_id", "count")
    )
    return dict(rows)


def _contribution(start, end) -> dict[int, int]:
    """A "useful" reaction received: 1 point; an accepted answer: 5."""
    from django.db.models import Count

    from forums.models import Reaction, Topic

    points: dict[int, int] = {}
    for user_id, count in (
        Reaction.objects.filter(
            kind="useful", created_at__gte=start, created_at__lt=end
        )
        .exclude(post__author_id=None)
        .values("post__author_id")
        .annotate(count=Count("pk"))
        .values_list("post__author_id", "count")
    ):
        points[user_id] = points.get(user_id, 0) + count
    for user_id, count in (
        Topic.objects.filter(
            accepted_post__isnull=False,
            accepted_post__created_at__gte=start,
            accepted_post__created_at__lt=end,
        )
        .values("accepted_post__author_id")
        .annotate(count=Count("pk"))
        .values_list("accepted_post__author_id", "count")
    ):
        points[user_id] = points.get(user_id, 0) + 5 * count
    return points


def _readable_topics(user):
    """The public topics of the sections ``user`` may read (bookmarks,
    reports)."""
    from community.audience import readable
    from forums.models import Topic

    return Topic.objects.filter(
        readable(user, "section__"), is_hidden=False, is_pending=False
    )


def register_reports() -> None:
    from community.audience import readable
    from community.reports import reportable_register
    from forums import services
    from forums.models import Post, Topic
    from forums.permissions import can_moderate_section

    reportable_register(
        Post,
        key="forum_post",
        label=_("Forum message"),
        visible_to=lambda user: Post.objects.filter(
            readable(user, "topic__section__"),
            is_hidden=False,
            is_deleted=False,
            is_pending=False,
            topic__is_hidden=False,
        ),
        owner_id=lambda post: post.author_id,
        hide=lambda post, moderator, reason: services.post_hide(
            post=post, moderator=moderator, reason=reason
        ),
        auto_hide=lambda post, hidden: services.post_hide_by_reports(
            post=post, hidden=hidden
        ),
        moderated_by=lambda user, post: can_moderate_section(user, post.topic.section),
        title=lambda post: f"{post.topic.title} — #{post.number}",
    )
    reportable_register(
        Topic,
        key="forum_topic",
        label=_("Forum topic"),
        visible_to=_readable_topics,
        owner_id=lambda topic: topic.author_id,
        hide=lambda topic, moderator, reason: services.topic_moderate(
            topic=topic, moderator=moderator, hidden=True, reason=reason
        ),
        auto_hide=lambda topic, hidden: services.topic_hide_by_reports(
            topic=topic, hidden=hidden
        ),
        moderated_by=lambda user, topic: can_moderate_section(user, topic.section),
    )


def register_recognition() -> None:
    from community.badges import (
        BadgeRule,
        badge_measure_register,
        badge_rule_register,
        contribution_source_register,
    )

    badge_measure_register(kinds.POSTS_MEASURE, _posts_written)
    badge_measure_register(kinds.USEFUL_MEASURE, _useful_received)
    badge_measure_register(kinds.ANSWERS_MEASURE, _answers_accepted)
    for rule in [
        BadgeRule("first-post", kinds.POSTS_MEASURE, 1, "bronze", _("First post"),
                  _("Wrote a first message on the forums."), "✍"),
        BadgeRule("useful-10", kinds.USEFUL_MEASURE, 10, "bronze", _("Helpful"),
                  _("Colleagues marked the member's posts useful 10 times."), "👍"),
        BadgeRule("useful-50", kinds.USEFUL_MEASURE, 50, "silver", _("Very useful"),
                  _("Colleagues marked the member's posts useful 50 times."), "👍"),
        BadgeRule("useful-200", kinds.USEFUL_MEASURE, 200, "gold", _("Indispensable"),
                  _("Colleagues marked the member's posts useful 200 times."), "👍"),
        BadgeRule("accepted-answer", kinds.ANSWERS_MEASURE, 1, "silver", _("Answer"),
                  _("Gave an answer a colleague accepted; earned for each."), "✔",
                  repeatable=True),
    ]:  # fmt: skip
        badge_rule_register(rule)
    contribution_source_register("forums", _contribution)


def _pending_posts(user):
    """The posts waiting for a moderator that ``user`` may decide, oldest first."""
    from forums.models import Post
    from forums.selectors import sections_moderated_by

    posts = Post.objects.filter(is_pending=True)
    if not (user.is_superuser or user.has_perm("forums.change_topic")):
        posts = posts.filter(topic__section__in=sections_moderated_by(user))
    return posts.select_related("topic", "author__profile").order_by("created_at", "pk")


def _pending_item(post):
    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    from community.inbox import InboxItem

    return InboxItem(
        pk=post.pk,
        kind=str(
            _("New topic")
            if post.number == 1
            else pgettext_lazy("a message in a topic", "Reply")
        ),
        title=post.topic.title,
        url=post.get_absolute_url(),
        author=post.author.profile.shown_name,
        created_at=post.created_at,
        excerpt=Truncator(strip_tags(post.body_html)).chars(400),
    )


def _pending_decide(user, pk: int, *, approve: bool, reason: str = "") -> str:
    from django.shortcuts import get_object_or_404

    from forums import services
    from forums.models import Post

    post = get_object_or_404(Post.objects.select_related("topic__section"), pk=pk)
    if not post.is_pending:
        return str(_("Another moderator has already decided about this message."))
    if approve:
        services.post_approve(post=post, moderator=user)
        return str(_("Published: “%(title)s”.") % {"title": post.topic.title})
    services.post_reject(post=post, moderator=user, reason=reason)
    return str(_("Rejected: “%(title)s”.") % {"title": post.topic.title})


def register_inbox() -> None:
    from django.urls import reverse

    from community.inbox import InboxQueue, InboxSource, inbox_source_register
    from forums.models import Post

    inbox_source_register(
        InboxSource(
            key="forum_premoderation",
            label=_("Forum messages awaiting moderation"),
            count=lambda: Post.objects.filter(is_pending=True).count(),
            url=lambda: (
                reverse("admin:forums_post_changelist") + "?is_pending__exact=1"
            ),
            permission="forums.change_post",
            order=20,
            queue=InboxQueue(
                items=_pending_posts,
                item=_pending_item,
                approve=lambda user, pk: _pending_decide(user, pk, approve=True),
                reject=lambda user, pk, reason: _pending_decide(
                    user, pk, approve=False, reason=reason
                ),
            ),
        )
    )


def register_discovery() -> None:
    """Topics in a tag's feed; sections and topics in the sitemap."""
    from community.feeds import tag_feed_source_register
    from community.sitemaps import sitemap_register
    from forums.feeds import tag_entries
    from forums.sitemaps import SectionSitemap, TopicSitemap

    tag_feed_source_register(key="topics", entries=tag_entries)
    sitemap_register(key="forum-sections", sitemap=SectionSitemap, order=10)
    sitemap_register(key="forum-topics", sitemap=TopicSitemap, order=20)


def register_tags() -> None:
    """Topics on a tag's page; watches follow a tag merged into another."""
    from community.audience import public
    from community.tags import (
        tag_merge_hook_register,
        tag_unlisted_register,
        tagged_source_register,
    )
    from forums import selectors, services
    from forums.models import Topic

    # A topic's tags are suggested to everyone only where everyone reads it.
    tag_unlisted_register(
        key="topics",
        model=Topic,
        rows=lambda: Topic.objects.exclude(public("section__")).values("pk"),
    )
    tagged_source_register(
        key="topics",
        label=_("Forum topics"),
        order=10,
        items=lambda user, tag: selectors.topic_list_for_tag(tag=tag, user=user),
        template="forums/partials/_tagged_topic.html",
    )
    tag_merge_hook_register(
        lambda sources, target: services.tag_watches_merge(
            sources=sources, target=target
        )
    )


def register_audit_actions() -> None:
    """The forums' moderation actions, as the site's audit log names them."""
    from community.notifications import audit_actions_register
    from forums.models import ModerationLog

    labels = {}
    for action in ModerationLog.Action:
        labels[f"forum_post_{action.value}"] = format_lazy(
            "{}: {}", _("forum post"), action.label
        )
        labels[f"forum_topic_{action.value}"] = format_lazy(
            "{}: {}", _("forum topic"), action.label
        )
    audit_actions_register(labels)


HOME_QUESTIONS = 5
HOME_TOPICS = 5


def _home_questions(viewer) -> dict:
    from forums.selectors import questions_waiting

    topics = questions_waiting(
        user=viewer.user, subject_ids=viewer.subject_ids, limit=HOME_QUESTIONS
    )
    return {
        "topics": topics,
        "count": len(topics),
        "in_subjects": bool(viewer.subject_ids),
    }


def _home_topics(viewer) -> list | None:
    from forums.selectors_public import topics_latest

    return topics_latest(limit=HOME_TOPICS) or None


def register_home() -> None:
    """A member's questions waiting for an answer; a visitor's newest topics."""
    from community.home import MEMBERS, VISITORS, home_block_register

    home_block_register(
        key="questions",
        audience=MEMBERS,
        order=30,
        read=_home_questions,
        template="forums/partials/_home_questions.html",
        summary_template="forums/partials/_home_questions_summary.html",
    )
    home_block_register(
        key="topics",
        audience=VISITORS,
        order=10,
        read=_home_topics,
        template="forums/partials/_home_topics.html",
    )
