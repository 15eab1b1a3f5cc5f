"""Account settings: notification preferences, data export, deletion."""

import io
import json
import zipfile
from functools import partial

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.account_data import account_data_sources
from accounts.avatars import avatar_files
from accounts.changes import member_erased
from accounts.models import (
    NOTIFICATION_DEFAULTS,
    PUSH_DEFAULTS,
    Block,
    BlogComment,
    BlogPost,
    Bookmark,
    Follow,
    NotificationSetting,
    Profile,
    User,
)
from accounts.services.members import profile_ensure
from community.lookups import Ids
from community.models import PushDevice

PROFILE_ERASED_FIELDS = (
    "display_name",
    "about",
    "about_html",
    "school",
    "city",
    "region",
    "avatar",
    "category",
    "is_methodist",
    "is_mentor",
    "experience_years",
    "listed_in_directory",
    "indexable",
    "deleted_at",
)

__all__ = [
    "account_delete",
    "account_export",
    "notification_deliveries",
    "notification_delivery",
    "notification_settings_of",
    "notification_settings_update",
    "notification_unsubscribe",
]


def notification_delivery(*, user: User, kind: str) -> str:
    """How ``kind`` reaches the member: their choice, else the site's default."""
    chosen = (
        NotificationSetting.objects.filter(user=user, kind=kind)
        .values_list("delivery", flat=True)
        .first()
    )
    return chosen or NOTIFICATION_DEFAULTS[kind]


def notification_settings_of(*, user: User) -> dict[str, tuple[str, bool]]:
    """Every kind's (delivery, push) for the member, her choice or the site's
    default, in one query: {kind: ("email", True)}."""
    chosen = {
        row["kind"]: row
        for row in NotificationSetting.objects.filter(user=user).values(
            "kind", "delivery", "push"
        )
    }
    settings_of = {}
    for kind in NotificationSetting.Kind.values:
        row = chosen.get(kind, {})
        push = row.get("push")
        settings_of[kind] = (
            row.get("delivery") or NOTIFICATION_DEFAULTS[kind],
            kind in PUSH_DEFAULTS if push is None else push,
        )
    return settings_of


@transaction.atomic
def notification_settings_update(
    *,
    user: User,
    choices: dict[str, str],
    digest_frequency: str,
    pushes: dict[str, bool] | None = None,
) -> None:
    """Store one delivery per kind, the digest frequency and, where given,
    whether each kind is pushed to the member's devices.

    A kind whose push alone is given keeps its delivery (as chosen, or the
    default written down). Raises ValidationError on an unknown kind,
    delivery or frequency.
    """
    pushes = pushes or {}
    kinds = set(NotificationSetting.Kind.values)
    deliveries = set(NotificationSetting.Delivery.values)
    if set(choices) - kinds or set(choices.values()) - deliveries:
        raise ValidationError(_("Unknown notification setting."), code="invalid")
    if set(pushes) - kinds:
        raise ValidationError(_("Unknown notification setting."), code="invalid")
    if digest_frequency not in Profile.DigestFrequency.values:
        raise ValidationError(_("Unknown digest frequency."), code="invalid")
    for kind in sorted(set(choices) | set(pushes)):
        defaults = {}
        if kind in choices:
            defaults["delivery"] = choices[kind]
        if kind in pushes:
            defaults["push"] = bool(pushes[kind])
        NotificationSetting.objects.update_or_create(
            user=user,
            kind=kind,
            defaults=defaults,
            create_defaults={"delivery": NOTIFICATION_DEFAULTS[kind], **defaults},
        )
    profile = user.profile
    if profile.digest_frequency != digest_frequency:
        profile.digest_frequency = digest_frequency
        profile.save(update_fields=["digest_frequency", "updated_at"])


def _rows(queryset, *fields: str) -> list[dict]:
    return list(queryset.values(*fields))


