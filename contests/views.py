"""The contests' list, a contest's page and its organiser's forms, an
entry's page and forms, the public vote, «Мои конкурсы».

Thin: rules in ``contests.services``, reads in ``contests.selectors``. What
one may not see is a 404; what one sees but may not do, a 403. Bad input
renders the form again with its messages and the text kept (400); a
service's refusal is shown the same way (429 past a new member's limit,
409 for a second vote in a nomination). The jury, scores and results are
in ``views_judging``.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.numbers import parse_id
from community.paging import CountedPaginator
from contests import fragments, permissions_judging, selectors
from contests.forms import (
    DATES,
    ContestCreateForm,
    ContestFilterForm,
    ContestForm,
    EntryForm,
    NominationForm,
    ReasonForm,
)
from contests.models import Contest, Entry, Nomination
from contests.permissions import (
    can_cancel_contest,
    can_create_contest,
    can_disqualify,
    can_edit_contest,
    can_edit_entry,
    can_leave_entry,
    can_organise_contests,
    can_publish_contest,
    can_reinstate,
    can_see_authors,
    can_see_entry_material,
    can_see_results,
    can_submit_entry,
    can_vote_publicly,
    can_withdraw_entry,
    communities_owned,
    is_author,
    is_organiser,
    may_vote_in,
    phase_of,
    public_vote_open,
    viewer_is_judge,
    viewer_may_join_jury,
    voter_old_enough,
)
from contests.services import contests as contest_services
from contests.services import entries as entry_services

# A refusal's status by the service's code; any other is a 400.
STATUS_BY_CODE = {"rate": 429, "voted": 409}
MINE_LISTS = ("entries", "organised", "juries")
CONTEST_FORM_FIELDS = (
    "title",
    "summary",
    "rules",
    "subject",
    *DATES,
    "judges_per_entry",
    "public_vote",
)


def refusal_status(error: ValidationError, default: int = 400) -> int:
    """The status of a service's refusal, by its code (a 400 for most)."""
    if hasattr(error, "error_dict"):
        items = [item for errors in error.error_dict.values() for item in errors]
    else:
        items = error.error_list
    for item in items:
        if getattr(item, "code", None) in STATUS_BY_CODE:
            return STATUS_BY_CODE[item.code]
    return default


