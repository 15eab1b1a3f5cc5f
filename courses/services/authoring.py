"""A course as its authors and moderators shape it: writing, co-authors,
units, submission (to the experts, or straight out for a trusted author),
archive; moderators' hiding and trust.

The course's hours are the sum of its units' hours and its required units
are counted: both kept here, under the course's row lock, whenever a unit is
added, changed or removed (``_totals_recompute``). A published course keeps
its structure — its learners' progress stands on it: only optional units may
be added, and texts and dates changed.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from community import limits
from community import services as community
from community.audience import Audience
from community.hiding import REPORTED, audited, hidden_set
from community.markdown import render_markdown
from community.sanctions import participation_check
from community.slugs import free_slug, readable_slug
from courses.changes import (
    course_authors_changed,
    course_changed,
    course_visibility_changed,
    enrolments_changed,
)
from courses.models import Course, Enrolment, TrustedAuthor, Unit
from courses.permissions import (
    can_archive_course,
    can_change_coauthors,
    can_edit_course,
    can_moderate_courses,
    can_submit_course,
    is_trusted_author,
)
from courses.services._common import (
    _course_locked,
    _hours_check,
    _hours_error,
    _promote,
    _publish,
    _required_hours,
    _totals_recompute,
)
from courses.services.learning import progress_backfill
from courses.services.review import _round_open

__all__ = [
    "COURSE_FIELDS",
    "COVER_MAX_BYTES",
    "MAX_COAUTHORS",
    "RESERVED_SLUGS",
    "UNIT_FIELDS",
    "authors_get",
    "coauthors_set",
    "course_archive",
    "course_create",
    "course_hide",
    "course_hide_by_reports",
    "course_submit",
    "course_update",
    "trusted_author_set",
    "unit_add",
    "unit_remove",
    "unit_update",
    "units_reorder",
]

COURSE_FIELDS = [
    "title",
    "annotation",
    "goals",
    "subject",
    "kind",
    "format",
    "starts_at",
    "ends_at",
    "enrolment_opens_at",
    "enrolment_closes_at",
    "time_zone",
    "capacity",
]
_DATES = ["starts_at", "ends_at", "enrolment_opens_at", "enrolment_closes_at"]

UNIT_FIELDS = [
    "kind",
    "title",
    "hours",
    "required",
    "body",
    "masterclass",
    "material",
    "topic",
    "completion",
    "reviews_needed",
    "opens_at",
    "due_at",
]
# What a published course's units may still change: their learners'
# progress stands on the rest.
_PUBLISHED_UNIT_FIELDS = {"title", "body", "opens_at", "due_at"}

# Addresses the app's own pages take under /courses/.
RESERVED_SLUGS = frozenset({"mine", "new", "reviews", "rounds", "certificates", "feed"})
COVER_MAX_BYTES = 5 * 2**20
MAX_COAUTHORS = 10

# The ways a unit of each kind is done; the first is its default.
_COMPLETIONS = {
    Unit.Kind.MASTERCLASS: [Unit.Completion.AUTO],
    Unit.Kind.MATERIAL: [Unit.Completion.OPENED, Unit.Completion.ANSWER],
    Unit.Kind.READING: [Unit.Completion.AUTO],
    Unit.Kind.DISCUSSION: [Unit.Completion.AUTO],
    Unit.Kind.ASSIGNMENT: [Unit.Completion.PEERS, Unit.Completion.AUTHOR],
}
# The object each kind of unit stands on.
_OBJECT_FIELD = {
    Unit.Kind.MASTERCLASS: "masterclass",
    Unit.Kind.MATERIAL: "material",
    Unit.Kind.DISCUSSION: "topic",
}


# --- Checks ---------------------------------------------------------------------------


def _course_check(course: Course) -> None:
    """The rules of a course's own fields, with a message for each (a dict
    by field): a cohort's dates and enrolment window, the places, and the
    required units' hours of a course that is not a draft."""
    errors = {}
    if course.is_cohort:
        starts, ends = course.starts_at, course.ends_at
        if not starts or not ends:
            errors["starts_at"] = _("Give a cohort's start and end dates.")
        elif ends <= starts:
            errors["ends_at"] = _("The end must be after the start.")
        opens, closes = course.enrolment_opens_at, course.enrolment_closes_at
        if opens and closes and closes <= opens:
            errors["enrolment_closes_at"] = _("Enrolment must close after it opens.")
        elif closes and ends and closes > ends:
            errors["enrolment_closes_at"] = _(
                "Enrolment must close no later than the course ends."
            )
        elif opens and ends and opens >= ends:
            errors["enrolment_opens_at"] = _(
                "Enrolment must open before the course ends."
            )
    if course.capacity is not None and course.capacity < course.enrolled_count:
        errors["capacity"] = _(
            "%(count)d colleagues are already enrolled: the places cannot be fewer."
        ) % {"count": course.enrolled_count}
    if (
        course.status != Course.Status.DRAFT
        and course.kind == Course.Kind.QUALIFICATION
        and (error := _hours_error(course, _required_hours(course)))
    ):
        errors["kind"] = error
    if errors:
        raise ValidationError(errors)
    course.full_clean(exclude=["author", "subject", "cover", "slug"])


