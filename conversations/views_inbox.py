"""The inbox, writing a new conversation, and the member's message settings.

Thin: the rules are in ``conversations.services`` and
``conversations.permissions``, the reads in ``conversations.selectors``. A
member sees only their own conversations; a refusal renders the page again
with the member's text kept (400, 429 for the daily limit).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.forms import usernames_parse
from community.standing import is_restricted
from conversations import fragments, selectors, services
from conversations.forms import ComposeForm, InboxSearchForm, MessageSettingsForm
from conversations.models import Participant
from conversations.permissions import (
    WRITE_REFUSALS,
    message_settings_of,
    write_refusals,
)

TABS = [
    ("inbox", gettext_lazy("Inbox")),
    ("requests", gettext_lazy("Requests")),
    ("archived", gettext_lazy("Archived")),
]
# A service's refusal, by its code, next to the field it is about.
ERROR_FIELDS = {
    "refused": "to",
    "too_many": "to",
    "self": "to",
    "empty": "body",
    "too_long": "body",
}
# ``?to=`` names at most this many (a group is at most 10 anyway).
TO_NAMES_MAX = 50


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for item in error.error_list:
        form.add_error(ERROR_FIELDS.get(item.code or ""), item)


def _codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {item.code for items in error.error_dict.values() for item in items}
    return {item.code for item in error.error_list}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab") or "inbox"
    if tab not in dict(TABS):
        tab = "inbox"
    form = InboxSearchForm(request.GET if "q" in request.GET else None)
    query, status = "", 200
    if form.is_bound:
        if form.is_valid():
            query = form.cleaned_data["q"].strip()
        else:
            status = 400
    page = Paginator(
        selectors.inbox(user=request.user, tab=tab, query=query),
        settings.CONVERSATIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    selectors.inbox_mark_new(page.object_list)
    return render(
        request,
        "conversations/inbox.html",
        {
            "page_obj": page,
            # Kept for the member, their own state put in (``fragments``).
            "rows": fragments.inbox_rows(request, page.object_list),
            "tabs": TABS,
            "tab": tab,
            "form": form,
            "query": query,
            "request_count": selectors.request_count(user=request.user),
        },
        status=status,
    )


def _recipients_named(names: list[str]) -> tuple[list, list[str]]:
    """The members ``?to=`` names (one query), and the names no member has."""
    if not names:
        return [], []
    lookup = Q()
    for name in names:
        lookup |= Q(username__iexact=name)
    found = {
        user.username.casefold(): user
        for user in get_user_model().objects.filter(lookup).select_related("profile")
    }
    return (
        [found[name.casefold()] for name in names if name.casefold() in found],
        [name for name in names if name.casefold() not in found],
    )


@login_required
def compose(request: HttpRequest) -> HttpResponse:
    """A new conversation: to colleagues by username (``?to=`` from a
    profile's «Написать», repeated for a group), a subject and a message.

    Whoever cannot be written to is named with the reason, and left out of
    the form; when nobody named may be written to, the page has no form.
    """
    sender = request.user
    context: dict = {"refused": [], "unknown": []}
    status = 200
    if request.method == "POST":
        form = ComposeForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                conversation = services.conversation_start(
                    sender=sender,
                    recipients=data["to"],
                    subject=data["subject"],
                    body=data["body"],
                    is_sensitive=data["is_sensitive"],
                )
            except ValidationError as error:
                _add_errors(form, error)
                status = 429 if _codes(error) == {"rate"} else 400
            else:
                _tell_sent(request, conversation)
                return redirect(conversation)
    elif is_restricted(sender):
        # Suspended or banned: they read, they do not write (the notice
        # above every page says until when).
        form = None
        context["own_refusal"] = WRITE_REFUSALS["restricted"]
    else:
        names = []
        for value in request.GET.getlist("to")[:TO_NAMES_MAX]:
            names += usernames_parse(value[:1000])
        names = list(dict.fromkeys(names))[:TO_NAMES_MAX]
        users, context["unknown"] = _recipients_named(names)
        allowed = []
        # Every recipient's reason in one query.
        refusals = write_refusals(sender, users)
        for user in users:
            code = refusals[user.pk]
            if code:
                context["refused"].append((user, WRITE_REFUSALS[code]))
            else:
                allowed.append(user)
        form = None
        if allowed or not names:
            form = ComposeForm(
                initial={"to": ", ".join(user.username for user in allowed)}
            )
        if context["unknown"]:
            context["unknown_message"] = _("No member has the username %(names)s.") % {
                "names": ", ".join(f"«{name}»" for name in context["unknown"])
            }
            status = 400
    context["form"] = form
    return render(request, "conversations/compose.html", context, status=status)


def _tell_sent(request: HttpRequest, conversation) -> None:
    """Say where the message went: straight in, or waiting as a request."""
    waiting = [
        participant.user.profile.shown_name
        for participant in conversation.participants.filter(
            status=Participant.Status.REQUEST
        ).select_related("user__profile")
    ]
    if waiting:
        messages.success(
            request,
            _(
                "The message is sent. %(names)s will see it as a request: "
                "the conversation goes on when they accept it."
            )
            % {"names": ", ".join(waiting)},
        )
    else:
        messages.success(request, _("The message is sent."))


@login_required
def message_settings(request: HttpRequest) -> HttpResponse:
    """Who may start a conversation with the member, and read receipts."""
    current = message_settings_of(request.user)
    form = MessageSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "who_may_write": current.who_may_write,
            "read_receipts": current.read_receipts,
        },
    )
    if form.is_bound and form.is_valid():
        services.message_settings_set(
            user=request.user,
            who_may_write=form.cleaned_data["who_may_write"],
            read_receipts=form.cleaned_data["read_receipts"],
        )
        messages.success(request, _("Your message settings are saved."))
        return redirect("conversations:settings")
    return render(
        request,
        "conversations/settings.html",
        {"form": form, "settings_tab": "messages"},
        status=400 if form.is_bound else 200,
    )
