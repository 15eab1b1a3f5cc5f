from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User


class SignupForm(forms.Form):
    """The fields allauth's sign-up form adds for us: the name colleagues see."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        help_text=_("First name and surname, as colleagues know you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def signup(self, request: HttpRequest, user: User) -> None:
        services.profile_ensure(
            user=user, display_name=self.cleaned_data["display_name"]
        )
