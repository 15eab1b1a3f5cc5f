"""Account settings: notifications, data export, deletion."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms_account import AccountDeleteForm, NotificationSettingsForm
from community.push import push_available, push_devices_of


@login_required
def settings_notifications(request: HttpRequest) -> HttpResponse:
    user = request.user
    chosen = services.notification_settings_of(user=user)
    # The «push» boxes only where push is on site-wide.
    with_push = push_available()
    form = NotificationSettingsForm(
        request.POST or None,
        initial_choices={kind: delivery for kind, (delivery, _p) in chosen.items()},
        initial_pushes=(
            {kind: push for kind, (_d, push) in chosen.items()} if with_push else None
        ),
        initial={
            "digest_frequency": services.profile_ensure(user=user).digest_frequency
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.notification_settings_update(
                    user=user,
                    choices=form.choices(),
                    digest_frequency=form.cleaned_data["digest_frequency"],
                    pushes=form.pushes(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("accounts:settings_notifications")
        status = 400
    return render(
        request,
        "accounts/notification_settings.html",
        {
            "form": form,
            "settings_tab": "notifications",
            # Where she has no device yet, the page says where to add one.
            "without_devices": with_push and not push_devices_of(user),
        },
        status=status,
    )


def _account_page(
    request: HttpRequest, form: AccountDeleteForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "accounts/account_settings.html",
        {"delete_form": form, "settings_tab": "account"},
        status=status,
    )


@login_required
def settings_account(request: HttpRequest) -> HttpResponse:
    return _account_page(request, AccountDeleteForm(user=request.user))


@login_required
@require_POST
# Everything the member ever wrote, in one file: whoever holds an open session
# (a shared staff-room computer) must prove to be the member first. allauth
# asks for the password, or mails a code to a member who signed up through
# a social provider and has none, then replays this request.
@reauthentication_required
def account_export(request: HttpRequest) -> HttpResponse:
    content = services.account_export(user=request.user)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="kollegi-{request.user.username}-{stamp}.zip"'
    )
    return response


def _has_no_password(request: HttpRequest) -> bool:
    return not request.user.has_usable_password()


@login_required
@require_POST
# The form asks for the password; a member who has none (signed up through
# a social provider) confirms with the code allauth mails instead.
@reauthentication_required(enabled=_has_no_password)
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        return _account_page(request, form, status=400)
    services.account_delete(user=request.user)
    logout(request)
    messages.success(
        request,
        _(
            "Your account is deleted. Your published posts stay, "
            "signed as a deleted member."
        ),
    )
    return redirect("home")
