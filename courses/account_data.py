"""A member's courses in their data export, and given up with the account.

Registered with ``accounts.account_data`` (``hooks_moderation``). The export,
``courses.json``, holds what is the member's: their enrolments with the
units they did and the short answers they gave, their assignment
submissions (the text as written; a file by its name), the peer reviews and
expert reviews they wrote, their certificates (as printed, with the
verification address) and the courses they wrote with their units.

Deleting the account gives up the places the member holds or waits for
(``services.drop``: the first on the waitlist moves in) and their trust as
an author. What colleagues still read stays, under "deleted member": the
courses they wrote, their submissions and reviews in the courses' pages,
and their certificates, whose verification page keeps confirming the paper
as it was printed.
"""

from django.db import transaction
from django.urls import reverse

from community.feeds import absolute_url
from courses.models import (
    Course,
    CourseCertificate,
    CourseReview,
    Enrolment,
    PeerReview,
    Progress,
    Submission,
    TrustedAuthor,
)

EXPORT_FILE = "courses.json"


def _enrolments(user) -> list[dict]:
    done: dict[int, list[dict]] = {}
    for row in (
        Progress.objects.filter(enrolment__user_id=user.pk, done_at__isnull=False)
        .order_by("done_at", "pk")
        .values("enrolment_id", "unit__title", "done_at", "answer")
    ):
        done.setdefault(row["enrolment_id"], []).append(
            {
                "unit": row["unit__title"],
                "done": row["done_at"],
                "answer": row["answer"],
            }
        )
    return [
        {
            "course": row["course__title"],
            "address": absolute_url(
                reverse("courses:detail", kwargs={"slug": row["course__slug"]})
            ),
            "status": row["status"],
            "queued": row["queued_at"],
            "enrolled": row["enrolled_at"],
            "completed": row["completed_at"],
            "dropped": row["dropped_at"],
            "hours_done": row["hours_done"],
            "units_done": done.get(row["pk"], []),
        }
        for row in Enrolment.objects.filter(user_id=user.pk)
        .order_by("queued_at", "pk")
        .values(
            "pk",
            "course__title",
            "course__slug",
            "status",
            "queued_at",
            "enrolled_at",
            "completed_at",
            "dropped_at",
            "hours_done",
        )
    ]


def _submissions(user) -> list[dict]:
    return [
        {
            "course": row["unit__course__title"],
            "assignment": row["unit__title"],
            "status": row["status"],
            "version": row["version"],
            "submitted": row["submitted_at"],
            "decided": row["decided_at"],
            "text": row["text"],
            "file": row["file_name"],
        }
        for row in Submission.objects.filter(enrolment__user_id=user.pk)
        .order_by("submitted_at", "pk")
        .values(
            "unit__course__title",
            "unit__title",
            "status",
            "version",
            "submitted_at",
            "decided_at",
            "text",
            "file_name",
        )
    ]


def _peer_reviews(user) -> list[dict]:
    return [
        {
            "course": row["submission__unit__course__title"],
            "assignment": row["submission__unit__title"],
            "version": row["version"],
            "written": row["created_at"],
            "scores": {key: row[key] for key, _label in PeerReview.CRITERIA},
            "verdict": row["verdict"],
            "comment": row["comment"],
        }
        for row in PeerReview.objects.filter(reviewer_id=user.pk)
        .order_by("created_at", "pk")
        .values(
            "submission__unit__course__title",
            "submission__unit__title",
            "version",
            "created_at",
            "verdict",
            "comment",
            *(key for key, _label in PeerReview.CRITERIA),
        )
    ]


def _expert_reviews(user) -> list[dict]:
    keys = [key for key, _label in CourseReview.CRITERIA]
    return [
        {
            "course": row["assignment__round__course__title"],
            "submitted": row["submitted_at"],
            "scores": {key: row[key] for key in keys},
            "comments": {key: row[f"{key}_comment"] for key in keys},
            "recommendation": row["recommendation"],
            "summary": row["summary"],
        }
        for row in CourseReview.objects.filter(assignment__reviewer_id=user.pk)
        .order_by("submitted_at", "pk")
        .values(
            "assignment__round__course__title",
            "submitted_at",
            "recommendation",
            "summary",
            *keys,
            *(f"{key}_comment" for key in keys),
        )
    ]


def _certificates(user) -> list[dict]:
    return [
        {
            "number": certificate.number,
            "verification": absolute_url(certificate.get_absolute_url()),
            "name": certificate.holder_name,
            "course": certificate.course_title,
            "hours": certificate.hours,
            "units": certificate.units,
            "authors": certificate.author_names,
            "started": certificate.started_at,
            "completed": certificate.completed_at,
            "issued": certificate.issued_at,
        }
        for certificate in CourseCertificate.objects.filter(user_id=user.pk).order_by(
            "issued_at", "pk"
        )
    ]


def _courses(user) -> list[dict]:
    courses = (
        Course.objects.filter(author_id=user.pk)
        .select_related("subject")
        .prefetch_related("units")
        .order_by("created_at", "pk")
    )
    return [
        {
            "title": course.title,
            "address": absolute_url(course.get_absolute_url()),
            "status": course.status,
            "subject": course.subject.name,
            "kind": course.kind,
            "format": course.format,
            "annotation": course.annotation,
            "goals": course.goals,
            "hours": course.hours,
            "created": course.created_at,
            "published": course.published_at,
            "units": [
                {
                    "title": unit.title,
                    "kind": unit.kind,
                    "hours": unit.hours,
                    "required": unit.required,
                    "text": unit.body,
                }
                for unit in course.units.all()
            ],
        }
        for course in courses
    ]


def member_export(user) -> dict[str, object]:
    """``courses.json``: the member's enrolments (with the units done and
    their answers), submissions, peer and expert reviews written,
    certificates and the courses they wrote (as author), oldest first.
    Eight queries, whatever the member did."""
    return {
        EXPORT_FILE: {
            "enrolments": _enrolments(user),
            "submissions": _submissions(user),
            "peer_reviews": _peer_reviews(user),
            "expert_reviews": _expert_reviews(user),
            "certificates": _certificates(user),
            "courses": _courses(user),
        }
    }


@transaction.atomic
def member_erase(user) -> None:
    """Give up the member's courses (called by
    ``accounts.services.account_delete`` while the account is still active):
    every place they hold in a course they are learning, and every waitlist
    they are on, through ``services.drop`` (the first waiting moves in, the
    counts follow); their trust as an author. Their progress, submissions,
    reviews, certificates and courses stay.
    """
    from courses import services

    for enrolment in Enrolment.objects.filter(
        user_id=user.pk,
        status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED],
    ).select_related("course"):
        services.drop(course=enrolment.course, user=user)
    TrustedAuthor.objects.filter(user_id=user.pk).delete()
