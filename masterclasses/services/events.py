"""A master-class's life as its hosts and moderators shape it: proposal,
publication, changes, cancellation; its cover and co-hosts."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from community import limits
from community import services as community
from community.audience import Audience, readers
from community.markdown import render_markdown
from community.sanctions import participation_check
from masterclasses import kinds
from masterclasses.changes import (
    masterclass_changed,
    masterclass_finished_edited,
    masterclass_shown_changed,
    masterclass_visibility_changed,
)
from masterclasses.models import MasterClass, Registration, TrustedHost
from masterclasses.permissions import can_edit_masterclass, can_moderate_masterclasses
from masterclasses.services._common import _audience_check, _promote

FIELDS = [
    "title",
    "description",
    "subject",
    "format",
    "room_url",
    "venue",
    "address",
    "starts_at",
    "ends_at",
    "time_zone",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
]

# Changes of these are told to everyone registered.
ANNOUNCED = {"starts_at", "ends_at", "room_url", "venue", "address", "format"}


def _check(masterclass: MasterClass) -> None:
    """The rules of a master-class's fields, with a message for each."""
    errors = {}
    starts, ends = masterclass.starts_at, masterclass.ends_at
    if starts and ends and ends <= starts:
        errors["ends_at"] = _("The end must be after the start.")
    if masterclass.is_offline and not masterclass.address.strip():
        errors["address"] = _("Give the address for colleagues coming in person.")
    opens, closes = (
        masterclass.registration_opens_at,
        masterclass.registration_closes_at,
    )
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = _("Registration must close after it opens.")
    if closes and masterclass.ends_at and closes > masterclass.ends_at:
        errors["registration_closes_at"] = _(
            "Registration must close before the master-class ends."
        )
    if (
        masterclass.capacity is not None
        and masterclass.capacity < masterclass.registered_count
    ):
        errors["capacity"] = _(
            "%(count)d colleagues are already registered: the seats cannot be fewer."
        ) % {"count": masterclass.registered_count}
    if errors:
        raise ValidationError(errors)
    masterclass.full_clean(exclude=["host", "subject", "cover"])


def _is_trusted(user) -> bool:
    return (
        can_moderate_masterclasses(user)
        or TrustedHost.objects.filter(user=user).exists()
    )


@transaction.atomic
def masterclass_create(
    *,
    host,
    grades: Iterable = (),
    tags: Iterable[str] = (),
    cohosts: Iterable = (),
    submit: bool = True,
    group_id: int | None = None,
    group_only: bool = False,
    audience: str = Audience.EVERYONE,
    **fields,
) -> MasterClass:
    """A new master-class: a draft, or proposed (published for trusted hosts).

    A community's meeting has ``group_id`` (the community's pk) and the
    ``audience`` its community gives it; ``group_only`` keeps it for the
    community's members whatever the community's visibility (its audience
    is then the group's).

    Raises ValidationError (a dict by field) on bad times, places or seats;
    on an unknown audience, or a group's audience without a group.
    """
    participation_check(host)
    if not host.is_authenticated:
        raise PermissionDenied
    if group_only:
        audience = Audience.GROUP
    _audience_check(audience, group_id)
    limits.write_limit_check(
        host, limits.MASTERCLASSES, MasterClass.objects.filter(host=host)
    )
    masterclass = MasterClass(
        host=host,
        group_id=group_id,
        group_only=group_only,
        audience=audience,
        **{key: fields[key] for key in fields},
    )
    masterclass.description_html = render_markdown(masterclass.description)
    if masterclass.starts_at and masterclass.starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("The start must be in the future.")})
    _check(masterclass)
    masterclass.save()
    masterclass.grades.set(grades)
    masterclass.tags.set(sorted({tag.strip()[:100] for tag in tags if tag.strip()}))
    masterclass.cohosts.set([user for user in cohosts if user.pk != host.pk])
    if submit:
        masterclass_submit(masterclass=masterclass, actor=host)
    masterclass_changed(masterclass)
    return masterclass


