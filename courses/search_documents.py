"""How courses read for the site search.

A course is found while it is published and not hidden (everyone may read
it then); a draft, a course in review, an archived or hidden one has no
entry. The search's filters are the entry's own: the subject, the grades
and the academic hours (the site search's «Часов от / до» on the courses
tab, like the catalogue's ``hours_min``/``hours_max``).
"""

from django.utils.translation import gettext_lazy as _

from community.search import SearchDocument, SearchKind, plain_text, searchable_register


def course_document(course) -> SearchDocument | None:
    """The title, the annotation, the goals and the units' titles; None
    unless everyone may read the course."""
    from courses.models import Course

    if course.status != Course.Status.PUBLISHED or course.is_hidden:
        return None
    units = " ".join(unit.title for unit in course.units.all())
    return SearchDocument(
        title=course.title,
        url=course.get_absolute_url(),
        date=course.published_at or course.created_at,
        body=f"{course.annotation} {plain_text(course.goals_html)} {units}",
        tags=[tag.name for tag in course.tags.all()],
        subject_ids=[course.subject_id],
        grade_slugs=[grade.slug for grade in course.grades.all()],
        hours=course.hours,
        author_id=course.author_id,
    )


def register() -> None:
    from courses.models import Course

    searchable_register(
        SearchKind(
            key="courses",
            label=_("Courses"),
            model=Course,
            document=course_document,
            queryset=lambda: Course.objects.prefetch_related("tags", "grades", "units"),
            order=42,
        )
    )
