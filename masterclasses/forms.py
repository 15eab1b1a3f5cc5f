"""Master-classes' forms: shape only; the rules are in the services."""

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from community.forms import (
    ANY_SUBJECT,
    CHOOSE_SUBJECT,
    MARKDOWN_HELP,
    BootstrapFormMixin,
    ChooserSelectMultiple,
    MarkdownEditor,
    TagField,
)
from community.images import ImageUploadField
from community.models import Grade, Subject
from masterclasses.models import MasterClass

LOCAL = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL, **kwargs)


class MasterClassForm(BootstrapFormMixin, forms.ModelForm):
    """Times are typed in the host's own time zone (the page says which)."""

    tags = TagField(label=_("Tags"), required=False)
    room_url = forms.URLField(
        label=_("Room link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Shown only to registered participants."),
    )
    cohost_names = forms.CharField(
        label=_("Co-hosts"),
        required=False,
        max_length=500,
        help_text=_("User names from colleagues' profile addresses, comma-separated."),
    )
    cover_upload = ImageUploadField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG or an iPhone photo (HEIC), up to 5 MB."),
    )

    class Meta:
        model = MasterClass
        fields = [
            "title",
            "description",
            "subject",
            "grades",
            "format",
            "room_url",
            "venue",
            "address",
            "starts_at",
            "ends_at",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
        ]
        widgets = {
            "description": MarkdownEditor(attrs={"rows": 8}),
            "grades": ChooserSelectMultiple,
            "format": forms.RadioSelect,
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "registration_opens_at": LocalDateTimeInput(),
            "registration_closes_at": LocalDateTimeInput(),
        }
        help_texts = {
            "description": MARKDOWN_HELP,
            "capacity": _(
                "Leave empty for no limit; when the seats are taken, a waitlist opens."
            ),
            "registration_opens_at": _("Empty: registration is open at once."),
            "registration_closes_at": _("Empty: until the master-class ends."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.all()
        self.fields["subject"].empty_label = CHOOSE_SUBJECT
        # Radio buttons need no empty choice: none is checked until one is chosen.
        self.fields["format"].choices = MasterClass.Format.choices
        self.fields["grades"].queryset = Grade.objects.all()
        for name in (
            "starts_at",
            "ends_at",
            "registration_opens_at",
            "registration_closes_at",
        ):
            self.fields[name].input_formats = [LOCAL]
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = list(self.instance.tags.all())
            self.initial["cohost_names"] = ", ".join(
                user.username for user in self.instance.cohosts.all()
            )

    def clean_cohost_names(self) -> list:
        from masterclasses.services import hosts_get

        names = [
            name.strip().lstrip("@")
            for name in self.cleaned_data["cohost_names"].split(",")
            if name.strip()
        ]
        users = hosts_get(names)
        missing = sorted(set(names) - {user.username for user in users})
        if missing:
            raise forms.ValidationError(
                _("No such colleagues: %(names)s.") % {"names": ", ".join(missing)}
            )
        return users

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return data


class CheckinForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("Code from the host's screen"), max_length=8)


class FeedbackForm(BootstrapFormMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("How useful was it?"),
        coerce=int,
        choices=[(number, str(number)) for number in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FollowupForm(BootstrapFormMixin, forms.Form):
    recording_url = forms.URLField(
        label=_("Recording link"), required=False, assume_scheme="https"
    )
    materials = forms.ModelMultipleChoiceField(
        label=_("Materials from the library"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].queryset = materials


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (participants will read it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


FILTER_DATE_VALIDATORS = [
    MinValueValidator(datetime.date(2000, 1, 1)),
    MaxValueValidator(datetime.date(2999, 12, 31)),
]


class ListFilterForm(BootstrapFormMixin, forms.Form):
    subject = forms.ModelChoiceField(
        label=_("Subject"),
        queryset=Subject.objects.all(),
        required=False,
        empty_label=ANY_SUBJECT,
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Any format")), *MasterClass.Format.choices],
        required=False,
    )
    # Bounded: the list reads whole days around them in the viewer's zone,
    # which for 0001-01-01 or 9999-12-31 is no date.
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=FILTER_DATE_VALIDATORS,
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=FILTER_DATE_VALIDATORS,
    )