def masterclass_submit(*, masterclass: MasterClass, actor) -> MasterClass:
    """A draft goes to the moderators (or straight out, for a trusted host)."""
    participation_check(actor)
    if not can_edit_masterclass(actor, masterclass):
        raise PermissionDenied
    if masterclass.status != MasterClass.Status.DRAFT:
        return masterclass
    if _is_trusted(actor):
        return _publish(masterclass, actor=actor)
    masterclass.status = MasterClass.Status.PROPOSED
    masterclass.save(update_fields=["status", "updated_at"])
    community.audit(actor=actor, action="masterclass_propose", target=masterclass)
    return masterclass


def _readers(masterclass: MasterClass, user_ids) -> QuerySet:
    """The members of ``user_ids`` who may read ``masterclass`` (a
    community's meeting for its members: those still in it), as
    ``notify_many`` reads them; membership is a subquery, no query more."""
    return _members(user_ids).filter(
        readers(masterclass.audience, masterclass.group_id)
    )


def _publish(masterclass: MasterClass, *, actor) -> MasterClass:
    from accounts.models import Follow

    masterclass.status = MasterClass.Status.PUBLISHED
    masterclass.return_note = ""
    masterclass.save(update_fields=["status", "return_note", "updated_at"])
    community.audit(actor=actor, action="masterclass_publish", target=masterclass)
    masterclass_visibility_changed(masterclass)
    # Told in a fixed number of queries, however many follow the host; only
    # those it is for.
    community.notify_many(
        recipients=_readers(
            masterclass,
            Follow.objects.filter(followee=masterclass.host).values("follower_id"),
        ),
        kind=kinds.NEW_BY_HOST,
        actor=masterclass.host,
        target=masterclass,
        target_title=masterclass.title,
        url=masterclass.get_absolute_url(),
    )
    return masterclass


@transaction.atomic
def masterclass_approve(*, masterclass: MasterClass, moderator) -> MasterClass:
    if not can_moderate_masterclasses(moderator):
        raise PermissionDenied
    if masterclass.status != MasterClass.Status.PROPOSED:
        raise ValidationError(_("Only a proposal can be approved."), code="status")
    _publish(masterclass, actor=moderator)
    community.notify(
        recipient=masterclass.host,
        kind=kinds.APPROVED,
        actor=moderator,
        target=masterclass,
        target_title=masterclass.title,
        url=masterclass.get_absolute_url(),
        group=False,
    )
    return masterclass


@transaction.atomic
def masterclass_return(
    *, masterclass: MasterClass, moderator, note: str
) -> MasterClass:
    """Send a proposal back to its host with what to change."""
    if not can_moderate_masterclasses(moderator):
        raise PermissionDenied
    if masterclass.status != MasterClass.Status.PROPOSED:
        raise ValidationError(_("Only a proposal can be returned."), code="status")
    if not note.strip():
        raise ValidationError(_("Tell the host what to change."), code="note")
    masterclass.status = MasterClass.Status.DRAFT
    masterclass.return_note = note.strip()[:1000]
    masterclass.save(update_fields=["status", "return_note", "updated_at"])
    community.audit(
        actor=moderator, action="masterclass_return", target=masterclass, reason=note
    )
    community.notify(
        recipient=masterclass.host,
        kind=kinds.RETURNED,
        actor=moderator,
        target=masterclass,
        target_title=masterclass.title,
        url=masterclass.get_absolute_url(),
        group=False,
    )
    masterclass_changed(masterclass)
    return masterclass


def _members(user_ids) -> QuerySet:
    """The members of a subquery of ids, as ``notify_many`` reads them (their
    id and whether they are active), not whole rows."""
    return get_user_model().objects.filter(pk__in=user_ids).only("pk", "is_active")


def _tell_participants(
    masterclass: MasterClass, *, kind: str, actor, group: bool = True
) -> None:
    """Tell everyone registered or waiting who may still read it (a fixed
    number of queries)."""
    community.notify_many(
        recipients=_readers(
            masterclass,
            Registration.objects.filter(
                masterclass=masterclass,
                status__in=[
                    Registration.Status.REGISTERED,
                    Registration.Status.WAITLISTED,
                ],
            ).values("user_id"),
        ),
        kind=kind,
        actor=actor,
        target=masterclass,
        target_title=masterclass.title,
        url=masterclass.get_absolute_url(),
        group=group,
    )


