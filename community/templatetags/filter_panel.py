"""``{% applied_filters form as filters %}``: a list page's applied filters.

For ``partials/components/filters.html`` and ``filter_chips.html``; see
``community.filters``.
"""

from django import forms, template
from django.http import QueryDict

from community.filters import AppliedFilters, applied_filters

register = template.Library()


@register.simple_tag(name="applied_filters", takes_context=True)
def applied_filters_tag(
    context: template.Context, form: forms.Form, keep: str = ""
) -> AppliedFilters:
    """``keep``: parameters outside the form, by name, separated by commas."""
    request = context.get("request")
    query = request.GET if request is not None else QueryDict()
    path = request.path if request is not None else ""
    names = tuple(name for name in keep.split(",") if name)
    return applied_filters(form, path, query, keep=names)
