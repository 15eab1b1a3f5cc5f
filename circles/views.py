"""Communities' pages: thin; rules in services, reads in selectors.

What a member may not see is a 404 (``selectors.community_get``); what they
see but may not do is a 403. Every write is a POST that calls one service and
redirects with a message; a refused one renders its page again with 400 and
the member's text kept.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from circles import fragments, selectors, services
from circles.forms import (
    CollectionAddForm,
    CommunityForm,
    DecideForm,
    HearingForm,
    InviteForm,
    JoinRequestForm,
    MeetingForm,
    ProposeForm,
    RemoveForm,
)
from circles.models import (
    Community,
    Invitation,
    JoinRequest,
    Membership,
    OwnershipOffer,
)
from circles.permissions import (
    can_add_to_collection,
    can_edit_community,
    can_invite,
    can_join_community,
    can_manage_members,
    can_propose_community,
    can_propose_meeting,
    can_remove_from_collection,
    can_request_to_join,
    can_view_community,
    can_write_in_community,
    role_of,
    standing_of,
)
from community.page_blocks import page_blocks_for

TABS = [
    ("all", gettext_lazy("All")),
    ("mine", gettext_lazy("Mine")),
    ("new", gettext_lazy("New")),
    ("subjects", gettext_lazy("In my subjects")),
    ("region", gettext_lazy("In my region")),
    ("active", gettext_lazy("Most active")),
]
# A visitor has no communities, subjects or region of their own.
VISITOR_TABS = {"all", "new", "active"}
# The parts of a community's page: what it holds (its members have a page).
PAGE_TABS = [
    ("feed", gettext_lazy("Feed")),
    ("topics", gettext_lazy("Discussions")),
    ("materials", gettext_lazy("Materials")),
    ("meetings", gettext_lazy("Meetings")),
]
PREVIEW_MEMBERS = 8
PENDING_SHOWN = 50

# A service's refusal, by its code, next to the field it is about.
ERROR_FIELDS = {
    "quorum": "cofounders",
    "cofounders": "cofounders",
    "private_invitation": "joining",
}


def _per_page(name: str, default: int) -> int:
    return getattr(settings, name, default)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for item in error.error_list:
        field = ERROR_FIELDS.get(item.code or "")
        form.add_error(field if field in form.fields else None, item)


def _community(request: HttpRequest, slug: str) -> Community:
    """The community by its address, or 404 for one the viewer may not see."""
    return selectors.community_get(slug=slug, user=request.user)


def _unlisted(community: Community) -> bool:
    """A page search engines and link previews leave alone: not for everyone."""
    return (
        community.visibility != Community.Visibility.PUBLIC
        or community.status == Community.Status.PROPOSED
        or community.is_hidden
    )


def _back(community: Community, anchor: str = "") -> HttpResponse:
    return redirect(community.get_absolute_url() + anchor)


# --- Small reads of the viewer's own rows (one query each, only when needed).


def _offer_for(community: Community, user) -> OwnershipOffer | None:
    offer = selectors.ownership_offer_pending(community=community)
    return offer if offer is not None and offer.to_user_id == user.pk else None


# --- The list and the community's page.


def community_list(request: HttpRequest) -> HttpResponse:
    signed_in = request.user.is_authenticated
    tabs = [(key, label) for key, label in TABS if signed_in or key in VISITOR_TABS]
    tab = request.GET.get("tab") or "all"
    if tab not in dict(tabs):
        tab = "all"
    page = Paginator(
        selectors.community_list(user=request.user, tab=tab),
        _per_page("CIRCLES_PER_PAGE", 20),
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "circles/community_list.html",
        {
            "page_obj": page,
            # The same for every reader of the row (``fragments``).
            "cards": fragments.community_cards(page),
            "tabs": tabs,
            "tab": tab,
            "may_propose": signed_in and can_propose_community(request.user),
            "invitation_count": selectors.invitations_for(user=request.user).count()
            if signed_in
            else 0,
        },
    )


def _membership_shown(community: Community, user, standing) -> Membership | None:
    """The viewer's membership as the page shows it (role, notification
    level), read with the community (``selectors.community_get``)."""
    if standing.role is None:
        return None
    return Membership(
        community=community,
        user=user,
        role=standing.role,
        hearing=getattr(community, "circles_hearing", None)
        or Membership.Hearing.EVERYTHING,
    )


def _holdings(request: HttpRequest, community: Community, tab: str, forms: dict):
    """What the page's tab shows of what the community holds (one to three
    queries: only the tab asked for is read)."""
    user = request.user
    per_page = _per_page("CIRCLES_HOLDINGS_PER_PAGE", 20)
    may_write = can_write_in_community(user, community)
    section = community.section
    context = {
        "tab": tab,
        "page_tabs": PAGE_TABS,
        "may_write": may_write,
        "may_add_material": can_add_to_collection(user, community),
        "may_propose_meeting": can_propose_meeting(user, community),
        "section_open": section is not None and not section.is_read_only,
    }
    number = request.GET.get("page")
    if tab == "topics":
        context["page_obj"] = Paginator(
            selectors.section_topics(community=community, user=user), per_page
        ).get_page(number)
    elif tab == "materials":
        page = Paginator(selectors.collection_of(community=community), per_page)
        context["page_obj"] = page = page.get_page(number)
        for item in page:
            item.may_remove = can_remove_from_collection(user, community, item)
        if context["may_add_material"]:
            context["collection_form"] = forms.get("collection") or CollectionAddForm()
    elif tab == "meetings":
        past = request.GET.get("when") == "past"
        context["past"] = past
        context["page_obj"] = Paginator(
            selectors.meetings_of(community=community, user=user, past=past),
            per_page,
        ).get_page(number)
    else:
        context.update(_feed(request, community, per_page))
    return context


def _feed(request: HttpRequest, community: Community, size: int) -> dict:
    """The feed's page, rendered (``feed_html``): the first one kept for
    every reader of a kind (``circles.fragments``); read (``feed``,
    ``feed_next``) and rendered only when not kept."""
    before = selectors.feed_moment(request.GET.get("before"))
    lookup = None
    if before is None:
        reader = fragments.reader_of(request.user, role_of(request.user, community))
        lookup = fragments.feed_found(community=community, reader=reader, size=size)
        if lookup.html is not None:
            return {"feed_html": lookup.html}
    items, more = selectors.feed_of(
        community=community, user=request.user, before=before, size=size
    )
    feed_next = selectors.feed_cursor(more) if more else None
    html = (
        fragments.feed_render(items, feed_next)
        if lookup is None
        else fragments.feed_keep(lookup, items, feed_next)
    )
    return {"feed_html": html, "feed": items, "feed_next": feed_next}


def _about(request: HttpRequest, community: Community) -> dict:
    """The parts about the community, rendered (``about``): kept for every
    reader (``circles.fragments``), read and rendered only when not kept —
    and always for a proposal, whose founding shows its founder too."""
    proposed = community.status == Community.Status.PROPOSED
    lookup = None
    if not proposed:
        lookup = fragments.about_found(community=community, user=request.user)
        if lookup.parts is not None:
            return {"about": lookup.parts}
    preview = list(selectors.members_of(community=community)[:PREVIEW_MEMBERS])
    context = {
        "community": community,
        "user": request.user,
        "grades": community.grades.all(),
        "tags": community.tags.all(),
        "members_preview": preview,
        "founder": next(
            (item.user for item in preview if item.user_id == community.founder_id),
            None,
        )
        or community.founder,
    }
    about = (
        fragments.about_render(context)
        if lookup is None
        else fragments.about_keep(lookup, context)
    )
    return {**context, "about": about}


def community_detail(
    request: HttpRequest,
    slug: str,
    forms: dict | None = None,
    status: int = 200,
    tab: str | None = None,
) -> HttpResponse:
    community = _community(request, slug)
    user = request.user
    forms = forms or {}
    # Role, ban, invitation, request, notification level, an ownership
    # offered and the requests waiting: read with the community.
    standing = standing_of(user, community)
    membership = _membership_shown(community, user, standing)
    if membership is not None and request.method == "GET":
        # Noted in the cache, written by beat: a GET writes nothing.
        services.visit_note(
            membership_id=community.circles_membership_id,
            last_visit_at=community.circles_last_visit,
        )
    context = {
        "community": community,
        "standing": standing,
        "membership": membership,
        "private": _unlisted(community),
        **_about(request, community),
        "may_edit": can_edit_community(user, community),
        "may_manage": can_manage_members(user, community),
        "may_join": can_join_community(user, community),
        "may_request": not standing.requested and can_request_to_join(user, community),
        "request_form": forms.get("request") or JoinRequestForm(),
        "hearing_form": HearingForm(initial={"hearing": membership.hearing})
        if membership
        else None,
        "invitation": selectors.invitation_pending_for(community=community, user=user)
        if standing.invited
        else None,
        # What other apps show here (its consultation lines).
        "page_blocks": page_blocks_for(
            page="circles.community", obj=community, viewer=user
        ),
    }
    if context["may_manage"] and community.joining == Community.Joining.REQUEST:
        context["pending_count"] = getattr(community, "circles_waiting", 0)
    if membership is not None:
        # The owner is never offered her own community.
        if membership.role != Membership.Role.OWNER:
            context["offer"] = bool(getattr(community, "circles_offered", False))
    elif (
        user.is_authenticated
        and community.joining == Community.Joining.REQUEST
        and not standing.requested
    ):
        # A refusal's reason stays in view until the member asks again.
        last = selectors.join_request_of(community=community, user=user)
        if last is not None and last.status == JoinRequest.Status.REJECTED:
            context["rejected"] = last
    if community.is_hidden and context["may_manage"]:
        context["hide_reason"] = selectors.hide_reason(community=community)
    if community.status == Community.Status.PROPOSED:
        context["cofounders"] = selectors.cofounders_of(community=community)
        context["still_needed"] = max(services.quorum() - community.member_count, 0)
    else:
        tab = tab or request.GET.get("tab") or "feed"
        if tab not in dict(PAGE_TABS):
            tab = "feed"
        context.update(_holdings(request, community, tab, forms))
    return render(request, "circles/community_detail.html", context, status=status)


def _fields(form) -> dict:
    """What the community form gives the services: its fields and cover."""
    data = form.cleaned_data
    return {
        **{name: data[name] for name in services.FIELDS},
        "cover": data.get("cover_upload") or None,
    }


@login_required
def community_propose(request: HttpRequest) -> HttpResponse:
    may_propose = can_propose_community(request.user)
    form = ProposeForm(
        request.POST or None, request.FILES or None, founder=request.user
    )
    if request.method == "POST" and may_propose and form.is_valid():
        try:
            community = services.community_propose(
                founder=request.user,
                cofounders=form.cleaned_data["cofounders"],
                **_fields(form),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The community is proposed. Your co-founders are invited; "
                    "it opens when enough of them accept."
                ),
            )
            return redirect(community)
    # A member who may not propose yet is told why, with the list to join.
    status = 403 if not may_propose else 400 if request.method == "POST" else 200
    return render(
        request,
        "circles/community_form.html",
        {
            "form": form,
            "heading": _("Propose a community"),
            "may_propose": may_propose,
            "private": True,
            "quorum": services.quorum(),
        },
        status=status,
    )


@login_required
def community_edit(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    if not can_edit_community(request.user, community):
        raise PermissionDenied
    # The form writes its values onto its instance while it validates: it
    # gets a copy, and the service the row as it is stored, to compare.
    form = CommunityForm(
        request.POST or None,
        request.FILES or None,
        instance=Community.objects.get(pk=community.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.community_update(
                community=community, editor=request.user, **_fields(form)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The community is saved."))
            return redirect("circles:detail", slug=community.slug)
    return render(
        request,
        "circles/community_form.html",
        {
            "form": form,
            "heading": _("Edit the community"),
            "community": community,
            "may_propose": True,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Joining and leaving.


@login_required
@require_POST
def community_join(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    try:
        services.community_join(community=community, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return community_detail(request, slug, status=400)
    messages.success(request, _("Welcome to «%(name)s»!") % {"name": community.name})
    return _back(community)


@login_required
@require_POST
def join_request(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    if request.POST.get("withdraw") == "1":
        pending = selectors.join_request_of(community=community, user=request.user)
        if pending is not None and pending.status == JoinRequest.Status.PENDING:
            services.join_request_withdraw(join_request=pending, user=request.user)
        messages.info(request, _("Your request is withdrawn."))
        return _back(community)
    form = JoinRequestForm(request.POST)
    if form.is_valid():
        try:
            sent = services.join_request_create(
                community=community,
                user=request.user,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if sent.status == JoinRequest.Status.APPROVED:
                # Invited already: the request let them in at once.
                messages.success(
                    request, _("Welcome to «%(name)s»!") % {"name": community.name}
                )
            else:
                messages.success(
                    request,
                    _(
                        "Your request is sent. You will get a notification when "
                        "the moderators decide."
                    ),
                )
            return _back(community)
    return community_detail(request, slug, forms={"request": form}, status=400)


@login_required
@require_POST
def community_leave(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    try:
        services.community_leave(community=community, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return community_detail(request, slug, status=400)
    messages.success(request, _("You have left «%(name)s».") % {"name": community.name})
    if community.visibility == Community.Visibility.PRIVATE:
        return redirect("circles:list")
    return _back(community)


@login_required
@require_POST
def hearing(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    form = HearingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what you want to hear."))
        return community_detail(request, slug, status=400)
    try:
        membership = services.hearing_set(
            community=community,
            user=request.user,
            hearing=form.cleaned_data["hearing"],
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return community_detail(request, slug, status=400)
    if request.htmx:
        return render(
            request,
            "circles/partials/_hearing_form.html",
            {
                "community": community,
                "hearing_form": HearingForm(initial={"hearing": membership.hearing}),
                "saved": True,
            },
        )
    messages.success(request, _("Your notification choice is saved."))
    return _back(community)


# --- Members, requests, invitations, roles.


def member_list(
    request: HttpRequest,
    slug: str,
    forms: dict | None = None,
    errors: list | None = None,
    status: int = 200,
) -> HttpResponse:
    community = _community(request, slug)
    user = request.user
    forms = forms or {}
    page = Paginator(
        selectors.members_of(community=community),
        _per_page("CIRCLES_MEMBERS_PER_PAGE", 30),
    ).get_page(request.GET.get("page"))
    may_manage = can_manage_members(user, community)
    may_invite = can_invite(user, community)
    context = {
        "community": community,
        "page_obj": page,
        "private": _unlisted(community),
        "may_manage": may_manage,
        "may_invite": may_invite,
        "is_owner": role_of(user, community) == Membership.Role.OWNER,
        "errors": errors or [],
        "invite_form": (forms.get("invite") or InviteForm()) if may_invite else None,
    }
    if may_manage:
        requests = selectors.pending_requests(community=community)
        context.update(
            requests=requests[:PENDING_SHOWN], request_count=requests.count()
        )
    return render(request, "circles/member_list.html", context, status=status)


def _managed(request: HttpRequest, slug: str) -> Community:
    community = _community(request, slug)
    if not can_manage_members(request.user, community):
        raise PermissionDenied
    return community


@login_required
@require_POST
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    if not can_invite(request.user, community):
        raise PermissionDenied
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                community=community,
                inviter=request.user,
                **form.cleaned_data["who"],
            )
        except ValidationError as error:
            form.add_error("who", error.messages)
        else:
            messages.success(
                request,
                # One who had asked to join is let in by the invitation.
                _("The colleague had asked to join: they are a member now.")
                if invitation.status == Invitation.Status.ACCEPTED
                else _("The invitation is sent."),
            )
            return redirect("circles:members", slug=community.slug)
    return member_list(request, slug, forms={"invite": form}, status=400)


@login_required
@require_POST
def join_request_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = _managed(request, slug)
    pending = selectors.join_request_get(community=community, pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return member_list(
            request, slug, errors=[_("Approve or reject the request.")], status=400
        )
    try:
        services.join_request_decide(
            join_request=pending,
            moderator=request.user,
            approve=form.cleaned_data["approve"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        return member_list(request, slug, errors=error.messages, status=400)
    messages.success(
        request,
        _("The request is approved.")
        if form.cleaned_data["approve"]
        else _("The request is rejected; the applicant is told."),
    )
    return redirect("circles:members", slug=community.slug)


MANAGE_ACTIONS = {"remove", "ban", "moderator", "unmoderator", "offer"}


@login_required
@require_POST
def member_manage(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    community = _managed(request, slug)
    target = get_object_or_404(get_user_model(), pk=user_id)
    action = request.POST.get("action", "")
    if action not in MANAGE_ACTIONS:
        raise Http404
    form = RemoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    name = target.profile.shown_name
    try:
        if action in ("remove", "ban"):
            services.member_remove(
                community=community,
                moderator=request.user,
                user=target,
                ban=action == "ban",
                reason=reason,
            )
            done = (
                _("%(name)s is removed and banned from the community.")
                if action == "ban"
                else _("%(name)s is removed from the community.")
            )
        elif action in ("moderator", "unmoderator"):
            services.moderator_set(
                community=community,
                owner=request.user,
                user=target,
                on=action == "moderator",
            )
            done = (
                _("%(name)s is a moderator now.")
                if action == "moderator"
                else _("%(name)s is no longer a moderator.")
            )
        else:
            services.ownership_offer(
                community=community, owner=request.user, to_user=target
            )
            done = _("The ownership is offered to %(name)s; they will answer.")
    except ValidationError as error:
        return member_list(request, slug, errors=error.messages, status=400)
    messages.success(request, done % {"name": name})
    return redirect("circles:members", slug=community.slug)


@login_required
def ownership(request: HttpRequest, slug: str) -> HttpResponse:
    """The pending offer of the ownership, for the member it is offered to."""
    community = _community(request, slug)
    offer = _offer_for(community, request.user)
    if offer is None:
        raise Http404
    error = None
    if request.method == "POST":
        accept = request.POST.get("accept") == "1"
        try:
            services.ownership_answer(offer=offer, user=request.user, accept=accept)
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            messages.success(
                request,
                _("You are the owner of the community now.")
                if accept
                else _("You have declined the offer."),
            )
            return _back(community)
    return render(
        request,
        "circles/ownership.html",
        {"community": community, "offer": offer, "error": error, "private": True},
        status=400 if error else 200,
    )


# --- The member's invitations.


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        selectors.invitations_for(user=request.user),
        _per_page("CIRCLES_PER_PAGE", 20),
    ).get_page(request.GET.get("page"))
    return render(request, "circles/invitation_list.html", {"page_obj": page})


def invitation_answer(request: HttpRequest, token: str) -> HttpResponse:
    """One invitation, by the secret in its link: read it, accept or decline.

    A visitor who followed an e-mailed link signs up (or in) first and comes
    back here; an invitation to another member is a 404.
    """
    invitation = selectors.invitation_get(token=token)
    user = request.user
    if not user.is_authenticated:
        if (
            invitation.user_id is None
            and invitation.status == Invitation.Status.PENDING
        ):
            return render(
                request,
                "circles/invitation_welcome.html",
                {
                    "invitation": invitation,
                    "community": invitation.community,
                    "private": True,
                },
            )
        return redirect_to_login(request.get_full_path())
    if invitation.user_id is not None and invitation.user_id != user.pk:
        raise Http404
    community = invitation.community
    if invitation.status != Invitation.Status.PENDING:
        messages.info(request, _("This invitation is already answered."))
        if can_view_community(user, community):
            return _back(community)
        return redirect("circles:invitations")
    error = None
    if request.method == "POST":
        accept = request.POST.get("accept") == "1"
        try:
            if invitation.purpose == Invitation.Purpose.COFOUNDER:
                services.cofounder_answer(
                    invitation=invitation, user=user, accept=accept
                )
            else:
                services.invitation_answer(
                    invitation=invitation, user=user, accept=accept
                )
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            if not accept:
                messages.info(request, _("The invitation is declined."))
                return redirect("circles:invitations")
            messages.success(
                request,
                (
                    _("You are one of the founders of «%(name)s».")
                    if invitation.purpose == Invitation.Purpose.COFOUNDER
                    else _("Welcome to «%(name)s»!")
                )
                % {"name": community.name},
            )
            return redirect(reverse("circles:detail", args=[community.slug]))
    return render(
        request,
        "circles/invitation_detail.html",
        {
            "invitation": invitation,
            "community": community,
            "error": error,
            "private": True,
        },
        status=400 if error else 200,
    )


# --- What a community holds: its collection and meetings.


@login_required
@require_POST
def collection_add(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    if not can_add_to_collection(request.user, community):
        raise PermissionDenied
    form = CollectionAddForm(request.POST)
    if form.is_valid():
        try:
            services.collection_add(
                community=community,
                user=request.user,
                material=form.cleaned_data["material"],
            )
        except ValidationError as error:
            form.add_error("material", error)
        else:
            messages.success(request, _("The material is in the collection."))
            return redirect(community.get_absolute_url() + "?tab=materials")
    return community_detail(
        request, slug, forms={"collection": form}, status=400, tab="materials"
    )


@login_required
@require_POST
def collection_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = _community(request, slug)
    item = selectors.collection_item_get(community=community, pk=pk)
    if not can_remove_from_collection(request.user, community, item):
        raise PermissionDenied
    services.collection_remove(community=community, user=request.user, item=item)
    messages.success(request, _("The material is taken out of the collection."))
    return redirect(community.get_absolute_url() + "?tab=materials")


@login_required
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A member proposes a meeting of the community; it leads to its page."""
    community = _community(request, slug)
    if not can_propose_meeting(request.user, community):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        group_only = data.pop("group_only")
        try:
            meeting = services.meeting_create(
                community=community, host=request.user, group_only=group_only, **data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The meeting is proposed; its page says when it is published."),
            )
            return redirect(meeting)
    return render(
        request,
        "circles/meeting_form.html",
        {"form": form, "community": community, "private": True},
        status=400 if request.method == "POST" else 200,
    )
