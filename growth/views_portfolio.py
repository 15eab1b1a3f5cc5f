"""The attestation portfolio: a page to print and a PDF.

For the plan's owner and her active mentor only (``selectors.plan_for``: a
404 for anyone else, a public plan's readers too — its evidence is hers).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from community.downloads import content_disposition
from growth import selectors
from growth.permissions import is_owner
from growth.portfolio import portfolio_build, portfolio_pdf


@login_required
def portfolio(request: HttpRequest, pk: int) -> HttpResponse:
    """The portfolio as a page; printing drops the site's frame."""
    plan = selectors.plan_for(request.user, pk)
    return render(
        request,
        "growth/portfolio.html",
        {
            "plan": plan,
            "is_owner": is_owner(request.user, plan),
            "portfolio": portfolio_build(plan),
        },
    )


@login_required
def portfolio_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The portfolio as PDF."""
    plan = selectors.plan_for(request.user, pk)
    built = portfolio_build(plan)
    response = HttpResponse(portfolio_pdf(built), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        _("Portfolio %(name)s.pdf") % {"name": built.name}
    )
    return response
