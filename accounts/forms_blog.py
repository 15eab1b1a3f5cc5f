"""Forms of the blog: shape only; rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import BlogComment, BlogPost
from community.forms import MARKDOWN_HELP, BootstrapFormMixin, MarkdownEditor, TagField


class PostForm(BootstrapFormMixin, forms.ModelForm):
    tags = TagField(
        label=_("Tags"),
        required=False,
        help_text=_("Comma-separated, e.g. fractions, 5th grade."),
    )

    class Meta:
        model = BlogPost
        fields = ["title", "body"]
        # markdownx previews through our renderer (MARKDOWNX_MARKDOWNIFY_FUNCTION).
        widgets = {"body": MarkdownEditor(attrs={"rows": 14})}
        help_texts = {"body": MARKDOWN_HELP}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            # taggit's widget writes Tag objects back as "a, b".
            self.initial["tags"] = list(self.instance.tags.all())


class CommentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = BlogComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}
        labels = {"body": _("Your comment")}
