"""Polls' pages: add one to a topic, vote, take the vote back, edit, close,
delete; the poll's own page (where a vote with an error comes back) and its
voters (shown polls only).

Thin: rules in ``contests.services.polls``. A poll on a topic one may not
read is a 404, as the topic; one seen but not one's to change, a 403. Bad
input renders the form again with its messages and the input kept (400); a
new member past the hourly limit gets 429.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.middleware import trace_without_member
from contests import selectors_polls as selectors
from contests.forms_polls import DeleteForm, PollForm
from contests.hooks_polls import PollBlock, vote_form_for
from contests.models import Poll
from contests.permissions_polls import (
    can_add_poll,
    can_delete_poll,
    can_edit_poll,
    can_moderate_poll,
    can_see_voters,
    poll_is_open,
)
from contests.services import polls as services

STATUS_BY_CODE = {"rate": 429}


def _status(error: ValidationError) -> int:
    """The status of a service's refusal, by its code (a 400 for most)."""
    if hasattr(error, "error_dict"):
        items = [item for errors in error.error_dict.values() for item in errors]
    else:
        items = error.error_list
    for item in items:
        if getattr(item, "code", None) in STATUS_BY_CODE:
            return STATUS_BY_CODE[item.code]
    return 400


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: each field's message by its field,
    the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _data(request: HttpRequest):
    """The form's data on a POST, even an empty one (its errors show)."""
    return request.POST if request.method == "POST" else None


def _topic_url(poll: Poll) -> str:
    return poll.topic.get_absolute_url() + "#poll"


def _form_page(request, form, *, topic, poll=None, status=200) -> HttpResponse:
    return render(
        request,
        "contests/polls/poll_form.html",
        {"form": form, "topic": topic, "poll": poll},
        status=status,
    )


