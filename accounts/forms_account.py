"""Forms of the account settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationSetting, Profile
from community.forms import BootstrapFormMixin


class NotificationSettingsForm(BootstrapFormMixin, forms.Form):
    """One delivery choice per kind of notification, and the digest frequency.

    With ``initial_pushes`` (push is on site-wide) each kind also has a
    «push» box: whether it comes to the member's devices.
    """

    digest_frequency = forms.ChoiceField(
        label=_("Digest by e-mail"), choices=Profile.DigestFrequency.choices
    )

    def __init__(
        self,
        *args: object,
        initial_choices: dict,
        initial_pushes: dict | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.with_push = initial_pushes is not None
        order = []
        for kind, label in NotificationSetting.Kind.choices:
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                label=label,
                choices=NotificationSetting.Delivery.choices,
                initial=initial_choices[kind],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            order.append(f"kind_{kind}")
            if self.with_push:
                self.fields[f"push_{kind}"] = forms.BooleanField(
                    label=_("To my devices"),
                    required=False,
                    initial=initial_pushes[kind],
                )
                order.append(f"push_{kind}")
        # The digest question reads best after the kinds.
        self.order_fields(order)

    def choices(self) -> dict[str, str]:
        return {
            kind: self.cleaned_data[f"kind_{kind}"]
            for kind in NotificationSetting.Kind.values
        }

    def pushes(self) -> dict[str, bool] | None:
        """Each kind's «push» box, or None when the form has none."""
        if not self.with_push:
            return None
        return {
            kind: self.cleaned_data[f"push_{kind}"]
            for kind in NotificationSetting.Kind.values
        }

    def kind_rows(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        """(delivery, push or None) of each kind, for the page's rows."""
        return [
            (self[f"kind_{kind}"], self[f"push_{kind}"] if self.with_push else None)
            for kind in NotificationSetting.Kind.values
        ]


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