@transaction.atomic
def masterclass_update(
    *, masterclass: MasterClass, editor, grades=None, tags=None, cohosts=None, **fields
) -> MasterClass:
    """Change a master-class; registered members hear of a new time or place.

    More seats move the first waiting members in. Raises ValidationError (a
    dict by field), e.g. seats below the registrations already made.
    """
    participation_check(editor)
    if not can_edit_masterclass(editor, masterclass):
        raise PermissionDenied
    masterclass = MasterClass.objects.select_for_update().get(pk=masterclass.pk)
    finished = masterclass.status == MasterClass.Status.FINISHED
    cohosts_before = (
        list(masterclass.cohosts.values_list("pk", flat=True))
        if finished and cohosts is not None
        else []
    )
    changed = {
        key
        for key in FIELDS
        if key in fields and getattr(masterclass, key) != fields[key]
    }
    for key in FIELDS:
        if key in fields:
            setattr(masterclass, key, fields[key])
    masterclass.description_html = render_markdown(masterclass.description)
    _check(masterclass)
    announced = changed & ANNOUNCED
    if announced:
        masterclass.sequence += 1
    masterclass.save()
    if grades is not None:
        masterclass.grades.set(grades)
    if tags is not None:
        masterclass.tags.set(sorted({tag.strip()[:100] for tag in tags if tag.strip()}))
    if cohosts is not None:
        masterclass.cohosts.set(
            [user for user in cohosts if user.pk != masterclass.host_id]
        )
    if announced and masterclass.status == MasterClass.Status.PUBLISHED:
        _tell_participants(masterclass, kind=kinds.CHANGED, actor=editor)
    if "capacity" in changed:
        _promote(masterclass)
    if finished:
        masterclass_finished_edited(masterclass, cohosts_before=cohosts_before)
    else:
        masterclass_changed(masterclass)
    return masterclass


@transaction.atomic
def masterclass_cancel(
    *, masterclass: MasterClass, actor, reason: str = ""
) -> MasterClass:
    """Cancel it: everyone registered and waiting hears, with the reason."""
    participation_check(actor)
    if not can_edit_masterclass(actor, masterclass):
        raise PermissionDenied
    if masterclass.status in (
        MasterClass.Status.CANCELLED,
        MasterClass.Status.FINISHED,
    ):
        return masterclass
    was_public = masterclass.status == MasterClass.Status.PUBLISHED
    masterclass.status = MasterClass.Status.CANCELLED
    masterclass.return_note = reason.strip()[:1000]
    masterclass.sequence += 1
    masterclass.save(update_fields=["status", "return_note", "sequence", "updated_at"])
    community.audit(
        actor=actor, action="masterclass_cancel", target=masterclass, reason=reason
    )
    masterclass_visibility_changed(masterclass)
    if was_public:
        _tell_participants(masterclass, kind=kinds.CANCELLED, actor=actor, group=False)
    return masterclass


def hosts_get(usernames: Iterable[str]) -> list:
    return list(
        get_user_model().objects.filter(username__in=list(usernames), is_active=True)
    )


COVER_MAX_BYTES = 5 * 2**20


def cover_set(*, masterclass: MasterClass, editor, upload) -> MasterClass:
    """A cover picture, decoded and re-encoded (content checked, EXIF dropped)."""
    participation_check(editor)
    from django.core.files.base import ContentFile

    from community.images import image_clean

    if not can_edit_masterclass(editor, masterclass):
        raise PermissionDenied
    clean = image_clean(upload, max_bytes=COVER_MAX_BYTES, max_side=1600)
    previous = masterclass.cover.name
    masterclass.cover.save(
        f"cover-{masterclass.pk}.{clean.extension}",
        ContentFile(clean.content),
        save=False,
    )
    masterclass.save(update_fields=["cover", "updated_at"])
    masterclass_shown_changed(masterclass)
    if previous:
        storage = masterclass.cover.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return masterclass
