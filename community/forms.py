"""What every form on the site shares: Bootstrap classes on its widgets, the
Markdown editor, and tags typed as a comma-separated list."""

import re

from django import forms
from django.forms.widgets import Script
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from markdownx.widgets import MarkdownxWidget
from taggit.forms import TagField as TaggitTagField
from taggit.forms import TagWidget

# Empty choices of selects, in words rather than Django's "---------".
ANY_SUBJECT = _("Any subject")
ANY_GRADE = _("Any grade")
CHOOSE_SUBJECT = _("Choose a subject")
CHOOSE_TYPE = _("Choose a type")


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


class ScaleRadioSelect(forms.RadioSelect):
    """Radio buttons of a short scale (a score from 5 to 1): in one line,
    wrapping on a narrow screen, instead of one under another
    (``partials/components/form_row.html``: ``.choice-list-scale``)."""

    scale = True


class DescribedRadioSelect(forms.RadioSelect):
    """Radio buttons, each with a line saying what the choice means.

    ``descriptions`` maps a choice's value to its line; ``recommended`` is
    the value marked «рекомендуем». templates/partials/form_fields.html
    shows the line under the option's label, tied to the radio button by
    aria-describedby so a screen reader reads it with the choice.
    """

    def __init__(self, attrs=None, choices=(), *, descriptions, recommended=None):
        super().__init__(attrs, choices)
        self.descriptions = descriptions
        self.recommended = recommended

    def create_option(self, name, value, label, selected, index, **kwargs):
        option = super().create_option(name, value, label, selected, index, **kwargs)
        description = self.descriptions.get(value)
        if description:
            option["description"] = description
            if option["attrs"].get("id"):
                option["attrs"]["aria-describedby"] = (
                    f"{option['attrs']['id']}_description"
                )
        option["recommended"] = value == self.recommended
        return option


# The line under every Markdown field: what the editor offers, in a member's words.
MARKDOWN_HELP = _(
    "Format with the buttons above the field or in Markdown; drag or paste "
    "a picture into the field to add it."
)
MARKDOWN_HELP_MENTIONS = _(
    "Format with the buttons above the field or in Markdown. To mention a "
    "colleague, type @ and their name; drag or paste a picture to add it."
)


class ChooserSelectMultiple(forms.CheckboxSelectMultiple):
    """A long list of checkboxes (40 subjects) that can be searched.

    Without JavaScript it stays a list of checkboxes. partials/form_fields.html
    marks its fieldset ``data-choice-filter`` (``searchable``), and
    ``static/js/choice-filter.js`` adds a search box above the list, the
    checked choices as removable chips and a spoken count of what is shown.
    """

    searchable = True

    class Media:
        js = ["js/choice-filter.js"]


class MarkdownEditor(MarkdownxWidget):
    """The Markdown editor every member writes in: a text area with a toolbar.

    The text area stays a plain text area (screen readers, spell check, and
    the form works without JavaScript). ``static/js/markdown-editor.js`` shows
    the toolbar (``@github/markdown-toolbar-element``, vendored), the preview
    from the server's renderer (markdownx's preview address), image upload,
    paste and drop (markdownx's upload address), a draft kept in the browser
    until the form is sent and, with ``mentions=True``, suggestions of
    colleagues by name after "@" that insert the username the forums'
    mention parser resolves.

    markdownx indents on Tab and un-indents on Shift+Tab, which traps a
    keyboard user in the field (WCAG 2.1.2). ``static/js/markdown-tab.js``
    keeps Tab from markdownx so the browser moves focus on; Ctrl+] and
    Ctrl+[ still indent.
    """

    template_name = "community/widgets/markdown_editor.html"

    class Media:
        js = [
            Script("vendor/markdown-toolbar-element/index.js", type="module"),
            "js/markdown-tab.js",
            "js/markdown-editor.js",
        ]

    def __init__(self, attrs: dict | None = None, *, mentions: bool = False) -> None:
        super().__init__(attrs)
        self.mentions = mentions

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["editor"] = {
            "preview_url": reverse("markdown_preview"),
            "upload_url": reverse("markdown_upload"),
            "mention_url": reverse("accounts:mention_suggest") if self.mentions else "",
        }
        return context


# Usernames typed one after another: commas, semicolons or spaces between.
_USERNAME_SEPARATORS = re.compile(r"[\s,;]+")


def usernames_parse(text: str) -> list[str]:
    """The usernames in ``text`` ("anna, @boris"), in order, each once (any
    case), without "@" or blanks: a username holds no space, comma or
    semicolon."""
    seen: set[str] = set()
    names = []
    for part in _USERNAME_SEPARATORS.split(text or ""):
        name = part.strip().lstrip("@")
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


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
