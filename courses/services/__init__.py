"""Every write to courses: authoring to certificate.

A package, one module per concern; the names below are its interface, so
callers keep ``from courses import services; services.enrol(...)``:
``authoring`` (courses, co-authors, units, submission, archive, hiding,
trusted authors), ``review`` (the experts' review before opening),
``learning`` (enrolment, the waitlist, units done), ``assignments``
(submissions and peer review) and ``completion`` (completions and
certificates). The notification and feed kinds come from ``courses.kinds``.
"""

from courses.services.assignments import (
    peer_review_write,
    submission_decide,
    submission_file_open,
    submission_submit,
)
from courses.services.authoring import (
    COURSE_FIELDS,
    COVER_MAX_BYTES,
    MAX_COAUTHORS,
    RESERVED_SLUGS,
    UNIT_FIELDS,
    authors_get,
    coauthors_set,
    course_archive,
    course_create,
    course_hide,
    course_hide_by_reports,
    course_submit,
    course_update,
    trusted_author_set,
    unit_add,
    unit_remove,
    unit_update,
    units_reorder,
)
from courses.services.completion import (
    certificate_issue,
    completion_accept,
    completion_check,
)
from courses.services.learning import (
    deadlines_run,
    drop,
    enrol,
    material_answer,
    material_open,
    progress_backfill,
    progress_from_evidence,
    reading_done,
    waitlist_position,
)
from courses.services.review import (
    experts_for_course,
    review_assign,
    review_deadlines_run,
    review_decide,
    review_hide,
    review_hide_by_reports,
    review_take,
    review_withdraw,
    review_write,
    reviewer_check,
)

__all__ = [
    "COURSE_FIELDS",
    "COVER_MAX_BYTES",
    "MAX_COAUTHORS",
    "RESERVED_SLUGS",
    "UNIT_FIELDS",
    "authors_get",
    "certificate_issue",
    "coauthors_set",
    "completion_accept",
    "completion_check",
    "course_archive",
    "course_create",
    "course_hide",
    "course_hide_by_reports",
    "course_submit",
    "course_update",
    "deadlines_run",
    "drop",
    "enrol",
    "experts_for_course",
    "material_answer",
    "material_open",
    "peer_review_write",
    "progress_backfill",
    "progress_from_evidence",
    "reading_done",
    "review_assign",
    "review_deadlines_run",
    "review_decide",
    "review_hide",
    "review_hide_by_reports",
    "review_take",
    "review_withdraw",
    "review_write",
    "reviewer_check",
    "submission_decide",
    "submission_file_open",
    "submission_submit",
    "trusted_author_set",
    "unit_add",
    "unit_remove",
    "unit_update",
    "units_reorder",
    "waitlist_position",
]
