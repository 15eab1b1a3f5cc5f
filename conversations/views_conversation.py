"""The conversation page and what is done on it: thin; rules in services,
reads in ``selectors_conversation``.

Only a conversation's participants reach it; for anyone else (staff
included) every address here is a 404, as for a missing one. What a
participant sees but may not do is a 403. Every write is a POST that calls
one service and redirects with a message; a refused one renders the page
again (400, or 403 when the member may not act) with the member's text kept.
A GET writes nothing: the read position goes to the cache
(``services.read_note``) and a task writes it.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from conversations import fragments, services
from conversations import selectors_conversation as selectors
from conversations.forms_conversation import (
    MembersAddForm,
    MessageEditForm,
    ReplyForm,
    RequestReportForm,
)
from conversations.models import Conversation, Message, Participant
from conversations.permissions import (
    can_add_members,
    can_edit_message,
    can_post,
    can_remove_member,
)

# A refusal's status by the service's code: a rate limit is a 429.
RATE_CODE = "rate"


def _status_of(error: ValidationError) -> int:
    codes = {item.code for item in getattr(error, "error_list", [error])}
    return 429 if RATE_CODE in codes else 400


def _back(conversation: Conversation, anchor: str = "") -> HttpResponse:
    return redirect(conversation.get_absolute_url() + anchor)


def _inbox(tab: str = "") -> HttpResponse:
    url = reverse("conversations:inbox")
    return redirect(f"{url}?tab={tab}" if tab else url)


def _page(
    request: HttpRequest,
    conversation: Conversation,
    viewer: Participant,
    *,
    forms: dict | None = None,
    status: int = 200,
    page_number: int | str | None = None,
) -> HttpResponse:
    """The conversation page as ``viewer`` sees it; ``forms`` are bound forms
    coming back with an error (their text kept)."""
    user = request.user
    forms = forms or {}
    participants = selectors.participants_of(conversation=conversation)
    positions = selectors.read_positions(participants)
    read_to = positions.get(viewer.pk, viewer.read_number)
    page = selectors.message_page_get(
        participant=viewer,
        page_number=page_number if page_number is not None else request.GET.get("page"),
        read_to=read_to,
    )
    # Rendered once for every participant and kept (``fragments``): read
    # after the checks above, for the range this viewer may read.
    shown = fragments.messages_shown(request, conversation=conversation, page=page)
    if (
        status == 200
        and request.method == "GET"
        and viewer.status in Participant.READING
        and page.end_index() > read_to
    ):
        # In the cache, written by a task: the page writes nothing.
        services.read_note(participant=viewer, number=page.end_index())
    may_post = can_post(user, viewer)
    for message in shown:
        # Deleting is its author's at any time; editing while they take part.
        message.may_delete = can_edit_message(user, message)
        message.may_edit = message.may_delete and may_post
        message.may_report = (
            message.kind == Message.Kind.TEXT
            and message.author_id is not None
            and message.author_id != user.pk
            and message.deleted_at is None
            and not message.is_hidden
        )
        message.is_new = message.number > read_to and message.author_id != user.pk
    reads = selectors.page_reads(
        viewer=viewer,
        participants=participants,
        last_shown=shown[-1] if shown else None,
    )
    may_add = can_add_members(user, viewer)
    for row in participants:
        row.may_remove = can_remove_member(user, viewer, row)
    is_request = viewer.status == Participant.Status.REQUEST
    reply_form = forms.get("reply") or ReplyForm()
    sender_id = viewer.added_by_id or conversation.owner_id
    context = {
        "conversation": conversation,
        "viewer": viewer,
        "participants": participants,
        "is_group": selectors.is_group(participants),
        "page_obj": page,
        "shown": fragments.messages_html(request, shown),
        "readers_of_last": reads.readers_of_last,
        "may_post": may_post,
        "may_add": may_add,
        "is_request": is_request,
        "is_active": viewer.status == Participant.Status.ACTIVE,
        "has_left": viewer.status
        in (Participant.Status.LEFT, Participant.Status.REMOVED),
        "request_answered": viewer.status
        in (Participant.Status.IGNORED, Participant.Status.REPORTED),
        "sender": next((row for row in participants if row.user_id == sender_id), None)
        if is_request
        else None,
        "reply_form": reply_form,
        # The empty form's fields are kept (``fragments``).
        "reply_fields": fragments.reply_fields(reply_form) if may_post else "",
        # A refused form comes back with its text, whoever sent it.
        "members_form": forms.get("members") or (MembersAddForm() if may_add else None),
        "report_form": (forms.get("report") or RequestReportForm())
        if is_request
        else None,
        "question": selectors.question_of(conversation),
    }
    return render(request, "conversations/detail.html", context, status=status)


def _refused(
    request: HttpRequest,
    conversation: Conversation,
    viewer: Participant,
    text: str,
    *,
    status: int = 400,
    page_number: int | str | None = None,
) -> HttpResponse:
    messages.error(request, text)
    return _page(request, conversation, viewer, status=status, page_number=page_number)


def _service_refused(
    request: HttpRequest,
    conversation: Conversation,
    viewer: Participant,
    error: PermissionDenied | ValidationError,
    forbidden: str,
    *,
    page_number: int | str | None = None,
) -> HttpResponse:
    """A service's refusal on the page: its own words with a 400, or
    ``forbidden`` with a 403 for a PermissionDenied."""
    if isinstance(error, ValidationError):
        return _refused(
            request, conversation, viewer, error.messages[0], page_number=page_number
        )
    return _refused(
        request, conversation, viewer, forbidden, status=403, page_number=page_number
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, viewer = selectors.conversation_get(pk=pk, user=request.user)
    return _page(request, conversation, viewer)


@login_required
def message(request: HttpRequest, pk: int) -> HttpResponse:
    """A message's permanent address: its page of the conversation, at it."""
    found, _viewer = selectors.message_get(pk=pk, user=request.user)
    return redirect(selectors.message_url(found))


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, viewer = selectors.conversation_get(pk=pk, user=request.user)
    form = ReplyForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            sent = services.message_send(
                conversation=conversation,
                author=request.user,
                body=form.cleaned_data["body"],
            )
        except PermissionDenied:
            form.add_error(None, _("You cannot write in this conversation."))
            status = 403
        except ValidationError as error:
            form.add_error(None, error)
            status = _status_of(error)
        else:
            return redirect(selectors.message_url(sent))
    return _page(
        request,
        conversation,
        viewer,
        forms={"reply": form},
        status=status,
        page_number="last",
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    found, viewer = selectors.message_get(pk=pk, user=request.user)
    if not can_edit_message(request.user, found) or not can_post(request.user, viewer):
        raise PermissionDenied
    form = MessageEditForm(request.POST or None, initial={"body": found.body})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.message_edit(
                    message=found, editor=request.user, body=form.cleaned_data["body"]
                )
            except PermissionDenied:
                form.add_error(None, _("You cannot edit this message."))
                status = 403
            except ValidationError as error:
                form.add_error(None, error)
                status = _status_of(error)
            else:
                messages.success(request, _("The message is saved."))
                return redirect(selectors.message_url(found))
    return render(
        request,
        "conversations/message_edit.html",
        {
            "form": form,
            "message": found,
            "conversation": found.conversation,
            "back_url": selectors.message_url(found),
        },
        status=status,
    )


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    found, viewer = selectors.message_get(pk=pk, user=request.user)
    page_number = selectors.page_of_number(found.number)
    if not can_edit_message(request.user, found):
        return _refused(
            request,
            found.conversation,
            viewer,
            _("You cannot delete this message."),
            status=403,
            page_number=page_number,
        )
    try:
        services.message_delete(message=found, user=request.user)
    except (PermissionDenied, ValidationError) as error:
        return _service_refused(
            request,
            found.conversation,
            viewer,
            error,
            _("You cannot delete this message."),
            page_number=page_number,
        )
    messages.success(request, _("The message is deleted."))
    return redirect(selectors.message_url(found))


def _members_named(names: list[str]) -> tuple[list, list[str]]:
    """Active members by the usernames typed (any case), and the names that
    match nobody."""
    query = Q()
    for name in names:
        query |= Q(username__iexact=name)
    found = list(get_user_model().objects.filter(query, is_active=True))
    known = {user.username.lower() for user in found}
    return found, [name for name in names if name.lower() not in known]


@login_required
@require_POST
def members_add(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, viewer = selectors.conversation_get(pk=pk, user=request.user)
    form = MembersAddForm(request.POST)
    if not can_add_members(request.user, viewer):
        form.is_valid()
        form.add_error(None, _("Only the conversation's owner adds members."))
        return _page(request, conversation, viewer, forms={"members": form}, status=403)
    status = 400
    if form.is_valid():
        users, unknown = _members_named(form.cleaned_data["usernames"])
        if unknown:
            form.add_error(
                "usernames",
                _("Nobody has the username %(names)s.") % {"names": ", ".join(unknown)},
            )
        else:
            try:
                added = services.members_add(
                    conversation=conversation, by=request.user, users=users
                )
            except PermissionDenied:
                form.add_error(None, _("Only the conversation's owner adds members."))
                status = 403
            except ValidationError as error:
                form.add_error(None, error)
                status = _status_of(error)
            else:
                if added:
                    messages.success(
                        request,
                        _("Added: %(names)s.")
                        % {
                            "names": ", ".join(
                                row.user.profile.shown_name for row in added
                            )
                        },
                    )
                else:
                    messages.info(request, _("They are in the conversation already."))
                return _back(conversation, "#members")
    return _page(request, conversation, viewer, forms={"members": form}, status=status)


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, viewer = selectors.conversation_get(pk=pk, user=request.user)
    if request.POST.get("confirm") != "1":
        return _refused(
            request,
            conversation,
            viewer,
            _("Confirm that you want to leave the conversation."),
        )
    try:
        services.conversation_leave(conversation=conversation, user=request.user)
    except PermissionDenied:
        return _refused(
            request,
            conversation,
            viewer,
            _("You are not in this conversation."),
            status=403,
        )
    except ValidationError as error:
        return _refused(request, conversation, viewer, error.messages[0])
    messages.success(
        request,
        _("You left the conversation. You can still read what was written until now."),
    )
    return _inbox()


@login_required
@require_POST
def remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    conversation, viewer = selectors.conversation_get(pk=pk, user=request.user)
    other = (
        Participant.objects.select_related("user__profile")
        .filter(conversation=conversation, user_id=user_id)
        .first()
    )
    if other is None:
        raise Http404
    if not can_remove_member(request.user, viewer, other):
        return _refused(
            request,
            conversation,
            viewer,
            _("Only the conversation's owner removes members."),
            status=403,
        )
    try:
        services.member_remove(
            conversation=conversation, by=request.user, user=other.user
        )
    except PermissionDenied:
        return _refused(
            request,
            conversation,
            viewer,
            _("Only the conversation's owner removes members."),
            status=403,
        )
    except ValidationError as error:
        return _refused(request, conversation, viewer, error.messages[0])
    messages.success(
        request,
        _("%(name)s is removed from the conversation.")
        % {"name": other.user.profile.shown_name},
    )
    return _back(conversation, "#members")


def _switch(request: HttpRequest, name: str) -> bool | None:
    """A yes/no switch posted as "1" or "0"; None for anything else."""
    return {"1": True, "0": False}.get(request.POST.get(name, ""))


@login_required
@require_POST
def mute(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, viewer = selectors.conversation_get(pk=pk, user=request.user)
    muted = _switch(request, "muted")
    if muted is None:
        return _refused(request, conversation, viewer, _("Choose on or off."))
    try:
        services.conversation_mute(participant=viewer, muted=muted)
    except (PermissionDenied, ValidationError) as error:
        return _service_refused(
            request,
            conversation,
            viewer,
            error,
            _("You cannot change this conversation."),
        )
    messages.success(
        request,
        _("The conversation is muted: no notifications about it.")
        if muted
        else _("Notifications about the conversation are on again."),
    )
    return _back(conversation, "#members")


@login_required
@require_POST
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, viewer = selectors.conversation_get(pk=pk, user=request.user)
    archived = _switch(request, "archived")
    if archived is None:
        return _refused(request, conversation, viewer, _("Choose on or off."))
    try:
        services.conversation_archive(participant=viewer, archived=archived)
    except (PermissionDenied, ValidationError) as error:
        return _service_refused(
            request,
            conversation,
            viewer,
            error,
            _("You cannot change this conversation."),
        )
    if archived:
        messages.success(
            request,
            _("The conversation is in the archive until a new message comes."),
        )
        return _inbox()
    messages.success(request, _("The conversation is back in your inbox."))
    return _back(conversation)


def _request_for(request: HttpRequest, pk: int) -> tuple[Conversation, Participant]:
    """The conversation and the member's row, when a request waits for their
    answer in it; a 404 otherwise (there is nothing to answer)."""
    conversation, viewer = selectors.conversation_get(pk=pk, user=request.user)
    if viewer.status != Participant.Status.REQUEST:
        raise Http404
    return conversation, viewer


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, viewer = _request_for(request, pk)
    try:
        services.request_accept(participant=viewer)
    except ValidationError as error:
        return _refused(request, conversation, viewer, error.messages[0])
    messages.success(request, _("The request is accepted: you can reply now."))
    return _back(conversation)


@login_required
@require_POST
def ignore(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, viewer = _request_for(request, pk)
    try:
        services.request_ignore(participant=viewer)
    except ValidationError as error:
        return _refused(request, conversation, viewer, error.messages[0])
    messages.success(
        request, _("The request is ignored. Its sender is not told about it.")
    )
    return _inbox("requests")


@login_required
@require_POST
def report_request(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, viewer = _request_for(request, pk)
    form = RequestReportForm(request.POST)
    if form.is_valid():
        try:
            services.request_report(
                participant=viewer, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            days = settings.CONVERSATIONS_REPORTED_REQUEST_DAYS
            messages.success(
                request,
                ngettext(
                    "Thank you. The request is reported: a moderator will read "
                    "it, and its sender cannot write to you for %(days)d day.",
                    "Thank you. The request is reported: a moderator will read "
                    "it, and its sender cannot write to you for %(days)d days.",
                    days,
                )
                % {"days": days},
            )
            return _inbox("requests")
    return _page(request, conversation, viewer, forms={"report": form}, status=400)