def _dates_clear(course: Course) -> None:
    # A self-paced course has no dates: nothing to keep from a cohort's.
    for key in _DATES:
        setattr(course, key, None)


def _unit_dates_check(course: Course, unit: Unit) -> dict:
    """A cohort's unit opens and is due within the course's dates."""
    errors = {}
    starts, ends = course.starts_at, course.ends_at
    if unit.opens_at and unit.due_at and unit.due_at <= unit.opens_at:
        errors["due_at"] = _("The deadline must be after the unit opens.")
    for key in ("opens_at", "due_at"):
        when = getattr(unit, key)
        if when and starts and ends and not starts <= when <= ends:
            errors.setdefault(
                key, _("The unit's dates must be within the course's dates.")
            )
    return errors


def _units_dates_check(course: Course) -> None:
    """Every unit of a cohort within its (new) dates."""
    if not course.is_cohort:
        return
    for unit in Unit.objects.filter(course_id=course.pk).exclude(
        opens_at__isnull=True, due_at__isnull=True
    ):
        if _unit_dates_check(course, unit):
            raise ValidationError(
                _("The unit «%(title)s» is dated outside the course's dates.")
                % {"title": unit.title},
                code="unit_dates",
            )


def _object_error(kind: str, obj) -> str:
    """Why ``obj`` cannot be a unit of ``kind`` ("" when it can): a unit
    stands on what every visitor may read — a published (or finished)
    master-class for everyone, a published material, a topic visible in a
    section everyone reads — none hidden by a moderator."""
    if obj is None:
        return _("Choose what the unit is made of.")
    if kind == Unit.Kind.MASTERCLASS:
        from masterclasses.models import MasterClass

        if (
            obj.is_hidden
            or obj.status
            not in (MasterClass.Status.PUBLISHED, MasterClass.Status.FINISHED)
            or obj.audience != Audience.EVERYONE
        ):
            return _("Only a published master-class open to everyone can be a unit.")
    elif kind == Unit.Kind.MATERIAL:
        if obj.is_hidden or not obj.is_published:
            return _("Only a published material of the library can be a unit.")
    elif kind == Unit.Kind.DISCUSSION and (
        obj.is_hidden or obj.is_pending or obj.section.audience != Audience.EVERYONE
    ):
        return _("Only a topic everyone can read can be a unit.")
    return ""