def account_export(*, user: User) -> bytes:
    """Everything the member put on the site, as a ZIP of JSON files and their files."""
    profile = user.profile
    data = {
        "profile.json": {
            "username": user.username,
            "email": user.email,
            "date_joined": user.date_joined,
            "display_name": profile.display_name,
            "about": profile.about,
            "school": profile.school,
            "city": profile.city,
            "region": profile.region,
            "subjects": list(profile.subjects.values_list("slug", flat=True)),
            "grades": list(profile.grades.values_list("slug", flat=True)),
            "category": profile.category,
            "is_methodist": profile.is_methodist,
            "is_mentor": profile.is_mentor,
            "experience_years": profile.experience_years,
            "interests": list(profile.interests.values_list("name", flat=True)),
            "time_zone": profile.time_zone,
            "language": profile.language,
            "email_visibility": profile.email_visibility,
            "school_visibility": profile.school_visibility,
            "location_visibility": profile.location_visibility,
            "listed_in_directory": profile.listed_in_directory,
            "indexable": profile.indexable,
            "digest_frequency": profile.digest_frequency,
            "email_addresses": _rows(
                EmailAddress.objects.filter(user=user), "email", "verified", "primary"
            ),
        },
        "posts.json": [
            {**row, "tags": list(post.tags.values_list("name", flat=True))}
            for post in BlogPost.objects.filter(author=user).order_by("created_at")
            for row in [
                {
                    "title": post.title,
                    "slug": post.slug,
                    "body": post.body,
                    "status": post.status,
                    "comments_closed": post.comments_closed,
                    "published_at": post.published_at,
                    "created_at": post.created_at,
                }
            ]
        ],
        "comments.json": _rows(
            BlogComment.objects.filter(author=user).order_by("created_at"),
            "post__title",
            "post__author__username",
            "body",
            "created_at",
        ),
        "follows.json": {
            "following": list(
                Follow.objects.filter(follower=user).values_list(
                    "followee__username", flat=True
                )
            ),
            "followers": list(
                Follow.objects.filter(followee=user).values_list(
                    "follower__username", flat=True
                )
            ),
        },
        "blocks.json": list(
            Block.objects.filter(blocker=user).values_list(
                "blocked__username", flat=True
            )
        ),
        "bookmarks.json": _rows(
            Bookmark.objects.filter(user=user),
            "content_type__app_label",
            "content_type__model",
            "object_id",
            "created_at",
        ),
        "notification_settings.json": {
            kind: notification_delivery(user=user, kind=kind)
            for kind in NotificationSetting.Kind.values
        },
        # The browsers she turned notifications on for (not their keys).
        "push_devices.json": _rows(
            PushDevice.objects.filter(user=user),
            "label",
            "created_at",
            "last_success_at",
            "disabled_at",
        ),
    }
    # The other apps' files (messages…): accounts.account_data.
    for source in account_data_sources():
        for name, content in source.export(user).items():
            if name in data:
                raise ValueError(f"{source.key} exports {name}, which is taken")
            data[name] = content
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in data.items():
            archive.writestr(
                name,
                json.dumps(
                    content, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
                ),
            )
        if profile.avatar and default_storage.exists(profile.avatar.name):
            with default_storage.open(profile.avatar.name, "rb") as avatar:
                archive.writestr(f"files/{profile.avatar.name}", avatar.read())
    return buffer.getvalue()


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Remove the member's personal data; published posts and comments stay.

    What stays shows under "deleted member", so colleagues' threads remain
    whole. The other apps erase what is theirs first (``accounts.account_data``:
    conversations are left, message settings deleted). The avatar's files (the
    picture and its copies) are removed after commit. The account can no longer
    sign in and its page is gone.
    """
    # An account made outside sign-up may have no profile yet.
    profile = profile_ensure(user=user)
    for source in account_data_sources():
        source.erase(user)
    avatar = profile.avatar.name
    BlogPost.objects.filter(author=user, status=BlogPost.Status.DRAFT).delete()
    Follow.objects.filter(follower=user).delete()
    Follow.objects.filter(followee=user).delete()
    Block.objects.filter(blocker=user).delete()
    Block.objects.filter(blocked=user).delete()
    Bookmark.objects.filter(user=user).delete()
    NotificationSetting.objects.filter(user=user).delete()
    # No notification reaches the browsers of an account that is gone.
    PushDevice.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    profile.interests.clear()
    profile.subjects.clear()
    profile.grades.clear()
    for name in ("display_name", "about", "about_html", "school", "city", "region"):
        setattr(profile, name, "")
    profile.avatar = ""
    profile.category = ""
    profile.is_methodist = profile.is_mentor = False
    profile.experience_years = None
    profile.listed_in_directory = profile.indexable = False
    profile.deleted_at = timezone.now()
    profile.save(update_fields=[*PROFILE_ERASED_FIELDS, "updated_at"])
    user.username = f"deleted-{user.pk}"
    user.email = user.first_name = user.last_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save(
        update_fields=[
            "username",
            "email",
            "first_name",
            "last_name",
            "is_active",
            "is_staff",
            "is_superuser",
            "password",
        ]
    )
    user.groups.clear()
    # The profile leaves search; the posts that stay have a new address.
    member_erased(
        profile, BlogPost.objects.filter(author=user).select_related("author")
    )
    for name in avatar_files(avatar):
        transaction.on_commit(partial(default_storage.delete, name))


def notification_deliveries(*, user_ids) -> dict[tuple[int, str], str]:
    """Deliveries for many members at once: {(user_id, kind): delivery}."""
    user_ids = list(user_ids)
    chosen = {
        (row["user_id"], row["kind"]): row["delivery"]
        for row in NotificationSetting.objects.filter(
            user_id__any_of=Ids(user_ids)
        ).values("user_id", "kind", "delivery")
    }
    kinds = NotificationSetting.Kind.values  # a new list at every read
    return {
        (user_id, kind): chosen.get((user_id, kind), NOTIFICATION_DEFAULTS[kind])
        for user_id in user_ids
        for kind in kinds
    }


def notification_unsubscribe(*, user: User, kind: str) -> None:
    """Switch one kind of e-mail off ("digest": the digest itself).

    Raises ValidationError for an unknown kind.
    """
    if kind == "digest":
        profile = user.profile
        profile.digest_frequency = Profile.DigestFrequency.NEVER
        profile.save(update_fields=["digest_frequency", "updated_at"])
        return
    if kind not in NotificationSetting.Kind.values:
        raise ValidationError(_("Unknown notification setting."), code="invalid")
    # Unsubscribing from e-mail keeps the news on the site.
    NotificationSetting.objects.update_or_create(
        user=user, kind=kind, defaults={"delivery": NotificationSetting.Delivery.SITE}
    )
