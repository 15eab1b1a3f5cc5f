"""Learners: enrolling and dropping out, the waitlist, units done, deadlines.

Locks, always in this order, so that no two writers wait on each other in a
cycle: the course's row (places and counts), then the learner's enrolment
(units and hours done), then their progress and submission rows. Every
service here that changes a learner's enrolment takes the course's row first.
"""

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community import services as community
from community.evidence import ATTENDED, REPLIED
from community.models import Notification
from community.sanctions import participation_check
from courses import kinds
from courses.changes import enrolments_changed, progress_changed
from courses.models import Course, Enrolment, Progress, Unit
from courses.permissions import (
    can_enrol,
    can_see_course,
    enrolment_window_open,
    is_author,
)
from courses.services._common import _promote

# Units that opened longer ago than this are no longer announced (a beat that
# was away for days does not flood learners with old news).
OPENING_HORIZON = datetime.timedelta(days=1)
ANSWER_MAX_LENGTH = 2000


def _course_locked(course_id: int) -> Course:
    return Course.objects.select_for_update(of=("self",)).get(pk=course_id)


def _when(moment: datetime.datetime, course: Course) -> str:
    """A date and time as the course's learners read it (its time zone)."""
    zone = None
    if course.time_zone:
        try:
            zone = zoneinfo.ZoneInfo(course.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
    return date_format(timezone.localtime(moment, zone), "j E Y, H:i")


# --- Enrolment ------------------------------------------------------------------------


def _enrol_refusal(user, course: Course) -> ValidationError | None:
    """Why ``user`` may not enrol in ``course`` now, or None."""
    if can_enrol(user, course):
        return None
    if is_author(user, course):
        return ValidationError(
            _("You are an author of this course: authors do not enrol."),
            code="author",
        )
    if course.status == Course.Status.ARCHIVED:
        return ValidationError(
            _("This course is archived: it takes no new learners."), code="archived"
        )
    if course.status != Course.Status.PUBLISHED or course.is_hidden:
        return ValidationError(
            _("Enrolment is not possible for this course."), code="closed"
        )
    if not enrolment_window_open(course):
        now = timezone.now()
        if course.enrolment_opens_at and now < course.enrolment_opens_at:
            return ValidationError(
                _("Enrolment opens on %(date)s.")
                % {"date": _when(course.enrolment_opens_at, course)},
                code="window",
            )
        return ValidationError(_("Enrolment is closed."), code="window")
    return ValidationError(
        _("Enrolment is not possible for this course."), code="closed"
    )


@transaction.atomic
def enrol(*, course: Course, user) -> Enrolment:
    """Take a place in the course, or a place on its waitlist when the places
    are gone.

    The course's row is locked, so that learners enrolling at once never take
    more places than there are. A learner who dropped out comes back on the
    same row (their progress kept). The learner is told (ENROLLED or
    WAITLISTED); with a place, the units they have already done elsewhere
    (a master-class attended, a reply in the topic) are marked done
    (``progress_backfill``). Raises ValidationError: not published, hidden or
    archived, outside the enrolment window, an author, enrolled already.
    """
    participation_check(user)
    course = _course_locked(course.pk)
    refusal = _enrol_refusal(user, course)
    if refusal is not None:
        raise refusal
    existing = Enrolment.objects.filter(course=course, user=user).first()
    if existing is not None and existing.status != Enrolment.Status.DROPPED:
        messages = {
            Enrolment.Status.ENROLLED: _("You are already enrolled in this course."),
            Enrolment.Status.WAITLISTED: _("You are already on the waitlist."),
            Enrolment.Status.COMPLETED: _("You have completed this course."),
        }
        raise ValidationError(messages[existing.status], code="twice")
    now = timezone.now()
    full = course.capacity is not None and course.enrolled_count >= course.capacity
    enrolment = existing or Enrolment(course=course, user=user)
    enrolment.status = (
        Enrolment.Status.WAITLISTED if full else Enrolment.Status.ENROLLED
    )
    enrolment.queued_at = now
    enrolment.enrolled_at = None if full else now
    enrolment.dropped_at = None
    if existing is None:
        enrolment.full_clean()
        enrolment.save()
    else:
        enrolment.save(
            update_fields=["status", "queued_at", "enrolled_at", "dropped_at"]
        )
    counter = "waitlist_count" if full else "enrolled_count"
    Course.objects.filter(pk=course.pk).update(**{counter: F(counter) + 1})
    setattr(course, counter, getattr(course, counter) + 1)
    enrolment.course = course
    community.notify(
        recipient=user,
        kind=kinds.WAITLISTED if full else kinds.ENROLLED,
        target=course,
        target_title=course.title,
        url=course.get_absolute_url(),
        group=False,
    )
    enrolments_changed(course)
    if not full:
        progress_backfill(enrolment=enrolment)
    return enrolment


@transaction.atomic
def drop(*, course: Course, user) -> Enrolment:
    """Leave the course (a place, or the waitlist); the progress stays on the
    row should the learner come back. A place given back goes to the first
    learner waiting (told with PROMOTED), whose units already done elsewhere
    are marked. Raises ValidationError: not enrolled, or completed (a course
    completed stays among the member's courses)."""
    course = _course_locked(course.pk)
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(course=course, user=user)
        .exclude(status=Enrolment.Status.DROPPED)
        .first()
    )
    if enrolment is None:
        raise ValidationError(
            _("You are not enrolled in this course."), code="not_enrolled"
        )
    if enrolment.status == Enrolment.Status.COMPLETED:
        raise ValidationError(
            _("You have completed this course: it stays among your courses."),
            code="completed",
        )
    had_a_place = enrolment.status == Enrolment.Status.ENROLLED
    enrolment.status = Enrolment.Status.DROPPED
    enrolment.dropped_at = timezone.now()
    enrolment.save(update_fields=["status", "dropped_at"])
    counter = "enrolled_count" if had_a_place else "waitlist_count"
    Course.objects.filter(pk=course.pk).update(**{counter: F(counter) - 1})
    if (
        had_a_place
        and course.status == Course.Status.PUBLISHED
        and not course.is_hidden
    ):
        for promoted in _promote(course):
            promoted.course = course
            progress_backfill(enrolment=promoted)
    enrolments_changed(course)
    return enrolment


