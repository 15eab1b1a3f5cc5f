"""A course's units as its authors add and edit them: one form per kind,
with only the fields that kind has. What a unit stands on (a master-class, a
material, a forum topic) is named by its address, pasted from the browser;
the form finds the row, the services decide whether the course may use it."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from community.forms import MARKDOWN_HELP, BootstrapFormMixin, MarkdownEditor
from community.numbers import parse_id
from courses.forms import LocalDateTimeInput, local_fields
from courses.models import Unit

# What each kind of unit points at: the model field, and the page whose
# address the author pastes.
OBJECT_OF_KIND = {
    Unit.Kind.MASTERCLASS: ("masterclass", "masterclasses:detail"),
    Unit.Kind.MATERIAL: ("material", "materials:detail"),
    Unit.Kind.DISCUSSION: ("topic", "forums:topic"),
}
COMPLETIONS_OF_KIND = {
    Unit.Kind.MATERIAL: [Unit.Completion.OPENED, Unit.Completion.ANSWER],
    Unit.Kind.ASSIGNMENT: [Unit.Completion.PEERS, Unit.Completion.AUTHOR],
}
BODY_LABELS = {
    Unit.Kind.MASTERCLASS: _("Introduction"),
    Unit.Kind.MATERIAL: _("Introduction, or the question to answer"),
    Unit.Kind.READING: _("Text"),
    Unit.Kind.DISCUSSION: _("Introduction"),
    Unit.Kind.ASSIGNMENT: _("The task"),
}
ADDRESS_LABELS = {
    Unit.Kind.MASTERCLASS: _("Address of the master-class"),
    Unit.Kind.MATERIAL: _("Address of the material"),
    Unit.Kind.DISCUSSION: _("Address of the forum topic"),
}
ADDRESS_HELP = {
    Unit.Kind.MASTERCLASS: _(
        "Open the master-class and copy its address from the browser, like "
        "%(example)s. It must be published and open to everyone."
    ),
    Unit.Kind.MATERIAL: _(
        "Open the material in the library and copy its address from the "
        "browser, like %(example)s. It must be published and open to everyone."
    ),
    Unit.Kind.DISCUSSION: _(
        "Open the topic and copy its address from the browser, like "
        "%(example)s. It must be in a forum open to everyone."
    ),
}
ADDRESS_EXAMPLES = {
    Unit.Kind.MASTERCLASS: "/masterclasses/42/",
    Unit.Kind.MATERIAL: "/materials/42/",
    Unit.Kind.DISCUSSION: "/forums/t/42/",
}


def _our_host(host: str, request_host: str) -> bool:
    if host in {urlsplit(settings.SITE_URL).netloc.lower(), request_host.lower()}:
        return True
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


def object_from_address(value: str, kind: str, request_host: str = ""):
    """The master-class, material or topic a pasted address (or a bare
    number) names; raises ValidationError when it names none.

    Only the address's shape and the row's existence are checked here;
    whether the course may use it is the service's rule.
    """
    field, view_name = OBJECT_OF_KIND[kind]
    model = Unit._meta.get_field(field).related_model
    pk = parse_id(value)
    if pk is None:
        # "kollegi.ru/materials/5/", pasted without its scheme, is an address too.
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
        if match is not None and match.view_name == view_name:
            pk = parse_id(str(match.kwargs.get("pk", "")))
    found = model.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise forms.ValidationError(
            _("Nothing found at this address. Paste it as it is, like %(example)s.")
            % {"example": ADDRESS_EXAMPLES[kind]},
            code="not_found",
        )
    return found


class UnitForm(BootstrapFormMixin, forms.Form):
    """A unit of one ``kind``: only the fields that kind has. ``cohort``
    adds its opening and deadline (in the author's time zone)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    hours = forms.IntegerField(
        label=_("Academic hours"),
        min_value=1,
        max_value=200,
        help_text=_("One academic hour is 45 minutes of study."),
    )
    required = forms.BooleanField(
        label=_("Required to complete the course"), required=False, initial=True
    )
    address = forms.CharField(label=_("Address"), max_length=500)
    completion = forms.ChoiceField(label=_("Done when"), widget=forms.RadioSelect)
    reviews_needed = forms.IntegerField(
        label=_("Accepting peer reviews needed"),
        min_value=1,
        max_value=5,
        initial=2,
        required=False,
        help_text=_("Only when the assignment is accepted by peers."),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=20_000,
        required=False,
        widget=MarkdownEditor(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_("Empty: open from the start of the course."),
    )
    due_at = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_("Learners are reminded before it."),
    )

    def __init__(
        self,
        *args,
        kind: str,
        cohort: bool,
        published: bool = False,
        editing: bool = False,
        request_host: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.request_host = request_host
        if kind in OBJECT_OF_KIND:
            self.fields["address"].label = ADDRESS_LABELS[kind]
            self.fields["address"].help_text = ADDRESS_HELP[kind] % {
                "example": ADDRESS_EXAMPLES[kind]
            }
        else:
            del self.fields["address"]
        if kind in COMPLETIONS_OF_KIND:
            self.fields["completion"].choices = [
                (value, label)
                for value, label in Unit.Completion.choices
                if value in COMPLETIONS_OF_KIND[kind]
            ]
            self.fields["completion"].initial = COMPLETIONS_OF_KIND[kind][0]
        else:
            del self.fields["completion"]
        if kind != Unit.Kind.ASSIGNMENT:
            del self.fields["reviews_needed"]
        self.fields["body"].label = BODY_LABELS[kind]
        self.fields["body"].required = kind in (Unit.Kind.READING, Unit.Kind.ASSIGNMENT)
        if not cohort:
            del self.fields["opens_at"]
            del self.fields["due_at"]
        local_fields(self, ("opens_at", "due_at"))
        if published:
            self._published(editing)

    def _published(self, editing: bool) -> None:
        """A published course: its learners' progress stands on its units.
        A unit of it keeps what it is made of; a new one is optional."""
        if not editing:
            self.fields["required"].initial = False
            self.fields["required"].help_text = _(
                "The course is published: a new unit is optional."
            )
            return
        for name in ("hours", "required", "address", "completion", "reviews_needed"):
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "The course is published: this stays as it is."
                )

    def clean_address(self):
        return object_from_address(
            self.cleaned_data["address"].strip(), self.kind, self.request_host
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("completion") == Unit.Completion.ANSWER
            and not (data.get("body") or "").strip()
        ):
            self.add_error("body", _("Write the question learners answer."))
        opens, due = data.get("opens_at"), data.get("due_at")
        if opens and due and due <= opens:
            self.add_error("due_at", _("The deadline must be after the opening."))
        return data

    def service_fields(self) -> dict:
        """The cleaned values as the unit services take them."""
        data = self.cleaned_data
        fields = {
            "title": data["title"],
            "hours": data["hours"],
            "required": data["required"],
            "body": data.get("body", ""),
            "completion": data.get("completion") or Unit.Completion.AUTO,
        }
        if self.kind in OBJECT_OF_KIND:
            fields[OBJECT_OF_KIND[self.kind][0]] = data["address"]
        if "reviews_needed" in self.fields:
            fields["reviews_needed"] = data.get("reviews_needed") or 2
        if "opens_at" in self.fields:
            fields["opens_at"] = data.get("opens_at")
            fields["due_at"] = data.get("due_at")
        return fields


def unit_initial(unit: Unit) -> dict:
    """A unit's values as its edit form shows them."""
    initial = {
        "title": unit.title,
        "hours": unit.hours,
        "required": unit.required,
        "body": unit.body,
        "completion": unit.completion,
        "reviews_needed": unit.reviews_needed,
        "opens_at": unit.opens_at,
        "due_at": unit.due_at,
    }
    if unit.kind in OBJECT_OF_KIND:
        target = getattr(unit, OBJECT_OF_KIND[unit.kind][0])
        initial["address"] = target.get_absolute_url() if target else ""
    return initial
