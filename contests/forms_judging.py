"""Forms of the jury's pages: shape only. Who may sit on a jury, when a
score may be written and whether a judge has a conflict of interest are the
services' to say (``contests.services.judging``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.forms import BootstrapFormMixin, ScaleRadioSelect, bootstrap_widgets
from contests.models import Contest, Nomination
from contests.services.judging import (
    COMMENT_MAX_LENGTH,
    MARK_MAX,
    MARK_MIN,
    criteria_of,
)

MARKS = [(number, str(number)) for number in range(MARK_MAX, MARK_MIN - 1, -1)]


class JudgeAssignForm(BootstrapFormMixin, forms.Form):
    """The organiser seats an expert: her username, and one nomination or
    every one."""

    username = forms.CharField(
        label=_("The expert's username"),
        max_length=150,
        help_text=_("Only Kollegi's experts can sit on a jury."),
    )
    nomination = forms.ModelChoiceField(
        label=_("Nomination"),
        queryset=Nomination.objects.none(),
        required=False,
        empty_label=_("Every nomination"),
    )

    def __init__(self, *args, contest: Contest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = Nomination.objects.filter(contest=contest)

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lstrip("@")


class ScoreForm(BootstrapFormMixin, forms.Form):
    """A judge's score: each criterion of the nomination's rubric from 5 to 1,
    and a comment for the authors (they never see who wrote it)."""

    def __init__(self, *args, nomination: Nomination, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria_of(nomination)
        for key, title in self.criteria:
            self.fields[f"mark_{key}"] = forms.TypedChoiceField(
                label=title, coerce=int, choices=MARKS, widget=ScaleRadioSelect
            )
        self.fields["comment"] = forms.CharField(
            label=_("Comment for the authors"),
            help_text=_(
                "The authors read it with the results; your name is not shown."
            ),
            max_length=COMMENT_MAX_LENGTH,
            required=False,
            widget=forms.Textarea(attrs={"rows": 5}),
        )
        bootstrap_widgets(self.fields.values())

    @staticmethod
    def initial_from(score) -> dict:
        """The form's initial values from a score written before."""
        if score is None:
            return {}
        initial = {f"mark_{key}": value for key, value in score.marks.items()}
        initial["comment"] = score.comment
        return initial

    def marks(self) -> dict[str, int]:
        return {key: self.cleaned_data[f"mark_{key}"] for key, _title in self.criteria}
