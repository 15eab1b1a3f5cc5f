"""What the forums tell the community layer and the personal space."""

from django.utils.translation import gettext_lazy as _

REPLY = "forum_reply"
MENTION = "forum_mention"
QUOTE = "forum_quote"
ACCEPTED = "forum_accepted"
NEW_TOPIC = "forum_new_topic"
NEW_TAGGED = "forum_tagged_topic"
TOPIC_ACTIVITY = "forum_topic"
REPLY_ACTIVITY = "forum_reply"
ANSWER_ACTIVITY = "forum_answer"
HOT_TOPICS = 5


def _portfolio_answers(user) -> list:
    from accounts.portfolio import PortfolioItem
    from forums.models import Topic

    topics = (
        Topic.objects.filter(accepted_post__author=user, is_hidden=False)
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


def _hot_topics(users: list, since) -> dict:
    """The most answered topics of the period: the same list for every reader."""
    from django.db.models import Count, Q

    from community.notifications import DigestItem
    from forums.models import Topic

    topics = (
        Topic.objects.filter(is_hidden=False, is_pending=False)
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
        .order_by("-fresh", "-last_post_at")[:HOT_TOPICS]
    )
    items = [
        DigestItem(
            title=topic.title, url=topic.get_absolute_url(), detail=str(topic.fresh)
        )
        for topic in topics
    ]
    return {user.pk: items for user in users} if items else {}


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
        key=REPLY,
        preference="replies",
        one=_("%(actor)s replied in «%(target)s»"),
        many=_("%(count)s new replies in «%(target)s»"),
    )
    notification_kind_register(
        key=MENTION,
        preference="mentions",
        one=_("%(actor)s mentioned you in «%(target)s»"),
        many=_("%(count)s mentions of you in «%(target)s»"),
    )
    notification_kind_register(
        key=QUOTE,
        preference="replies",
        one=_("%(actor)s quoted you in «%(target)s»"),
        many=_("%(count)s quotes of you in «%(target)s»"),
    )
    notification_kind_register(
        key=ACCEPTED,
        preference="replies",
        one=_("Your answer in «%(target)s» was accepted"),
        many=_("%(count)s of your answers in «%(target)s» were accepted"),
    )
    notification_kind_register(
        key=NEW_TOPIC,
        preference="replies",
        one=_("New topic in a section you watch: «%(target)s»"),
        many=_("%(count)s new topics in sections you watch"),
    )
    notification_kind_register(
        key=NEW_TAGGED,
        preference="replies",
        one=_("New topic on a tag you watch: «%(target)s»"),
        many=_("%(count)s new topics on tags you watch"),
    )
    activity_kind_register(TOPIC_ACTIVITY, _("%(actor)s opened the topic"))
    activity_kind_register(REPLY_ACTIVITY, _("%(actor)s replied in"))
    activity_kind_register(ANSWER_ACTIVITY, _("%(actor)s gave the accepted answer in"))
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
        visible_to=lambda user: Topic.objects.filter(is_hidden=False, is_pending=False),
    )
    portfolio_section_register(
        key="forum_answers",
        title=_("Accepted answers"),
        order=20,
        items=_portfolio_answers,
    )
