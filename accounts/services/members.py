"""Members: creation, profiles, staff roles."""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from allauth.utils import generate_unique_username
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Profile, User
from accounts.roles import EXPERTS, MODERATORS, ROLE_PERMISSIONS, STAFF_ROLES
from community.models import Grade, Subject

__all__ = [
    "EXPERTS",
    "MODERATORS",
    "STAFF_ROLES",
    "member_create",
    "profile_ensure",
    "profile_set_language",
    "role_group",
    "user_grant_role",
    "user_revoke_role",
]


def _fallback_display_name(user: User) -> str:
    return user.get_full_name() or user.email.partition("@")[0] or user.username


def profile_ensure(*, user: User, display_name: str = "") -> Profile:
    """Return the member's profile, creating it when the account has none yet.

    Accounts made outside sign-up (createsuperuser, a social login) get one here
    on their first login, named after the account.
    """
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    profile = Profile(
        user=user,
        display_name=(display_name.strip() or _fallback_display_name(user))[:100],
    )
    profile.full_clean(exclude=["user"])
    profile.save()
    return profile


def profile_set_language(*, user: User, language: str) -> Profile:
    """Store the member's interface language. Raises ValidationError if unknown."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("This language is not offered."), code="language")
    profile = profile_ensure(user=user)
    if profile.language != language:
        profile.language = language
        profile.save(update_fields=["language", "updated_at"])
    return profile


@transaction.atomic
def member_create(
    *,
    email: str,
    password: str,
    display_name: str,
    username: str = "",
    school: str = "",
    city: str = "",
    region: str = "",
    time_zone: str = "",
    subjects: Iterable[Subject] = (),
    grades: Iterable[Grade] = (),
    email_verified: bool = True,
) -> User:
    """Create a member with a profile and a primary e-mail address.

    Used where no one fills in the sign-up form (demo data, admin commands).
    Raises ValidationError when the e-mail address is taken or a field is invalid.
    """
    email = email.strip().lower()
    # Another member's second address counts too, as it does for allauth.
    if (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError(_("This e-mail address is already taken."), code="taken")
    # Named as allauth's sign-up names accounts: ivanova@school1 and
    # ivanova@school2 must not clash on the username.
    user = User(email=email, username=username or generate_unique_username([email]))
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(
        user=user, email=email, primary=True, verified=email_verified
    )
    profile = Profile(
        user=user,
        display_name=display_name,
        school=school,
        city=city,
        region=region,
        time_zone=time_zone or Profile._meta.get_field("time_zone").default,
    )
    profile.full_clean(exclude=["user"])
    profile.save()
    profile.subjects.set(subjects)
    profile.grades.set(grades)
    return user


def role_group(role: str) -> Group:
    """The staff group of ``role``, recreated with its permissions if deleted."""
    group, created = Group.objects.get_or_create(name=role)
    if created:
        wanted = Q()
        for app_label, codename in ROLE_PERMISSIONS[role]:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
    return group


@transaction.atomic
def user_grant_role(*, user: User, role: str) -> User:
    """Put the member in a staff group (Moderators or Experts).

    Moderators also get `is_staff`, since they work in the admin site.
    """
    if role not in STAFF_ROLES:
        raise ValidationError(_("Unknown role."), code="role")
    user.groups.add(role_group(role))
    if role == MODERATORS and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


@transaction.atomic
def user_revoke_role(*, user: User, role: str) -> User:
    """Take the member out of a staff group; no moderator role, no admin site."""
    if role not in STAFF_ROLES:
        raise ValidationError(_("Unknown role."), code="role")
    user.groups.remove(role_group(role))
    if role == MODERATORS and user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    return user
