"""Members: creation, profiles, staff roles."""

import datetime
import logging
import uuid
from collections.abc import Iterable
from pathlib import PurePosixPath

from allauth.account.models import EmailAddress
from allauth.utils import generate_unique_username
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import avatars
from accounts.avatars import AVATAR_SIDE
from accounts.changes import (
    member_card_changed,
    profile_changed,
    profile_visibility_changed,
)
from accounts.models import Profile, User
from accounts.permissions import can_moderate_profiles
from accounts.roles import EXPERTS, MODERATORS, ROLE_PERMISSIONS, STAFF_ROLES
from accounts.selectors import email_taken
from community import pending
from community.hiding import REPORTED, audited, hidden_set
from community.images import image_clean
from community.markdown import render_markdown
from community.models import Grade, Subject
from community.recognition import badges_check
from community.sanctions import participation_check

__all__ = [
    "EXPERTS",
    "MODERATORS",
    "PRIVACY_FIELDS",
    "PROFILE_FIELDS",
    "STAFF_ROLES",
    "member_create",
    "profile_avatar_remove",
    "profile_avatar_set",
    "profile_avatar_sizes_make",
    "profile_ensure",
    "profile_hide",
    "profile_hide_by_reports",
    "profile_privacy_update",
    "profile_set_language",
    "profile_update",
    "role_group",
    "superuser_create",
    "user_grant_role",
    "user_revoke_role",
    "user_role_change",
    "visit_touch",
    "visits_flush",
]

logger = logging.getLogger(__name__)

# A pause this long between two requests starts a new visit.
VISIT_GAP = datetime.timedelta(minutes=30)
# While the member reads, "last seen" moves (in the cache) at most this often.
VISIT_TOUCH = datetime.timedelta(minutes=2)


def _fallback_display_name(user: User) -> str:
    return user.get_full_name() or user.email.partition("@")[0] or user.username


