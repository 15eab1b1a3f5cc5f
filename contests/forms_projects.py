"""Network projects' forms: shape only; the rules (who may, deadlines ahead,
one team per member, whose material may be a result) are the services'.

Dates are typed in the member's own time zone (``TimezoneMiddleware``); a
material is named by its address in the library, pasted from the browser.
"""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.forms import (
    CHOOSE_SUBJECT,
    MARKDOWN_HELP,
    BootstrapFormMixin,
    MarkdownEditor,
)
from community.models import Subject
from community.numbers import parse_id
from contests.models import Project, Stage, StageResult, Team
from contests.services.contests import date_year_check
from contests.services.projects import MAX_STAGES
from masterclasses.forms import LOCAL, LocalDateTimeInput
from materials.models import Material

MATERIAL_EXAMPLE = "/materials/42/"


def _our_host(host: str, request_host: str) -> bool:
    if host in {urlsplit(settings.SITE_URL).netloc.lower(), request_host.lower()}:
        return True
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


def material_from_address(value: str, request_host: str = "") -> Material:
    """The material a pasted address of the library (or a bare number)
    names; raises ValidationError when it names none. Whether it may be
    used is the service's rule."""
    value = value.strip()
    pk = parse_id(value)
    if pk is None:
        # "kollegi.ru/materials/5/", pasted without its scheme, is one too.
        if "//" not in value and not value.startswith("/") and "/" in value:
            value = f"//{value}"
        parts = urlsplit(value)
        if parts.netloc and not _our_host(parts.netloc.lower(), request_host):
            raise forms.ValidationError(
                _("This is an address of another site: paste one of Kollegi's."),
                code="foreign",
            )
        try:
            match = resolve(parts.path) if parts.path.startswith("/") else None
        except Resolver404:
            match = None
        if match is not None and match.view_name == "materials:detail":
            pk = parse_id(str(match.kwargs.get("pk", "")))
    found = Material.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise forms.ValidationError(
            _("Nothing found at this address. Paste it as it is, like %(example)s.")
            % {"example": MATERIAL_EXAMPLE},
            code="not_found",
        )
    return found


class MaterialAddressField(forms.CharField):
    """A material of the library by its address."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault(
            "help_text",
            _(
                "Open the material in the library and copy its address from the "
                "browser, like %(example)s."
            )
            % {"example": MATERIAL_EXAMPLE},
        )
        super().__init__(**kwargs)
        self.request_host = ""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        return material_from_address(value, self.request_host)


def _host_set(form: forms.Form, request_host: str) -> None:
    for field in form.fields.values():
        if isinstance(field, MaterialAddressField):
            field.request_host = request_host


# --- The index ------------------------------------------------------------------------


class ProjectFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Projects"),
        required=False,
        choices=[
            ("", _("All")),
            (Project.Status.RECRUITING, _("Teams forming")),
            (Project.Status.ACTIVE, pgettext_lazy("projects", "Under way")),
            (Project.Status.COMPLETED, pgettext_lazy("projects", "Completed")),
            ("mine", _("Mine")),
        ],
    )


# --- A project and its stages ---------------------------------------------------------


class ProjectForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "summary", "goal", "subject", "team_size"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "goal": MarkdownEditor(attrs={"rows": 8}),
        }
        help_texts = {
            "summary": _("One or two sentences: what the teams make and for whom."),
            "goal": MARKDOWN_HELP,
            "team_size": _(
                "Teams of colleagues from several schools and regions are "
                "preferred: a mixed team sees more."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.all()
        self.fields["subject"].empty_label = CHOOSE_SUBJECT
        self.fields["subject"].required = False


class StageForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Stage"), max_length=200)
    task = forms.CharField(
        label=_("Task"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=MARKDOWN_HELP,
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        input_formats=[LOCAL],
        widget=LocalDateTimeInput(),
        validators=[date_year_check],
    )

    @staticmethod
    def initial_of(stage: Stage) -> dict:
        return {"title": stage.title, "task": stage.task, "deadline": stage.deadline}


# The stages typed with a new project: empty rows are left out.
StageFormSet = formset_factory(
    StageForm, extra=3, max_num=MAX_STAGES, validate_max=True, absolute_max=MAX_STAGES
)


# --- Teams, results, feedback, completion ---------------------------------------------


class TeamForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Team name"),
        max_length=Team._meta.get_field("name").max_length,
        help_text=_("Invite colleagues from other schools and regions to join it."),
    )


class ResultForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("The result"),
        required=False,
        max_length=StageResult._meta.get_field("text").max_length,
        widget=MarkdownEditor(attrs={"rows": 10}),
        help_text=MARKDOWN_HELP,
    )
    material = MaterialAddressField(
        label=_("Or a material from the library"), required=False
    )

    def __init__(self, *args, request_host: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _host_set(self, request_host)

    def clean(self):
        data = super().clean()
        if (
            not self.errors
            and not data.get("text", "").strip()
            and not data.get("material")
        ):
            raise forms.ValidationError(
                _("Write the result or give a material from the library."),
                code="empty",
            )
        return data


class FeedbackForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept the result")),
            ("return", _("Return it for revision")),
        ],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=_("Feedback to the team"),
        required=False,
        max_length=StageResult._meta.get_field("feedback").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Required when the result goes back for revision. Markdown."),
    )


class CompleteForm(BootstrapFormMixin, forms.Form):
    team = forms.ModelChoiceField(
        label=_("The team that made the product"), queryset=Team.objects.none()
    )
    material = MaterialAddressField(label=_("The final product in the library"))

    def __init__(self, *args, teams=None, request_host: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["team"].queryset = teams
        self.fields["material"].help_text = _(
            "A published material whose author is a member of the team, like "
            "%(example)s. Every member of the team is credited on it as a co-author."
        ) % {"example": MATERIAL_EXAMPLE}
        _host_set(self, request_host)
