"""Every write to master-classes: proposal to certificate."""

import datetime
import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from community import limits
from community import services as community
from community.markdown import render_markdown
from community.pagecache import page_cache_invalidate
from community.recognition import badges_check
from community.sanctions import participation_check
from community.search import search_index
from masterclasses import hooks
from masterclasses.models import (
    CalendarFeed,
    Certificate,
    Feedback,
    MasterClass,
    Registration,
    TrustedHost,
)
from masterclasses.permissions import (
    can_edit_masterclass,
    can_moderate_masterclasses,
    can_register,
    is_host,
)

logger = logging.getLogger(__name__)

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
# Check-in opens this long before the start and closes at the end.
CHECKIN_EARLY = datetime.timedelta(minutes=15)
REMIND_DAY = datetime.timedelta(hours=24)
REMIND_HOUR = datetime.timedelta(hours=1)


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
    **fields,
) -> MasterClass:
    """A new master-class: a draft, or proposed (published for trusted hosts).

    Raises ValidationError (a dict by field) on bad times, places or seats.
    """
    participation_check(host)
    if not host.is_authenticated:
        raise PermissionDenied
    limits.write_limit_check(
        host, limits.MASTERCLASSES, MasterClass.objects.filter(host=host)
    )
    masterclass = MasterClass(host=host, **{key: fields[key] for key in fields})
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
    search_index(masterclass)
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


def _activity_record(masterclass: MasterClass) -> None:
    community.activity_record(
        actor=masterclass.host,
        kind=hooks.MASTERCLASS_ACTIVITY,
        target=masterclass,
        title=masterclass.title,
        url=masterclass.get_absolute_url(),
        subjects=[masterclass.subject],
    )


def _publish(masterclass: MasterClass, *, actor) -> MasterClass:
    from accounts.models import Follow

    masterclass.status = MasterClass.Status.PUBLISHED
    masterclass.return_note = ""
    masterclass.save(update_fields=["status", "return_note", "updated_at"])
    community.audit(actor=actor, action="masterclass_publish", target=masterclass)
    if not masterclass.is_hidden:
        _activity_record(masterclass)
    # Told in a fixed number of queries, however many follow the host.
    community.notify_many(
        recipients=_members(
            Follow.objects.filter(followee=masterclass.host).values("follower_id")
        ),
        kind=hooks.NEW_BY_HOST,
        actor=masterclass.host,
        target=masterclass,
        target_title=masterclass.title,
        url=masterclass.get_absolute_url(),
    )
    search_index(masterclass)
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
        kind=hooks.APPROVED,
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
        kind=hooks.RETURNED,
        actor=moderator,
        target=masterclass,
        target_title=masterclass.title,
        url=masterclass.get_absolute_url(),
        group=False,
    )
    search_index(masterclass)
    return masterclass


def trusted_host_set(*, user, moderator, trusted: bool) -> None:
    if not can_moderate_masterclasses(moderator):
        raise PermissionDenied
    if trusted:
        TrustedHost.objects.get_or_create(user=user, defaults={"granted_by": moderator})
    else:
        TrustedHost.objects.filter(user=user).delete()
    community.audit(
        actor=moderator,
        action="trusted_host" if trusted else "trusted_host_removed",
        target=user,
    )


def _members(user_ids) -> QuerySet:
    """The members of a subquery of ids, as ``notify_many`` reads them (their
    id and whether they are active), not whole rows."""
    return get_user_model().objects.filter(pk__in=user_ids).only("pk", "is_active")


def _tell_participants(
    masterclass: MasterClass, *, kind: str, actor, group: bool = True
) -> None:
    """Tell everyone registered or waiting (a fixed number of queries)."""
    community.notify_many(
        recipients=_members(
            Registration.objects.filter(
                masterclass=masterclass,
                status__in=[
                    Registration.Status.REGISTERED,
                    Registration.Status.WAITLISTED,
                ],
            ).values("user_id")
        ),
        kind=kind,
        actor=actor,
        target=masterclass,
        target_title=masterclass.title,
        url=masterclass.get_absolute_url(),
        group=group,
    )