def profile_ensure(
    *, user: User, display_name: str = "", language: str = ""
) -> Profile:
    """Return the member's profile, creating it when the account has none yet.

    Accounts made without one (a social login, a user added in the admin site)
    get one here on their first login, named after the account. A new profile speaks
    ``language`` when it is offered (sign-up passes the page's language, so
    the confirmation letter and the site keep the one the visitor chose).
    """
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    profile = Profile(
        user=user,
        display_name=(display_name.strip() or _fallback_display_name(user))[:100],
    )
    if language in dict(settings.LANGUAGES):
        profile.language = language
    profile.full_clean(exclude=["user"])
    profile.save()
    profile_changed(profile)
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
    password: str | None,
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
    Without a password the account has none that works until the member sets
    one through the password reset.
    Raises ValidationError when the e-mail address is missing or taken or a
    field is invalid.
    """
    email = email.strip().lower()
    if not email:
        raise ValidationError(_("Enter an e-mail address."), code="required")
    if email_taken(email):
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
    profile_changed(profile)
    return user


@transaction.atomic
def superuser_create(
    *,
    email: str,
    password: str | None,
    username: str = "",
    display_name: str = "",
) -> User:
    """Create an administrator who signs in at once, by e-mail, as members do.

    A member like any other (a profile, the address primary and confirmed, a
    username made from it unless given) who is staff and superuser: what
    ``createsuperuser`` makes. Raises ValidationError as ``member_create``.
    """
    user = member_create(
        email=email,
        password=password,
        username=username,
        display_name=(display_name.strip() or email.strip().partition("@")[0])[:100],
        email_verified=True,
    )
    user.is_staff = True
    user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
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
def user_role_change(*, user: User, role: str, grant: bool) -> bool:
    """Put the member in a staff group (Moderators or Experts), or take them out.

    Moderators are staff, since they work in the admin site; without the role
    they are not (superusers stay staff). Returns whether anything changed:
    False when the member already had (or, revoking, did not have) the role.
    Raises ValidationError (code "role") for another group.
    """
    if role not in STAFF_ROLES:
        raise ValidationError(_("Unknown role."), code="role")
    group = role_group(role)
    changed = user.groups.filter(pk=group.pk).exists() != grant
    if grant:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    staff = grant or (user.is_staff and user.is_superuser)
    if role == MODERATORS and user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
        changed = True
    return changed


def user_grant_role(*, user: User, role: str) -> User:
    """Put the member in a staff group; see ``user_role_change``."""
    user_role_change(user=user, role=role, grant=True)
    return user


def user_revoke_role(*, user: User, role: str) -> User:
    """Take the member out of a staff group; see ``user_role_change``."""
    user_role_change(user=user, role=role, grant=False)
    return user


PROFILE_FIELDS = (
    "display_name",
    "about",
    "school",
    "city",
    "region",
    "category",
    "is_methodist",
    "is_mentor",
    "experience_years",
    "time_zone",
    "language",
    "text_size",
)
PRIVACY_FIELDS = (
    "email_visibility",
    "school_visibility",
    "location_visibility",
    "listed_in_directory",
    "indexable",
    "rankings_opt_out",
)
AVATAR_MAX_BYTES = 5 * 1024 * 1024


@transaction.atomic
def profile_update(
    *,
    profile: Profile,
    subjects: Iterable[Subject] | None = None,
    grades: Iterable[Grade] | None = None,
    interests: Iterable[str] | None = None,
    editor=None,
    **fields: object,
) -> Profile:
    """Change what the member shows colleagues; ``about`` is rendered here, once.

    Only the named fields change. Raises ValidationError on an invalid value
    (nothing is saved then), ParticipationRestricted when ``editor`` (the
    member on their own page; a moderator in the admin site) may not write.
    """
    if editor is not None:
        participation_check(editor)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(profile, name, value)
    if "about" in fields:
        profile.about_html = render_markdown(profile.about)
    profile.full_clean(exclude=["user", "avatar"])
    changed = [*fields, *(["about_html"] if "about" in fields else []), "updated_at"]
    profile.save(update_fields=changed)
    if "display_name" in fields:
        member_card_changed(profile.user_id)
    if subjects is not None:
        profile.subjects.set(subjects)
    if grades is not None:
        profile.grades.set(grades)
    if interests is not None:
        profile.interests.set(
            sorted({tag.strip()[:100] for tag in interests if tag.strip()})
        )
    badges_check(user=profile.user)
    profile_changed(profile)
    return profile


def profile_privacy_update(*, profile: Profile, **fields: object) -> Profile:
    """Who sees the member's e-mail, school and place; directory and search engines.

    Only the named privacy fields change. Raises TypeError for any other field
    and ValidationError for an unknown choice (nothing is saved then).
    """
    unknown = set(fields) - set(PRIVACY_FIELDS)
    if unknown:
        raise TypeError(f"not privacy fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["user", "avatar"])
    profile.save(update_fields=[*fields, "updated_at"])
    profile_changed(profile)
    return profile


def _storage_delete_later(name: str) -> None:
    """Delete a stored file once the transaction commits (never a half state)."""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def _avatar_delete_later(name: str) -> None:
    """Delete an avatar and its copies once the transaction commits."""
    for file_name in avatars.avatar_files(name):
        _storage_delete_later(file_name)


def _files_store(files: dict[str, bytes]) -> None:
    """Store each ``{name: content}`` under exactly its name, or none of them.

    The copies are found by name alone, so a file the storage would store
    under another name (a clash) is refused rather than lost track of.
    """
    stored: list[str] = []
    try:
        for name, content in files.items():
            stored.append(default_storage.save(name, ContentFile(content)))
            if stored[-1] != name:
                raise FileExistsError(name)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def profile_avatar_set(*, profile: Profile, upload: UploadedFile) -> Profile:
    """Check the picture by content, re-encode it (EXIF gone), store it resized.

    Its square copies for lists (``accounts.avatars.SIZES``) are made here,
    once, and stored beside it. The previous avatar and its copies are removed
    only after the new one is committed; a refused or failed upload leaves the
    previous avatar and no new file.
    Raises ValidationError (codes "too_large", "not_image", "format").
    """
    participation_check(profile.user)
    clean = image_clean(
        upload,
        max_bytes=AVATAR_MAX_BYTES,
        formats=frozenset({"JPEG", "PNG", "WEBP", "HEIF"}),
        max_side=AVATAR_SIDE,
    )
    field = profile.avatar.field
    filename = avatars.sized_filename(uuid.uuid4().hex, clean.extension)
    stored = field.generate_filename(profile, filename)
    files = {stored: clean.content}
    for side, content in avatars.variants_render(clean.content).items():
        files[avatars.variant_name(stored, side)] = content
    _files_store(files)
    previous = profile.avatar.name
    try:
        with transaction.atomic():
            profile.avatar.name = stored
            profile.save(update_fields=["avatar", "updated_at"])
            _avatar_delete_later(previous)
            member_card_changed(profile.user_id)
    except Exception:
        for name in files:
            default_storage.delete(name)
        profile.avatar.name = previous
        raise
    return profile


def profile_avatar_remove(*, profile: Profile) -> Profile:
    """Go back to the initials in a circle; the files go after commit.

    Harmless without a picture. A rolled-back removal keeps the file.
    """
    previous = profile.avatar.name
    if not previous:
        return profile
    with transaction.atomic():
        profile.avatar.name = ""
        profile.save(update_fields=["avatar", "updated_at"])
        _avatar_delete_later(previous)
        member_card_changed(profile.user_id)
    return profile


def profile_avatar_sizes_make(*, profile: Profile) -> bool:
    """Give the member's avatar its copies of every size, where it lacks them.

    A picture uploaded before the copies existed is stored again under a new
    name with the ``.sized`` mark, beside its copies, and the profile points at
    it (only while the avatar is still the one read here: a picture changed
    meanwhile stays, and the new files go); the old file goes after commit.
    A marked picture gets back any copy missing from the storage. Returns
    whether anything was made: a second run makes nothing. Raises OSError
    (Pillow's errors included) when the stored picture cannot be read.
    """
    name = profile.avatar.name
    if not name or not default_storage.exists(name):
        return False
    variants = avatars.variant_names(name)
    if variants:
        missing = {
            side: variant
            for side, variant in variants.items()
            if not default_storage.exists(variant)
        }
        if not missing:
            return False
        with default_storage.open(name, "rb") as original:
            rendered = avatars.variants_render(original.read())
        _files_store({variant: rendered[side] for side, variant in missing.items()})
        return True
    with default_storage.open(name, "rb") as original:
        content = original.read()
    extension = PurePosixPath(name).suffix.lstrip(".").lower() or "jpg"
    stored = profile.avatar.field.generate_filename(
        profile, avatars.sized_filename(uuid.uuid4().hex, extension)
    )
    files = {stored: content}
    for side, picture in avatars.variants_render(content).items():
        files[avatars.variant_name(stored, side)] = picture
    _files_store(files)
    committed = False
    try:
        with transaction.atomic():
            moved = Profile.objects.filter(pk=profile.pk, avatar=name).update(
                avatar=stored
            )
            if moved:
                _avatar_delete_later(name)
                member_card_changed(profile.user_id)
        committed = bool(moved)
    finally:
        if not committed:
            for file_name in files:
                default_storage.delete(file_name)
    if not committed:
        return False
    profile.avatar.name = stored
    return True


VISITS = "accounts.visits"
# The visit kept in the cache outlives any pause of beat; it is written to the
# database by ``visits_flush`` within minutes.
VISIT_KEPT = 7 * 24 * 60 * 60


def _visit_key(user_id: int) -> str:
    return f"visit:{user_id}"


def visit_touch(*, user: User) -> None:
    """Note that the member is on the site: in the cache, never in the database.

    After a pause of ``VISIT_GAP`` a new visit starts: the time the last one
    ended becomes ``previous_visit_at``, from which "new since my last visit"
    counts (the forums use it). Called on every request of a signed-in member
    (``VisitMiddleware``) and on login: one cache read, and a cache write at
    most every ``VISIT_TOUCH``. ``visits_flush`` (beat) writes the times to the
    ``User`` row; until then the cache holds what the row does not have yet,
    and ``user`` gets it here, so the request already sees the current visit.
    """
    key = _visit_key(user.pk)
    try:
        kept = cache.get(key)
    except Exception:
        logger.exception("visits: the cache is not answering")
        return
    if kept is not None and (user.last_seen_at is None or kept[0] > user.last_seen_at):
        user.last_seen_at, user.previous_visit_at = kept
    now = timezone.now()
    seen = user.last_seen_at
    if seen is not None and now - seen < VISIT_TOUCH:
        return
    if seen is None or now - seen >= VISIT_GAP:
        user.previous_visit_at = seen
    user.last_seen_at = now
    try:
        cache.set(key, (now, user.previous_visit_at), VISIT_KEPT)
        pending.mark(VISITS, user.pk)
    except Exception:
        logger.exception("visits: the cache is not answering")


def _visits_write(user_ids: list[int]) -> None:
    kept = cache.get_many([_visit_key(pk) for pk in user_ids])
    with transaction.atomic():
        for pk in user_ids:
            visit = kept.get(_visit_key(pk))
            if visit is None:
                continue
            seen, previous = visit
            # Never back in time: a later visit may have been written already.
            User.objects.filter(
                Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=seen), pk=pk
            ).update(last_seen_at=seen, previous_visit_at=previous)


def visits_flush() -> int:
    """Write the visit times kept in the cache to the members' rows.

    Safe twice: a row already holding a visit's time is left alone. A visit
    noted while this runs is written by the next run. Returns how many
    members were looked at.
    """
    return pending.flush(VISITS, _visits_write)


# --- Moderation ------------------------------------------------------------------


@transaction.atomic
def profile_hide(
    *, profile: Profile, moderator: User, reason: str, hidden: bool = True
) -> Profile:
    """A moderator hides a member's profile (or shows it again): others see
    only the name then. The call is always put on record.

    Raises PermissionDenied for anyone but a moderator.
    """
    if not can_moderate_profiles(moderator):
        raise PermissionDenied
    return _profile_set_hidden(
        profile, hidden=hidden, moderator=moderator, reason=reason
    )


@transaction.atomic
def profile_hide_by_reports(*, profile: Profile, hidden: bool = True) -> Profile:
    """Reports of established members hide a profile until a moderator looks."""
    return _profile_set_hidden(profile, hidden=hidden, moderator=None, reason=REPORTED)


def _profile_set_hidden(
    profile: Profile, *, hidden: bool, moderator: User | None, reason: str
) -> Profile:
    hidden_set(
        profile,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=profile_visibility_changed,
        record=audited("profile"),
    )
    return profile
