"""Courses made as their authors make them (through the services), for the
authoring, review and change tests."""

import datetime

from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.models import Subject
from courses import services
from courses.models import Course, TrustedAuthor, Unit


def subject(slug: str = "mathematics") -> Subject:
    return Subject.objects.get(slug=slug)


def course_draft(author=None, **fields) -> Course:
    """A self-paced draft seminar in mathematics, by a new author unless given."""
    values = {
        "title": "Дроби без страха",
        "annotation": "Как объяснять дроби в пятом классе.",
        "goals": "Научиться **объяснять** дроби.",
        "subject": subject(),
    }
    values.update(fields)
    return services.course_create(author=author or UserFactory(), **values)


def reading(course: Course, hours: int = 4, *, required: bool = True, **fields):
    values = {"title": "Что такое дробь", "body": "Дробь — это **часть**."}
    values.update(fields)
    return services.unit_add(
        course=course,
        editor=course.author,
        kind=Unit.Kind.READING,
        hours=hours,
        required=required,
        **values,
    )


def course_ready(hours=(8, 8), author=None, **fields) -> Course:
    """A draft with a required reading of each of ``hours``."""
    course = course_draft(author=author, **fields)
    for index, unit_hours in enumerate(hours):
        reading(course, unit_hours, title=f"Часть {index + 1}")
    course.refresh_from_db()
    return course


def trusted(user):
    TrustedAuthor.objects.create(user=user)
    return user


def course_published(hours=(8, 8), **fields) -> Course:
    """A course published directly by a trusted author."""
    course = course_ready(hours=hours, author=trusted(UserFactory()), **fields)
    return services.course_submit(course=course, author=course.author)


def expert(subject_slug: str = "mathematics", school: str = ""):
    """An expert who teaches ``subject_slug`` (the Experts group)."""
    user = UserFactory()
    user.profile.subjects.set([subject(subject_slug)])
    if school:
        user.profile.school = school
        user.profile.save()
    return accounts.user_grant_role(user=user, role=accounts.EXPERTS)


def cohort_dates(days: int = 10) -> dict:
    starts = (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)
    return {
        "format": Course.Format.COHORT,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(days=30),
        "enrolment_opens_at": starts - datetime.timedelta(days=7),
        "enrolment_closes_at": starts + datetime.timedelta(days=3),
        "time_zone": "Europe/Moscow",
    }


def course_moderator(user):
    """``user`` (a moderator) allowed to moderate courses: the permission
    the Moderators group holds for them (``courses.change_course``)."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="courses", codename="change_course"
        )
    )
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    return user
