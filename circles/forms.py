"""Communities' forms: shape only; the rules (quorum, limits, who may act)
are in the services."""

import re
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from circles.models import Community, JoinRequest, Membership
from circles.selectors import material_by_pk, members_by_username
from circles.services import quorum
from community.forms import (
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
from community.vocabulary import DEFAULT_TIME_ZONE, RUSSIAN_TIME_ZONES, Region
from masterclasses.forms import LOCAL, LocalDateTimeInput
from masterclasses.models import MasterClass

VISIBILITY_DESCRIPTIONS = {
    Community.Visibility.PUBLIC: _(
        "Its page, members and discussions are open to every visitor."
    ),
    Community.Visibility.MEMBERS: _(
        "Only colleagues signed in to Kollegi read it; search engines do not."
    ),
    Community.Visibility.PRIVATE: _(
        "Nobody outside it knows it exists; people join only by invitation."
    ),
}
JOINING_DESCRIPTIONS = {
    Community.Joining.OPEN: _("A colleague joins with one button."),
    Community.Joining.REQUEST: _(
        "A colleague writes a few words; the owner or a moderator decides."
    ),
    Community.Joining.INVITATION: _("Only those the moderators invite."),
}
NO_REGION = _("Any region")


class CommunityForm(BootstrapFormMixin, forms.ModelForm):
    """What a community says about itself: the page's text and its rules.

    A private community is always by invitation: the form sets it, so a
    member choosing "private" need not also find the third joining rule.
    """

    tags = TagField(
        label=_("Tags"),
        required=False,
        help_text=_("Comma-separated, e.g. olympiads, project work."),
    )
    cover_upload = ImageUploadField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG or an iPhone photo (HEIC), up to 5 MB."),
    )

    class Meta:
        model = Community
        fields = [
            "name",
            "purpose",
            "description",
            "subject",
            "grades",
            "region",
            "visibility",
            "joining",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "description": MarkdownEditor(attrs={"rows": 8}),
            "grades": ChooserSelectMultiple,
            "visibility": DescribedRadioSelect(descriptions=VISIBILITY_DESCRIPTIONS),
            "joining": DescribedRadioSelect(descriptions=JOINING_DESCRIPTIONS),
        }
        help_texts = {
            "name": _("A short name colleagues will recognise."),
            "purpose": _(
                "One paragraph: what the community is for and whom it gathers."
            ),
            "description": MARKDOWN_HELP,
            "joining": _("A private community always takes members by invitation."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.all()
        self.fields["subject"].empty_label = CHOOSE_SUBJECT
        self.fields["grades"].queryset = Grade.objects.all()
        self.fields["region"].choices = [("", NO_REGION), *Region.choices]
        # Radio buttons need no empty choice.
        self.fields["visibility"].choices = Community.Visibility.choices
        self.fields["joining"].choices = Community.Joining.choices
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = list(self.instance.tags.all())

    def clean_purpose(self) -> str:
        # One paragraph: the list's cards show it as one.
        return " ".join(self.cleaned_data["purpose"].split())

    def clean(self):
        data = super().clean()
        if data.get("visibility") == Community.Visibility.PRIVATE:
            data["joining"] = Community.Joining.INVITATION
        return data


class ProposeForm(CommunityForm):
    """A new community, with the colleagues who found it together."""

    cofounders = forms.CharField(
        label=_("Co-founders"),
        max_length=500,
        help_text=_(
            "User names from colleagues' profile addresses, comma-separated. "
            "The community opens when enough of them accept."
        ),
    )

    field_order = [
        "name",
        "purpose",
        "cofounders",
        "description",
        "subject",
        "grades",
        "region",
        "tags",
        "visibility",
        "joining",
        "cover_upload",
    ]

    def __init__(self, *args, founder=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.founder = founder
        # With a quorum of one, a member may found a community alone.
        self.fields["cofounders"].required = quorum() > 1

    def clean_cofounders(self) -> list:
        names = usernames_parse(self.cleaned_data["cofounders"])
        if self.founder is not None and self.founder.username in names:
            raise forms.ValidationError(
                _("You found it yourself: name the colleagues who join you.")
            )
        users = members_by_username(usernames=names)
        missing = [name for name in names if name not in {u.username for u in users}]
        if missing:
            raise forms.ValidationError(
                _("No such colleagues: %(names)s.") % {"names": ", ".join(missing)}
            )
        return users


class JoinRequestForm(BootstrapFormMixin, forms.Form):
    message = forms.CharField(
        label=_("A few words to the moderators (optional)"),
        max_length=JoinRequest._meta.get_field("message").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecideForm(BootstrapFormMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda value: value == "1",
        choices=[("1", _("Approve")), ("0", _("Reject"))],
    )
    reason = forms.CharField(
        label=_("Reason (the applicant reads it)"),
        max_length=JoinRequest._meta.get_field("reason").max_length,
        required=False,
    )


class InviteForm(BootstrapFormMixin, forms.Form):
    """A member's user name, or an e-mail address of someone not yet here."""

    who = forms.CharField(
        label=_("User name or e-mail address"),
        max_length=254,
        help_text=_(
            "A colleague's user name from their profile address, or the e-mail "
            "address of a teacher who is not on Kollegi yet."
        ),
    )

    def clean_who(self) -> dict:
        value = self.cleaned_data["who"].strip().lstrip("@").strip()
        if "@" in value:
            try:
                validate_email(value)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Enter a valid e-mail address."), code="invalid"
                ) from None
            return {"user": None, "email": value}
        user = get_user_model().objects.filter(username=value, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No such colleague: %(name)s.") % {"name": value}, code="unknown"
            )
        return {"user": user, "email": ""}


class RemoveForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=300, required=False
    )


class HearingForm(forms.Form):
    hearing = forms.ChoiceField(
        label=_("Notifications from this community"),
        choices=Membership.Hearing.choices,
    )


# A material's address on the site (…/materials/12/) or its number.
_MATERIAL_REFERENCE = re.compile(r"(?:/materials/)?(\d+)/?$")


class CollectionAddForm(BootstrapFormMixin, forms.Form):
    """A material for the community's collection, by its link or number."""

    material = forms.CharField(
        label=_("Link to the material"),
        max_length=300,
        help_text=_(
            "Copy the address of a published material's page, or type its number."
        ),
    )

    def clean_material(self):
        text = self.cleaned_data["material"].strip()
        found = _MATERIAL_REFERENCE.search(text.split("?")[0].split("#")[0])
        material = material_by_pk(int(found.group(1))) if found else None
        if material is None:
            raise forms.ValidationError(
                _("No published material at this address."), code="material"
            )
        return material


# What a meeting may be: in person first, the community's usual way.
MEETING_FORMATS = [
    (MasterClass.Format.OFFLINE, MasterClass.Format.OFFLINE.label),
    (MasterClass.Format.HYBRID, MasterClass.Format.HYBRID.label),
    (MasterClass.Format.ONLINE, MasterClass.Format.ONLINE.label),
]


class MeetingForm(BootstrapFormMixin, forms.Form):
    """A meeting of the community: a master-class, usually in person. The
    times are typed in the time zone chosen beside them."""

    title = forms.CharField(
        label=_("Title"), max_length=MasterClass._meta.get_field("title").max_length
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MasterClass._meta.get_field("description").max_length,
        widget=MarkdownEditor(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
    )
    subject = forms.ModelChoiceField(
        label=_("Subject"), queryset=Subject.objects.none(), empty_label=CHOOSE_SUBJECT
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=MEETING_FORMATS,
        initial=MasterClass.Format.OFFLINE,
        widget=forms.RadioSelect,
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), input_formats=[LOCAL], widget=LocalDateTimeInput()
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), input_formats=[LOCAL], widget=LocalDateTimeInput()
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=RUSSIAN_TIME_ZONES)
    venue = forms.CharField(
        label=_("Venue"),
        required=False,
        max_length=MasterClass._meta.get_field("venue").max_length,
        help_text=_("For example: school No. 2, room 214."),
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=MasterClass._meta.get_field("address").max_length,
    )
    room_url = forms.URLField(
        label=_("Room link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For a meeting online: shown only to registered participants."),
    )
    capacity = forms.IntegerField(
        label=_("Seats"),
        required=False,
        min_value=1,
        help_text=_(
            "Leave empty for no limit; when the seats are taken, a waitlist opens."
        ),
    )
    group_only = forms.BooleanField(
        label=_("For the community's members only"),
        required=False,
        help_text=_("Only its members see the meeting and may register."),
    )

    def __init__(self, *args, community: Community | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.all()
        if community is not None and community.subject_id:
            self.fields["subject"].initial = community.subject_id
        zone = timezone.get_current_timezone_name()
        known = {name for name, _label in RUSSIAN_TIME_ZONES}
        self.fields["time_zone"].initial = zone if zone in known else DEFAULT_TIME_ZONE

    def clean(self):
        data = super().clean()
        zone = data.get("time_zone")
        if zone:
            # The page's fields read the times in the viewer's zone: they
            # were meant in the one chosen.
            for name in ("starts_at", "ends_at"):
                if data.get(name):
                    data[name] = timezone.make_aware(
                        timezone.make_naive(data[name]), zoneinfo.ZoneInfo(zone)
                    )
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return data
