"""The learner's pages (a unit by its kind, peer review, the certificate) and
the author's (learners, completion by hand, submissions waiting).

A published course's unit page is open to every signed-in member: its text,
task or link, with a call to enrol instead of the forms; the forms are for
its learners. A cohort's unit not yet open shows only when it opens (its
authors and moderators see it all). What a member may not see is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.downloads import content_disposition
from courses import selectors_learning as selectors
from courses import services
from courses.certificates import certificate_pdf
from courses.forms_learning import (
    AcceptCompletionForm,
    AnswerForm,
    PeerReviewForm,
    SubmissionDecideForm,
    SubmissionForm,
)
from courses.models import Course, Enrolment, Submission, Unit
from courses.permissions import (
    can_enrol,
    can_moderate_courses,
    can_peer_review,
    can_see_learners,
    can_see_submission,
    is_author,
)


def _refusal(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- The unit ------------------------------------------------------------------


def _unit_response(
    request: HttpRequest,
    course: Course,
    pk: int,
    *,
    answer_form: AnswerForm | None = None,
    submission_form: SubmissionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    # A form sent back with its errors shows whatever the learner's state:
    # the refusal is in it.
    refused = answer_form is not None or submission_form is not None
    page = selectors.unit_page(course=course, pk=pk, user=user)
    unit = page.unit
    enrolment = page.enrolment
    authoring = is_author(user, course) or can_moderate_courses(user)
    learning = enrolment is not None and enrolment.status in Enrolment.HOLDS_A_PLACE
    locked = (
        not authoring and unit.opens_at is not None and unit.opens_at > timezone.now()
    )
    active = learning and not locked
    asks_answer = (
        unit.kind == Unit.Kind.MATERIAL and unit.completion == Unit.Completion.ANSWER
    )
    if active and asks_answer and answer_form is None:
        initial = {"answer": page.progress.answer} if page.progress else {}
        answer_form = AnswerForm(initial=initial)
    may_submit = (
        active
        and unit.kind == Unit.Kind.ASSIGNMENT
        and (
            page.submission is None
            or page.submission.status == Submission.Status.RETURNED
        )
    )
    if may_submit and submission_form is None:
        initial = {"text": page.submission.text} if page.submission else {}
        submission_form = SubmissionForm(initial=initial)
    return render(
        request,
        "courses/learning/unit.html",
        {
            "course": course,
            "unit": unit,
            "page": page,
            "enrolment": enrolment,
            "learning": learning,
            "authoring": authoring,
            "locked": locked,
            "active": active,
            "may_enrol": not learning
            and (enrolment is None or enrolment.status == Enrolment.Status.DROPPED)
            and can_enrol(user, course),
            "answer_form": answer_form if (active or refused) and asks_answer else None,
            "submission_form": submission_form if may_submit or refused else None,
        },
        status=status,
    )


@login_required
def unit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A unit as its kind shows it, with the learner's progress."""
    course = selectors.course_get(slug=slug, user=request.user)
    return _unit_response(request, course, pk)


def _unit_of(request: HttpRequest, slug: str, pk: int, kind: str) -> Unit:
    course = selectors.course_get(slug=slug, user=request.user)
    return selectors.unit_of_kind(course=course, pk=pk, kind=kind)


@login_required
@require_POST
def unit_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """«Прочитано»: a reading done."""
    unit = _unit_of(request, slug, pk, Unit.Kind.READING)
    try:
        services.reading_done(unit=unit, user=request.user)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("The unit is done."))
    return redirect(unit)