def _unit_check(course: Course, unit: Unit) -> None:
    """A unit's rules: its object for its kind (and no other), a way to be
    done that fits the kind, the text its kind needs, dates within the
    course's. Raises ValidationError (a dict by field)."""
    if unit.kind not in Unit.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of unit.")})
    field = _OBJECT_FIELD.get(unit.kind)
    for other in _OBJECT_FIELD.values():
        if other != field:
            setattr(unit, other, None)
    errors = {}
    if field is not None:
        if error := _object_error(unit.kind, getattr(unit, field)):
            errors[field] = error
        elif (
            Unit.objects.filter(course_id=course.pk, **{field: getattr(unit, field)})
            .exclude(pk=unit.pk)
            .exists()
        ):
            errors[field] = _("It is already a unit of this course.")
    allowed = _COMPLETIONS[unit.kind]
    if unit.completion == Unit.Completion.AUTO:
        unit.completion = allowed[0]
    if unit.completion not in allowed:
        errors["completion"] = _("This kind of unit cannot be done that way.")
    needs_text = {
        Unit.Kind.READING: _("Write the text to read."),
        Unit.Kind.ASSIGNMENT: _("Write the task."),
    }
    if unit.completion == Unit.Completion.ANSWER:
        needs_text[Unit.Kind.MATERIAL] = _("Write the question to answer.")
    if unit.kind in needs_text and not unit.body.strip():
        errors["body"] = needs_text[unit.kind]
    if course.is_cohort:
        errors.update(_unit_dates_check(course, unit))
    else:
        unit.opens_at = unit.due_at = None
    if errors:
        raise ValidationError(errors)
    unit.full_clean(exclude=["course", "masterclass", "material", "topic"])


def _editable(course: Course, editor) -> Course:
    """The course, locked, if ``editor`` may change it now."""
    participation_check(editor)
    course = _course_locked(course)
    if not can_edit_course(editor, course):
        raise PermissionDenied
    if course.status == Course.Status.REVIEW and not can_moderate_courses(editor):
        raise ValidationError(
            _("The course is with the experts: withdraw it from review to change it."),
            code="review",
        )
    return course


# --- The course -----------------------------------------------------------------------


