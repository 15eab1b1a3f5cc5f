"""Master-classes' pages: thin; rules in services, reads in selectors."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.downloads import content_disposition
from community.installable import offline_keep
from community.pagecache import page_scoped
from masterclasses import calendar as calendars
from masterclasses import list_fragments, selectors, selectors_lists, services
from masterclasses.certificates import certificate_pdf, with_sheet_facts
from masterclasses.forms import (
    CancelForm,
    CheckinForm,
    FeedbackForm,
    FollowupForm,
    ListFilterForm,
    MasterClassForm,
)
from masterclasses.models import Certificate, MasterClass, Registration
from masterclasses.permissions import (
    can_edit_masterclass,
    can_moderate_masterclasses,
    can_register,
    can_see_room,
    is_host,
)

PER_PAGE = 20


# Its visitors' pages list only what moves every page when it changes (not
# the forums' writes): kept under PUBLIC_PAGES alone (community.pagecache).
@page_scoped(lambda **kwargs: ())
def masterclass_list(request: HttpRequest) -> HttpResponse:
    form = ListFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    past = request.GET.get("when") == "past"
    masterclasses = selectors.masterclass_list(
        user=request.user,
        past=past,
        subject=filters.get("subject"),
        format=filters.get("format", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(
        selectors_lists.CardRows(masterclasses, user=request.user), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "masterclasses/list.html",
        {
            "form": form,
            # The form and its chips: kept.
            "filters": list_fragments.list_filters(request, form),
            "page_obj": page,
            "past": past,
            # The cards: kept, with the member's registration in their keys.
            "cards": list_fragments.masterclass_cards(
                request, page.object_list, past=past
            ),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


# Its visitors' pages list only what moves every page when it changes (not
# the forums' writes): kept under PUBLIC_PAGES alone (community.pagecache).
@page_scoped(lambda **kwargs: ())
def month(
    request: HttpRequest, year: int | None = None, month: int | None = None
) -> HttpResponse:
    today = timezone.localdate()
    year, month = year or today.year, month or today.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    first = datetime.date(year, month, 1)
    previous = first - datetime.timedelta(days=1)
    following = first + datetime.timedelta(days=32)
    weeks = selectors_lists.month_events(
        year=year, month_number=month, user=request.user
    )
    return render(
        request,
        "masterclasses/month.html",
        {
            "weeks": weeks,
            "any_events": any(items for week in weeks for _day, items in week),
            # The days and their master-classes: kept.
            "grid": list_fragments.month_grid(weeks, first=first, today=today),
            "first": first,
            "previous": previous,
            "following": following,
        },
    )


# Its visitors' pages show nothing the forums' writes change: kept until a
# write moves every page (community.pagecache).
@page_scoped(lambda pk: ())
def detail(
    request: HttpRequest, pk: int, forms: dict | None = None, status: int = 200
) -> HttpResponse:
    masterclass = selectors.masterclass_get(pk=pk, user=request.user, for_page=True)
    registration = selectors.registration_of(masterclass=masterclass, user=request.user)
    hosts_it = is_host(request.user, masterclass)
    hosting = hosts_it or can_moderate_masterclasses(request.user)
    now = timezone.now()
    forms = forms or {}
    attended = registration is not None and registration.attended
    context = {
        "masterclass": masterclass,
        "registration": registration,
        "active": registration is not None
        and registration.status != Registration.Status.CANCELLED,
        "position": services.waitlist_position(registration) if registration else None,
        "may_register": can_register(request.user, masterclass),
        "window_error": services.registration_window_error(masterclass),
        "may_edit": can_edit_masterclass(request.user, masterclass),
        "show_room": can_see_room(request.user, masterclass, registration),
        "hosting": hosting,
        "hosts_it": hosts_it,
        "running": masterclass.starts_at - services.CHECKIN_EARLY
        <= now
        <= masterclass.ends_at,
        "over": now > masterclass.ends_at,
        "checkin_form": forms.get("checkin") or CheckinForm(),
        "feedback_form": forms.get("feedback")
        or (
            FeedbackForm(
                initial={
                    "score": registration.feedback.score,
                    "comment": registration.feedback.comment,
                }
            )
            if attended and hasattr(registration, "feedback")
            else FeedbackForm()
        ),
        "attended": attended,
        "google_link": calendars.google_link(masterclass),
        "yandex_link": calendars.yandex_link(masterclass),
        # Hosts, description, tags, materials, recording: kept.
        "body": list_fragments.page_body(
            masterclass,
            cohost_ids=[cohost.pk for cohost in masterclass.cohosts.all()],
        ),
        "is_bookmarked": bool(getattr(masterclass, "viewer_bookmarked", False)),
        "certificate_pk": getattr(masterclass, "viewer_certificate", None),
    }
    if hosting:
        context["participants"] = selectors.participants(masterclass=masterclass)
        context["feedback"] = selectors.feedback_list(masterclass=masterclass)[:50]
    response = render(request, "masterclasses/detail.html", context, status=status)
    if context["active"] or hosts_it:
        # Hers: her browser may keep it for reading offline.
        offline_keep(response, user=request.user)
    return response


@transaction.atomic
def _save_form(request, form, masterclass=None):
    """One transaction: a refused cover leaves no half-made master-class."""
    data = form.cleaned_data
    fields = {key: data[key] for key in services.FIELDS if key in data}
    fields["time_zone"] = timezone.get_current_timezone_name()
    if masterclass is None:
        masterclass = services.masterclass_create(
            host=request.user,
            grades=data["grades"],
            tags=data["tags"],
            cohosts=data["cohost_names"],
            submit=request.POST.get("submit") == "1",
            **fields,
        )
    else:
        if masterclass.host_id != request.user.pk:
            fields.pop("time_zone")  # a moderator's edit keeps the host's zone
        masterclass = services.masterclass_update(
            masterclass=masterclass,
            editor=request.user,
            grades=data["grades"],
            tags=data["tags"],
            cohosts=data["cohost_names"],
            **fields,
        )
    if data.get("cover_upload"):
        services.cover_set(
            masterclass=masterclass, editor=request.user, upload=data["cover_upload"]
        )
    return masterclass


@login_required
def create(request: HttpRequest) -> HttpResponse:
    form = MasterClassForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            masterclass = _save_form(request, form)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _status_message(masterclass))
            return redirect(masterclass)
    return render(
        request,
        "masterclasses/form.html",
        {"form": form, "heading": _("Propose a master-class")},
        status=400 if request.method == "POST" else 200,
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _status_message(masterclass: MasterClass) -> str:
    if masterclass.status == MasterClass.Status.PUBLISHED:
        return _("The master-class is published.")
    if masterclass.status == MasterClass.Status.PROPOSED:
        return _(
            "Thank you! A moderator will look at the proposal, usually within a day."
        )
    return _("The draft is saved.")


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    masterclass = selectors.masterclass_get(pk=pk, user=request.user)
    if not can_edit_masterclass(request.user, masterclass):
        raise Http404
    form = MasterClassForm(
        request.POST or None, request.FILES or None, instance=masterclass
    )
    if request.method == "POST" and form.is_valid():
        try:
            _save_form(request, form, MasterClass.objects.get(pk=masterclass.pk))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The master-class is saved."))
            return redirect(masterclass)
    return render(
        request,
        "masterclasses/form.html",
        {
            "form": form,
            "heading": _("Edit the master-class"),
            "masterclass": masterclass,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    masterclass = selectors.masterclass_get(pk=pk, user=request.user)
    if not can_edit_masterclass(request.user, masterclass):
        raise Http404
    masterclass = services.masterclass_submit(
        masterclass=masterclass, actor=request.user
    )
    messages.success(request, _status_message(masterclass))
    return redirect(masterclass)


@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    masterclass = selectors.masterclass_get(pk=pk, user=request.user)
    if not can_edit_masterclass(request.user, masterclass):
        raise Http404
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.masterclass_cancel(
            masterclass=masterclass,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request, _("The master-class is cancelled; participants are told.")
        )
        return redirect(masterclass)
    return render(
        request,
        "masterclasses/cancel.html",
        {"form": form, "masterclass": masterclass},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    masterclass = selectors.masterclass_get(pk=pk, user=request.user)
    try:
        registration = services.register(masterclass=masterclass, user=request.user)
    except ValidationError as error:
        if error.code == "twice":
            # A double click or a retry answers like the first request.
            messages.info(request, error.messages[0])
            return redirect(masterclass)
        messages.error(request, error.messages[0])
        return detail(request, pk, status=400)
    if registration.status == Registration.Status.WAITLISTED:
        messages.info(
            request,
            _("The seats are taken: you are number %(position)d on the waitlist.")
            % {"position": services.waitlist_position(registration)},
        )
    else:
        messages.success(request, _("You are registered. See you there!"))
    return redirect(masterclass)


@login_required
@require_POST
def unregister(request: HttpRequest, pk: int) -> HttpResponse:
    masterclass = selectors.masterclass_get(pk=pk, user=request.user)
    try:
        services.registration_cancel(masterclass=masterclass, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return detail(request, pk, status=400)
    messages.success(request, _("Your registration is cancelled."))
    return redirect(masterclass)


@login_required
@require_POST
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    masterclass = selectors.masterclass_get(pk=pk, user=request.user)
    form = CheckinForm(request.POST)
    if form.is_valid():
        try:
            services.checkin(
                masterclass=masterclass,
                user=request.user,
                code=form.cleaned_data["code"],
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, _("You are checked in. Enjoy the session!"))
            return redirect(masterclass)
    return detail(request, pk, forms={"checkin": form}, status=400)


@login_required
@require_POST
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    masterclass = selectors.masterclass_get(pk=pk, user=request.user)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_leave(
                masterclass=masterclass,
                user=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(masterclass)
    return detail(request, pk, forms={"feedback": form}, status=400)


def _hosted(request: HttpRequest, pk: int) -> MasterClass:
    masterclass = selectors.masterclass_get(pk=pk, user=request.user)
    if not (
        is_host(request.user, masterclass) or can_moderate_masterclasses(request.user)
    ):
        raise Http404
    return masterclass


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    masterclass = _hosted(request, pk)
    registration = get_object_or_404(
        Registration, pk=request.POST.get("registration") or 0, masterclass=masterclass
    )
    try:
        services.attendance_mark(
            masterclass=masterclass,
            host=request.user,
            registration=registration,
            attended=request.POST.get("attended") == "1",
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(reverse("masterclasses:detail", args=[pk]) + "#participants")


@login_required
def followup(request: HttpRequest, pk: int) -> HttpResponse:
    from materials.models import Material

    masterclass = _hosted(request, pk)
    form = FollowupForm(
        request.POST or None,
        materials=Material.objects.public().filter(author=masterclass.host),
        initial={
            "recording_url": masterclass.recording_url,
            "materials": list(masterclass.materials.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        services.followup_set(
            masterclass=masterclass,
            host=request.user,
            recording_url=form.cleaned_data["recording_url"],
            materials=form.cleaned_data["materials"],
        )
        messages.success(request, _("Saved."))
        return redirect(masterclass)
    return render(
        request,
        "masterclasses/followup.html",
        {"form": form, "masterclass": masterclass},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    masterclass = _hosted(request, pk)
    try:
        issued = services.masterclass_finish(
            masterclass=masterclass, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("The master-class is finished; certificates issued: %(count)d.")
            % {"count": len(issued)},
        )
    return redirect(masterclass)


def ics(request: HttpRequest, pk: int) -> HttpResponse:
    masterclass = selectors.masterclass_get(pk=pk, user=request.user)
    response = HttpResponse(
        calendars.ics_for([masterclass]), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="masterclass-{pk}.ics"'
    return response


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The member's registrations, hosting, certificates and calendar address."""
    if request.method == "POST":
        services.calendar_feed_for(user=request.user, reset=True)
        messages.success(
            request, _("The calendar address is new; the old one no longer works.")
        )
        return redirect("masterclasses:mine")
    token = selectors.calendar_feed_token(user=request.user)  # a GET writes nothing
    page = Paginator(selectors.my_registrations(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    response = render(
        request,
        "masterclasses/mine.html",
        {
            "page_obj": page,
            "hosted": selectors.hosted_by(user=request.user)[:50],
            "certificates": selectors.certificates_of(user=request.user)[:50],
            "feed_url": request.build_absolute_uri(
                reverse("masterclasses:feed", args=[token])
            ),
        },
    )
    # Read offline too, with the master-classes it lists (community.installable).
    return offline_keep(response, user=request.user)


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal calendar: no login, the secret address is the key."""
    owner = selectors.calendar_feed_owner(token=token)
    if owner is None or not owner.is_active:
        raise Http404
    body = calendars.ics_for(
        selectors.feed_masterclasses(user=owner),
        name=_("Kollegi: my master-classes"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(with_sheet_facts(Certificate.objects), pk=pk)
    if certificate.user_id != request.user.pk and not can_moderate_masterclasses(
        request.user
    ):
        raise Http404
    response = HttpResponse(
        certificate_pdf(certificate), content_type="application/pdf"
    )
    response["Content-Disposition"] = content_disposition(
        _("Certificate %(number)s.pdf") % {"number": certificate.number}
    )
    return response
