"""Forms of the mentor's pages (invite a mentor, a comment): shape only.

Who may invite whom, and who may comment, are the services' rules; a refusal
comes back as a ValidationError the view attaches to the form.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from community.forms import MARKDOWN_HELP, BootstrapFormMixin, MarkdownEditor
from growth.models import PlanComment


class MentorInviteForm(BootstrapFormMixin, forms.Form):
    """A colleague's user name: the mentor she invites."""

    username = forms.CharField(
        label=_("Mentor's user name"),
        max_length=150,
        help_text=_(
            "The user name from the colleague's profile address, for example "
            "anna_petrova. The mentor sees your plan, comments on it and "
            "confirms your own evidence, but cannot change anything."
        ),
    )

    def clean_username(self):
        value = self.cleaned_data["username"].strip().lstrip("@").strip()
        user = get_user_model().objects.filter(username=value, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No such colleague: %(name)s.") % {"name": value}, code="unknown"
            )
        return user


class CommentForm(BootstrapFormMixin, forms.Form):
    """A comment in the plan: the owner's or her mentor's."""

    body = forms.CharField(
        label=_("Comment"),
        help_text=MARKDOWN_HELP,
        max_length=PlanComment._meta.get_field("body").max_length,
        widget=MarkdownEditor(attrs={"rows": 4}),
    )