def _slug_for(title: str) -> str:
    base = readable_slug(title, fallback="course")
    taken = set(
        Course.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    return free_slug(base, taken | RESERVED_SLUGS)


def _cover_store(course: Course, upload) -> None:
    """A cover picture, decoded and re-encoded (content checked, EXIF dropped)."""
    from django.core.files.base import ContentFile

    from community.images import image_clean

    clean = image_clean(upload, max_bytes=COVER_MAX_BYTES, max_side=1600)
    previous = course.cover.name
    course.cover.save(
        f"cover-{course.pk}.{clean.extension}", ContentFile(clean.content), save=False
    )
    course.save(update_fields=["cover", "updated_at"])
    if previous and previous != course.cover.name:
        storage = course.cover.storage
        transaction.on_commit(lambda: storage.delete(previous))


def _tags_set(course: Course, tags: Iterable[str]) -> None:
    course.tags.set(sorted({tag.strip()[:100] for tag in tags if tag.strip()}))


@transaction.atomic
def course_create(
    *,
    author,
    title: str,
    annotation: str,
    goals: str,
    subject,
    grades: Iterable = (),
    tags: Iterable[str] = (),
    kind: str = Course.Kind.SEMINAR,
    format: str = Course.Format.SELF_PACED,
    starts_at=None,
    ends_at=None,
    enrolment_opens_at=None,
    enrolment_closes_at=None,
    time_zone: str = "",
    capacity: int | None = None,
    cover=None,
) -> Course:
    """A new course, a draft of ``author``'s with a free readable address.

    Raises PermissionDenied for visitors and restricted members,
    ValidationError(code="rate") past a new member's hourly limit, or a
    ValidationError dict by field (a cohort's dates, the enrolment window).
    """
    participation_check(author)
    if not author.is_authenticated:
        raise PermissionDenied
    limits.write_limit_check(
        author, limits.COURSES, Course.objects.filter(author=author)
    )
    course = Course(
        author=author,
        title=title.strip(),
        annotation=annotation.strip(),
        goals=goals,
        subject=subject,
        kind=kind,
        format=format,
        starts_at=starts_at,
        ends_at=ends_at,
        enrolment_opens_at=enrolment_opens_at,
        enrolment_closes_at=enrolment_closes_at,
        time_zone=time_zone,
        capacity=capacity,
        status=Course.Status.DRAFT,
    )
    if not course.is_cohort:
        _dates_clear(course)
    course.goals_html = render_markdown(goals)
    _course_check(course)
    # Two courses of one title at once: the second takes the next address.
    for _attempt in range(3):
        course.slug = _slug_for(course.title)
        try:
            with transaction.atomic():
                course.save()
            break
        except IntegrityError:
            if Course.objects.filter(slug=course.slug).exists():
                continue
            raise
    else:
        raise ValidationError(_("Please try again."), code="slug")
    course.grades.set(grades)
    _tags_set(course, tags)
    if cover:
        _cover_store(course, cover)
    course_changed(course)
    return course


@transaction.atomic
def course_update(
    *,
    course: Course,
    editor,
    grades: Iterable | None = None,
    tags: Iterable[str] | None = None,
    cover=None,
    **fields,
) -> Course:
    """Change a course's own fields (``COURSE_FIELDS``), its grades, tags or
    cover. Authors and moderators; not while its experts review it (but for
    moderators). More places move the first waiting learners in.

    A professional development course past its draft keeps 16 hours or
    more in its required units (under "kind", code "hours"); the places
    cannot be fewer than the learners enrolled. The waitlist moves in only
    on a published course that is not hidden: nobody may learn in any
    other. Raises PermissionDenied, or ValidationError (a dict by field, or
    with a code).
    """
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"course_update() got unknown fields: {sorted(unknown)}")
    course = _editable(course, editor)
    before_capacity = course.capacity
    before_title = course.title
    for key, value in fields.items():
        setattr(course, key, value)
    if "title" in fields:
        course.title = course.title.strip()
    if "annotation" in fields:
        course.annotation = course.annotation.strip()
    course.goals_html = render_markdown(course.goals)
    to_self_paced = not course.is_cohort
    if to_self_paced:
        _dates_clear(course)
    _course_check(course)
    _units_dates_check(course)
    course.save()
    if to_self_paced:
        Unit.objects.filter(course_id=course.pk).exclude(
            opens_at__isnull=True, due_at__isnull=True
        ).update(opens_at=None, due_at=None)
    if grades is not None:
        course.grades.set(grades)
    if tags is not None:
        _tags_set(course, tags)
    if cover:
        _cover_store(course, cover)
    more_places = course.capacity != before_capacity and (
        course.capacity is None or (before_capacity or 0) < course.capacity
    )
    open_to_learners = course.status == Course.Status.PUBLISHED and not course.is_hidden
    if more_places and open_to_learners:
        _waitlist_move(course)
    if course.title != before_title:
        course_authors_changed(course)
    else:
        course_changed(course)
    return course


def _waitlist_move(course: Course) -> None:
    """Free places to the waitlist (the caller holds the course's row lock),
    each promoted learner's evidence counted."""
    promoted = _promote(course)
    for enrolment in promoted:
        enrolment.course = course
        progress_backfill(enrolment=enrolment)
    if promoted:
        enrolments_changed(course)


def _shown_again(course: Course) -> None:
    """A published course shown again: places freed while it was hidden go
    to the waitlist now."""
    if course.status == Course.Status.PUBLISHED and not course.is_hidden:
        _waitlist_move(_course_locked(course))


def authors_get(usernames: Iterable[str]) -> list:
    """The active members of these usernames (unknown ones left out)."""
    return list(
        get_user_model().objects.filter(username__in=list(usernames), is_active=True)
    )


