"""What the accounts app tells the community layer: kinds, preferences, sections."""

from django.utils.translation import gettext_lazy as _

from community.notifications import (
    Preferences,
    feed_source_register,
    notification_kind_register,
    preferences_register,
)

FOLLOW = "follow"
BLOG_COMMENT = "blog_comment"


def _delivery(user, preference: str) -> str:
    from accounts.services import notification_delivery

    return notification_delivery(user=user, kind=preference)


def _deliveries(user_ids) -> dict:
    from accounts.services import notification_deliveries

    return notification_deliveries(user_ids=user_ids)


def _unsubscribe(user, preference: str) -> None:
    from accounts.services import notification_unsubscribe

    notification_unsubscribe(user=user, kind=preference)


def _digest_recipients(frequency: str):
    from accounts.models import Profile

    profiles = (
        Profile.objects.filter(
            digest_frequency=frequency,
            deleted_at__isnull=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
        .only("time_zone", "language", "user")
        .order_by("pk")
    )
    for profile in profiles.iterator(chunk_size=1000):
        yield profile.user, profile.time_zone, profile.language


def _language(user) -> str:
    from accounts.models import Profile

    profile = Profile.objects.filter(user=user).only("language").first()
    return profile.language if profile else "ru"


def _feed_source(user) -> dict[str, list[int]]:
    from accounts.models import Follow, Profile

    followed = Follow.objects.filter(follower=user).values_list("followee", flat=True)
    subjects = Profile.subjects.through.objects.filter(profile__user=user).values_list(
        "subject_id", flat=True
    )
    return {"actors": list(followed), "subjects": list(subjects)}


def register() -> None:
    feed_source_register("accounts", _feed_source)
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
            delivery=_delivery,
            deliveries=_deliveries,
            unsubscribe=_unsubscribe,
            digest_recipients=_digest_recipients,
            language=_language,
        )
    )
