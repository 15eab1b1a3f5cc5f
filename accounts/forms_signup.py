"""allauth's sign-up form, answering a race on one address as a taken address.

A module of its own: allauth's forms import ``accounts.forms`` (our
``SignupForm`` is the base of theirs), so that module cannot import them.
"""

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseBase

from accounts.models import User


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
        """
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            email = self.cleaned_data.get("email") or ""
            if User.objects.filter(email__iexact=email).exclude(email="").exists():
                return None, get_adapter().respond_email_verification_sent(
                    request, None
                )
        # Only the username made from the address was taken meanwhile
        # (another address, the same name before "@"): another one is made.
        with transaction.atomic():
            return super().try_save(request)