@transaction.atomic
def coauthors_set(*, course: Course, editor, usernames: list[str]) -> list:
    """The course's co-authors become exactly these members (the author left
    out). The author alone (or a moderator) sets them.

    Raises PermissionDenied, or ValidationError naming unknown usernames
    (code "unknown") or past ``MAX_COAUTHORS`` (code "too_many").
    """
    participation_check(editor)
    course = _course_locked(course)
    if not can_change_coauthors(editor, course):
        raise PermissionDenied
    wanted = {name.strip().lstrip("@") for name in usernames if name.strip()}
    users = [user for user in authors_get(wanted) if user.pk != course.author_id]
    unknown = wanted - {user.username for user in users} - {course.author.username}
    if unknown:
        raise ValidationError(
            _("No active member with these usernames: %(names)s.")
            % {"names": ", ".join(sorted(unknown))},
            code="unknown",
        )
    if len(users) > MAX_COAUTHORS:
        raise ValidationError(
            _("A course has at most %(count)d co-authors.") % {"count": MAX_COAUTHORS},
            code="too_many",
        )
    before = list(course.coauthors.values_list("pk", flat=True))
    course.coauthors.set(users)
    community.audit(
        actor=editor,
        action="course_coauthors",
        target=course,
        reason=", ".join(sorted(user.username for user in users)),
    )
    course_authors_changed(course, before=before)
    return users


# --- Units ----------------------------------------------------------------------------


@transaction.atomic
def unit_add(
    *,
    course: Course,
    editor,
    kind: str,
    title: str,
    hours: int,
    required: bool = True,
    body: str = "",
    masterclass=None,
    material=None,
    topic=None,
    completion: str = Unit.Completion.AUTO,
    reviews_needed: int = 2,
    opens_at=None,
    due_at=None,
) -> Unit:
    """Add a unit at the end; the course's hours and required units follow.

    ``completion`` "auto" takes the kind's own way (a material: opened; an
    assignment: accepted by peers). A published course takes optional units
    only (code "published"). Raises PermissionDenied, or ValidationError (a
    dict by field: the object, the way it is done, its text, its dates).
    """
    course = _editable(course, editor)
    if course.status == Course.Status.PUBLISHED and required:
        raise ValidationError(
            _(
                "The course is published: its learners' progress stands on its "
                "required units. Add the unit as optional."
            ),
            code="published",
        )
    unit = Unit(
        course=course,
        kind=kind,
        title=title.strip(),
        hours=hours,
        required=required,
        body=body,
        masterclass=masterclass,
        material=material,
        topic=topic,
        completion=completion,
        reviews_needed=reviews_needed,
        opens_at=opens_at,
        due_at=due_at,
    )
    _unit_check(course, unit)
    unit.body_html = render_markdown(unit.body)
    last = Unit.objects.filter(course_id=course.pk).aggregate(last=Max("position"))
    unit.position = (last["last"] or 0) + 1
    unit.save()
    _totals_recompute(course)
    course_changed(course)
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, editor, **fields) -> Unit:
    """Change a unit (``UNIT_FIELDS``); the course's totals follow.

    A published course's units keep their kind, object, hours, way of being
    done and being required: only their title, text and dates change (code
    "published"). A professional development course in review or archived
    keeps 16 hours in its required units (code "hours"). Raises
    PermissionDenied, or ValidationError as ``unit_add``.
    """
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"unit_update() got unknown fields: {sorted(unknown)}")
    course = _editable(unit.course, editor)
    unit = Unit.objects.get(pk=unit.pk, course_id=course.pk)
    kind = fields.get("kind", unit.kind)
    if fields.get("completion") == Unit.Completion.AUTO and kind in _COMPLETIONS:
        fields["completion"] = _COMPLETIONS[kind][0]
    elif "kind" in fields and "completion" not in fields and kind != unit.kind:
        # Another kind is done its own way unless told otherwise.
        fields["completion"] = Unit.Completion.AUTO
    changed = {key for key, value in fields.items() if getattr(unit, key) != value}
    if course.status == Course.Status.PUBLISHED and changed - _PUBLISHED_UNIT_FIELDS:
        raise ValidationError(
            _(
                "The course is published: a unit's hours, kind, material and way "
                "of being done stay as they are; only its title, text and dates "
                "change."
            ),
            code="published",
        )
    for key, value in fields.items():
        setattr(unit, key, value)
    unit.title = unit.title.strip()
    _unit_check(course, unit)
    _hours_check(course, unit=unit)
    unit.body_html = render_markdown(unit.body)
    unit.save()
    _totals_recompute(course)
    course_changed(course)
    return unit


