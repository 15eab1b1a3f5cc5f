"""Completing a course, automatically or by the author's hand, and its
certificate, issued once."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community import services as community
from community.recognition import badges_check
from community.sanctions import participation_check
from courses import kinds
from courses.changes import certificate_issued, enrolments_changed, progress_changed
from courses.models import Course, CourseCertificate, Enrolment, Progress, Unit
from courses.permissions import can_moderate_courses, is_author

REASON_MAX_LENGTH = 500
AUDIT_ACCEPT = "course_completion_accept"


def _locked(enrolment: Enrolment) -> tuple[Course, Enrolment]:
    """The course's row, then the enrolment's (the order every learner's
    write takes them in: ``services.learning``)."""
    course = Course.objects.select_for_update(of=("self",)).get(pk=enrolment.course_id)
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    locked.course = course
    return course, locked


def _complete(
    enrolment: Enrolment,
    course: Course,
    now: datetime.datetime,
    *,
    accepted_by=None,
    reason: str = "",
) -> CourseCertificate:
    """The learner has completed the course: the enrolment marked, the
    course's completions counted, the certificate issued, the learner told,
    badges asked for the learner and the authors."""
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_at = now
    enrolment.accepted_by = accepted_by
    enrolment.accepted_reason = reason
    enrolment.save(
        update_fields=["status", "completed_at", "accepted_by", "accepted_reason"]
    )
    Course.objects.filter(pk=course.pk).update(completed_count=F("completed_count") + 1)
    course.completed_count += 1
    certificate = certificate_issue(enrolment)
    community.notify(
        recipient=enrolment.user,
        kind=kinds.COMPLETED,
        target=course,
        target_title=course.title,
        url=course.get_absolute_url(),
        group=False,
    )
    badges_check(user=enrolment.user, measures=[kinds.COURSES_COMPLETED])
    for author in [course.author, *course.coauthors.all()]:
        badges_check(user=author, measures=[kinds.COURSES_AUTHORED])
    progress_changed(enrolment)
    enrolments_changed(course)
    return certificate


@transaction.atomic
def completion_check(enrolment: Enrolment) -> bool:
    """Complete the course when every required unit is done: the counts say
    so, and the units confirm it (a unit made required since is not skipped).
    Nothing for a learner without a place or who completed it already.
    Returns whether it was completed now."""
    course, enrolment = _locked(enrolment)
    if enrolment.status != Enrolment.Status.ENROLLED:
        return False
    if enrolment.units_done < course.required_units:
        return False
    done = Progress.objects.filter(
        enrolment_id=enrolment.pk, done_at__isnull=False
    ).values("unit_id")
    if (
        Unit.objects.filter(course_id=course.pk, required=True)
        .exclude(pk__in=done)
        .exists()
    ):
        return False
    _complete(enrolment, course, timezone.now())
    return True


@transaction.atomic
def completion_accept(*, enrolment: Enrolment, author, reason: str) -> Enrolment:
    """An author (or a moderator) accepts a learner's completion by hand —
    work done elsewhere, a unit that could not be done — with the reason,
    which is kept on the enrolment and in the audit log; the certificate
    lists the required units as accepted. Raises PermissionDenied for anyone
    else, ValidationError without a reason or for a learner without a place
    or completed already."""
    participation_check(author)
    course, enrolment = _locked(enrolment)
    if not (is_author(author, course) or can_moderate_courses(author)):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give the reason for accepting the completion by hand."),
            code="reason",
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("The reason is at most %(limit)d characters.")
            % {"limit": REASON_MAX_LENGTH},
            code="reason",
        )
    if enrolment.status == Enrolment.Status.COMPLETED:
        raise ValidationError(
            _("This learner has completed the course already."), code="completed"
        )
    if enrolment.status != Enrolment.Status.ENROLLED:
        raise ValidationError(
            _("Only a learner who holds a place can complete the course."),
            code="status",
        )
    _complete(enrolment, course, timezone.now(), accepted_by=author, reason=reason)
    community.audit(actor=author, action=AUDIT_ACCEPT, target=enrolment, reason=reason)
    return enrolment


def _units_printed(enrolment: Enrolment) -> list[list]:
    """[[title, hours], …] in the course's order: the units done, and, for a
    completion accepted by hand, the required units it accepted."""
    done = Progress.objects.filter(
        enrolment_id=enrolment.pk, done_at__isnull=False
    ).values("unit_id")
    units = Unit.objects.filter(course_id=enrolment.course_id)
    if enrolment.accepted_by_id:
        units = units.filter(pk__in=done) | units.filter(required=True)
    else:
        units = units.filter(pk__in=done)
    return [
        [title, hours]
        for title, hours in units.order_by("position", "pk").values_list(
            "title", "hours"
        )
    ]


def _author_names(course: Course) -> str:
    """The author and the co-authors, as their colleagues see their names."""
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(
            pk__in=[course.author_id, *course.coauthors.values_list("pk", flat=True)]
        )
        .select_related("profile")
    }
    ordered = [users.pop(course.author_id), *sorted(users.values(), key=lambda u: u.pk)]
    return ", ".join(user.profile.shown_name for user in ordered)[:500]


def certificate_issue(enrolment: Enrolment) -> CourseCertificate:
    """The learner's certificate of the course, issued once: what it says is
    kept as printed (the name, the course's title, kind and subject, the
    units done with their hours, the authors, the dates). Asked again, or by
    two at once, it answers the one issued. Numbered «КУРС-<year>-<number>»."""
    existing = CourseCertificate.objects.filter(enrolment_id=enrolment.pk).first()
    if existing is not None:
        return existing
    course = Course.objects.select_related("subject").get(pk=enrolment.course_id)
    user = get_user_model().objects.select_related("profile").get(pk=enrolment.user_id)
    units = _units_printed(enrolment)
    # The subject as the site names it, whatever language the learner reads.
    with translation.override(settings.LANGUAGE_CODE):
        subject_name = course.subject.name[:200]
    try:
        with transaction.atomic():
            certificate = CourseCertificate.objects.create(
                enrolment_id=enrolment.pk,
                course=course,
                user=user,
                number=f"tmp-{enrolment.pk}"[:24],
                holder_name=user.profile.shown_name,
                course_title=course.title,
                course_kind=course.kind,
                subject_name=subject_name,
                hours=sum(hours for _title, hours in units),
                units=units,
                author_names=_author_names(course),
                started_at=enrolment.enrolled_at or enrolment.queued_at,
                completed_at=enrolment.completed_at or timezone.now(),
            )
    except IntegrityError:
        return CourseCertificate.objects.get(enrolment_id=enrolment.pk)
    certificate.number = f"КУРС-{certificate.issued_at:%Y}-{certificate.pk:06d}"
    certificate.save(update_fields=["number"])
    certificate_issued(certificate)
    return certificate