@login_required
def create(request: HttpRequest, topic_pk: int) -> HttpResponse:
    topic = selectors.topic_for_poll(topic_pk=topic_pk, user=request.user)
    if selectors.topic_poll_id(topic) is not None:
        return redirect(topic.get_absolute_url() + "#poll")
    if not can_add_poll(request.user, topic):
        raise PermissionDenied
    in_community = topic.section.group_id is not None
    form = PollForm(_data(request), in_community=in_community)
    if request.method != "POST":
        return _form_page(request, form, topic=topic)
    if form.is_valid():
        data = form.cleaned_data
        try:
            poll = services.poll_create(
                topic=topic,
                author=request.user,
                question=data["question"],
                kind=data["kind"],
                options=data["options"],
                max_choices=data["max_choices"],
                results=data["results"],
                voters_shown=data["voters_shown"],
                audience=data.get("audience") or Poll.Audience.READERS,
                closes_at=data["closes_at"],
            )
        except ValidationError as error:
            _add_errors(form, error)
            return _form_page(request, form, topic=topic, status=_status(error))
        messages.success(request, _("The poll is added to the topic."))
        return redirect(_topic_url(poll))
    return _form_page(request, form, topic=topic, status=400)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    poll = selectors.poll_get(pk=pk, user=request.user)
    if not can_edit_poll(request.user, poll):
        raise PermissionDenied
    locked = poll.voter_count > 0
    in_community = False  # who votes is chosen once, with the poll
    initial = {
        "question": poll.question,
        "kind": poll.kind,
        "options": "\n".join(option.text for option in poll.options.all()),
        "max_choices": poll.max_choices if poll.kind == Poll.Kind.MULTIPLE else None,
        "results": poll.results,
        "voters_shown": poll.voters_shown,
        "closes_at": timezone.localtime(poll.closes_at) if poll.closes_at else None,
    }
    form = PollForm(
        _data(request), initial=initial, in_community=in_community, locked=locked
    )
    if request.method != "POST":
        return _form_page(request, form, topic=poll.topic, poll=poll)
    if form.is_valid():
        data = form.cleaned_data
        shape = {}
        if not locked:
            shape = {
                "kind": data["kind"],
                "options": data["options"],
                "max_choices": data["max_choices"],
            }
        try:
            poll = services.poll_update(
                poll=poll,
                editor=request.user,
                question=data["question"],
                results=data["results"],
                voters_shown=data["voters_shown"],
                closes_at=data["closes_at"],
                **shape,
            )
        except ValidationError as error:
            _add_errors(form, error)
            return _form_page(
                request, form, topic=poll.topic, poll=poll, status=_status(error)
            )
        messages.success(request, _("The poll is saved."))
        return redirect(_topic_url(poll))
    return _form_page(request, form, topic=poll.topic, poll=poll, status=400)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The poll on a page of its own: where a vote with an error comes back
    (the choice kept), and a link to its topic."""
    poll = selectors.poll_get(pk=pk, user=request.user)
    shown = selectors.poll_shown(poll, request.user)
    return _detail_page(request, PollBlock(shown=shown, form=vote_form_for(shown)))


def _detail_page(request, block: PollBlock, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "contests/polls/poll_detail.html",
        {
            # Not "block": inside a template's block that names the block.
            "poll_block": block,
            "poll": block.shown.poll,
            "topic": block.shown.poll.topic,
        },
        status=status,
    )


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    poll = selectors.poll_get(pk=pk, user=request.user)
    _secret_ballot(request, poll)
    shown = selectors.poll_shown(poll, request.user)
    if not shown.may_vote:
        if not poll_is_open(poll):
            messages.error(request, _("The poll is closed."))
            return redirect(_topic_url(poll))
        raise PermissionDenied
    form = vote_form_for(shown, data=request.POST)
    status = 400
    if form.is_valid():
        try:
            services.poll_vote(
                poll=poll, voter=request.user, option_ids=form.cleaned_data["choice"]
            )
        except ValidationError as error:
            _add_errors(form, error)
            if error.code == "closed":
                messages.error(request, _("The poll is closed."))
                return redirect(_topic_url(poll))
            status = _status(error)
        else:
            messages.success(request, _("Your vote is counted."))
            return redirect(_topic_url(poll))
    return _detail_page(request, PollBlock(shown=shown, form=form), status=status)


def _secret_ballot(request: HttpRequest, poll) -> None:
    # With secret voters the request's trace keeps no member: no moderator
    # lists who voted from the traces either.
    if not poll.voters_shown:
        trace_without_member(request)


@login_required
@require_POST
def unvote(request: HttpRequest, pk: int) -> HttpResponse:
    poll = selectors.poll_get(pk=pk, user=request.user)
    _secret_ballot(request, poll)
    try:
        removed = services.poll_unvote(poll=poll, voter=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if removed:
            messages.success(request, _("Your vote is taken back."))
    return redirect(_topic_url(poll))


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    poll = selectors.poll_get(pk=pk, user=request.user)
    services.poll_close(poll=poll, actor=request.user)
    messages.success(request, _("The poll is closed."))
    return redirect(_topic_url(poll))


@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    poll = selectors.poll_get(pk=pk, user=request.user)
    if not can_delete_poll(request.user, poll):
        raise PermissionDenied
    asks_reason = poll.author_id != request.user.pk
    form = DeleteForm(_data(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            topic_url = poll.topic.get_absolute_url()
            try:
                services.poll_delete(
                    poll=poll, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The poll is deleted."))
                return redirect(topic_url)
    return render(
        request,
        "contests/polls/poll_delete.html",
        {
            "form": form,
            "poll": poll,
            "topic": poll.topic,
            "asks_reason": asks_reason and can_moderate_poll(request.user, poll),
        },
        status=status,
    )


def voters(request: HttpRequest, pk: int) -> HttpResponse:
    """Who voted and for what: a poll whose voters are shown, to whoever
    sees its results; a secret poll's is a 404 for everyone."""
    poll = selectors.poll_get(pk=pk, user=request.user)
    shown = selectors.poll_shown(poll, request.user)
    if not can_see_voters(request.user, poll, voted=shown.voted):
        raise Http404
    page = selectors.voter_page(poll=poll, page_number=request.GET.get("page"))
    return render(
        request,
        "contests/polls/poll_voters.html",
        {"poll": poll, "topic": poll.topic, "page_obj": page},
    )