@transaction.atomic
def unit_remove(*, unit: Unit, editor) -> None:
    """Remove a unit of a draft; the others close up and the totals follow.

    Raises PermissionDenied, or ValidationError(code="published") for a
    published course (its learners' progress stands on its units).
    """
    course = _editable(unit.course, editor)
    if course.status != Course.Status.DRAFT:
        raise ValidationError(
            _(
                "The course is published: its units stay, since its learners' "
                "progress stands on them."
            ),
            code="published",
        )
    Unit.objects.filter(pk=unit.pk, course_id=course.pk).delete()
    _positions_compact(course)
    _totals_recompute(course)
    course_changed(course)


def _positions_compact(course: Course, order: list[int] | None = None) -> None:
    units = list(Unit.objects.filter(course_id=course.pk).order_by("position", "pk"))
    if order is not None:
        place = {pk: index for index, pk in enumerate(order)}
        units.sort(key=lambda unit: place[unit.pk])
    moved = []
    for position, unit in enumerate(units, start=1):
        if unit.position != position:
            unit.position = position
            moved.append(unit)
    Unit.objects.bulk_update(moved, ["position"])


@transaction.atomic
def units_reorder(*, course: Course, editor, unit_ids: list[int]) -> None:
    """Put the course's units in this order (every unit, each once).

    Raises PermissionDenied, or ValidationError(code="units") when the list
    is not exactly the course's units.
    """
    course = _editable(course, editor)
    unit_ids = [int(pk) for pk in unit_ids]
    ids = set(Unit.objects.filter(course_id=course.pk).values_list("pk", flat=True))
    if len(unit_ids) != len(ids) or set(unit_ids) != ids:
        raise ValidationError(
            _("The list must name every unit of the course once."), code="units"
        )
    _positions_compact(course, unit_ids)
    course_changed(course)


# --- Submission, archive --------------------------------------------------------------


def _ready_check(course: Course) -> None:
    """What a course needs before it leaves its draft: a required unit, its
    hours as the sum of its units', 16 hours in the required units of a
    professional development course, a cohort's dates in the future with its
    units within them, and each unit still standing on something everyone
    may read."""
    units = list(
        Unit.objects.filter(course_id=course.pk).select_related(
            "masterclass", "material", "topic__section"
        )
    )
    if not any(unit.required for unit in units):
        raise ValidationError(
            _("Add at least one required unit before submitting the course."),
            code="units",
        )
    total = sum(unit.hours for unit in units)
    required_hours = sum(unit.hours for unit in units if unit.required)
    if course.hours != total:
        raise ValidationError(
            _(
                "The course's hours (%(hours)d) are not the sum of its units' "
                "hours (%(total)d)."
            )
            % {"hours": course.hours, "total": total},
            code="hours_sum",
        )
    if error := _hours_error(course, required_hours):
        raise error
    if course.is_cohort:
        _course_check(course)
        if course.ends_at <= timezone.now():
            raise ValidationError(
                _("The cohort's dates are over: set new ones first."), code="dates"
            )
        _units_dates_check(course)
    for unit in units:
        field = _OBJECT_FIELD.get(unit.kind)
        if field and _object_error(unit.kind, getattr(unit, field)):
            raise ValidationError(
                _(
                    "The unit «%(title)s» stands on something no longer open to "
                    "everyone: replace or remove it."
                )
                % {"title": unit.title},
                code="unit_object",
            )


