"""Following, blocking and bookmarks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from accounts import selectors, selectors_relations, services
from accounts.models import User
from accounts.permissions import can_block_member
from community import htmx
from community.installable import offline_keep
from community.redirects import safe_next

PER_PAGE = 20


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    return redirect(safe_next(request, request.POST.get("next", ""), fallback))


def _member(username: str) -> User:
    return get_object_or_404(
        User, username=username, is_active=True, profile__deleted_at__isnull=True
    )


@login_required
@require_POST
def follow_toggle(request: HttpRequest, username: str) -> HttpResponse:
    other = _member(username)
    # The button says what it asks for: a double click or a retry of
    # "follow" never unfollows.
    following = request.POST.get("action") != "unfollow"
    if following:
        try:
            services.follow_create(follower=request.user, followee=other)
        except ValidationError as error:
            if request.htmx:
                return htmx.refusal(request, error.messages[0], status=400)
            messages.error(request, error.messages[0])
            return _back(request, other.get_absolute_url())
    else:
        services.follow_delete(follower=request.user, followee=other)
    if request.htmx:
        response = render(
            request,
            "accounts/partials/_follow_form.html",
            {"member": other, "is_following": following},
        )
        # The profile's "N followers" follows the button (static/js/htmx-glue.js).
        count = selectors.follower_count(user=other)
        trigger_client_event(
            response,
            "kollegi:followers",
            {
                "username": other.username,
                "text": ngettext("%(counter)s follower", "%(counter)s followers", count)
                % {"counter": count},
            },
        )
        return response
    messages.success(
        request,
        _("You now follow this member.")
        if following
        else _("You no longer follow this member."),
    )
    return _back(request, other.get_absolute_url())


@login_required
@require_POST
def block_toggle(request: HttpRequest, username: str) -> HttpResponse:
    other = get_object_or_404(User, username=username)
    if not can_block_member(request.user, other):
        raise Http404
    if request.POST.get("action") == "unblock":
        services.block_delete(blocker=request.user, blocked=other)
        messages.success(request, _("The member is unblocked."))
    else:
        services.block_create(blocker=request.user, blocked=other)
        messages.success(
            request,
            _(
                "The member is blocked: their posts are folded for you, and they "
                "cannot follow, mention or message you."
            ),
        )
    return _back(request, other.get_absolute_url())


def _member_list(request: HttpRequest, username: str, *, tab: str) -> HttpResponse:
    profile = selectors.profile_get_for_space(username=username, viewer=request.user)
    if tab == "followers":
        profiles = selectors.follower_profiles(user=profile.user)
    else:
        profiles = selectors.following_profiles(user=profile.user)
    context = selectors.space_context(viewer=request.user, profile=profile, tab=tab)
    context["page_obj"] = Paginator(profiles, PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/member_list.html", context)


def follower_list(request: HttpRequest, username: str) -> HttpResponse:
    return _member_list(request, username, tab="followers")


def following_list(request: HttpRequest, username: str) -> HttpResponse:
    return _member_list(request, username, tab="following")


@login_required
def blocked_list(request: HttpRequest) -> HttpResponse:
    profiles = selectors.blocked_profiles(user=request.user)
    page = Paginator(profiles, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/blocked_list.html",
        {"page_obj": page, "settings_tab": "blocked"},
    )


@login_required
def bookmark_list(request: HttpRequest) -> HttpResponse:
    profile = selectors_relations.own_space_profile(user=request.user)
    page = Paginator(
        selectors_relations.bookmark_list_for_user(user=request.user), PER_PAGE
    ).get_page(request.GET.get("page"))
    context = selectors.space_context(
        viewer=request.user, profile=profile, tab="bookmarks"
    )
    context.update(
        page_obj=page,
        rows=selectors_relations.bookmark_rows(page=page, user=request.user),
    )
    # Read offline too, with the materials it lists (community.installable).
    return offline_keep(
        render(request, "accounts/bookmark_list.html", context), user=request.user
    )


@login_required
@require_POST
def bookmark_toggle(request: HttpRequest) -> HttpResponse:
    try:
        object_id = int(request.POST.get("object_id", ""))
        # The button says the state it asks for ("on": 1 or 0), so a double
        # click or a retry never takes the bookmark away again.
        kept = services.bookmark_set(
            user=request.user,
            key=request.POST.get("key", ""),
            object_id=object_id,
            on=request.POST.get("on", "1") != "0",
        )
    except (ValueError, ObjectDoesNotExist) as error:
        raise Http404 from error
    if request.htmx:
        return render(
            request,
            "accounts/partials/_bookmark_button.html",
            {
                "target_key": request.POST.get("key", ""),
                "target": {"pk": object_id},
                "is_bookmarked": kept,
                "bookmark_next": safe_next(
                    request, request.POST.get("next", ""), "accounts:bookmarks"
                ),
            },
        )
    messages.success(
        request, _("Bookmarked.") if kept else _("Removed from your bookmarks.")
    )
    return _back(request, "accounts:bookmarks")
