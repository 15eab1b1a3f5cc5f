"""Forms of the learner's, the author's and the expert's pages: shape only.

The rules (who may, when, how many) are the services'; a refusal comes back
as a ValidationError the view attaches to the form.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from community.forms import (
    MARKDOWN_HELP,
    BootstrapFormMixin,
    MarkdownEditor,
    ScaleRadioSelect,
    bootstrap_widgets,
)
from courses.models import CourseReview, PeerReview, ReviewRound

SCORES = [(number, str(number)) for number in range(5, 0, -1)]


def _rubric(form: forms.Form, criteria, *, comments: bool) -> None:
    """A 1–5 choice per criterion (radio buttons), each with a comment when
    ``comments``."""
    for key, label in criteria:
        form.fields[key] = forms.TypedChoiceField(
            label=label, coerce=int, choices=SCORES, widget=ScaleRadioSelect
        )
        if comments:
            form.fields[f"{key}_comment"] = forms.CharField(
                label=_("Comment"),
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )


class AnswerForm(BootstrapFormMixin, forms.Form):
    """A short answer to a material's question."""

    answer = forms.CharField(
        label=_("Your answer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SubmissionForm(BootstrapFormMixin, forms.Form):
    """An assignment's work: a text, a file, or both (the service checks the
    file by its content and size)."""

    text = forms.CharField(
        label=_("Your answer"),
        help_text=MARKDOWN_HELP,
        max_length=20_000,
        required=False,
        widget=MarkdownEditor(attrs={"rows": 8}),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        max_length=255,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        megabytes = settings.COURSES_ASSIGNMENT_MAX_FILE_SIZE // 2**20
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, PowerPoint, OpenDocument, text, JPEG, PNG or ZIP, "
            "up to %(size)d MB."
        ) % {"size": megabytes}

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("file"):
            raise forms.ValidationError(
                _("Write your answer or attach a file."), code="empty"
            )
        return data


class PeerReviewForm(BootstrapFormMixin, forms.Form):
    """A colleague's review: the short rubric, a verdict and a comment."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _rubric(self, PeerReview.CRITERIA, comments=False)
        self.fields["verdict"] = forms.ChoiceField(
            label=_("Your verdict"),
            choices=PeerReview.Verdict.choices,
            widget=forms.RadioSelect,
        )
        self.fields["comment"] = forms.CharField(
            label=_("Comment for the colleague"),
            help_text=_("What works, and what to improve."),
            max_length=3000,
            widget=forms.Textarea(attrs={"rows": 5}),
        )
        bootstrap_widgets(self.fields.values())

    def scores(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key, _label in PeerReview.CRITERIA}


class SubmissionDecideForm(BootstrapFormMixin, forms.Form):
    """The author's decision on a submission: accept, or return with a note."""

    ACCEPT = "accept"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept")), (RETURN, _("Return for revision"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the learner"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == self.RETURN and not data.get("comment", "").strip():
            self.add_error("comment", _("Say what to improve: the learner reads it."))
        return data


class AcceptCompletionForm(BootstrapFormMixin, forms.Form):
    """Completion accepted by hand: the reason goes to the record."""

    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Why the course counts as completed although not every required "
            "unit is done; kept in the record with your name."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I confirm: the learner has completed the course and receives "
            "its certificate."
        )
    )


class CourseReviewForm(BootstrapFormMixin, forms.Form):
    """The expert's rubric: each criterion 1–5 with a comment; then the
    recommendation and an overall comment (the materials' review form)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _rubric(self, CourseReview.CRITERIA, comments=True)
        self.fields["recommendation"] = forms.ChoiceField(
            label=_("Your recommendation"),
            choices=ReviewRound.Decision.choices,
            widget=forms.RadioSelect,
        )
        self.fields["summary"] = forms.CharField(
            label=_("Overall comment for the authors"),
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 5}),
        )
        bootstrap_widgets(self.fields.values())

    def scores(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key, _label in CourseReview.CRITERIA}

    def comments(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[f"{key}_comment"]
            for key, _label in CourseReview.CRITERIA
        }


class ReviewDecideForm(BootstrapFormMixin, forms.Form):
    """A moderator's decision on a review round."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=ReviewRound.Decision.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Comment for the authors"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
