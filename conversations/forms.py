"""Conversations' forms: shape only; who may write to whom is the services'
and ``conversations.permissions``' business."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.forms import (
    MARKDOWN_HELP,
    BootstrapFormMixin,
    DescribedRadioSelect,
    MarkdownEditor,
    usernames_parse,
)
from conversations.models import Conversation, Message, WhoMayWrite

# Usernames as a member types them: separated by commas or spaces, an "@"
# before each allowed (as mentions are written).

# The choices as the settings page says them, each with its line below.
WHO_MAY_WRITE_CHOICES = [
    (WhoMayWrite.EVERYONE, _("All members")),
    (WhoMayWrite.COLLEAGUES, _("Colleagues")),
    (WhoMayWrite.NOBODY, _("Nobody")),
]
WHO_MAY_WRITE_DESCRIPTIONS = {
    WhoMayWrite.EVERYONE: _(
        "Any member may start a conversation with you; a stranger's first "
        "message waits as a request."
    ),
    WhoMayWrite.COLLEAGUES: _(
        "Only people you follow, colleagues of your school and members of "
        "your communities."
    ),
    WhoMayWrite.NOBODY: _(
        "Nobody starts a conversation with you; the site's staff still may."
    ),
}


class RecipientsField(forms.CharField):
    """Members by username, separated by commas: cleans to a list of users
    (one query), in the order typed; an unknown username is an error naming it."""

    def clean(self, value):
        text = super().clean(value)
        names = usernames_parse(text)
        if not names:
            raise forms.ValidationError(
                _("Name at least one colleague by their username."), code="required"
            )
        lookup = Q()
        for name in names:
            lookup |= Q(username__iexact=name)
        found = {
            user.username.casefold(): user
            for user in get_user_model()
            .objects.filter(lookup)
            .select_related("profile")
        }
        missing = [name for name in names if name.casefold() not in found]
        if missing:
            raise forms.ValidationError(
                _("No member has the username %(names)s."),
                code="unknown",
                params={"names": ", ".join(f"«{name}»" for name in missing)},
            )
        return [found[name.casefold()] for name in names]


class ComposeForm(BootstrapFormMixin, forms.Form):
    to = RecipientsField(
        label=pgettext_lazy("conversation", "To"),
        max_length=1000,
        help_text=_(
            "Colleagues' usernames, separated by commas: the part of their "
            "page's address after /u/."
        ),
    )
    subject = forms.CharField(
        label=pgettext_lazy("conversation", "Subject"),
        max_length=Conversation._meta.get_field("subject").max_length,
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=Message._meta.get_field("body").max_length,
        widget=MarkdownEditor(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )
    is_sensitive = forms.BooleanField(
        label=_("Sensitive conversation"),
        required=False,
        help_text=_(
            "E-mails about it say only who wrote: neither the subject nor the "
            "text leaves the site."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Usernames, not words: no spell check, no capital first letter.
        self.fields["to"].widget.attrs.update(
            autocapitalize="none", autocomplete="off", spellcheck="false"
        )


class MessageSettingsForm(BootstrapFormMixin, forms.Form):
    who_may_write = forms.ChoiceField(
        label=_("Who may start a conversation with me"),
        choices=WHO_MAY_WRITE_CHOICES,
        widget=DescribedRadioSelect(descriptions=WHO_MAY_WRITE_DESCRIPTIONS),
    )
    read_receipts = forms.BooleanField(
        label=_("Show that I have read"),
        required=False,
        help_text=_(
            "In group conversations the others see how far you have read; "
            "turned off, they do not."
        ),
    )


class InboxSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search my conversations"), max_length=200, required=False
    )
