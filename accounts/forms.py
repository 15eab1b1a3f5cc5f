from django import forms
from django.core.validators import MaxValueValidator
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Profile, User
from accounts.services.members import PRIVACY_FIELDS
from community.forms import (
    ANY_GRADE,
    ANY_SUBJECT,
    MARKDOWN_HELP,
    BootstrapFormMixin,
    ChooserSelectMultiple,
    MarkdownEditor,
    TagField,
)
from community.models import Grade, Subject
from community.vocabulary import Region


class SignupForm(forms.Form):
    """The fields allauth's sign-up form adds for us: the name colleagues see."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        help_text=_("First name and surname, as colleagues know you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def signup(self, request: HttpRequest, user: User) -> None:
        services.profile_ensure(
            user=user,
            display_name=self.cleaned_data["display_name"],
            language=translation.get_language(),
        )


class ProfileForm(BootstrapFormMixin, forms.ModelForm):
    """What a member tells colleagues about themself (shape only; rules in services)."""

    interests = TagField(
        label=_("Interests"),
        required=False,
        help_text=_("Comma-separated, e.g. robotics, project work."),
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "about",
            "school",
            "city",
            "region",
            "subjects",
            "grades",
            "category",
            "is_methodist",
            "is_mentor",
            "experience_years",
            "time_zone",
            "language",
            "text_size",
        ]
        widgets = {
            "about": MarkdownEditor(attrs={"rows": 6}),
            "text_size": forms.RadioSelect,
            "subjects": ChooserSelectMultiple,
            "grades": ChooserSelectMultiple,
            "experience_years": forms.NumberInput(attrs={"min": 0, "max": 70}),
        }
        help_texts = {"about": MARKDOWN_HELP}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            # taggit's widget writes Tag objects back as "a, b".
            self.initial["interests"] = list(self.instance.interests.all())
        self.fields["experience_years"].validators.append(MaxValueValidator(70))
        # A form without the choice (an older page, a script) keeps the size.
        self.fields["text_size"].required = False

    def clean_text_size(self) -> str:
        return self.cleaned_data["text_size"] or self.instance.text_size


class PrivacyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Profile
        fields = list(PRIVACY_FIELDS)
        widgets = {
            "email_visibility": forms.RadioSelect,
            "school_visibility": forms.RadioSelect,
            "location_visibility": forms.RadioSelect,
        }


class AvatarForm(BootstrapFormMixin, forms.Form):
    # A plain file field: the service checks the content, not the name.
    avatar = forms.FileField(
        label=_("New picture"),
        help_text=_("JPEG, PNG, WebP or an iPhone photo (HEIC), up to 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,"
                ".heic,.heif"
            }
        ),
    )


class DirectoryFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
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
    region = forms.ChoiceField(
        label=_("Region"),
        choices=[("", _("Any region")), *Region.choices],
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[
            ("", _("Any category")),
            *[(value or "none", label) for value, label in Profile.Category.choices],
        ],
        required=False,
    )
