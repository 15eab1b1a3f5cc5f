"""allauth's sign-up form, answering a race on one address as a taken address.

A module of its own: allauth's forms import ``accounts.forms`` (our
``SignupForm`` is the base of theirs), so that module cannot import them.
"""

from datetime import timedelta

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm
from allauth.account.models import EmailAddress
from allauth.core.internal.ratelimit import parse_rates
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from accounts.models import User


def _confirmation_window() -> timedelta:
    """How long one address gets one letter: allauth's "confirm_email" rate."""
    rates = parse_rates(app_settings.RATE_LIMITS.get("confirm_email"))
    return timedelta(seconds=max((rate.duration for rate in rates), default=0))


def _signup_in_flight(email: str) -> bool:
    """An account made with this address just now and not yet confirmed.

    Its confirmation letter is on its way (or about to be: allauth sends it
    after the account is saved). A second sign-up with the address in that
    window must not send the "you already have an account" letter: allauth
    sends one letter per address per window, and whichever request counts
    first wins, so that letter could crowd out the confirmation itself.
    """
    since = timezone.now() - _confirmation_window()
    users = User.objects.filter(email__iexact=email, date_joined__gte=since)
    return (
        users.exists()
        and not EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
    )


class AccountSignupForm(SignupForm):
    def try_save(
        self, request: HttpRequest
    ) -> tuple[User | None, HttpResponseBase | None]:
        """Make the account, its profile and its address together, or nothing.

        The address is checked when the form is cleaned. A sign-up with the
        same address (in any case) that commits after that check makes the
        insert fail on the unique e-mail: a double click, a retry, or someone
        else at the same moment. This request then gets the answer a taken
        address gets (allauth's "check your mail" page: no account
        enumeration), never an error page, and sends no letter: allauth sends
        one letter per address every few minutes, and that one is the new
        account's confirmation, sent after its commit.

        A sign-up that finds the address taken by an account made moments
        ago and not yet confirmed gets the same answer, with no letter either
        (see ``_signup_in_flight``).
        """
        email = self.cleaned_data.get("email") or ""
        if self.account_already_exists and _signup_in_flight(email):
            return None, get_adapter().respond_email_verification_sent(request, None)
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            if User.objects.filter(email__iexact=email).exclude(email="").exists():
                return None, get_adapter().respond_email_verification_sent(
                    request, None
                )
        # Only the username made from the address was taken meanwhile
        # (another address, the same name before "@"): another one is made.
        with transaction.atomic():
            return super().try_save(request)