def _participants(masterclass: MasterClass, *statuses: str):
    return (
        Registration.objects.filter(masterclass=masterclass, status__in=statuses)
        .select_related("user")
        .order_by("pk")
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
        _tell_participants(masterclass, kind=hooks.CHANGED, actor=editor)
    if "capacity" in changed:
        _promote(masterclass)
    search_index(masterclass)
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
    community.activity_remove(kind=hooks.MASTERCLASS_ACTIVITY, target=masterclass)
    if was_public:
        _tell_participants(masterclass, kind=hooks.CANCELLED, actor=actor, group=False)
    search_index(masterclass)
    return masterclass


# --- Moderation -------------------------------------
# A moderator's call is always put on record (confirming an automatic hide is a
# decision too); an automatic hide or restore only when it changes something.


@transaction.atomic
def masterclass_hide(
    *, masterclass: MasterClass, moderator, reason: str, hidden: bool = True
) -> MasterClass:
    """A moderator hides a master-class (or shows it again): only its hosts and
    moderators see it then; it leaves the lists, calendars and feeds.

    Raises PermissionDenied for anyone but a moderator.
    """
    if not can_moderate_masterclasses(moderator):
        raise PermissionDenied
    return _masterclass_set_hidden(
        masterclass, hidden=hidden, moderator=moderator, reason=reason
    )


@transaction.atomic
def masterclass_hide_by_reports(
    *, masterclass: MasterClass, hidden: bool = True
) -> MasterClass:
    """Reports of established members hide a master-class until a moderator looks."""
    return _masterclass_set_hidden(
        masterclass, hidden=hidden, moderator=None, reason=_("reported by colleagues")
    )


def _masterclass_set_hidden(
    masterclass: MasterClass, *, hidden: bool, moderator, reason: str
) -> MasterClass:
    changed = masterclass.is_hidden != hidden
    if changed:
        masterclass.is_hidden = hidden
        masterclass.save(update_fields=["is_hidden"])
        if hidden:
            community.activity_remove(
                kind=hooks.MASTERCLASS_ACTIVITY, target=masterclass
            )
        elif masterclass.status in (
            MasterClass.Status.PUBLISHED,
            MasterClass.Status.FINISHED,
        ):
            _activity_record(masterclass)
    if changed or moderator is not None:
        community.audit(
            actor=moderator,
            action="masterclass_hide" if hidden else "masterclass_restore",
            target=masterclass,
            reason=reason,
        )
    search_index(masterclass)
    return masterclass


# --- Registration -------------------------------------


def registration_window_error(masterclass: MasterClass, now=None) -> str:
    """Why registering is closed now, or "" when it is open."""
    now = now or timezone.now()
    if masterclass.registration_opens_at and now < masterclass.registration_opens_at:
        return _("Registration has not opened yet.")
    closes = masterclass.registration_closes_at or masterclass.ends_at
    if now >= closes:
        return _("Registration is closed.")
    return ""


@transaction.atomic
def register(*, masterclass: MasterClass, user) -> Registration:
    """Take a seat, or a place on the waitlist when the seats are gone.

    The master-class's row is locked, so that parallel requests never give
    more seats than there are. Raises ValidationError: outside the window,
    already registered or waiting, a host, not published.
    """
    participation_check(user)
    masterclass = MasterClass.objects.select_for_update().get(pk=masterclass.pk)
    if not can_register(user, masterclass):
        raise ValidationError(
            _("Registration is not possible for this master-class."), code="closed"
        )
    error = registration_window_error(masterclass)
    if error:
        raise ValidationError(error, code="window")
    now = timezone.now()
    existing = Registration.objects.filter(masterclass=masterclass, user=user).first()
    if existing is not None and existing.status != Registration.Status.CANCELLED:
        raise ValidationError(
            _("You are already registered.")
            if existing.status == Registration.Status.REGISTERED
            else _("You are already on the waitlist."),
            code="twice",
        )
    full = (
        masterclass.capacity is not None
        and masterclass.registered_count >= masterclass.capacity
    )
    status = Registration.Status.WAITLISTED if full else Registration.Status.REGISTERED
    registration = existing or Registration(masterclass=masterclass, user=user)
    registration.status = status
    registration.queued_at = now
    registration.cancelled_at = None
    registration.save()
    counter = "waitlist_count" if full else "registered_count"
    MasterClass.objects.filter(pk=masterclass.pk).update(**{counter: F(counter) + 1})
    community.notify(
        recipient=user,
        kind=hooks.WAITLISTED if full else hooks.REGISTERED,
        target=masterclass,
        target_title=masterclass.title,
        url=masterclass.get_absolute_url(),
        group=False,
    )
    page_cache_invalidate()
    return registration


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    return (
        Registration.objects.filter(
            masterclass_id=registration.masterclass_id,
            status=Registration.Status.WAITLISTED,
            queued_at__lt=registration.queued_at,
        ).count()
        + 1
    )


def _promote(masterclass: MasterClass) -> list[Registration]:
    """Fill free seats from the waitlist, first come first served (row locked)."""
    masterclass.refresh_from_db(
        fields=["registered_count", "waitlist_count", "capacity"]
    )
    promoted = []
    while (
        masterclass.capacity is None
        or masterclass.registered_count < masterclass.capacity
    ):
        first = (
            Registration.objects.select_for_update()
            .filter(masterclass=masterclass, status=Registration.Status.WAITLISTED)
            .order_by("queued_at", "pk")
            .first()
        )
        if first is None:
            break
        first.status = Registration.Status.REGISTERED
        first.promoted_at = timezone.now()
        first.save(update_fields=["status", "promoted_at"])
        masterclass.registered_count += 1
        masterclass.waitlist_count -= 1
        MasterClass.objects.filter(pk=masterclass.pk).update(
            registered_count=F("registered_count") + 1,
            waitlist_count=F("waitlist_count") - 1,
        )
        community.notify(
            recipient=first.user,
            kind=hooks.PROMOTED,
            target=masterclass,
            target_title=masterclass.title,
            url=masterclass.get_absolute_url(),
            group=False,
        )
        promoted.append(first)
    return promoted


@transaction.atomic
def registration_cancel(*, masterclass: MasterClass, user) -> Registration:
    """Give the seat back (the first waiting colleague gets it), or stop waiting."""
    masterclass = MasterClass.objects.select_for_update().get(pk=masterclass.pk)
    registration = (
        Registration.objects.select_for_update()
        .filter(masterclass=masterclass, user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )
    if registration is None:
        raise ValidationError(_("You are not registered."), code="not_registered")
    if timezone.now() >= masterclass.ends_at:
        raise ValidationError(_("The master-class is over."), code="over")
    counter = (
        "registered_count"
        if registration.status == Registration.Status.REGISTERED
        else "waitlist_count"
    )
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    MasterClass.objects.filter(pk=masterclass.pk).update(**{counter: F(counter) - 1})
    if (
        counter == "registered_count"
        and masterclass.status == MasterClass.Status.PUBLISHED
    ):
        _promote(masterclass)
    page_cache_invalidate()
    return registration


def reminders_run(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """E-mail reminders a day and an hour before; each once per registration.

    A conditional update claims the registration before the reminder is
    sent, so a beat task that runs twice sends nothing twice. Returns
    (day reminders, hour reminders).
    """
    now = now or timezone.now()
    sent = {"reminded_day_at": 0, "reminded_hour_at": 0}
    windows = [
        ("reminded_day_at", now + REMIND_HOUR, now + REMIND_DAY, hooks.REMINDER_DAY),
        ("reminded_hour_at", now, now + REMIND_HOUR, hooks.REMINDER_HOUR),
    ]
    for field, after, until, kind in windows:
        due = Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            masterclass__status=MasterClass.Status.PUBLISHED,
            masterclass__is_hidden=False,
            masterclass__starts_at__gt=after,
            masterclass__starts_at__lte=until,
            **{f"{field}__isnull": True},
        ).select_related("user", "masterclass")
        for registration in due:
            with transaction.atomic():
                claimed = Registration.objects.filter(
                    pk=registration.pk, **{f"{field}__isnull": True}
                ).update(**{field: now})
                if not claimed:
                    continue
                sent[field] += 1
                masterclass = registration.masterclass
                community.notify(
                    recipient=registration.user,
                    kind=kind,
                    target=masterclass,
                    target_title=masterclass.title,
                    url=masterclass.get_absolute_url(),
                    group=False,
                )
    return sent["reminded_day_at"], sent["reminded_hour_at"]


# --- During and after -------------------------------------


def checkin(*, masterclass: MasterClass, user, code: str) -> Registration:
    """A participant confirms attendance with the code shown in the session."""
    participation_check(user)
    registration = Registration.objects.filter(
        masterclass=masterclass, user=user, status=Registration.Status.REGISTERED
    ).first()
    if registration is None:
        raise ValidationError(
            _("Only registered participants check in."), code="not_registered"
        )
    now = timezone.now()
    if now < masterclass.starts_at - CHECKIN_EARLY:
        raise ValidationError(
            _("Check-in opens when the session starts."), code="early"
        )
    if now > masterclass.ends_at:
        raise ValidationError(
            _("Check-in has closed: the session is over."), code="late"
        )
    if code.strip().upper() != masterclass.checkin_code:
        raise ValidationError(
            _("The code is wrong. Check it on the host's screen."), code="code"
        )
    if not registration.attended:
        registration.attended = True
        registration.checked_in_at = now
        registration.save(update_fields=["attended", "checked_in_at"])
    return registration


def attendance_mark(
    *, masterclass: MasterClass, host, registration: Registration, attended: bool
) -> Registration:
    """The host marks who came (or corrects a check-in)."""
    participation_check(host)
    if not (is_host(host, masterclass) or can_moderate_masterclasses(host)):
        raise PermissionDenied
    if registration.masterclass_id != masterclass.pk or (
        registration.status != Registration.Status.REGISTERED
    ):
        raise ValidationError(
            _("Not a participant of this master-class."), code="not_registered"
        )
    if timezone.now() < masterclass.starts_at - CHECKIN_EARLY:
        raise ValidationError(
            _("Attendance is marked once the session starts."), code="early"
        )
    registration.attended = attended
    registration.save(update_fields=["attended"])
    return registration


def feedback_leave(
    *, masterclass: MasterClass, user, score: int, comment: str = ""
) -> Feedback:
    """An attendee rates the master-class (again: the earlier feedback is replaced)."""
    participation_check(user)
    registration = Registration.objects.filter(
        masterclass=masterclass, user=user, attended=True
    ).first()
    if registration is None:
        raise ValidationError(
            _("Feedback is for those who attended."), code="not_attended"
        )
    if not 1 <= int(score) <= 5:
        raise ValidationError(_("A rating is from 1 to 5."), code="score")
    feedback, _created = Feedback.objects.update_or_create(
        registration=registration,
        defaults={"score": int(score), "comment": comment.strip()[:2000]},
    )
    return feedback


def followup_set(
    *, masterclass: MasterClass, host, recording_url: str = "", materials: Iterable = ()
) -> MasterClass:
    """After the session: the recording link and materials from the library."""
    participation_check(host)
    if not (is_host(host, masterclass) or can_moderate_masterclasses(host)):
        raise PermissionDenied
    masterclass.recording_url = recording_url.strip()
    masterclass.full_clean(exclude=["host", "subject", "cover"])
    masterclass.save(update_fields=["recording_url", "updated_at"])
    masterclass.materials.set(materials)
    return masterclass


# --- Finishing and certificates -------------------------------------


def _certificate(masterclass: MasterClass, user, kind: str) -> Certificate | None:
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                masterclass=masterclass,
                user=user,
                kind=kind,
                number=f"tmp-{user.pk}-{masterclass.pk}-{kind}"[:20],
                holder_name=user.profile.shown_name,
            )
    except IntegrityError:
        return None  # issued already (a second run)
    certificate.number = f"МК-{certificate.issued_at:%Y}-{certificate.pk:06d}"
    certificate.save(update_fields=["number"])
    community.notify(
        recipient=user,
        kind=hooks.CERTIFICATE,
        target=certificate,
        target_title=masterclass.title,
        url=certificate.get_absolute_url(),
        group=False,
    )
    return certificate


@transaction.atomic
def masterclass_finish(*, masterclass: MasterClass, actor=None) -> list[Certificate]:
    """Close a master-class that has ended and issue its certificates, once.

    Attendees get one of participation, hosts one of conducting. Running it
    again issues only what is missing.
    """
    if actor is not None and not (
        is_host(actor, masterclass) or can_moderate_masterclasses(actor)
    ):
        raise PermissionDenied
    masterclass = MasterClass.objects.select_for_update().get(pk=masterclass.pk)
    if masterclass.status not in (
        MasterClass.Status.PUBLISHED,
        MasterClass.Status.FINISHED,
    ):
        raise ValidationError(
            _("Only a held master-class can be finished."), code="status"
        )
    if timezone.now() < masterclass.ends_at:
        raise ValidationError(_("The master-class has not ended yet."), code="early")
    if masterclass.status != MasterClass.Status.FINISHED:
        masterclass.status = MasterClass.Status.FINISHED
        masterclass.save(update_fields=["status", "updated_at"])
    issued = []
    attendees = _participants(masterclass, Registration.Status.REGISTERED).filter(
        attended=True
    )
    for registration in attendees.select_related("user__profile"):
        issued.append(
            _certificate(masterclass, registration.user, Certificate.Kind.PARTICIPATION)
        )
    for host in [masterclass.host, *masterclass.cohosts.all()]:
        issued.append(_certificate(masterclass, host, Certificate.Kind.CONDUCTING))
        badges_check(user=host)
    for registration in attendees:
        badges_check(user=registration.user)
    page_cache_invalidate()
    return [certificate for certificate in issued if certificate is not None]


def masterclasses_finish_due(*, now: datetime.datetime | None = None) -> int:
    """Beat: finish every published master-class that ended an hour ago or more."""
    now = now or timezone.now()
    due = MasterClass.objects.filter(
        status=MasterClass.Status.PUBLISHED,
        ends_at__lte=now - datetime.timedelta(hours=1),
    )
    count = 0
    for masterclass in due:
        masterclass_finish(masterclass=masterclass)
        count += 1
    return count


def calendar_feed_for(*, user, reset: bool = False) -> CalendarFeed:
    """The member's secret calendar address as a row (a new one when ``reset``).

    Until the member asks for a new address the page shows one derived from
    the account (``selectors.calendar_feed_token``); a row replaces it.
    """
    import secrets

    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None or reset:
        token = secrets.token_urlsafe(32)
        feed, _created = CalendarFeed.objects.update_or_create(
            user=user, defaults={"token": token}
        )
    return feed


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
    if previous:
        storage = masterclass.cover.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return masterclass
