"""Profiles, the member directory and profile settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors, services
from accounts.forms import AvatarForm, DirectoryFilterForm, PrivacyForm, ProfileForm
from accounts.models import Visibility
from accounts.permissions import (
    can_see_detail,
    can_see_hidden_profile,
    can_view_profile,
)
from accounts.profile_blocks import profile_blocks_for
from community import selectors as community_selectors
from community.changes import profile_kept_under
from community.pagecache import page_scoped
from community.vocabulary import Region

PER_PAGE = 20


@page_scoped(profile_kept_under)
def profile_detail(request: HttpRequest, username: str) -> HttpResponse:
    profile = selectors.profile_get_for_space(username=username, viewer=request.user)
    viewer = request.user
    if not can_view_profile(viewer, profile):
        raise Http404
    context = selectors.space_context(viewer=viewer, profile=profile, tab="profile")
    if not can_see_hidden_profile(viewer, profile):
        # Hidden by a moderator: others see the name and a notice only.
        context["profile_shown"] = False
        return render(request, "accounts/profile_detail.html", context)
    context.update(
        profile_shown=True,
        show_email=can_see_detail(viewer, profile, profile.email_visibility),
        show_school=can_see_detail(viewer, profile, profile.school_visibility),
        show_location=can_see_detail(viewer, profile, profile.location_visibility),
        region_label=Region(profile.region).label if profile.region else "",
        latest_posts=selectors.post_list_latest_for_profile(profile=profile),
        badge_awards=community_selectors.badges_of(user=profile.user)[:50],
        profile_blocks=profile_blocks_for(user=profile.user, viewer=viewer),
    )
    return render(request, "accounts/profile_detail.html", context)


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        # The list stays useful: filters that were valid still apply.
        status = 400
    data = form.cleaned_data if form.is_bound else {}
    category = data.get("category")
    profiles = selectors.profile_list_for_directory(
        query=data.get("q") or "",
        subject=data.get("subject"),
        grade=data.get("grade"),
        region=data.get("region") or "",
        # "none" asks for members without a category, "" (or nothing) for any.
        category={None: None, "": None, "none": ""}.get(category, category),
    )
    page = Paginator(profiles, PER_PAGE).get_page(request.GET.get("page"))
    viewer = request.user
    rows = [
        (profile, can_see_detail(viewer, profile, profile.location_visibility))
        for profile in page
    ]
    return render(
        request,
        "accounts/directory.html",
        {"form": form, "page_obj": page, "rows": rows},
        status=status,
    )


@require_GET
@login_required
# The same letters typed again within a minute need no second request.
@cache_control(private=True, max_age=60)
def mention_suggest(request: HttpRequest) -> JsonResponse:
    """``{"members": [{"username", "name"}, ...]}``: colleagues to mention for ``q``."""
    members = selectors.profile_list_for_mention(
        query=request.GET.get("q", ""), viewer=request.user
    )
    return JsonResponse({"members": members})


def _settings_render(
    request: HttpRequest, form: ProfileForm, avatar_form: AvatarForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "accounts/profile_settings.html",
        {
            "form": form,
            "avatar_form": avatar_form,
            "profile": request.user.profile,
            "settings_tab": "profile",
        },
        status=status,
    )


@login_required
def settings_profile(request: HttpRequest) -> HttpResponse:
    profile = services.profile_ensure(user=request.user)
    if request.method != "POST":
        return _settings_render(request, ProfileForm(instance=profile), AvatarForm())
    # Bound to a copy: a refused form must not leave half-changed values behind.
    form = ProfileForm(request.POST, instance=type(profile).objects.get(pk=profile.pk))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_update(
                profile=profile,
                editor=request.user,
                subjects=data.pop("subjects"),
                grades=data.pop("grades"),
                interests=data.pop("interests"),
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:settings_profile")
    return _settings_render(request, form, AvatarForm(), status=400)


@login_required
@require_POST
def avatar_upload(request: HttpRequest) -> HttpResponse:
    profile = services.profile_ensure(user=request.user)
    avatar_form = AvatarForm(request.POST, request.FILES)
    if avatar_form.is_valid():
        try:
            services.profile_avatar_set(
                profile=profile, upload=avatar_form.cleaned_data["avatar"]
            )
        except ValidationError as error:
            avatar_form.add_error("avatar", error)
        else:
            messages.success(request, _("Your new picture is saved."))
            return redirect("accounts:settings_profile")
    profile.refresh_from_db()
    return _settings_render(
        request, ProfileForm(instance=profile), avatar_form, status=400
    )


@login_required
@require_POST
def avatar_remove(request: HttpRequest) -> HttpResponse:
    services.profile_avatar_remove(profile=services.profile_ensure(user=request.user))
    messages.success(request, _("Your picture is removed."))
    return redirect("accounts:settings_profile")


@login_required
def settings_privacy(request: HttpRequest) -> HttpResponse:
    profile = services.profile_ensure(user=request.user)
    status = 200
    if request.method == "POST":
        form = PrivacyForm(
            request.POST, instance=type(profile).objects.get(pk=profile.pk)
        )
        if form.is_valid():
            try:
                services.profile_privacy_update(profile=profile, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your privacy settings are saved."))
                return redirect("accounts:settings_privacy")
        status = 400
    else:
        form = PrivacyForm(instance=profile)
    return render(
        request,
        "accounts/privacy_settings.html",
        {"form": form, "settings_tab": "privacy", "visibility": Visibility},
        status=status,
    )