def waitlist_position(enrolment: Enrolment) -> int | None:
    """Where a waiting learner stands (1: next to get a place), or None."""
    if enrolment.status != Enrolment.Status.WAITLISTED:
        return None
    return (
        Enrolment.objects.filter(
            course_id=enrolment.course_id,
            status=Enrolment.Status.WAITLISTED,
            queued_at__lt=enrolment.queued_at,
        ).count()
        + 1
    )


# --- Units done -----------------------------------------------------------------------


def _counts_add(enrolment: Enrolment, units: Iterable[Unit]) -> bool:
    """Add ``units``, just marked done, to the enrolment's counts (its row
    held by the caller), then complete the course when it is the last
    required one. Returns whether the course was completed."""
    from courses.services.completion import completion_check

    units = list(units)
    required = sum(1 for unit in units if unit.required)
    hours = sum(unit.hours for unit in units)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        units_done=F("units_done") + required, hours_done=F("hours_done") + hours
    )
    enrolment.units_done += required
    enrolment.hours_done += hours
    progress_changed(enrolment)
    if enrolment.units_done >= enrolment.course.required_units:
        return completion_check(enrolment)
    return False


def _unit_done(
    enrolment: Enrolment,
    unit: Unit,
    now: datetime.datetime,
    *,
    opened: bool = True,
) -> Progress:
    """Mark ``unit`` done for the learner, once: the progress row (made on
    first need), its ``done_at`` claimed by a conditional UPDATE, the
    enrolment's counts moved with F(), the course completed when this was
    the last required unit. ``opened``: the learner did it here, so it is
    where they continue. The caller holds the course's and the enrolment's
    rows (``enrolment.course`` is the locked course)."""
    progress, _created = Progress.objects.get_or_create(enrolment=enrolment, unit=unit)
    if opened and enrolment.last_unit_id != unit.pk:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_unit=unit)
        enrolment.last_unit = unit
    claimed = Progress.objects.filter(pk=progress.pk, done_at__isnull=True).update(
        done_at=now
    )
    if claimed:
        progress.done_at = now
        _counts_add(enrolment, [unit])
    return progress


