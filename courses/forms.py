"""Courses' forms: shape only; the rules (who may, what a published course
still allows, the hours of a qualification course) are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.forms import (
    ANY_GRADE,
    ANY_SUBJECT,
    CHOOSE_SUBJECT,
    MARKDOWN_HELP,
    BootstrapFormMixin,
    ChooserSelectMultiple,
    DescribedRadioSelect,
    MarkdownEditor,
    TagField,
    usernames_parse,
)
from community.images import ImageUploadField
from community.models import Grade, Subject
from courses.models import QUALIFICATION_MIN_HOURS, Course

LOCAL = "%Y-%m-%dT%H:%M"
# A cohort's dates: a self-paced course keeps none of them.
COHORT_DATES = ("starts_at", "ends_at", "enrolment_opens_at", "enrolment_closes_at")


class LocalDateTimeInput(forms.DateTimeInput):
    """A browser's date-and-time picker; the value is read in the current
    time zone (the member's, ``TimezoneMiddleware``)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL, **kwargs)


def local_fields(form: forms.Form, names) -> None:
    """Read these fields as the date-and-time picker sends them."""
    for name in names:
        if name in form.fields:
            form.fields[name].input_formats = [LOCAL]


# --- The catalogue's filters --------------------------------------------------


class CatalogueFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Words in the title"), max_length=100, required=False)
    subject = forms.ModelChoiceField(
        label=_("Subject"),
        queryset=Subject.objects.all(),
        required=False,
        empty_label=ANY_SUBJECT,
    )
    grade = forms.ModelChoiceField(
        label=_("Grade"),
        queryset=Grade.objects.all(),
        required=False,
        empty_label=ANY_GRADE,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Any kind")), *Course.Kind.choices],
        required=False,
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Any format")), *Course.Format.choices],
        required=False,
    )
    hours_min = forms.IntegerField(
        label=_("Hours from"), min_value=0, max_value=10_000, required=False
    )
    hours_max = forms.IntegerField(
        label=_("Hours up to"), min_value=0, max_value=10_000, required=False
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean(self):
        data = super().clean()
        low, high = data.get("hours_min"), data.get("hours_max")
        if low is not None and high is not None and high < low:
            self.add_error("hours_max", _("Up to must not be less than from."))
        return data


# --- A course --------------------------------------------------------------------


class CourseForm(BootstrapFormMixin, forms.ModelForm):
    """A course's description. Dates are typed in the author's own time zone
    (the page says which); co-authors only by the author."""

    tags = TagField(label=_("Tags"), required=False)
    coauthor_names = forms.CharField(
        label=_("Co-authors"),
        required=False,
        max_length=500,
        help_text=_(
            "User names from colleagues' profile addresses, comma-separated. "
            "Co-authors edit the course and its units."
        ),
    )
    cover_upload = ImageUploadField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG or an iPhone photo (HEIC), up to 5 MB."),
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "annotation",
            "goals",
            "subject",
            "grades",
            "kind",
            "format",
            "starts_at",
            "ends_at",
            "enrolment_opens_at",
            "enrolment_closes_at",
            "capacity",
        ]
        widgets = {
            "annotation": forms.Textarea(attrs={"rows": 3}),
            "goals": MarkdownEditor(attrs={"rows": 8}),
            "grades": ChooserSelectMultiple,
            "format": forms.RadioSelect,
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "enrolment_opens_at": LocalDateTimeInput(),
            "enrolment_closes_at": LocalDateTimeInput(),
        }
        help_texts = {
            "annotation": _("Two or three sentences: whom the course is for and why."),
            "goals": MARKDOWN_HELP,
            "capacity": _(
                "Leave empty for no limit; when the places are taken, a waitlist opens."
            ),
            "starts_at": _("A cohort only: when its units begin."),
            "ends_at": _("A cohort only."),
            "enrolment_opens_at": _("A cohort only. Empty: enrolment is open at once."),
            "enrolment_closes_at": _("A cohort only. Empty: until the course ends."),
        }

    def __init__(self, *args, may_set_coauthors: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.all()
        self.fields["subject"].empty_label = CHOOSE_SUBJECT
        self.fields["grades"].queryset = Grade.objects.all()
        self.fields["kind"].widget = DescribedRadioSelect(
            choices=Course.Kind.choices,
            descriptions={
                Course.Kind.SEMINAR: _("Any length: a few hours on one question."),
                Course.Kind.QUALIFICATION: _(
                    "At least %(hours)d academic hours; Kollegi's certificate "
                    "is not a state document on qualification."
                )
                % {"hours": QUALIFICATION_MIN_HOURS},
            },
        )
        self.fields["kind"].widget.attrs["class"] = "form-check-input"
        # Radio buttons need no empty choice: none is checked until one is chosen.
        self.fields["kind"].choices = Course.Kind.choices
        self.fields["format"].choices = Course.Format.choices
        local_fields(self, COHORT_DATES)
        if not may_set_coauthors:
            del self.fields["coauthor_names"]
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = list(self.instance.tags.all())
            if may_set_coauthors:
                self.initial["coauthor_names"] = ", ".join(
                    user.username for user in self.instance.coauthors.all()
                )

    def clean_coauthor_names(self) -> list[str]:
        return usernames_parse(self.cleaned_data["coauthor_names"])

    def clean(self):
        data = super().clean()
        if data.get("format") != Course.Format.COHORT:
            # A self-paced course has no dates: what was typed before a
            # switch of format is not kept.
            for name in COHORT_DATES:
                data[name] = None
            return data
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        opens, closes = data.get("enrolment_opens_at"), data.get("enrolment_closes_at")
        if opens and closes and closes <= opens:
            self.add_error(
                "enrolment_closes_at",
                _("Enrolment must close after it opens."),
            )
        return data
