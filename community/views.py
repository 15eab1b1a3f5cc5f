from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.services import profile_set_language
from community import selectors, services
from community.changes import home_kept_under
from community.health import health_report
from community.home import MEMBERS, VISITORS, HomeViewer, home_blocks
from community.markdown import MAX_LENGTH, render_markdown
from community.models import Notification
from community.notifications import feed_interests
from community.pagecache import page_scoped
from community.paging import OpenPage
from community.redirects import safe_next


@page_scoped(home_kept_under)
def home(request: HttpRequest) -> HttpResponse:
    """A member's news first: her feed and what waits for her (``community.home``);
    a visitor's introduction with the network's newest public content."""
    if not request.user.is_authenticated:
        blocks = home_blocks(audience=VISITORS, viewer=HomeViewer(request.user))
        return render(request, "community/home.html", {"blocks": blocks})
    actors, subjects = feed_interests(request.user)
    events = selectors.feed_for_user(
        user=request.user, followed_ids=actors, subject_ids=subjects
    )
    blocks = home_blocks(
        audience=MEMBERS, viewer=HomeViewer(request.user, subject_ids=subjects)
    )
    context = {
        # A feed is not counted: newer and older pages only.
        "feed_page": OpenPage(events, request.GET.get("page"), 20),
        "feed_is_default": not actors and not subjects,
        "blocks": blocks,
        # A phone's one-line summary above the feed: what has something waiting.
        "glance": [
            shown
            for shown in blocks
            if shown.block.summary_template and shown.data.get("count")
        ],
    }
    return render(request, "community/home.html", context)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The state of the database, cache and broker: 200 when all answer, else 503."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@require_http_methods(["GET", "POST"])
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a member's choice is kept in the profile.

    Visitors switch with a link (GET: only the cookie changes), so their pages
    carry no form and can be cached; members post the form.
    """
    data = request.POST if request.method == "POST" else request.GET
    language = data.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("This language is not offered."))
    next_url = safe_next(request, data.get("next", ""), "/")
    if request.user.is_authenticated and request.method == "POST":
        profile_set_language(user=request.user, language=language)
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


@require_POST
@login_required
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """markdownx's live preview, through the same renderer as saved texts.

    The text is not saved, so its embedded links ask for no title or picture
    (anyone could otherwise fill the previews with links of their choosing)."""
    content = request.POST.get("content", "")
    if len(content) > MAX_LENGTH:
        return HttpResponseBadRequest(_("The text is too long to preview."))
    return HttpResponse(render_markdown(content, request_previews=False))


@require_POST
@login_required
def markdown_image_upload(request: HttpRequest) -> JsonResponse:
    """markdownx's image upload: JPEG, PNG or HEIC, checked and re-encoded
    (HEIC as JPEG), 2 MB at most."""
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"image": [_("Choose a picture to upload.")]}, status=400)
    try:
        url = services.markdown_image_store(user=request.user, upload=upload)
    except ValidationError as error:
        return JsonResponse({"image": error.messages}, status=400)
    return JsonResponse({"image_code": f"![]({url})"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        selectors.notification_list_for_user(user=request.user), 20
    ).get_page(request.GET.get("page"))
    rows = [
        (
            notification,
            services.notification_text(notification),
            selectors.notification_actor_profile(notification),
        )
        for notification in page
    ]
    return render(
        request,
        "community/notification_list.html",
        {"page_obj": page, "rows": rows},
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to the exact item it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification)
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return HttpResponseRedirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.",
            "%(count)d notifications marked read.",
            count,
        )
        % {"count": count},
    )
    if request.htmx:
        # The list as it is now, with the message: the form swaps in the
        # page's main part and the header's bell, no reload.
        return notification_list(request)
    return redirect("notifications")


@csrf_exempt  # The signed token is the proof; mail clients post without a session.
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe from one kind of e-mail, without logging in.

    GET asks for confirmation (link scanners must not unsubscribe anyone);
    POST, from the page or from the mail client (RFC 8058), applies it.
    """
    try:
        signing.loads(token, salt=services.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return render(request, "community/unsubscribe.html", {"bad": True}, status=400)
    if request.method == "POST":
        try:
            services.unsubscribe_by_token(token=token, user_model=get_user_model())
        except (signing.BadSignature, get_user_model().DoesNotExist):
            return render(
                request, "community/unsubscribe.html", {"bad": True}, status=400
            )
        return render(request, "community/unsubscribe.html", {"done": True})
    return render(request, "community/unsubscribe.html", {"token": token})
