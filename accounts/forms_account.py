"""Forms of the account settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationSetting, Profile
from community.forms import BootstrapFormMixin


class NotificationSettingsForm(BootstrapFormMixin, forms.Form):
    """One delivery choice per kind of notification, and the digest frequency."""

    digest_frequency = forms.ChoiceField(
        label=_("Digest by e-mail"), choices=Profile.DigestFrequency.choices
    )

    def __init__(self, *args: object, initial_choices: dict, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in NotificationSetting.Kind.choices:
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                label=label,
                choices=NotificationSetting.Delivery.choices,
                initial=initial_choices[kind],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        # The digest question reads best after the kinds.
        self.order_fields([*(f"kind_{k}" for k in NotificationSetting.Kind.values)])

    def choices(self) -> dict[str, str]:
        return {
            kind: self.cleaned_data[f"kind_{kind}"]
            for kind in NotificationSetting.Kind.values
        }


class AccountDeleteForm(BootstrapFormMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: object, user, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            # Signed up through a social provider: there is no password to
            # ask for; the view has allauth mail a code instead.
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("The password is not right."), code="password"
            )
        return password
