"""What every form on the site shares: Bootstrap classes on its widgets."""

from django import forms


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
