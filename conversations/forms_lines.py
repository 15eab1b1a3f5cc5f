"""Consultation lines' forms: a line, a question to it, a hand-over. They
check shape; the services check who may and the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.forms import (
    CHOOSE_SUBJECT,
    MARKDOWN_HELP,
    BootstrapFormMixin,
    MarkdownEditor,
)
from community.models import Subject
from conversations.models import Conversation, Line, Message

BODY_MAX = Message._meta.get_field("body").max_length
SUBJECT_MAX = Conversation._meta.get_field("subject").max_length


class LineForm(BootstrapFormMixin, forms.ModelForm):
    """What a line says about itself."""

    class Meta:
        model = Line
        fields = ["title", "description", "answer_within_days", "is_active"]
        widgets = {"description": MarkdownEditor(attrs={"rows": 8})}
        help_texts = {
            "title": _("For example, «Физика: подготовка к ОГЭ»."),
            "description": MARKDOWN_HELP,
            "answer_within_days": _(
                "From 1 to 30 days. An expert who takes a question answers by "
                "then, or it goes back to the queue."
            ),
            "is_active": _("Switched off, the line is not listed and takes no "
                           "questions; its experts keep answering those taken."),
        }  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer_within_days"].min_value = 1
        self.fields["answer_within_days"].max_value = 30
        self.fields["answer_within_days"].widget.attrs.update(min=1, max=30)


class LineCreateForm(LineForm):
    """A new line: of a subject (site moderators) or of a community its maker
    runs (``communities``: those they may make a line for)."""

    subject = forms.ModelChoiceField(
        label=_("Subject"),
        queryset=Subject.objects.none(),
        required=False,
        help_text=_("A subject's line is answered by the experts who teach it."),
    )
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=None,
        required=False,
        to_field_name="slug",
        help_text=_("A community's line is answered by its owner and moderators."),
    )

    field_order = ["subject", "community", "title", "description"]

    def __init__(self, *args, subjects: bool = False, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if subjects:
            self.fields["subject"].queryset = Subject.objects.all()
            self.fields["subject"].empty_label = CHOOSE_SUBJECT
        else:
            del self.fields["subject"]
        if communities is not None:
            self.fields["community"].queryset = communities
            self.fields["community"].empty_label = _("Choose a community")
        if not subjects:
            self.fields["community"].required = True

    def clean(self):
        data = super().clean()
        if "subject" in self.fields and not self.errors:
            chosen = [name for name in ("subject", "community") if data.get(name)]
            if len(chosen) != 1:
                raise forms.ValidationError(
                    _("Choose a subject or a community: one of them.")
                )
        return data


class QuestionForm(BootstrapFormMixin, forms.Form):
    subject = forms.CharField(
        label=_("Your question in a line"),
        max_length=SUBJECT_MAX,
    )
    body = forms.CharField(
        label=_("Your question"),
        max_length=BODY_MAX,
        widget=MarkdownEditor(attrs={"rows": 8}),
        help_text=_(
            "Only the line's experts read it. Say what you teach, to whom and "
            "what you have tried."
        ),
    )


class HandOverForm(BootstrapFormMixin, forms.Form):
    to = forms.ModelChoiceField(
        label=_("Hand over to"), queryset=None, empty_label=_("Choose an expert")
    )

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = experts
        self.fields["to"].label_from_instance = lambda user: user.profile.shown_name
