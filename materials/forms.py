"""Materials' forms: shape and file checks; the rules are in the services."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from community.forms import (
    ANY_GRADE,
    ANY_SUBJECT,
    CHOOSE_SUBJECT,
    CHOOSE_TYPE,
    MARKDOWN_HELP,
    BootstrapFormMixin,
    ChooserSelectMultiple,
    DescribedRadioSelect,
    MarkdownEditor,
    TagField,
    bootstrap_widgets,
)
from community.models import Grade, Subject
from materials.models import (
    LICENCE_DESCRIPTIONS,
    LICENCE_RECOMMENDED,
    Licence,
    Material,
)
from materials.uploads import file_check


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by its content and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = (
            [item for item in (data or []) if item]
            if isinstance(data, list | tuple)
            else ([data] if data else [])
        )
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        limit = settings.MATERIALS_MAX_FILES
        if len(uploads) > limit:
            raise ValidationError(
                ngettext(
                    "Attach at most %(count)d file.",
                    "Attach at most %(count)d files.",
                    limit,
                )
                % {"count": limit},
                code="too_many",
            )
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(file_check(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


FILES_HELP = _(
    "PDF, Word, PowerPoint, Excel, OpenDocument, text, JPEG, PNG or ZIP; "
    "several files at once are fine."
)


class MaterialForm(BootstrapFormMixin, forms.ModelForm):
    tags = TagField(
        label=_("Tags"),
        required=False,
        help_text=_("Comma-separated, e.g. fractions, project work."),
    )

    class Meta:
        model = Material
        fields = [
            "title",
            "summary",
            "description",
            "subject",
            "grades",
            "kind",
            "language",
            "licence",
            "rights_confirmed",
        ]
        widgets = {
            "description": MarkdownEditor(attrs={"rows": 8}),
            "grades": ChooserSelectMultiple,
            "licence": DescribedRadioSelect(
                descriptions=LICENCE_DESCRIPTIONS, recommended=LICENCE_RECOMMENDED
            ),
        }
        help_texts = {
            "description": MARKDOWN_HELP,
            "summary": _("One or two sentences for the catalogue."),
            "licence": _(
                "What colleagues may do with your material. If unsure, choose CC BY."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.all()
        self.fields["subject"].empty_label = CHOOSE_SUBJECT
        self.fields["grades"].queryset = Grade.objects.all()
        self.fields["kind"].choices = [("", CHOOSE_TYPE), *Material.Kind.choices]
        self.fields["licence"].choices = Licence.choices
        if not self.instance.pk:
            # Only a new material: an edit shows the licence it was shared under.
            self.fields["licence"].initial = LICENCE_RECOMMENDED
        self.fields["rights_confirmed"].required = True
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = list(self.instance.tags.all())


class MaterialCreateForm(MaterialForm):
    files = MultipleFileField(label=_("Files"), help_text=FILES_HELP)
    publish = forms.BooleanField(
        label=_("Publish now (otherwise it stays a draft only you see)"),
        required=False,
        initial=True,
    )


class VersionForm(BootstrapFormMixin, forms.Form):
    files = MultipleFileField(label=_("Files of the new version"), help_text=FILES_HELP)
    note = forms.CharField(
        label=_("What changed"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RatingForm(BootstrapFormMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(number, str(number)) for number in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CatalogueFilterForm(BootstrapFormMixin, forms.Form):
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
        label=_("Type"),
        choices=[("", _("Any type")), *Material.Kind.choices],
        required=False,
    )
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=[("", _("Any licence")), *Licence.choices],
        required=False,
    )
    recommended = forms.BooleanField(label=_("Recommended by experts"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, widget=forms.HiddenInput)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("new", _("newest first")),
            ("rating", _("by rating")),
            ("downloads", _("by downloads")),
        ],
        required=False,
    )


class CollectionForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=500, required=False
    )
    is_public = forms.BooleanField(label=_("Visible to everyone"), required=False)


class CollectionItemForm(forms.Form):
    """Which of the member's collections to put a material into (or take it out of)."""

    collection = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "required": _("Choose one of your collections."),
            "invalid_choice": _("Choose one of your collections."),
        },
    )

    def __init__(self, *args, collections, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].queryset = collections


SCORES = [(number, str(number)) for number in range(5, 0, -1)]


class ReviewForm(BootstrapFormMixin, forms.Form):
    """The rubric: each criterion 1–5 with a comment; then the recommendation."""

    def __init__(self, *args, **kwargs):
        from materials.models import Review, ReviewRound

        super().__init__(*args, **kwargs)
        for key, label in Review.CRITERIA:
            self.fields[key] = forms.TypedChoiceField(
                label=label, coerce=int, choices=SCORES, widget=forms.RadioSelect
            )
            self.fields[f"{key}_comment"] = forms.CharField(
                label=_("Comment"),
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["recommendation"] = forms.ChoiceField(
            label=_("Your recommendation"),
            choices=ReviewRound.Decision.choices,
            widget=forms.RadioSelect,
        )
        self.fields["summary"] = forms.CharField(
            label=_("Overall comment for the author"),
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 5}),
        )
        # Added after the mixin styled the form's declared fields.
        bootstrap_widgets(self.fields.values())

    def scores(self) -> dict[str, int]:
        from materials.models import Review

        return {key: self.cleaned_data[key] for key, _label in Review.CRITERIA}

    def comments(self) -> dict[str, str]:
        from materials.models import Review

        return {
            key: self.cleaned_data[f"{key}_comment"] for key, _label in Review.CRITERIA
        }


class TakedownForm(BootstrapFormMixin, forms.Form):
    """A rights holder's request; the service checks it again."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address for our answer"), max_length=254)
    organisation = forms.CharField(
        label=_("Organisation (publisher, school), if you write for one"),
        max_length=200,
        required=False,
    )
    work = forms.CharField(
        label=_("The original work and your rights to it"),
        help_text=_("Title, author, where it was published; who holds the rights."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    details = forms.CharField(
        label=_("What the material copies"),
        help_text=_("Which file and pages; what is taken from the work."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirmed = forms.BooleanField(
        label=_(
            "I confirm in good faith that I hold the rights or act for the holder,"
            " and that the information is accurate."
        )
    )


class TakedownAnswerForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Your answer to the moderators"),
        help_text=_(
            "For example: you are the author of the work, have the holder's"
            " permission, or the licence allows sharing."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
