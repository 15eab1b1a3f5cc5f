"""The jury's pages (the organiser's jury, an expert joining, the judge's
queue and score form), the freezing of the results, the results and the
holder's diploma.

What a member may not see is a 404: the jury's page for anyone but the
organiser and moderators, the judging pages for anyone off the jury, an
entry she may not judge (her own, a colleague's, another nomination's),
someone else's diploma. The judging pages never name an entry's authors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.downloads import content_disposition
from contests import selectors_judging as selectors
from contests.certificates import diploma_pdf as diploma_pdf_bytes
from contests.forms_judging import JudgeAssignForm, ScoreForm
from contests.models import Contest, Judge
from contests.permissions_judging import (
    can_finish,
    can_join_jury,
    can_manage_jury,
    can_see_results,
    judging_window_open,
    runs_contest,
)
from contests.services import judging, results
from materials.downloads import file_response

# The judging pages show while the contest is announced, and read-only once
# its results are frozen.
JUDGED = (Contest.Status.PUBLISHED, Contest.Status.FINISHED)


def _run_by(request: HttpRequest, slug: str) -> Contest:
    """The contest, for its organiser and moderators only (else 404)."""
    contest = selectors.contest_get(slug=slug)
    if not runs_contest(request.user, contest):
        raise Http404
    return contest


def _seated(request: HttpRequest, slug: str) -> tuple[Contest, Judge]:
    """The contest and the member's seat on its jury, else 404."""
    contest = selectors.contest_get(slug=slug)
    if contest.is_hidden or contest.status not in JUDGED:
        raise Http404
    seat = selectors.judge_seat(contest=contest, user=request.user)
    if seat is None:
        raise Http404
    seat.user = request.user
    seat.contest = contest
    return contest, seat


# --- The jury ----------------------------------------------------------------------