def _units_done(done: list[tuple[Enrolment, Unit]], now: datetime.datetime) -> int:
    """``_unit_done`` for many (learner, unit) pairs at once, in a fixed
    number of queries whatever their number (one more per distinct gain of
    counts, and the completions' own). The caller holds the courses' and the
    enrolments' rows. Returns how many units were marked done now."""
    if not done:
        return 0
    enrolments = {enrolment.pk: enrolment for enrolment, _unit in done}
    units = {unit.pk: unit for _enrolment, unit in done}
    wanted = {(enrolment.pk, unit.pk) for enrolment, unit in done}
    # Rows in one order, so that two batches never wait on each other's.
    Progress.objects.bulk_create(
        [
            Progress(enrolment_id=enrolment_id, unit_id=unit_id)
            for enrolment_id, unit_id in sorted(wanted)
        ],
        ignore_conflicts=True,
    )
    waiting = [
        (pk, enrolment_id, unit_id)
        for pk, enrolment_id, unit_id in Progress.objects.select_for_update()
        .filter(
            enrolment_id__in=list(enrolments),
            unit_id__in=list(units),
            done_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "enrolment_id", "unit_id")
        if (enrolment_id, unit_id) in wanted
    ]
    if not waiting:
        return 0
    Progress.objects.filter(
        pk__in=[pk for pk, _e, _u in waiting], done_at__isnull=True
    ).update(done_at=now)
    gained: dict[int, list[Unit]] = defaultdict(list)
    for _pk, enrolment_id, unit_id in waiting:
        gained[enrolment_id].append(units[unit_id])
    # Learners who gained the same (units, hours) move in one UPDATE: a
    # master-class attended by a class of learners is one statement.
    by_gain: dict[tuple[int, int], list[int]] = defaultdict(list)
    for enrolment_id, done_units in gained.items():
        gain = (
            sum(1 for unit in done_units if unit.required),
            sum(unit.hours for unit in done_units),
        )
        by_gain[gain].append(enrolment_id)
    for (required, hours), ids in by_gain.items():
        Enrolment.objects.filter(pk__in=ids).update(
            units_done=F("units_done") + required, hours_done=F("hours_done") + hours
        )
    from courses.services.completion import completion_check

    for (required, hours), ids in by_gain.items():
        for enrolment_id in ids:
            enrolment = enrolments[enrolment_id]
            enrolment.units_done += required
            enrolment.hours_done += hours
            progress_changed(enrolment)
            if enrolment.units_done >= enrolment.course.required_units:
                completion_check(enrolment)
    return len(waiting)


def _unit_open_check(unit: Unit, course: Course, now: datetime.datetime) -> None:
    if unit.opens_at is not None and now < unit.opens_at:
        raise ValidationError(
            _("This unit opens on %(date)s.") % {"date": _when(unit.opens_at, course)},
            code="not_open",
        )


