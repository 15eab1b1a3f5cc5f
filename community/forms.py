"""What every form on the site shares: Bootstrap classes on its widgets, the
Markdown editor, and tags typed as a comma-separated list."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from markdownx.widgets import MarkdownxWidget
from taggit.forms import TagField as TaggitTagField
from taggit.forms import TagWidget


def bootstrap_widgets(fields) -> None:
    """Give each field's widget the Bootstrap class its kind needs."""
    for field in fields:
        widget = field.widget
        # CheckboxSelectMultiple is a RadioSelect too.
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class BootstrapFormMixin:
    """Give each widget the Bootstrap class its kind needs."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self.fields.values())


class MarkdownEditor(MarkdownxWidget):
    """markdownx's text area with its preview, where Tab leaves the field.

    markdownx indents on Tab and un-indents on Shift+Tab, which traps a
    keyboard user in the field (WCAG 2.1.2). ``static/js/markdown-tab.js``
    keeps Tab from markdownx so the browser moves focus on; Ctrl+] and
    Ctrl+[ still indent.
    """

    class Media:
        js = ["js/markdown-tab.js"]


def tags_parse(text: str) -> list[str]:
    """The tag names in ``text``: split on commas only, so a name may hold
    spaces ("олимпиадная математика"); double quotes keep a comma inside one.

    Sorted and without repeats, as taggit's own parser returns them.
    """
    names: set[str] = set()
    current: list[str] = []
    quoted = False
    for char in text or "":
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            names.add("".join(current).strip())
            current = []
        else:
            current.append(char)
    names.add("".join(current).strip())
    names.discard("")
    return sorted(names)


def tags_format(names) -> str:
    """Tags as a member types them: "олимпиадная математика, ФГОС".

    Only a name with a comma in it needs quotes to come back whole.
    """
    shown = (str(getattr(name, "name", name)) for name in names)
    return ", ".join(
        f'"{name}"' if "," in name else name for name in sorted(shown, key=str.lower)
    )


class TagInput(TagWidget):
    """A tag input that suggests the network's existing tags as one types.

    ``static/js/tags.js`` finds inputs by ``data-tag-suggest`` (the address
    of the suggestions) and attaches a ``<datalist>`` to each.
    """

    class Media:
        js = ["js/tags.js"]

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            {
                "data-tag-suggest": reverse_lazy("tag_suggest"),
                # The browser's own history would cover the suggestions.
                "autocomplete": "off",
                **(attrs or {}),
            }
        )

    def format_value(self, value: object) -> str | None:
        if value is not None and not isinstance(value, str):
            value = tags_format(value)
        return forms.TextInput.format_value(self, value)


class TagField(TaggitTagField):
    """taggit's comma-separated tags, typed with suggestions (``TagInput``)."""

    widget = TagInput

    def clean(self, value: str) -> list[str]:
        value = forms.CharField.clean(self, value)
        names = tags_parse(value)
        max_length = 100  # taggit's Tag.name
        if any(len(name) > max_length for name in names):
            raise forms.ValidationError(
                _("A tag can be at most %(limit)d characters long.")
                % {"limit": max_length},
                code="max_length",
            )
        return names