@transaction.atomic
def course_submit(*, course: Course, author) -> Course:
    """Submit a draft: published at once for a trusted author (or a
    moderator), otherwise sent to the experts of its subject (a review
    round; they are told).

    Raises PermissionDenied (not an author), ValidationError(code="status")
    for a course that is not a draft, or the ``_ready_check`` errors (codes
    "units", "hours_sum", "hours" naming 16 hours of required units, "dates",
    "unit_dates", "unit_object").
    """
    participation_check(author)
    if not can_submit_course(author, course):
        raise PermissionDenied
    course = _course_locked(course)
    if course.status != Course.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."), code="status")
    _ready_check(course)
    if is_trusted_author(author):
        return _publish(course, actor=author)
    course.status = Course.Status.REVIEW
    course.save(update_fields=["status", "updated_at"])
    _round_open(course, author=author)
    course_changed(course)
    return course


@transaction.atomic
def course_archive(*, course: Course, editor) -> Course:
    """Close a published course: it takes no new learners (those waiting
    leave the waitlist) and leaves the catalogue; its learners keep their
    progress and certificates. The author or a moderator.

    Raises PermissionDenied for anyone else, or for a course that is not
    published (a draft, or archived already).
    """
    participation_check(editor)
    course = _course_locked(course)
    # Published and not archived yet: read under the lock.
    if not can_archive_course(editor, course):
        raise PermissionDenied
    course.status = Course.Status.ARCHIVED
    course.save(update_fields=["status", "updated_at"])
    waiting = Enrolment.objects.filter(
        course_id=course.pk, status=Enrolment.Status.WAITLISTED
    ).update(status=Enrolment.Status.DROPPED, dropped_at=timezone.now())
    if waiting:
        Course.objects.filter(pk=course.pk).update(waitlist_count=0)
        course.waitlist_count = 0
        enrolments_changed(course)
    community.audit(actor=editor, action="course_archive", target=course)
    course_visibility_changed(course)
    return course


# --- Moderators -----------------------------------------------------------------------

# Put on the audit log as course_hide and course_restore; an automatic call
# has no actor.
_record = audited("course")


@transaction.atomic
def course_hide(
    *, course: Course, moderator, reason: str, hidden: bool = True
) -> Course:
    """A moderator hides a course (or shows it again): only its authors and
    moderators see it then; it leaves the catalogue, search and the feed.

    Raises PermissionDenied for anyone but a moderator.
    """
    if not can_moderate_courses(moderator):
        raise PermissionDenied
    hidden_set(
        course,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=course_visibility_changed,
        record=_record,
    )
    if not hidden:
        _shown_again(course)
    return course


@transaction.atomic
def course_hide_by_reports(*, course: Course, hidden: bool = True) -> Course:
    """Reports of established members hide a course until a moderator looks."""
    hidden_set(
        course,
        hidden=hidden,
        moderator=None,
        reason=REPORTED,
        changed=course_visibility_changed,
        record=_record,
    )
    if not hidden:
        _shown_again(course)
    return course


def trusted_author_set(*, user, moderator, trusted: bool) -> None:
    """A moderator trusts an author (their courses open without review) or
    takes the trust back; put on record."""
    if not can_moderate_courses(moderator):
        raise PermissionDenied
    if trusted:
        TrustedAuthor.objects.get_or_create(
            user=user, defaults={"granted_by": moderator}
        )
    else:
        TrustedAuthor.objects.filter(user=user).delete()
    community.audit(
        actor=moderator,
        action="trusted_author" if trusted else "trusted_author_removed",
        target=user,
    )
