"""What every form on the site shares: Bootstrap classes on its widgets."""

from django import forms
from django.urls import reverse_lazy
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


class TagField(TaggitTagField):
    """taggit's comma-separated tags, typed with suggestions (``TagInput``)."""

    widget = TagInput
