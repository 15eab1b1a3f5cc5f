"""Forum forms: shape only; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from markdownx.widgets import MarkdownxWidget
from taggit.forms import TagField

from community.forms import BootstrapFormMixin
from forums.models import Post, Topic


class TopicForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=Topic.Kind.choices,
        widget=forms.RadioSelect,
        initial=Topic.Kind.DISCUSSION,
        help_text=_(
            "A question can get an accepted answer from colleagues and experts."
        ),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=Post._meta.get_field("body").max_length,
        widget=MarkdownxWidget(attrs={"rows": 10}),
    )
    tags = TagField(label=_("Tags"), required=False)


class ReplyForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=Post._meta.get_field("body").max_length,
        widget=MarkdownxWidget(attrs={"rows": 6}),
        help_text=_("Markdown; mention a colleague with @username."),
    )
    quoted = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PostEditForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Text"),
        max_length=Post._meta.get_field("body").max_length,
        widget=MarkdownxWidget(attrs={"rows": 10}),
    )
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=200, required=False
    )
