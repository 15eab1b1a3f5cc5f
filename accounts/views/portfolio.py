"""The portfolio: a member's record of work on the site."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts import selectors
from accounts.permissions import can_see_detail
from accounts.portfolio import portfolio_for


def portfolio(request: HttpRequest, username: str) -> HttpResponse:
    profile = selectors.profile_get_for_space(
        username=username, viewer=request.user, details=False, portfolio=True
    )
    context = selectors.space_context(
        viewer=request.user, profile=profile, tab="portfolio"
    )
    context["sections"] = portfolio_for(profile.user, request.user, profile=profile)
    return render(request, "accounts/portfolio.html", context)


def portfolio_print(request: HttpRequest, username: str) -> HttpResponse:
    profile = selectors.profile_get_for_space(
        username=username, viewer=request.user, details=False, portfolio=True
    )
    return render(
        request,
        "accounts/portfolio_print.html",
        {
            "profile": profile,
            "show_school": can_see_detail(
                request.user, profile, profile.school_visibility
            ),
            "sections": portfolio_for(profile.user, request.user, profile=profile),
            "today": timezone.localdate(),
        },
    )
