"""Copyright takedown: the public request form and the author's answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from materials import selectors
from materials.forms import TakedownAnswerForm, TakedownForm
from materials.models import TakedownRequest
from materials.services import takedown as services

# Requests one address may send in an hour: enough for a publisher's list.
TAKEDOWNS_PER_HOUR = 10


def _over_limit(request: HttpRequest) -> bool:
    from allauth.account.adapter import get_adapter

    try:
        address = get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        address = "unknown"
    key = f"takedown-requests:{address}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        return cache.incr(key) > TAKEDOWNS_PER_HOUR
    except ValueError:  # expired meanwhile, or the cache is away: not counted
        return False


def request_takedown(request: HttpRequest, pk: int) -> HttpResponse:
    """Open to everyone, with or without an account, for a visible material."""
    material = selectors.material_get(pk=pk, user=request.user)
    if not (material.is_published and not material.is_hidden):
        raise Http404
    form = TakedownForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if _over_limit(request):
            form.add_error(
                None, _("Too many requests from your address: try in an hour.")
            )
            status = 429
        elif form.is_valid():
            try:
                services.takedown_request(material=material, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return render(
                    request,
                    "materials/takedown_sent.html",
                    {"material": material, "email": form.cleaned_data["email"]},
                )
    return render(
        request,
        "materials/takedown_form.html",
        {"form": form, "material": material},
        status=status,
    )


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The author answers a request that hid their material."""
    takedown = get_object_or_404(
        TakedownRequest.objects.select_related("material"),
        pk=pk,
        material__author=request.user,
    )
    form = TakedownAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.takedown_answer(
                request=takedown, author=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Thank you. A moderator will read your answer and decide.")
            )
            return redirect(takedown.material)
    return render(
        request,
        "materials/takedown_answer.html",
        {"form": form, "takedown": takedown},
        status=400 if request.method == "POST" else 200,
    )