@login_required
def jury(request: HttpRequest, slug: str) -> HttpResponse:
    """The organiser's page: the judges, the experts of the subject to seat,
    and a form to seat an expert by her username."""
    contest = _run_by(request, slug)
    may_manage = can_manage_jury(request.user, contest)
    form = (
        JudgeAssignForm(request.POST or None, contest=contest) if may_manage else None
    )
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            user = selectors.member_by_username(username=form.cleaned_data["username"])
            if user is None:
                form.add_error("username", _("No active member has this username."))
            else:
                try:
                    judging.judge_assign(
                        contest=contest,
                        user=user,
                        actor=request.user,
                        nomination=form.cleaned_data["nomination"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        _("%(name)s sits on the jury.")
                        % {"name": user.profile.shown_name},
                    )
                    return redirect("contests:jury", slug=contest.slug)
    return render(
        request,
        "contests/judging/jury.html",
        {
            "contest": contest,
            "form": form,
            "may_manage": may_manage,
            "page_obj": selectors.jury(contest=contest, number=request.GET.get("page")),
            "candidates": (
                selectors.jury_candidates(contest=contest) if may_manage else []
            ),
        },
        status=status,
    )


@login_required
@require_POST
def jury_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The organiser takes a judge who scored nothing off the jury."""
    contest = _run_by(request, slug)
    judge = selectors.judge_of(contest=contest, pk=pk)
    try:
        judging.judge_remove(judge=judge, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The judge has left the jury."))
    return redirect("contests:jury", slug=contest.slug)


@login_required
@require_POST
def jury_join(request: HttpRequest, slug: str) -> HttpResponse:
    """An expert of the contest's subject takes a seat on its jury."""
    contest = selectors.contest_get(slug=slug)
    if selectors.judge_seat(contest=contest, user=request.user) is not None:
        return redirect("contests:judging", slug=contest.slug)
    if not can_join_jury(request.user, contest):
        raise Http404
    try:
        judging.judge_join(contest=contest, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(contest)
    messages.success(request, _("You sit on the jury of this contest."))
    return redirect("contests:judging", slug=contest.slug)


# --- Judging -----------------------------------------------------------------------


@login_required
def judging_queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The judge's entries: titles and nominations, her mean mark of each
    scored one; never their authors."""
    contest, seat = _seated(request, slug)
    return render(
        request,
        "contests/judging/queue.html",
        {
            "contest": contest,
            "seat": seat,
            "window_open": contest.status == Contest.Status.PUBLISHED
            and judging_window_open(contest),
            "not_open_yet": timezone.now() < contest.submissions_close_at,
            "counts": selectors.judge_counts(judge=seat),
            "page_obj": selectors.judge_queue(
                judge=seat, number=request.GET.get("page")
            ),
        },
    )


@login_required
def score(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An entry for the judge (its title, text, the material's description
    and files; no author) and the rubric to score it."""
    contest, seat = _seated(request, slug)
    found = selectors.entry_for_judge(judge=seat, pk=pk)
    entry = found.entry
    entry.contest = contest
    window_open = contest.status == Contest.Status.PUBLISHED and judging_window_open(
        contest
    )
    form = ScoreForm(
        request.POST or None,
        nomination=entry.nomination,
        initial=ScoreForm.initial_from(found.score),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                judging.score_write(
                    entry=entry,
                    judge_user=request.user,
                    marks=form.marks(),
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your score is saved."))
                return redirect("contests:judging", slug=contest.slug)
    return render(
        request,
        "contests/judging/score.html",
        {
            "contest": contest,
            "entry": entry,
            "files": found.files,
            "score": found.score,
            "form": form,
            "window_open": window_open,
            # A refused score is shown with what the judge wrote.
            "show_form": window_open or form.is_bound,
        },
        status=status,
    )


@login_required
def judging_file(
    request: HttpRequest, slug: str, pk: int, file_pk: int
) -> HttpResponse:
    """A file of an entry's material, for a judge who may read the entry:
    from here, so the judge never learns the material's address in the
    library (nor, through it, its authors). Not counted as a download."""
    _contest, seat = _seated(request, slug)
    record = selectors.entry_file_for_judge(judge=seat, pk=pk, file_pk=file_pk)
    return file_response(record)


# --- Results -----------------------------------------------------------------------


@login_required
def finish(request: HttpRequest, slug: str) -> HttpResponse:
    """The organiser (or a moderator) freezes the results: what the jury
    scored, then a confirmation."""
    contest = _run_by(request, slug)
    if contest.status == Contest.Status.FINISHED:
        return redirect("contests:results", slug=contest.slug)
    if contest.status != Contest.Status.PUBLISHED:
        raise Http404
    error = None
    status = 200
    if request.method == "POST":
        try:
            results.contest_finish(contest=contest, actor=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
            status = 400
        else:
            messages.success(
                request,
                _("The results are announced; the diplomas are being issued."),
            )
            return redirect("contests:results", slug=contest.slug)
    return render(
        request,
        "contests/judging/finish.html",
        {
            "contest": contest,
            "summary": selectors.finish_summary(contest=contest),
            "may_finish": can_finish(request.user, contest),
            "error": error,
        },
        status=status,
    )


def results_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The frozen results: each nomination's places, prize-winners and
    participants with their authors; the member's own diplomas and the
    jury's comments on her entries (without the judges' names)."""
    contest = selectors.contest_get(slug=slug)
    if not can_see_results(request.user, contest):
        raise Http404
    return render(
        request,
        "contests/judging/results.html",
        {
            "contest": contest,
            "nominations": selectors.results(contest=contest),
            "diplomas": selectors.diplomas_of(contest=contest, user=request.user),
            "comments": selectors.comments_for_authors(
                contest=contest, user=request.user
            ),
        },
    )


@login_required
def diploma_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder's diploma as PDF; a 404 to anyone else."""
    diploma = selectors.diploma_get(pk=pk, user=request.user)
    response = HttpResponse(diploma_pdf_bytes(diploma), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        _("Diploma %(number)s.pdf") % {"number": diploma.number}
    )
    response["Cache-Control"] = "private, no-store"
    return response