def refusal_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: each field's message by its field,
    the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- The list ----------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    form = ContestFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    contests = selectors.contest_list(
        subject=filters.get("subject"), phase=filters.get("phase", "")
    )
    page = Paginator(contests, settings.CONTESTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    for contest in page:
        contest.phase = phase_of(contest, now)
    return render(
        request,
        "contests/index.html",
        {
            "form": form,
            # Rendered once for every reader of the address (``fragments``).
            "filters": fragments.filters_html(request, form),
            "page_obj": page,
            "may_create": can_create_contest(request.user),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


# --- A contest's page ----------------------------------------------------------------


def _votes(contest: Contest, user) -> dict[int, int]:
    """The member's votes in the contest, read only while she may vote."""
    if not may_vote_in(user, contest):
        return {}
    return selectors.votes_of(contest=contest, user=user)


def _entry_rows(entries, user, *, votes: dict, vote_open: bool) -> None:
    """What each row of the list shows the viewer (read from the rows and
    their prefetched authors: no query)."""
    for entry in entries:
        entry.show_authors = can_see_authors(user, entry)
        entry.is_mine = is_author(user, entry)
        entry.voted = votes.get(entry.nomination_id) == entry.pk
        entry.may_vote = (
            vote_open
            and entry.nomination_id not in votes
            and can_vote_publicly(user, entry)
        )


def _entries_page(entries, number: str | None):
    """The page of entries asked for. The first page of a contest with no
    more entries than a page holds is counted from its rows: no COUNT."""
    per_page = settings.CONTESTS_PER_PAGE
    if number in (None, "", "1"):
        first = list(entries[: per_page + 1])
        if len(first) <= per_page:
            return CountedPaginator(first, per_page, count=len(first)).get_page(1)
    return Paginator(entries, per_page).get_page(number)


def detail_page(
    request: HttpRequest, slug: str, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    """The contest's page; a refused POST shows it again with ``refusal``."""
    user = request.user
    contest = selectors.contest_get(slug=slug, user=user)
    nominations = list(contest.nominations.all())
    chosen = None
    wanted = parse_id(request.GET.get("nomination"))
    if wanted is not None:
        chosen = next((item for item in nominations if item.pk == wanted), None)
    entries = selectors.entries_of(contest=contest, user=user, nomination=chosen)
    page = _entries_page(entries, request.GET.get("page"))
    vote_open = public_vote_open(contest)
    votes = _votes(contest, user)
    for entry in page:
        entry.contest = contest
    _entry_rows(page, user, votes=votes, vote_open=vote_open)
    runs = is_organiser(user, contest) or can_organise_contests(user)
    context = {
        "contest": contest,
        "phase": phase_of(contest),
        "nominations": nominations,
        "chosen": chosen,
        "page_obj": page,
        "refusal": refusal,
        "runs": runs,
        "results": can_see_results(contest),
        "may_see_results": permissions_judging.can_see_results(user, contest),
        "vote_open": vote_open,
        "may_vote": may_vote_in(user, contest),
        "voter_old_enough": user.is_authenticated and voter_old_enough(user),
        "voter_min_days": settings.CONTESTS_VOTER_MIN_DAYS,
        # Someone's names are kept from the viewer on this page.
        "blind": any(not entry.show_authors for entry in page),
        "may_submit": can_submit_entry(user, contest),
        "may_edit": can_edit_contest(user, contest),
        "may_publish": can_publish_contest(user, contest),
        "may_cancel": can_cancel_contest(user, contest),
        "may_manage_jury": permissions_judging.can_manage_jury(user, contest),
        # Read with the contest: only a member of the jury asks the rest.
        "may_judge": viewer_is_judge(user, contest)
        and permissions_judging.can_judge(user, contest),
        "may_finish": runs and permissions_judging.can_finish(user, contest),
        # An expert of its subject takes a seat on the jury herself.
        "may_join_jury": viewer_may_join_jury(user, contest),
    }
    return render(request, "contests/detail.html", context, status=status)


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    return detail_page(request, slug)


# --- The organiser's forms -----------------------------------------------------------


def _editable(request: HttpRequest, slug: str) -> Contest:
    """The contest, when ``request.user`` may change it (403 when they only
    see it, 404 when they may not even do that)."""
    contest = selectors.contest_get_for_action(slug=slug, user=request.user)
    if not can_edit_contest(request.user, contest):
        raise PermissionDenied
    return contest


def _form_page(request, template: str, context: dict, *, status=400) -> HttpResponse:
    return render(
        request, template, context, status=status if request.method == "POST" else 200
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_create_contest(user):
        raise PermissionDenied
    moderator = can_organise_contests(user)
    form = ContestCreateForm(
        request.POST or None,
        communities=communities_owned(user),
        may_go_alone=moderator,
    )
    status = 400
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contest = contest_services.contest_create(
                organiser=user,
                community=data.get("community"),
                nominations=[
                    {
                        "title": data["nomination_title"],
                        "criteria": data["nomination_criteria"],
                        "prize_places": data["nomination_prize_places"],
                    }
                ],
                **{name: data[name] for name in CONTEST_FORM_FIELDS},
            )
        except ValidationError as error:
            add_errors(form, error)
            status = refusal_status(error)
        else:
            messages.success(
                request,
                _(
                    "The draft is saved. Add nominations if you need more, then "
                    "announce the contest."
                ),
            )
            return redirect("contests:edit", slug=contest.slug)
    return _form_page(
        request,
        "contests/contest_form.html",
        {"form": form, "heading": _("New contest")},
        status=status,
    )


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _editable(request, slug)
    form = ContestForm(request.POST or None, instance=contest)
    status = 400
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contest_services.contest_update(
                contest=contest,
                editor=request.user,
                **{name: data[name] for name in CONTEST_FORM_FIELDS},
            )
        except ValidationError as error:
            add_errors(form, error)
            status = refusal_status(error)
        else:
            messages.success(request, _("The contest is saved."))
            return redirect(contest)
    return _form_page(
        request,
        "contests/contest_form.html",
        {
            "form": form,
            "heading": _("Edit the contest"),
            "contest": contest,
            "nominations": list(contest.nominations.all()),
            "may_publish": can_publish_contest(request.user, contest),
        },
        status=status,
    )


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _editable(request, slug)
    try:
        contest_services.contest_publish(contest=contest, actor=request.user)
    except ValidationError as error:
        return detail_page(
            request, slug, refusal=refusal_text(error), status=refusal_status(error)
        )
    messages.success(request, _("The contest is announced."))
    return redirect(contest)


@login_required
def cancel(request: HttpRequest, slug: str) -> HttpResponse:
    contest = selectors.contest_get_for_action(slug=slug, user=request.user)
    if not can_cancel_contest(request.user, contest):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contest_services.contest_cancel(
                contest=contest, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The contest is cancelled."))
            return redirect(contest)
    return _form_page(
        request,
        "contests/reason_form.html",
        {
            "form": form,
            "contest": contest,
            "heading": _("Cancel the contest"),
            "explanation": _(
                "The contest leaves the list, the search and the feed; the authors "
                "of its entries still see it. This cannot be undone."
            ),
            "submit_label": _("Cancel the contest"),
        },
    )


def _nomination_of(contest: Contest, pk: int) -> Nomination:
    for nomination in contest.nominations.all():
        if nomination.pk == pk:
            return nomination
    raise Http404


def _nomination_fields(data: dict) -> dict:
    return {
        "title": data["title"],
        "description": data["description"],
        "criteria": data["criteria"],
        "prize_places": data["prize_places"],
    }


@login_required
def nomination_add(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _editable(request, slug)
    form = NominationForm(request.POST or None)
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            contest_services.nomination_add(
                contest=contest,
                editor=request.user,
                **_nomination_fields(form.cleaned_data),
            )
        except ValidationError as error:
            add_errors(form, error)
            status = refusal_status(error)
        else:
            messages.success(request, _("The nomination is added."))
            return redirect("contests:edit", slug=contest.slug)
    return _form_page(
        request,
        "contests/nomination_form.html",
        {"form": form, "contest": contest, "heading": _("New nomination")},
        status=status,
    )


@login_required
def nomination_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contest = _editable(request, slug)
    nomination = _nomination_of(contest, pk)
    form = NominationForm(
        request.POST or None, initial=NominationForm.initial_of(nomination)
    )
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            contest_services.nomination_update(
                nomination=nomination,
                editor=request.user,
                **_nomination_fields(form.cleaned_data),
            )
        except ValidationError as error:
            add_errors(form, error)
            status = refusal_status(error)
        else:
            messages.success(request, _("The nomination is saved."))
            return redirect("contests:edit", slug=contest.slug)
    return _form_page(
        request,
        "contests/nomination_form.html",
        {
            "form": form,
            "contest": contest,
            "nomination": nomination,
            "heading": _("Edit the nomination"),
        },
        status=status,
    )


@login_required
@require_POST
def nomination_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contest = _editable(request, slug)
    nomination = _nomination_of(contest, pk)
    try:
        contest_services.nomination_remove(nomination=nomination, editor=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The nomination is removed."))
    return redirect("contests:edit", slug=contest.slug)


# --- Entries -------------------------------------------------------------------------


def _entry(request: HttpRequest, slug: str, pk: int) -> Entry:
    contest = selectors.contest_get_for_action(slug=slug, user=request.user)
    return selectors.entry_get(contest=contest, pk=pk, user=request.user)


def entry_page(
    request: HttpRequest,
    slug: str,
    pk: int,
    *,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    contest = selectors.contest_get(slug=slug, user=user)
    entry = selectors.entry_get(contest=contest, pk=pk, user=user)
    vote_open = public_vote_open(contest)
    votes = _votes(contest, user)
    _entry_rows([entry], user, votes=votes, vote_open=vote_open)
    context = {
        "contest": contest,
        "entry": entry,
        "phase": phase_of(contest),
        "refusal": refusal,
        "results": can_see_results(contest),
        "vote_open": vote_open,
        "voted_elsewhere": entry.nomination_id in votes and not entry.voted,
        "organising": is_organiser(user, contest),
        "voter_old_enough": user.is_authenticated and voter_old_enough(user),
        "voter_min_days": settings.CONTESTS_VOTER_MIN_DAYS,
        "may_edit": can_edit_entry(user, entry),
        "may_withdraw": can_withdraw_entry(user, entry),
        "may_leave": can_leave_entry(user, entry),
        "show_material": can_see_entry_material(user, entry),
        "may_disqualify": can_disqualify(user, entry),
        "may_reinstate": can_reinstate(user, entry),
    }
    return render(request, "contests/entry_detail.html", context, status=status)


def entry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return entry_page(request, slug, pk)


def _entry_form_page(request, form, *, contest, heading, entry=None, status=400):
    return _form_page(
        request,
        "contests/entry_form.html",
        {
            "form": form,
            "contest": contest,
            "entry": entry,
            "heading": heading,
            "entries_close": contest.submissions_close_at,
        },
        status=status,
    )


@login_required
def entry_new(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    contest = selectors.contest_get_for_action(slug=slug, user=user)
    if not can_submit_entry(user, contest):
        raise PermissionDenied
    form = EntryForm(request.POST or None, contest=contest, user=user)
    status = 400
    if request.method == "POST" and form.is_valid():
        coauthors = form.coauthors()
        if coauthors is not None:
            data = form.cleaned_data
            try:
                created = entry_services.entry_submit(
                    contest=contest,
                    nomination=data["nomination"],
                    submitter=user,
                    title=data["title"],
                    text=data["text"],
                    material=data["material"],
                    coauthors=coauthors,
                )
            except ValidationError as error:
                add_errors(form, error)
                status = refusal_status(error)
            else:
                messages.success(
                    request,
                    _("The entry is submitted. You can change it until entries close."),
                )
                return redirect(created)
    return _entry_form_page(
        request, form, contest=contest, heading=_("Submit an entry"), status=status
    )


@login_required
def entry_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user = request.user
    item = _entry(request, slug, pk)
    if not can_edit_entry(user, item):
        raise PermissionDenied
    contest = item.contest
    may_set_coauthors = user.pk == item.submitted_by_id
    initial = {
        "nomination": item.nomination_id,
        "title": item.title,
        "material": item.material_id,
        "text": item.text,
        "coauthor_names": ", ".join(
            author.username for author in item.authors.all() if author.pk != user.pk
        ),
    }
    form = EntryForm(
        request.POST or None,
        initial=initial,
        contest=contest,
        user=user,
        material=item.material,
        may_set_coauthors=may_set_coauthors,
    )
    status = 400
    if request.method == "POST" and form.is_valid():
        coauthors = form.coauthors() if may_set_coauthors else None
        if not may_set_coauthors or coauthors is not None:
            data = form.cleaned_data
            try:
                entry_services.entry_update(
                    entry=item,
                    editor=user,
                    nomination=data["nomination"],
                    title=data["title"],
                    text=data["text"],
                    material=data["material"],
                    coauthors=coauthors,
                )
            except ValidationError as error:
                add_errors(form, error)
                status = refusal_status(error)
            else:
                messages.success(request, _("The entry is saved."))
                return redirect(item)
    return _entry_form_page(
        request,
        form,
        contest=contest,
        entry=item,
        heading=_("Edit the entry"),
        status=status,
    )


@login_required
@require_POST
def entry_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = _entry(request, slug, pk)
    if not is_author(request.user, item):
        raise PermissionDenied
    try:
        entry_services.entry_withdraw(entry=item, actor=request.user)
    except ValidationError as error:
        return entry_page(
            request,
            slug,
            pk,
            refusal=refusal_text(error),
            status=refusal_status(error),
        )
    messages.success(request, _("The entry is withdrawn from the contest."))
    return redirect(item.contest)


@login_required
@require_POST
def entry_leave(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = _entry(request, slug, pk)
    if not can_leave_entry(request.user, item):
        raise PermissionDenied
    try:
        entry_services.entry_coauthor_leave(entry=item, user=request.user)
    except ValidationError as error:
        return entry_page(
            request,
            slug,
            pk,
            refusal=refusal_text(error),
            status=refusal_status(error),
        )
    messages.success(request, _("Your name is taken off the entry."))
    # The contest's page may be closed to her now (a hidden contest).
    return redirect("contests:mine")


@login_required
def entry_disqualify(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = _entry(request, slug, pk)
    if not can_disqualify(request.user, item):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry_services.entry_disqualify(
                entry=item, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The entry is disqualified; its authors are told why.")
            )
            return redirect(item)
    return _form_page(
        request,
        "contests/reason_form.html",
        {
            "form": form,
            "contest": item.contest,
            "entry": item,
            "heading": _("Disqualify the entry"),
            "explanation": _(
                "The entry leaves the contest and gets no result. Its authors are "
                "told, and see the reason on the entry's page."
            ),
            "submit_label": _("Disqualify"),
        },
    )


@login_required
@require_POST
def entry_reinstate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = _entry(request, slug, pk)
    if not can_reinstate(request.user, item):
        raise PermissionDenied
    entry_services.entry_reinstate(entry=item, actor=request.user)
    messages.success(request, _("The entry is back in the contest."))
    return redirect(item)


@login_required
@require_POST
def vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = _entry(request, slug, pk)
    try:
        entry_services.public_vote_cast(entry=item, voter=request.user)
    except ValidationError as error:
        return entry_page(
            request,
            slug,
            pk,
            refusal=refusal_text(error),
            status=refusal_status(error),
        )
    messages.success(request, _("Your vote is counted. Thank you!"))
    return redirect(_next_or(request, item.get_absolute_url()))


# --- «Мои конкурсы» ------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The member's entries, the contests she organises and the juries she
    sits on: each list's first few, or one list whole (``?list=``)."""
    user = request.user
    lists = {
        "entries": selectors.entries_mine(user=user),
        "organised": selectors.contests_organised(user=user),
        "juries": selectors.juries_mine(user=user),
    }
    shown = request.GET.get("list", "")
    context: dict = {
        "shown": shown if shown in MINE_LISTS else "",
        "may_create": can_create_contest(user),
    }
    if context["shown"]:
        context["page_obj"] = Paginator(
            lists[shown], settings.CONTESTS_PER_PAGE
        ).get_page(request.GET.get("page"))
    else:
        for name, rows in lists.items():
            first = list(rows[: selectors.MINE_SHOWN + 1])
            context[name] = first[: selectors.MINE_SHOWN]
            context[f"{name}_more"] = len(first) > selectors.MINE_SHOWN
    return render(request, "contests/mine.html", context)
