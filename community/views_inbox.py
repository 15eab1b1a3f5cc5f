"""The moderation inbox's queues: waiting items approved or rejected in one click.

The inbox on the admin index counts what waits; a source with a queue
(``community.inbox.InboxQueue``) lists its items here, each with an
"approve" and a "reject" button that call the app's services. The pages sit
in the admin site's frame; anyone who may not work the queue gets a 404.
"""

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from community.inbox import InboxSource, inbox_queue_for

ITEMS_PER_PAGE = 25


def _source(request: HttpRequest, key: str) -> InboxSource:
    source = inbox_queue_for(request.user, key)
    if source is None:
        raise Http404
    return source


@login_required
def inbox_queue(request: HttpRequest, key: str) -> HttpResponse:
    """The waiting items of one source, oldest first, with their buttons."""
    source = _source(request, key)
    queue = source.queue
    page = Paginator(queue.items(request.user), ITEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "community/inbox_queue.html",
        {
            **admin.site.each_context(request),
            "title": source.label,
            "source": source,
            "page_obj": page,
            "items": [queue.item(row) for row in page.object_list],
            "reason_required": queue.reason_required,
        },
    )


@login_required
@require_POST
def inbox_decide(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """Approve or reject one item, then back to the queue with a message."""
    source = _source(request, key)
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "").strip()
    try:
        if decision == "approve":
            said = source.queue.approve(request.user, pk)
        elif decision == "reject":
            said = source.queue.reject(request.user, pk, reason)
        else:
            raise Http404
    except PermissionDenied as error:  # not a section this moderator moderates
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, said)
    return redirect("inbox_queue", key=source.key)
