"""What the accounts app tells the community layer: kinds, preferences, sections."""

from django.db.models import IntegerField, Value
from django.utils.translation import gettext_lazy as _

from accounts.kinds import BLOG_COMMENT, BLOG_POST_ACTIVITY, FOLLOW
from community.notifications import (
    DigestItem,
    Preferences,
    audit_actions_register,
    digest_section_register,
    feed_source_register,
    notification_kind_register,
    preferences_register,
)


def _delivery(user, preference: str) -> str:
    from accounts.services import notification_delivery

    return notification_delivery(user=user, kind=preference)


def _deliveries(user_ids) -> dict:
    from accounts.services import notification_deliveries

    return notification_deliveries(user_ids=user_ids)


def _unsubscribe(user, preference: str) -> None:
    from accounts.services import notification_unsubscribe

    notification_unsubscribe(user=user, kind=preference)


def _digest_recipients(frequency: str, time_zones: list[str] | None):
    from accounts.models import Profile

    profiles = (
        Profile.objects.filter(
            digest_frequency=frequency,
            deleted_at__isnull=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    if time_zones is not None:
        profiles = profiles.filter(time_zone__in=time_zones)
    for profile in profiles.iterator(chunk_size=1000):
        yield profile.user, profile.time_zone, profile.language


def _pushes(user_ids, preference: str | None) -> dict[int, str]:
    """Who among ``user_ids`` gets a push for a kind obeying ``preference``
    (None: a mandatory notice, to every device), with her time zone: active
    members with a device switched on and push on for the preference (or
    not chosen, and on by default: ``PUSH_DEFAULTS``). One query."""
    from django.db.models import Exists, OuterRef, Q, Subquery

    from accounts.models import PUSH_DEFAULTS, NotificationSetting, User
    from community.lookups import Ids
    from community.models import PushDevice
    from community.vocabulary import DEFAULT_TIME_ZONE

    members = User.objects.filter(
        Exists(
            PushDevice.objects.filter(user_id=OuterRef("pk"), disabled_at__isnull=True)
        ),
        pk__any_of=Ids(user_ids),
        is_active=True,
    )
    if preference is not None:
        chosen = NotificationSetting.objects.filter(
            user_id=OuterRef("pk"), kind=preference
        ).values("push")[:1]
        on = Q(push_on=True)
        if preference in PUSH_DEFAULTS:
            on |= Q(push_on__isnull=True)
        members = members.annotate(push_on=Subquery(chosen)).filter(on)
    return {
        pk: zone or DEFAULT_TIME_ZONE
        for pk, zone in members.order_by().values_list("pk", "profile__time_zone")
    }


def _language(user) -> str:
    from accounts.models import Profile

    if type(user).profile.is_cached(user):
        # Read with the user (select_related): no second query.
        profile = getattr(user, "profile", None)
    else:
        profile = Profile.objects.filter(user=user).only("language").first()
    return profile.language if profile else "ru"


def _feed_source(user) -> dict[str, list[int]]:
    from accounts.models import Follow, Profile

    # Both in one query (the home page counts its queries): each row says
    # whether it is a followed member (0) or a subject (1).
    followed = (
        Follow.objects.filter(follower=user)
        .order_by()
        .values_list("followee", Value(0, output_field=IntegerField()))
    )
    subjects = (
        Profile.subjects.through.objects.filter(profile__user=user)
        .order_by()
        .values_list("subject_id", Value(1, output_field=IntegerField()))
    )
    found: dict[int, list[int]] = {0: [], 1: []}
    for pk, kind in followed.union(subjects, all=True):
        found[kind].append(pk)
    return {"actors": found[0], "subjects": found[1]}


def _followed_posts(users: list, since) -> dict[int, list[DigestItem]]:
    """New posts by the members each reader follows (two queries per batch)."""
    from accounts.models import BlogPost, Follow

    followed: dict[int, set[int]] = {}
    for follower, followee in Follow.objects.filter(
        follower__in=[user.pk for user in users]
    ).values_list("follower_id", "followee_id"):
        followed.setdefault(follower, set()).add(followee)
    authors = set().union(*followed.values()) if followed else set()
    posts = (
        BlogPost.objects.published()
        .filter(author__in=authors, published_at__gte=since)
        .select_related("author__profile")
        .order_by("-published_at")[:500]
    )
    by_author: dict[int, list[DigestItem]] = {}
    for post in posts:
        by_author.setdefault(post.author_id, []).append(
            DigestItem(
                title=post.title,
                url=post.get_absolute_url(),
                detail=post.author.profile.shown_name,
            )
        )
    return {
        reader: [item for author in sorted(ids) for item in by_author.get(author, [])]
        for reader, ids in followed.items()
    }


def register() -> None:
    from accounts.models import NotificationSetting
    from community.notifications import activity_kind_register

    feed_source_register("accounts", _feed_source)
    activity_kind_register(BLOG_POST_ACTIVITY, _("%(actor)s wrote in the blog"))
    digest_section_register(
        key="followed_posts",
        title=_("New posts by colleagues you follow"),
        order=50,
        items=_followed_posts,
    )
    notification_kind_register(
        key=FOLLOW,
        preference="followers",
        one=_("%(actor)s now follows you"),
        many=_("%(count)s colleagues now follow you"),
    )
    notification_kind_register(
        key=BLOG_COMMENT,
        preference="replies",
        one=_("%(actor)s commented on your post «%(target)s»"),
        many=_("%(count)s new comments on your post «%(target)s»"),
    )
    preferences_register(
        Preferences(
            keys=frozenset(NotificationSetting.Kind.values),
            delivery=_delivery,
            deliveries=_deliveries,
            unsubscribe=_unsubscribe,
            digest_recipients=_digest_recipients,
            language=_language,
            pushes=_pushes,
        )
    )


def _profile_complete(user_ids: list[int]) -> dict[int, int]:
    """1 when the profile tells colleagues enough: name, school, place,
    subjects, grades and a few words about oneself."""
    from django.db.models import Count

    from accounts.models import Profile

    profiles = (
        Profile.objects.filter(user_id__in=user_ids, deleted_at__isnull=True)
        .exclude(display_name="")
        .exclude(school="")
        .exclude(region="")
        .exclude(about="")
        .annotate(
            subject_count=Count("subjects", distinct=True),
            grade_count=Count("grades", distinct=True),
        )
        .filter(subject_count__gt=0, grade_count__gt=0)
    )
    return dict.fromkeys(profiles.values_list("user_id", flat=True), 1)


def _days_in_network(user_ids: list[int]) -> dict[int, int]:
    from django.utils import timezone

    from accounts.models import User

    now = timezone.now()
    return {
        pk: (now - joined).days
        for pk, joined in User.objects.filter(pk__in=user_ids).values_list(
            "pk", "date_joined"
        )
    }


def _followers(user_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from accounts.models import Follow

    return dict(
        Follow.objects.filter(followee_id__in=user_ids)
        .values("followee_id")
        .annotate(count=Count("pk"))
        .values_list("followee_id", "count")
    )


def _portfolio_badges(user) -> list:
    from accounts.portfolio import PortfolioItem
    from community.models import BadgeAward

    return [
        PortfolioItem(
            title=str(award.badge.shown_name),
            url=award.badge.get_absolute_url(),
            date=award.awarded_at,
            detail=award.reason,
        )
        for award in BadgeAward.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("badge")
        .order_by("-awarded_at")[:100]
    ]


def register_recognition() -> None:
    from accounts.portfolio import portfolio_section_register
    from community.badges import BadgeRule, badge_measure_register, badge_rule_register

    portfolio_section_register(
        key="badges", title=_("Badges"), order=40, items=_portfolio_badges
    )

    badge_measure_register("profile_complete", _profile_complete)
    badge_measure_register("days_in_network", _days_in_network)
    badge_measure_register("followers", _followers)
    for rule in [
        BadgeRule("profile-complete", "profile_complete", 1, "bronze",
                  _("Introduced"), _("Filled in the profile for colleagues."), "🙂"),
        BadgeRule("one-year", "days_in_network", 365, "silver", _("A year with us"),
                  _("A year in the network."), "🎂"),
        BadgeRule("first-follower", "followers", 1, "bronze", _("First follower"),
                  _("A colleague follows the member."), "🤝"),
    ]:  # fmt: skip
        badge_rule_register(rule)


def register_reports() -> None:
    from accounts import services
    from accounts.models import BlogComment, BlogPost, Profile
    from community.reports import reportable_register

    reportable_register(
        BlogPost,
        key="blog_post",
        label=_("Blog post"),
        visible_to=lambda user: (
            BlogPost.objects.published()
            .filter(author__is_active=True, author__profile__deleted_at__isnull=True)
            .select_related("author")
        ),
        owner_id=lambda post: post.author_id,
        hide=lambda post, moderator, reason: services.post_hide(
            post=post, moderator=moderator, reason=reason
        ),
        auto_hide=lambda post, hidden: services.post_hide_by_reports(
            post=post, hidden=hidden
        ),
    )
    reportable_register(
        BlogComment,
        key="blog_comment",
        label=_("Comment"),
        visible_to=lambda user: BlogComment.objects.filter(
            is_hidden=False,
            post__status=BlogPost.Status.PUBLISHED,
            post__is_hidden=False,
        ).select_related("post__author"),
        owner_id=lambda comment: comment.author_id,
        hide=lambda comment, moderator, reason: services.comment_hide(
            comment=comment, moderator=moderator, reason=reason
        ),
        auto_hide=lambda comment, hidden: services.comment_hide_by_reports(
            comment=comment, hidden=hidden
        ),
    )
    reportable_register(
        Profile,
        key="profile",
        label=_("Profile"),
        visible_to=lambda user: Profile.objects.filter(
            is_hidden=False,
            user__is_active=True,
            deleted_at__isnull=True,
        ).select_related("user"),
        owner_id=lambda profile: profile.user_id,
        hide=lambda profile, moderator, reason: services.profile_hide(
            profile=profile, moderator=moderator, reason=reason
        ),
        auto_hide=lambda profile, hidden: services.profile_hide_by_reports(
            profile=profile, hidden=hidden
        ),
    )


def register_discovery() -> None:
    """Blog posts in a tag's feed; blog posts and public profiles in the sitemap."""
    from accounts.feeds import tag_entries
    from accounts.sitemaps import BlogPostSitemap, ProfileSitemap
    from community.feeds import tag_feed_source_register
    from community.sitemaps import sitemap_register

    tag_feed_source_register(key="blog_posts", entries=tag_entries)
    sitemap_register(key="blog", sitemap=BlogPostSitemap, order=50)
    sitemap_register(key="members", sitemap=ProfileSitemap, order=60)


def register_tags() -> None:
    """Blog posts, and members by their interests, on a tag's page."""
    from accounts import selectors, selectors_blog
    from community.tags import tagged_source_register

    tagged_source_register(
        key="blog_posts",
        label=_("Blog posts"),
        order=40,
        items=lambda user, tag: selectors_blog.post_list_for_tag(tag=tag),
        template="accounts/partials/_tagged_post.html",
    )
    tagged_source_register(
        key="members",
        label=_("Colleagues"),
        order=50,
        items=lambda user, tag: selectors.profile_list_for_interest(
            tag=tag, viewer=user
        ),
        template="accounts/partials/_tagged_member.html",
    )


def register_audit_actions() -> None:
    audit_actions_register(
        {
            "profile_hide": _("profile hidden"),
            "profile_restore": _("profile shown again"),
            "blog_post_hide": _("blog post hidden"),
            "blog_post_restore": _("blog post shown again"),
            "blog_comment_hide": _("blog comment hidden"),
            "blog_comment_restore": _("blog comment shown again"),
        }
    )
