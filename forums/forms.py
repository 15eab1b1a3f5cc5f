"""Forum forms: shape only; the rules are in the services."""

import re

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from community.forms import (
    MARKDOWN_HELP_MENTIONS,
    BootstrapFormMixin,
    MarkdownEditor,
    TagField,
)
from forums.models import Post, Section, Topic


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
        widget=MarkdownEditor(attrs={"rows": 10}, mentions=True),
        help_text=MARKDOWN_HELP_MENTIONS,
    )
    tags = TagField(label=_("Tags"), required=False)


class ReplyForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=Post._meta.get_field("body").max_length,
        widget=MarkdownEditor(attrs={"rows": 6}, mentions=True),
        help_text=MARKDOWN_HELP_MENTIONS,
    )
    quoted = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PostEditForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Text"),
        max_length=Post._meta.get_field("body").max_length,
        widget=MarkdownEditor(attrs={"rows": 10}, mentions=True),
        help_text=MARKDOWN_HELP_MENTIONS,
    )
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=200, required=False
    )


class ModeratorReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("Reason (goes into the moderation log)"),
        max_length=300,
        required=False,
    )


class TopicMoveForm(BootstrapFormMixin, ModeratorReasonMixin):
    section = forms.ModelChoiceField(
        label=_("Move to the section"), queryset=Section.objects.none()
    )
    field_order = ["section", "reason"]

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections


TOPIC_ADDRESS = re.compile(r"(?:/t/)?(\d+)/?$")


class TopicMergeForm(BootstrapFormMixin, ModeratorReasonMixin):
    target = forms.CharField(
        label=_("Merge into the topic"),
        max_length=300,
        help_text=_("Paste the topic's address from the browser, or its number."),
    )
    field_order = ["target", "reason"]

    def clean_target(self) -> int:
        found = TOPIC_ADDRESS.search(self.cleaned_data["target"].strip())
        if found is None:
            raise forms.ValidationError(
                _("Paste the address of a topic or its number."), code="address"
            )
        return int(found.group(1))


class TopicSplitForm(BootstrapFormMixin, ModeratorReasonMixin):
    numbers = forms.TypedMultipleChoiceField(
        label=_("Replies to move"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    to_end = forms.BooleanField(
        label=_("Also move every reply after the first one chosen"),
        required=False,
    )
    title = forms.CharField(label=_("Title of the new topic"), max_length=200)
    section = forms.ModelChoiceField(
        label=_("Section of the new topic"), queryset=Section.objects.none()
    )
    field_order = ["numbers", "to_end", "title", "section", "reason"]

    def __init__(self, *args, posts, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["numbers"].choices = [
            (
                post.number,
                f"#{post.number} · {post.author.profile.shown_name}: "
                f"{Truncator(post.body).chars(160)}",
            )
            for post in posts
            if post.number > 1
        ]
        self.fields["section"].queryset = sections
