"""The conversation page's forms: the reply, an edit, members to add, a
request's report. They check shape; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.forms import (
    MARKDOWN_HELP,
    BootstrapFormMixin,
    MarkdownEditor,
    usernames_parse,
)
from community.models import Report
from conversations.models import Message

BODY_MAX = Message._meta.get_field("body").max_length


class ReplyForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=BODY_MAX,
        widget=MarkdownEditor(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
    )


class MessageEditForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX,
        widget=MarkdownEditor(attrs={"rows": 10}),
        help_text=MARKDOWN_HELP,
    )


class MembersAddForm(BootstrapFormMixin, forms.Form):
    usernames = forms.CharField(
        label=_("Add colleagues"),
        max_length=500,
        help_text=_("Their usernames, separated by commas."),
    )

    def clean_usernames(self) -> list[str]:
        names = usernames_parse(self.cleaned_data["usernames"])
        if not names:
            raise forms.ValidationError(_("Type at least one username."))
        return names


class RequestReportForm(BootstrapFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        # "Something else" needs words the request's report does not carry.
        choices=[
            (value, label)
            for value, label in Report.Reason.choices
            if value != Report.Reason.OTHER
        ],
        widget=forms.RadioSelect,
    )