def _learner_enrolment(unit: Unit, user, now: datetime.datetime) -> Enrolment:
    """The learner's enrolment in the unit's course, with the course's row and
    then the enrolment's locked (``enrolment.course`` is the locked course).

    Raises PermissionDenied when the member may not see the course,
    ValidationError when they hold no place in it or the unit is not open.
    """
    participation_check(user)
    course = _course_locked(unit.course_id)
    if not can_see_course(user, course):
        raise PermissionDenied
    enrolment = (
        Enrolment.objects.select_for_update().filter(course=course, user=user).first()
    )
    if enrolment is None or enrolment.status == Enrolment.Status.DROPPED:
        raise ValidationError(
            _("Enrol in the course to take its units."), code="not_enrolled"
        )
    if enrolment.status == Enrolment.Status.WAITLISTED:
        raise ValidationError(
            _(
                "You are on the waitlist: the units open to you when a place "
                "comes free."
            ),
            code="waitlisted",
        )
    _unit_open_check(unit, course, now)
    enrolment.course = course
    unit.course = course
    return enrolment


def _kind_check(unit: Unit, kind: str, *completions: str) -> None:
    if unit.kind != kind or (completions and unit.completion not in completions):
        raise ValidationError(_("This unit is not done this way."), code="kind")


@transaction.atomic
def reading_done(*, unit: Unit, user) -> Progress:
    """The learner read the reading to its end («Прочитано»): done, once.
    Raises ValidationError for another kind of unit, a unit not open yet, or
    a member who holds no place; PermissionDenied for a course they may not
    see."""
    _kind_check(unit, Unit.Kind.READING)
    now = timezone.now()
    enrolment = _learner_enrolment(unit, user, now)
    return _unit_done(enrolment, unit, now)


@transaction.atomic
def material_open(*, unit: Unit, user) -> str:
    """The learner opens the unit's material from the course: done when the
    unit asks only that (``completion`` opened), and the place they continue
    from either way. Returns the material's address to go to."""
    _kind_check(unit, Unit.Kind.MATERIAL)
    now = timezone.now()
    enrolment = _learner_enrolment(unit, user, now)
    if unit.completion == Unit.Completion.OPENED:
        _unit_done(enrolment, unit, now)
    elif enrolment.last_unit_id != unit.pk:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_unit=unit)
        enrolment.last_unit = unit
        progress_changed(enrolment)
    return unit.material.get_absolute_url()


@transaction.atomic
def material_answer(*, unit: Unit, user, answer: str) -> Progress:
    """The learner's short answer to the unit's question about its material:
    kept (a later answer replaces it), and the unit done. Raises
    ValidationError for an empty or too long answer."""
    _kind_check(unit, Unit.Kind.MATERIAL, Unit.Completion.ANSWER)
    answer = (answer or "").replace("\x00", "").strip()
    if not answer:
        raise ValidationError(_("Write your answer."), code="empty")
    if len(answer) > ANSWER_MAX_LENGTH:
        raise ValidationError(
            _("The answer is at most %(limit)d characters.")
            % {"limit": ANSWER_MAX_LENGTH},
            code="too_long",
        )
    now = timezone.now()
    enrolment = _learner_enrolment(unit, user, now)
    progress, _created = Progress.objects.get_or_create(enrolment=enrolment, unit=unit)
    progress.answer = answer
    progress.save(update_fields=["answer"])
    return _unit_done(enrolment, unit, now)


# --- Evidence from other apps ---------------------------------------------------------

# What each kind of evidence completes: the unit's kind and its object's field.
EVIDENCE_UNITS = {
    ATTENDED: (Unit.Kind.MASTERCLASS, "masterclass_id"),
    REPLIED: (Unit.Kind.DISCUSSION, "topic_id"),
}


