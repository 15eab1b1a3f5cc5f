"""Polls' forms: shape only; the rules (who may, how many answers, what a
poll with votes still lets change) are in ``contests.services.polls``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.forms import BootstrapFormMixin, ScaleRadioSelect, bootstrap_widgets
from contests.models import Poll
from contests.selectors_polls import PollShown
from contests.services.contests import date_year_check
from contests.services.polls import MAX_OPTIONS

LOCAL = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    """A browser's date-and-time picker; the value is read in the current
    time zone (the member's, ``TimezoneMiddleware``)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL, **kwargs)


class PollForm(BootstrapFormMixin, forms.Form):
    """A poll's question, answers and rules. The answers, the kind and the
    number of answers are left out once anyone voted (``locked``); the
    audience is asked only in a community's section and only when the poll
    is made."""

    question = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Answers"),
        choices=Poll.Kind.choices,
        initial=Poll.Kind.SINGLE,
        widget=forms.RadioSelect,
    )
    options = forms.CharField(
        label=_("Answer options"),
        required=False,
        max_length=MAX_OPTIONS * 210,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One answer a line, from 2 to 20. A scale needs none: its answers "
            "are 1 to 5."
        ),
    )
    max_choices = forms.IntegerField(
        label=_("How many answers a colleague may choose"),
        required=False,
        min_value=2,
        max_value=MAX_OPTIONS,
        help_text=_("For several answers only; leave empty for any number."),
    )
    results = forms.ChoiceField(
        label=_("Results shown"),
        choices=Poll.Results.choices,
        initial=Poll.Results.ALWAYS,
        widget=forms.RadioSelect,
    )
    voters_shown = forms.BooleanField(
        label=_("Show who voted"),
        required=False,
        help_text=_(
            "Without it nobody, moderators included, sees who voted: only how "
            "many. Once colleagues voted in secret, the poll stays secret."
        ),
    )
    audience = forms.ChoiceField(
        label=_("Who votes"),
        choices=Poll.Audience.choices,
        initial=Poll.Audience.READERS,
        widget=forms.RadioSelect,
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        required=False,
        input_formats=[LOCAL],
        widget=LocalDateTimeInput(),
        validators=[date_year_check],
        help_text=_("Empty: open until you close it."),
    )

    def __init__(self, *args, in_community: bool, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not in_community:
            del self.fields["audience"]
        if locked:
            for name in ("kind", "options", "max_choices"):
                del self.fields[name]

    def clean_options(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data["options"].splitlines()
            if line.strip()
        ]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and kind != Poll.Kind.SCALE and "options" in data:
            if len(data["options"]) < 2:
                self.add_error("options", _("Give at least two answers, a line each."))
            elif len(data["options"]) > MAX_OPTIONS:
                self.add_error("options", _("At most 20 answers."))
        return data


class VoteForm(forms.Form):
    """A vote: the poll's question as the group's legend, one radio button
    an answer (a scale's in one line), or a checkbox an answer when several
    may be chosen."""

    def __init__(self, *args, shown: PollShown, **kwargs):
        kwargs.setdefault("prefix", f"poll{shown.poll.pk}")
        if not args and "data" not in kwargs and shown.voted:
            kwargs.setdefault("initial", {"choice": self._initial(shown)})
        super().__init__(*args, **kwargs)
        poll = shown.poll
        choices = [(str(option.pk), option.text) for option in shown.options]
        if poll.kind == Poll.Kind.MULTIPLE:
            field = forms.MultipleChoiceField(
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                help_text=(
                    _("Choose up to %(count)d.") % {"count": poll.max_choices}
                    if poll.max_choices < len(choices)
                    else ""
                ),
            )
        else:
            widget = (
                ScaleRadioSelect if poll.kind == Poll.Kind.SCALE else forms.RadioSelect
            )
            field = forms.ChoiceField(choices=choices, widget=widget)
        field.label = poll.question
        field.error_messages["required"] = _("Choose an answer.")
        self.fields["choice"] = field
        self.max_choices = poll.max_choices
        self.is_multiple = poll.kind == Poll.Kind.MULTIPLE
        bootstrap_widgets(self.fields.values())

    @staticmethod
    def _initial(shown: PollShown):
        mine = [str(pk) for pk in shown.mine]
        if shown.poll.kind == Poll.Kind.MULTIPLE:
            return mine
        return mine[0] if mine else None

    def clean_choice(self):
        chosen = self.cleaned_data["choice"]
        if not self.is_multiple:
            return [int(chosen)]
        if len(chosen) > self.max_choices:
            raise forms.ValidationError(
                _("Choose at most %(count)d answers.") % {"count": self.max_choices}
            )
        return [int(pk) for pk in chosen]


class DeleteForm(BootstrapFormMixin, forms.Form):
    """A moderator's reason for deleting a poll someone else made (on record)."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
