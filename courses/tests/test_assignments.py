"""Assignments: the learner's work (its file checked by content and kept
private), colleagues' reviews to the number needed, the author's decision."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages

from accounts.tests.factories import UserFactory
from community.models import AuditEntry, Notification
from courses import kinds, services
from courses.models import Enrolment, PeerReview, Progress, Submission, Unit
from courses.tests.learning_helpers import course_of, fresh, learner, units_of
from materials.tests.factories import PDF, exe_upload, pdf_upload

pytestmark = pytest.mark.django_db

ASSIGNMENT = Unit.Kind.ASSIGNMENT
READING = Unit.Kind.READING
GOOD = {"task": 5, "practice": 4, "clarity": 4}


def _peers_course(needed: int = 2):
    return course_of((ASSIGNMENT, {"reviews_needed": needed, "hours": 6}), READING)


def _submitted(course, user=None, text="Мой план урока: **дроби**."):
    enrolment = learner(course, user)
    assignment = units_of(course)[0]
    submission = services.submission_submit(
        unit=assignment, user=enrolment.user, text=text
    )
    return enrolment, submission


def _review(submission, reviewer, verdict="accept", **fields):
    values = {"scores": GOOD, "comment": "Хороший план, ясные цели."}
    values.update(fields)
    return services.peer_review_write(
        submission=submission, reviewer=reviewer, verdict=verdict, **values
    )


def _done(enrolment, unit) -> bool:
    return Progress.objects.filter(
        enrolment=enrolment, unit=unit, done_at__isnull=False
    ).exists()


# --- Handing in -----------------------------------------------------------------------


def test_a_text_answer_is_rendered_once_when_handed_in():
    course = _peers_course()

    enrolment, submission = _submitted(
        course, text="План: **дроби** <script>x</script>"
    )

    assert submission.status == Submission.Status.SUBMITTED
    assert submission.version == 1
    assert "<strong>дроби</strong>" in submission.text_html
    assert "<script>" not in submission.text_html
    assert fresh(enrolment).last_unit == units_of(course)[0]


def test_nothing_handed_in_is_refused():
    course = _peers_course()
    enrolment = learner(course)

    with pytest.raises(ValidationError) as refused:
        services.submission_submit(
            unit=units_of(course)[0], user=enrolment.user, text="   "
        )

    assert refused.value.code == "empty"
    assert not Submission.objects.exists()


def test_a_program_named_pdf_is_refused_by_its_content():
    course = _peers_course()
    enrolment = learner(course)

    with pytest.raises(ValidationError) as refused:
        services.submission_submit(
            unit=units_of(course)[0], user=enrolment.user, file=exe_upload("план.pdf")
        )

    assert refused.value.code == "kind"
    # The message names the file and what is accepted (in the site's language).
    message = refused.value.messages[0]
    assert "«план.pdf»" in message
    assert "не того вида" in message
    assert "PDF, Word" in message
    assert not Submission.objects.exists()


def test_a_file_over_the_limit_is_refused(settings):
    settings.COURSES_ASSIGNMENT_MAX_FILE_SIZE = 1000
    course = _peers_course()
    enrolment = learner(course)

    with pytest.raises(ValidationError) as refused:
        services.submission_submit(
            unit=units_of(course)[0],
            user=enrolment.user,
            file=pdf_upload("большой.pdf", size=1001),
        )

    assert refused.value.code == "too_large"
    assert not Submission.objects.exists()


def test_a_file_is_kept_privately_and_opened_only_for_who_may_see_it():
    course = _peers_course()
    enrolment = learner(course)

    submission = services.submission_submit(
        unit=units_of(course)[0], user=enrolment.user, file=pdf_upload("План.pdf")
    )

    assert submission.file_name == "План.pdf"
    assert submission.file_size == len(PDF)
    name = submission.file.name
    assert name.startswith("courses/assignments/")
    # In the private storage, not in the media folder the web server serves.
    assert storages["materials"].exists(name)
    assert not (settings.MEDIA_ROOT / name).exists()
    opened = services.submission_file_open(submission=submission, user=enrolment.user)
    with opened.file:
        assert opened.file.read() == PDF
    assert (opened.name, opened.content_type) == ("План.pdf", "application/pdf")
    author = services.submission_file_open(submission=submission, user=course.author)
    author.file.close()
    with pytest.raises(PermissionDenied):
        services.submission_file_open(submission=submission, user=UserFactory())


def test_a_submission_without_a_file_has_none_to_open():
    course = _peers_course()
    enrolment, submission = _submitted(course)

    with pytest.raises(FileNotFoundError):
        services.submission_file_open(submission=submission, user=enrolment.user)


def test_work_waiting_for_review_cannot_be_handed_in_again():
    course = _peers_course()
    enrolment, _submission = _submitted(course)

    with pytest.raises(ValidationError) as refused:
        services.submission_submit(
            unit=units_of(course)[0], user=enrolment.user, text="Ещё раз"
        )

    assert refused.value.code == "waiting"
    assert Submission.objects.count() == 1


def test_only_an_assignment_takes_work():
    course = _peers_course()
    enrolment = learner(course)

    with pytest.raises(ValidationError) as refused:
        services.submission_submit(
            unit=units_of(course)[1], user=enrolment.user, text="Текст"
        )

    assert refused.value.code == "kind"


def test_the_authors_hear_of_work_waiting_for_their_decision():
    course = course_of((ASSIGNMENT, {"completion": Unit.Completion.AUTHOR}), READING)

    enrolment, _submission = _submitted(course)

    notice = Notification.objects.get(kind=kinds.SUBMISSION_WAITING)
    assert notice.recipient == course.author
    assert notice.actor == enrolment.user


def test_work_for_peers_tells_the_authors_nothing():
    course = _peers_course()

    _submitted(course)

    assert not Notification.objects.filter(kind=kinds.SUBMISSION_WAITING).exists()


# --- Peer review ----------------------------------------------------------------------


def test_accepting_reviews_to_the_number_needed_accept_the_work_and_do_the_unit():
    course = _peers_course(needed=2)
    enrolment, submission = _submitted(course)
    first = _submitted(course)[0].user
    second = _submitted(course)[0].user
    assignment = units_of(course)[0]

    _review(submission, first)
    assert fresh(submission).status == Submission.Status.SUBMITTED
    assert fresh(submission).accepted_reviews == 1
    assert not _done(enrolment, assignment)

    review = _review(submission, second)

    assert review.version == 1
    submission = fresh(submission)
    assert submission.status == Submission.Status.ACCEPTED
    assert submission.accepted_reviews == 2
    assert _done(enrolment, assignment)
    assert fresh(enrolment).hours_done == 6
    assert (
        Notification.objects.get(
            kind=kinds.ASSIGNMENT_REVIEWED, recipient=enrolment.user
        ).count
        == 2
    )


def test_a_review_asking_for_revision_does_not_count_as_accepting():
    course = _peers_course(needed=2)
    enrolment, submission = _submitted(course)
    reviewers = [_submitted(course)[0].user for _ in range(3)]

    _review(submission, reviewers[0])
    _review(submission, reviewers[1], verdict="revise")
    assert fresh(submission).accepted_reviews == 1
    assert fresh(submission).status == Submission.Status.SUBMITTED
    _review(submission, reviewers[2], verdict="revise")

    # As many asking for revision as are needed to accept: returned.
    assert fresh(submission).status == Submission.Status.RETURNED
    assert not _done(enrolment, units_of(course)[0])


def test_one_cannot_review_one_own_work_or_without_having_done_it():
    course = _peers_course()
    enrolment, submission = _submitted(course)
    newcomer = learner(course)

    with pytest.raises(PermissionDenied):
        _review(submission, enrolment.user)
    with pytest.raises(PermissionDenied):
        _review(submission, newcomer.user)
    with pytest.raises(PermissionDenied):
        _review(submission, course.author)
    assert not PeerReview.objects.exists()


def test_a_version_is_reviewed_once_by_each_colleague():
    course = _peers_course(needed=3)
    _enrolment, submission = _submitted(course)
    colleague = _submitted(course)[0].user
    _review(submission, colleague)

    with pytest.raises(PermissionDenied):
        _review(submission, colleague)

    assert PeerReview.objects.count() == 1
    assert fresh(submission).accepted_reviews == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"scores": {"task": 6, "practice": 4, "clarity": 4}}, "scores"),
        ({"scores": {"task": 5, "practice": 4}}, "scores"),
        ({"scores": {"task": "x", "practice": 4, "clarity": 4}}, "scores"),
        ({"verdict": "maybe"}, "verdict"),
        ({"comment": "  "}, "comment"),
        ({"comment": "я" * 3001}, "comment"),
    ],
)
def test_a_review_needs_scores_from_1_to_5_a_verdict_and_a_comment(fields, code):
    course = _peers_course()
    _enrolment, submission = _submitted(course)
    colleague = _submitted(course)[0].user
    values = {"verdict": "accept"}
    values.update(fields)

    with pytest.raises(ValidationError) as refused:
        _review(submission, colleague, **values)

    assert refused.value.code == code
    assert not PeerReview.objects.exists()


def test_returned_work_handed_in_again_is_a_new_version_reviewed_afresh():
    course = _peers_course(needed=1)
    enrolment, submission = _submitted(course)
    colleague = _submitted(course)[0].user
    _review(submission, colleague, verdict="revise")
    assert fresh(submission).status == Submission.Status.RETURNED

    again = services.submission_submit(
        unit=units_of(course)[0], user=enrolment.user, text="Исправленный план"
    )

    assert again.pk == submission.pk
    again = fresh(again)
    assert (again.version, again.status, again.accepted_reviews) == (
        2,
        Submission.Status.SUBMITTED,
        0,
    )
    assert again.text == "Исправленный план"
    # The same colleague reviews the new version.
    review = _review(again, colleague)
    assert review.version == 2
    assert fresh(again).status == Submission.Status.ACCEPTED
    assert _done(enrolment, units_of(course)[0])


def test_a_new_file_replaces_the_old_one_after_commit(
    django_capture_on_commit_callbacks,
):
    course = course_of((ASSIGNMENT, {"completion": Unit.Completion.AUTHOR}), READING)
    enrolment = learner(course)
    assignment = units_of(course)[0]
    first = services.submission_submit(
        unit=assignment, user=enrolment.user, file=pdf_upload("v1.pdf")
    )
    old = first.file.name
    services.submission_decide(
        submission=first, author=course.author, accept=False, comment="Добавьте цели."
    )

    with django_capture_on_commit_callbacks(execute=True):
        second = services.submission_submit(
            unit=assignment, user=enrolment.user, file=pdf_upload("v2.pdf")
        )

    assert second.file.name != old
    assert second.file_name == "v2.pdf"
    assert storages["materials"].exists(second.file.name)
    assert not storages["materials"].exists(old)


# --- The author's decision ------------------------------------------------------------


def test_the_author_accepts_work_and_the_unit_is_done():
    course = course_of((ASSIGNMENT, {"completion": Unit.Completion.AUTHOR}), READING)
    enrolment, submission = _submitted(course)

    decided = services.submission_decide(
        submission=submission, author=course.author, accept=True
    )

    assert decided.status == Submission.Status.ACCEPTED
    assert decided.decided_by == course.author
    assert _done(enrolment, units_of(course)[0])
    notice = Notification.objects.get(
        kind=kinds.ASSIGNMENT_REVIEWED, recipient=enrolment.user
    )
    assert notice.actor == course.author


def test_returning_work_needs_a_comment_which_is_put_on_record():
    course = course_of((ASSIGNMENT, {"completion": Unit.Completion.AUTHOR}), READING)
    enrolment, submission = _submitted(course)

    with pytest.raises(ValidationError) as refused:
        services.submission_decide(
            submission=submission, author=course.author, accept=False
        )
    assert refused.value.code == "comment"
    assert fresh(submission).status == Submission.Status.SUBMITTED

    services.submission_decide(
        submission=submission,
        author=course.author,
        accept=False,
        comment="Добавьте цели урока.",
    )

    assert fresh(submission).status == Submission.Status.RETURNED
    assert not _done(enrolment, units_of(course)[0])
    entry = AuditEntry.objects.get(action="course_submission_return")
    assert (entry.actor, entry.reason) == (course.author, "Добавьте цели урока.")


def test_only_an_author_decides_and_only_once():
    course = course_of((ASSIGNMENT, {"completion": Unit.Completion.AUTHOR}), READING)
    enrolment, submission = _submitted(course)

    with pytest.raises(PermissionDenied):
        services.submission_decide(
            submission=submission, author=enrolment.user, accept=True
        )
    with pytest.raises(PermissionDenied):
        services.submission_decide(
            submission=submission, author=UserFactory(), accept=True
        )
    services.submission_decide(submission=submission, author=course.author, accept=True)
    with pytest.raises(ValidationError) as twice:
        services.submission_decide(
            submission=submission, author=course.author, accept=False, comment="Нет"
        )
    assert twice.value.code == "decided"
    assert fresh(submission).status == Submission.Status.ACCEPTED


def test_an_accepted_assignment_completing_the_course_issues_the_certificate():
    course = course_of((ASSIGNMENT, {"completion": Unit.Completion.AUTHOR}))
    enrolment, submission = _submitted(course)

    services.submission_decide(submission=submission, author=course.author, accept=True)

    enrolment = fresh(enrolment)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.certificate.hours == units_of(course)[0].hours