@transaction.atomic
def progress_from_evidence(*, kind: str, pairs: Iterable) -> int:
    """Mark done the units that ``pairs`` of (member id, object id) evidence:
    a master-class attended (``evidence.ATTENDED``) completes the course
    units of that master-class, a reply (``evidence.REPLIED``) those of that
    topic — for the members' enrolments holding a place (not the waitlist,
    not completed). Safe twice. In a fixed number of queries whatever the
    number of members (a master-class's whole class at once), plus the
    completions it brings. Returns how many units were marked done."""
    if kind not in EVIDENCE_UNITS:
        return 0
    pairs = {(int(user_id), int(object_id)) for user_id, object_id in pairs}
    if not pairs:
        return 0
    unit_kind, field = EVIDENCE_UNITS[kind]
    units = list(
        Unit.objects.filter(
            kind=unit_kind, **{f"{field}__in": {object_id for _u, object_id in pairs}}
        )
    )
    if not units:
        return 0
    courses = {
        course.pk: course
        for course in Course.objects.select_for_update()
        .filter(pk__in={unit.course_id for unit in units})
        .order_by("pk")
    }
    enrolments = list(
        Enrolment.objects.select_for_update()
        .filter(
            course_id__in=list(courses),
            user_id__in={user_id for user_id, _o in pairs},
            status=Enrolment.Status.ENROLLED,
        )
        .order_by("pk")
    )
    units_of: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        unit.course = courses[unit.course_id]
        units_of[unit.course_id].append(unit)
    done = []
    for enrolment in enrolments:
        enrolment.course = courses[enrolment.course_id]
        done += [
            (enrolment, unit)
            for unit in units_of[enrolment.course_id]
            if (enrolment.user_id, getattr(unit, field)) in pairs
        ]
    return _units_done(done, timezone.now())


