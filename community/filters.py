"""The applied filters of a list page, as removable chips.

A list page's filter form (a GET form: the materials' catalogue, the
master-classes, the members' directory) shows through
``partials/components/filters.html`` (the form, behind a «Фильтры (N)» button
on a phone) and ``partials/components/filter_chips.html`` (each applied filter
as a link that removes it). Both read an ``AppliedFilters`` from
``applied_filters``; it reads the form and the query string only, no database.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils.formats import date_format


@dataclass(frozen=True)
class Chip:
    """One applied filter: what it is (``label``: ``value``) and the address
    of the same list without it."""

    name: str
    label: str
    value: str
    remove_url: str


@dataclass(frozen=True)
class AppliedFilters:
    chips: list[Chip] = field(default_factory=list)
    # The list without any filter (the parameters in `keep` stay).
    reset_url: str = ""
    # Parameters outside the form that the form sends on (a tab: «Прошедшие»).
    kept: list[tuple[str, str]] = field(default_factory=list)
    # The form was sent with a value it could not read: the panel stays open.
    has_errors: bool = False

    @property
    def count(self) -> int:
        return len(self.chips)


def _address(path: str, query: QueryDict) -> str:
    return f"{path}?{query.urlencode()}" if query else path


def _default(bound_field: forms.BoundField) -> object:
    """The value that means "no filter": empty, or a select's first choice
    when it has no empty one (the sort order)."""
    form_field = bound_field.field
    if isinstance(form_field, forms.ChoiceField) and not isinstance(
        form_field, forms.ModelChoiceField
    ):
        values = [str(value) for value, _label in form_field.choices]
        if values and "" not in values:
            return values[0]
    return ""


def _value_label(form_field: forms.Field, value: object) -> str:
    if isinstance(form_field, forms.ModelChoiceField):
        return str(value)
    if isinstance(form_field, forms.ChoiceField):
        return str(dict(form_field.choices).get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value)
    return str(value)


def applied_filters(
    form: forms.Form, path: str, query: QueryDict, keep: tuple[str, ...] = ()
) -> AppliedFilters:
    """The filters of ``form`` that the list at ``path`` applies, read from
    ``query``.

    Only a valid form's values count (the lists read all of a form or none of
    it). Each chip's address drops its own parameter and ``page`` and keeps
    every other one; the reset address keeps only the names in ``keep``.
    """
    kept = [(name, query[name]) for name in keep if query.get(name)]
    reset = QueryDict(mutable=True)
    for name, value in kept:
        reset[name] = value
    if not form.is_bound:
        return AppliedFilters(reset_url=_address(path, reset), kept=kept)
    if not form.is_valid():
        return AppliedFilters(
            reset_url=_address(path, reset), kept=kept, has_errors=True
        )
    chips = []
    for bound_field in form:
        value = form.cleaned_data.get(bound_field.name)
        if value in (None, "", False, [], ()) or str(value) == _default(bound_field):
            continue
        without = query.copy()
        without.pop(bound_field.name, None)
        without.pop("page", None)
        form_field = bound_field.field
        chips.append(
            Chip(
                name=bound_field.name,
                label=str(bound_field.label),
                # A checkbox says it all in its label.
                value=""
                if isinstance(form_field, forms.BooleanField)
                else _value_label(form_field, value),
                remove_url=_address(path, without),
            )
        )
    return AppliedFilters(chips=chips, reset_url=_address(path, reset), kept=kept)
