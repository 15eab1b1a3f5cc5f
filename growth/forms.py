"""«Мой путь»'s forms: shape only. Who may, one plan per target, what a link
may be and whether a file is acceptable are the services' to say
(``growth.services``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.forms import BootstrapFormMixin, DescribedRadioSelect
from growth.models import Competency, OwnEvidence, Plan, PlanItem

DATE = "%Y-%m-%d"
NO_COMPETENCY = _("Not tied to a competency")
CHOOSE_COMPETENCY = _("Choose a competency")


class DateInput(forms.DateInput):
    """A browser's date picker (a plain text field where there is none)."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format=DATE, **kwargs)


def _date_field(label, *, required: bool = False, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=[DATE, "%d.%m.%Y"],
        help_text=help_text,
    )


def _period_check(form: forms.Form) -> None:
    starts, ends = form.cleaned_data.get("starts_on"), form.cleaned_data.get("ends_on")
    if starts and ends and ends <= starts:
        form.add_error("ends_on", _("The plan must end after it starts."))


def _visibility_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Who sees the plan"),
        choices=Plan.Visibility.choices,
        initial=Plan.Visibility.PRIVATE,
        widget=DescribedRadioSelect(
            descriptions={
                Plan.Visibility.PRIVATE: _(
                    "Only you and the mentor you invite. Search, feeds and "
                    "colleagues never see it."
                ),
                Plan.Visibility.PUBLIC: _(
                    "Anyone with the address sees the target and the items you "
                    "have done; nothing else."
                ),
            }
        ),
    )


# --- A plan -----------------------------------------------------------------------


class PlanCreateForm(BootstrapFormMixin, forms.Form):
    """A new plan: the target (one of the current framework version's) and,
    if she likes, its period (today and three years on unless given)."""

    target = forms.ChoiceField(label=_("What are you aiming for?"))
    starts_on = _date_field(_("Starts"), help_text=_("Empty: today."))
    ends_on = _date_field(_("Ends"), help_text=_("Empty: in three years."))
    visibility = _visibility_field()

    def __init__(self, *args, targets, planned=(), **kwargs):
        """``targets``: the current targets; ``planned``: the codes of those
        she already has an active plan for (choosing one opens that plan)."""
        super().__init__(*args, **kwargs)
        self.targets = {str(target.pk): target for target in targets}
        descriptions = {}
        for target in targets:
            text = target.description
            if target.code in planned:
                text = _("%(description)s You have a plan for it: it will open.") % {
                    "description": text
                }
            descriptions[target.pk] = str(text).strip()
        field = self.fields["target"]
        field.choices = [(target.pk, target.title) for target in targets]
        field.widget = DescribedRadioSelect(
            choices=field.choices, descriptions=descriptions
        )
        field.widget.attrs["class"] = "form-check-input"

    def clean_target(self):
        return self.targets[self.cleaned_data["target"]]

    def clean(self):
        data = super().clean()
        _period_check(self)
        return data


class PlanForm(BootstrapFormMixin, forms.Form):
    starts_on = _date_field(_("Starts"), required=True)
    ends_on = _date_field(_("Ends"), required=True)
    visibility = _visibility_field()
    note = forms.CharField(
        label=_("My notes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only you and your mentor see them."),
    )

    def clean(self):
        data = super().clean()
        _period_check(self)
        return data


def plan_initial(plan: Plan) -> dict:
    return {
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "visibility": plan.visibility,
        "note": plan.note,
    }


# --- An item -----------------------------------------------------------------------


class CompetencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        return f"{obj.code} {obj.title}"


class ItemForm(BootstrapFormMixin, forms.Form):
    """A plan item. A suggestion («Добавить в план») sends the same fields,
    with ``object_key`` naming what on the site it is; editing changes no
    kind and no object."""

    kind = forms.ChoiceField(label=_("What is it"), choices=PlanItem.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.CharField(
        label=_("Link"),
        max_length=500,
        required=False,
        help_text=_(
            "A page of Kollegi (it starts with «/») or an address elsewhere "
            "(https://…)."
        ),
    )
    competency = CompetencyChoiceField(
        label=_("Competency"),
        queryset=Competency.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=NO_COMPETENCY,
    )
    due_on = _date_field(
        _("Due"), help_text=_("A reminder comes a week before, if you wish.")
    )
    object_key = forms.CharField(
        max_length=80, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, plan: Plan, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = Competency.objects.filter(
            version_id=plan.target.version_id
        )
        if editing:
            del self.fields["kind"]
            del self.fields["object_key"]

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_url(self) -> str:
        return self.cleaned_data["url"].strip()


def item_initial(item: PlanItem) -> dict:
    return {
        "title": item.title,
        "url": item.url,
        "competency": item.competency.code if item.competency else None,
        "due_on": item.due_on,
    }


# --- Her own evidence ----------------------------------------------------------------


class OwnEvidenceForm(BootstrapFormMixin, forms.Form):
    """Evidence she adds herself: a link, a file or both. Her mentor confirms
    it; a change makes it unconfirmed again."""

    kind = forms.ChoiceField(label=_("What is it"), choices=OwnEvidence.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    happened_on = _date_field(_("Date"), required=True)
    # Required: evidence tied to no competency counts nowhere (the plan's
    # criteria, the portfolio).
    competency_code = forms.ChoiceField(
        label=_("Competency"),
        choices=(),
        error_messages={"required": _("Choose the competency this evidence shows.")},
    )
    hours = forms.IntegerField(
        label=_("Academic hours"),
        min_value=1,
        max_value=2000,
        required=False,
        help_text=_("For a course: the hours on its certificate."),
    )
    link = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Where it can be seen: a publication, a video, a diploma."),
    )
    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "A scan or a document: PDF, Word, an image. Only you and your mentor "
            "can open it."
        ),
    )
    remove_file = forms.BooleanField(
        label=_("Remove the attached file"), required=False
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, has_file: bool = False, **kwargs):
        """``has_file``: the evidence edited already has a file. The
        competencies are the current framework version's (their codes stay
        the same across versions)."""
        super().__init__(*args, **kwargs)
        self.has_file = has_file
        competencies = Competency.objects.filter(version__is_current=True)
        self.fields["competency_code"].choices = [
            ("", CHOOSE_COMPETENCY),
            *((item.code, f"{item.code} {item.title}") for item in competencies),
        ]
        if has_file:
            self.fields["upload"].help_text = _("A new file replaces the one attached.")
        else:
            del self.fields["remove_file"]

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean(self):
        data = super().clean()
        keeps_file = self.has_file and not data.get("remove_file")
        if (
            not data.get("link")
            and not data.get("upload")
            and not keeps_file
            and "link" not in self.errors
            and "upload" not in self.errors
        ):
            self.add_error(
                "link", _("Give a link or attach a file: something one can check.")
            )
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            "kind": data["kind"],
            "title": data["title"],
            "happened_on": data["happened_on"],
            "description": data["description"],
            "link": data["link"],
            "upload": data.get("upload") or None,
            "competency_code": data["competency_code"],
            "hours": data["hours"],
        }
        if self.has_file:
            fields["remove_file"] = data["remove_file"]
        return fields


def own_evidence_initial(evidence: OwnEvidence) -> dict:
    return {
        "kind": evidence.kind,
        "title": evidence.title,
        "happened_on": evidence.happened_on,
        "competency_code": evidence.competency_code,
        "hours": evidence.hours,
        "link": evidence.link,
        "description": evidence.description,
    }
