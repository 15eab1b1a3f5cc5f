"""What the forums tell the community layer and the personal space."""

from django.utils.translation import gettext_lazy as _

REPLY = "forum_reply"
MENTION = "forum_mention"
QUOTE = "forum_quote"
ACCEPTED = "forum_accepted"
TOPIC_ACTIVITY = "forum_topic"


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


def register() -> None:
    from accounts.bookmarks import bookmarkable_register
    from accounts.portfolio import portfolio_section_register
    from community.notifications import notification_kind_register
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