@transaction.atomic
def progress_backfill(*, enrolment: Enrolment) -> int:
    """Mark done the learner's units already evidenced before they held a
    place: master-classes attended, topics replied in (a published reply,
    shown: not deleted, hidden or awaiting moderation). Nothing for a
    learner without a place. Returns how many units were marked done."""
    from forums.models import Post
    from masterclasses.models import Registration

    course = _course_locked(enrolment.course_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.ENROLLED:
        return 0
    enrolment.course = course
    units = list(
        Unit.objects.filter(
            course=course, kind__in=[Unit.Kind.MASTERCLASS, Unit.Kind.DISCUSSION]
        )
    )
    masterclass_ids = {unit.masterclass_id for unit in units if unit.masterclass_id}
    topic_ids = {unit.topic_id for unit in units if unit.topic_id}
    attended = set()
    if masterclass_ids:
        attended = set(
            Registration.objects.filter(
                user_id=enrolment.user_id,
                masterclass_id__in=masterclass_ids,
                attended=True,
            ).values_list("masterclass_id", flat=True)
        )
    replied = set()
    if topic_ids:
        replied = set(
            Post.objects.filter(
                author_id=enrolment.user_id,
                topic_id__in=topic_ids,
                number__gt=1,
                is_deleted=False,
                is_hidden=False,
                is_pending=False,
            )
            .values_list("topic_id", flat=True)
            .distinct()
        )
    done = [
        (enrolment, unit)
        for unit in units
        if unit.masterclass_id in attended or unit.topic_id in replied
    ]
    return _units_done(done, timezone.now())


# --- Deadlines and openings -----------------------------------------------------------


def deadlines_run(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Beat, every 15 minutes: learners reminded of a unit's deadline within
    ``COURSES_DEADLINE_REMINDER_DAYS`` (those who have not done it), and told
    that a unit of their cohort opened. Each once per learner and unit, also
    when two runs meet. Returns (reminders, opening notices)."""
    now = now or timezone.now()
    return _deadline_reminders(now), _openings_told(now)


def _published_units():
    return Unit.objects.filter(
        course__status=Course.Status.PUBLISHED, course__is_hidden=False
    ).select_related("course")


def _deadline_reminders(now: datetime.datetime) -> int:
    """Each (learner, unit) reminded once: the progress row is made first
    (one INSERT … ON CONFLICT DO NOTHING for those missing), then its
    ``reminded_at`` claimed by a conditional UPDATE, with the reminders, in
    one transaction per unit: a second run finds nothing to claim."""
    until = now + datetime.timedelta(days=settings.COURSES_DEADLINE_REMINDER_DAYS)
    # A unit not open yet is reminded of once it opens (the next run).
    units = list(
        _published_units()
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(due_at__gt=now, due_at__lte=until)
        .order_by("due_at", "pk")
    )
    if not units:
        return 0
    places: dict[int, list[int]] = defaultdict(list)
    for enrolment_id, course_id in Enrolment.objects.filter(
        course_id__in={unit.course_id for unit in units},
        status=Enrolment.Status.ENROLLED,
    ).values_list("pk", "course_id"):
        places[course_id].append(enrolment_id)
    kept = set(
        Progress.objects.filter(unit_id__in=[unit.pk for unit in units]).values_list(
            "enrolment_id", "unit_id"
        )
    )
    missing = sorted(
        (enrolment_id, unit.pk)
        for unit in units
        for enrolment_id in places[unit.course_id]
        if (enrolment_id, unit.pk) not in kept
    )
    Progress.objects.bulk_create(
        [Progress(enrolment_id=e, unit_id=u) for e, u in missing],
        ignore_conflicts=True,
    )
    reminded = 0
    for unit in units:
        with transaction.atomic():
            due = list(
                Progress.objects.select_for_update(of=("self",))
                .filter(
                    unit=unit,
                    done_at__isnull=True,
                    reminded_at__isnull=True,
                    enrolment__status=Enrolment.Status.ENROLLED,
                )
                .order_by("pk")
                .values_list("pk", "enrolment__user_id")
            )
            if not due:
                continue
            Progress.objects.filter(
                pk__in=[pk for pk, _user in due], reminded_at__isnull=True
            ).update(reminded_at=now)
            reminded += len(due)
            community.notify_many(
                recipients=get_user_model()
                .objects.filter(pk__in=[user_id for _pk, user_id in due])
                .only("pk", "is_active"),
                kind=kinds.DEADLINE_REMINDER,
                target=unit,
                target_title=unit.title,
                url=unit.get_absolute_url(),
                group=False,
            )
    return reminded


def _openings_told(now: datetime.datetime) -> int:
    """Learners told that a unit opened, once per (learner, unit), without a
    field of its own: the notice itself is the record. Under the unit's row
    lock (two runs take it in turn), the learners who hold a place since
    before it opened and have no UNIT_OPENED notice of it yet (read or not:
    looked up by its group, an index of the notifications) are told, in
    one batch. Only units opened within ``OPENING_HORIZON`` are looked at."""
    units = list(
        _published_units()
        .filter(opens_at__gt=now - OPENING_HORIZON, opens_at__lte=now)
        .order_by("opens_at", "pk")
    )
    if not units:
        return 0
    unit_type = ContentType.objects.get_for_model(Unit)
    told = 0
    for unit in units:
        with transaction.atomic():
            list(Unit.objects.select_for_update().filter(pk=unit.pk).values("pk"))
            learners = list(
                Enrolment.objects.filter(
                    course_id=unit.course_id,
                    status=Enrolment.Status.ENROLLED,
                    enrolled_at__lt=unit.opens_at,
                ).values_list("user_id", flat=True)
            )
            if not learners:
                continue
            # The group notify gives the notice (``community.notify_many``).
            group_key = f"{kinds.UNIT_OPENED}:{unit_type.pk}:{unit.pk}"
            heard = set(
                Notification.objects.filter(
                    recipient_id__in=learners, group_key=group_key
                ).values_list("recipient_id", flat=True)
            )
            fresh = [user_id for user_id in learners if user_id not in heard]
            if not fresh:
                continue
            told += community.notify_many(
                recipients=get_user_model()
                .objects.filter(pk__in=fresh)
                .only("pk", "is_active"),
                kind=kinds.UNIT_OPENED,
                target=unit,
                target_title=unit.title,
                url=unit.get_absolute_url(),
            )
    return told
