from django import forms
from django.core.validators import MaxValueValidator
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Profile, User
from accounts.services.members import PRIVACY_FIELDS
from community.forms import BootstrapFormMixin, MarkdownEditor, TagField
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
        ]
        widgets = {
            "about": MarkdownEditor(attrs={"rows": 6}),
            "subjects": forms.CheckboxSelectMultiple,
            "grades": forms.CheckboxSelectMultiple,
            "experience_years": forms.NumberInput(attrs={"min": 0, "max": 70}),
        }
        help_texts = {"about": _("Markdown: **bold**, *italic*, lists and links.")}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            # taggit's widget writes Tag objects back as "a, b".
            self.initial["interests"] = list(self.instance.interests.all())
        self.fields["experience_years"].validators.append(MaxValueValidator(70))


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
        help_text=_("JPEG, PNG or WebP, up to 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
    )


class DirectoryFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    subject = forms.ModelChoiceField(
        label=_("Subject"), queryset=Subject.objects.all(), required=False
    )
    grade = forms.ModelChoiceField(
        label=_("Grade"), queryset=Grade.objects.all(), required=False
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
