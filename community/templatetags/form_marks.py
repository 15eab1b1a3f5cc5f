"""Required-field marks of the shared form rendering (partials/form_fields.html
and allauth's field elements)."""

from django import template

register = template.Library()


@register.filter
def required_marks(form) -> bool:
    """Whether `form`'s required fields are marked (with the «* —» legend).

    Only where there is a choice to tell apart: a form of several fields of
    which at least one is required. A one-field form (a reply box) goes bare.
    """
    if form is None or not hasattr(form, "visible_fields"):
        return False
    fields = form.visible_fields()
    return len(fields) > 1 and any(field.field.required for field in fields)