@login_required
@require_POST
def unit_open(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """«Открыть материал»: noted (done, when opening is enough), then the
    material itself."""
    unit = _unit_of(request, slug, pk, Unit.Kind.MATERIAL)
    try:
        address = services.material_open(unit=unit, user=request.user)
    except ValidationError as error:
        _refusal(request, error)
        return redirect(unit)
    if not url_has_allowed_host_and_scheme(
        address, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        address = unit.material.get_absolute_url()
    return redirect(address)


@login_required
@require_POST
def unit_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A short answer to a material's question."""
    unit = _unit_of(request, slug, pk, Unit.Kind.MATERIAL)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.material_answer(
                unit=unit, user=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your answer is saved: the unit is done."))
            return redirect(unit)
    return _unit_response(request, unit.course, pk, answer_form=form, status=400)


@login_required
@require_POST
def submission_submit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An assignment's work sent (again, after it was returned)."""
    unit = _unit_of(request, slug, pk, Unit.Kind.ASSIGNMENT)
    form = SubmissionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.submission_submit(
                unit=unit,
                user=request.user,
                text=form.cleaned_data["text"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your work is sent for review."))
            return redirect(unit)
    return _unit_response(request, unit.course, pk, submission_form=form, status=400)


# --- Submissions and peer review -------------------------------------------------


def _submission(request: HttpRequest, slug: str, pk: int) -> Submission:
    course = selectors.course_get(slug=slug, user=request.user)
    submission = selectors.submission_get(course=course, pk=pk)
    if not can_see_submission(request.user, submission):
        raise Http404
    return submission


@login_required
def peer_queue(request: HttpRequest, slug: str) -> HttpResponse:
    """Colleagues' work this learner may review."""
    course = selectors.course_get(slug=slug, user=request.user)
    enrolment = selectors.enrolment_of(course=course, user=request.user)
    return render(
        request,
        "courses/learning/peer_queue.html",
        {
            "course": course,
            "enrolment": enrolment,
            "learning": enrolment is not None
            and enrolment.status in Enrolment.HOLDS_A_PLACE,
            "page_obj": selectors.peer_queue(
                course=course,
                user=request.user,
                enrolment=enrolment,
                number=request.GET.get("page"),
            ),
        },
    )


@login_required
def peer_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A colleague's work and the review form."""
    submission = _submission(request, slug, pk)
    may_review = can_peer_review(request.user, submission)
    form = PeerReviewForm(request.POST or None) if may_review else None
    status = 200
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                services.peer_review_write(
                    submission=submission,
                    reviewer=request.user,
                    scores=form.scores(),
                    verdict=form.cleaned_data["verdict"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you: your review is sent."))
                return redirect("courses:peer_queue", slug=slug)
    return render(
        request,
        "courses/learning/peer_review.html",
        {
            "course": submission.unit.course,
            "unit": submission.unit,
            "submission": submission,
            "form": form,
        },
        status=status,
    )


def _submission_response(
    request: HttpRequest,
    submission: Submission,
    *,
    form: SubmissionDecideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    course = submission.unit.course
    staff_view = can_see_learners(user, course)
    deciding = staff_view and submission.status == Submission.Status.SUBMITTED
    return render(
        request,
        "courses/learning/submission.html",
        {
            "course": course,
            "unit": submission.unit,
            "submission": submission,
            "reviews": selectors.submission_reviews(
                submission=submission, names=staff_view
            ),
            "names": staff_view,
            "may_review": can_peer_review(user, submission),
            "form": (form or SubmissionDecideForm()) if deciding else None,
        },
        status=status,
    )


@login_required
def submission(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A submission with its reviews; its authors decide on it here."""
    return _submission_response(request, _submission(request, slug, pk))


@login_required
@require_POST
def submission_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An author accepts the work (the unit is done) or returns it."""
    submission = _submission(request, slug, pk)
    if not can_see_learners(request.user, submission.unit.course):
        raise Http404
    form = SubmissionDecideForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == SubmissionDecideForm.ACCEPT
        try:
            services.submission_decide(
                submission=submission,
                author=request.user,
                accept=accept,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The work is accepted.")
                if accept
                else _("The work is returned for revision."),
            )
            return redirect("courses:submissions", slug=slug)
    return _submission_response(request, submission, form=form, status=400)


@login_required
def submission_file(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A submission's file, to those who may see the submission (it is kept
    private: no other address serves it)."""
    submission = _submission(request, slug, pk)
    try:
        opened = services.submission_file_open(submission=submission, user=request.user)
    except (PermissionDenied, FileNotFoundError) as error:
        raise Http404 from error
    response = FileResponse(opened.file, content_type=opened.content_type)
    response["Content-Disposition"] = content_disposition(opened.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- The authors' pages ----------------------------------------------------------


def _course_for_authors(request: HttpRequest, slug: str) -> Course:
    course = selectors.course_get(slug=slug, user=request.user)
    if not can_see_learners(request.user, course):
        raise Http404
    return course


@login_required
def learners(request: HttpRequest, slug: str) -> HttpResponse:
    """The learners with their progress (authors and moderators)."""
    course = _course_for_authors(request, slug)
    return render(
        request,
        "courses/learning/learners.html",
        {
            "course": course,
            "page_obj": selectors.learners(
                course=course, number=request.GET.get("page")
            ),
        },
    )


@login_required
def accept(request: HttpRequest, slug: str, enrolment_pk: int) -> HttpResponse:
    """Completion accepted by hand: the reason and a confirmation first."""
    course = _course_for_authors(request, slug)
    enrolment = selectors.learner_get(course=course, pk=enrolment_pk)
    if enrolment.status != Enrolment.Status.ENROLLED:
        raise Http404
    form = AcceptCompletionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.completion_accept(
                    enrolment=enrolment,
                    author=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(name)s has completed the course: the certificate is issued.")
                    % {"name": enrolment.user.profile.shown_name},
                )
                return redirect("courses:learners", slug=slug)
    return render(
        request,
        "courses/learning/accept.html",
        {"course": course, "enrolment": enrolment, "form": form},
        status=status,
    )


@login_required
def submissions(request: HttpRequest, slug: str) -> HttpResponse:
    """Assignments' work waiting for a decision (authors and moderators)."""
    course = _course_for_authors(request, slug)
    return render(
        request,
        "courses/learning/submissions.html",
        {
            "course": course,
            "page_obj": selectors.submissions_waiting(
                course=course, number=request.GET.get("page")
            ),
        },
    )


# --- The certificate -------------------------------------------------------------


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder's certificate as PDF; a 404 to anyone else."""
    found = selectors.certificate_get(pk=pk, user=request.user)
    response = HttpResponse(certificate_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        _("Certificate %(number)s.pdf") % {"number": found.number}
    )
    response["Cache-Control"] = "private, no-store"
    return response
