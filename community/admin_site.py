"""The admin site: Django's, where no address of a list can break its page.

Every model admin, ours and the libraries', is registered on this site
(``AdminConfig.default_site``) and so lists its rows with ``CheckedChangeList``,
the fields of an editable list named for screen readers.
Its yes/no icons speak the reader's language (``boolean_icon``).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import BadRequest
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext


class CheckedChangeList(ChangeList):
    """Django's change list; filters in the address that cannot make a query are a 400.

    Django already sends most unusable filters back to the bare list (``?e=1``),
    but not these: a date-hierarchy year, month or day whose bounds are no date
    (``?published_at__year=9999``: the next year does not exist; a number too
    large for a date), or a number too large for the database
    (``?id__in=1,99999999999999999999``).
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise BadRequest("A filter of the list is no date or number.") from error

    def get_results(self, request) -> None:
        try:
            super().get_results(request)
        except OverflowError as error:
            raise BadRequest("A filter of the list is out of range.") from error


def _labelled(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """A list's editable row whose fields are named for screen readers.

    Django draws them under the column's header, with no label of their own.
    """

    class LabelledRowForm(form_class):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                name = f"{field.label}: {self.instance}" if self.instance.pk else ""
                field.widget.attrs.setdefault("aria-label", name or field.label)

    LabelledRowForm.__name__ = form_class.__name__
    return LabelledRowForm


class CheckedChangeListMixin:
    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def get_changelist_form(self, request, **kwargs):
        return _labelled(super().get_changelist_form(request, **kwargs))


class AdminSite(admin.AdminSite):
    """Gives every model admin registered here the checked change list."""

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, CheckedChangeListMixin):
            # The libraries' admins too (django-celery-beat's has a date
            # hierarchy): a subclass with the same name, made here once.
            admin_class = type(
                admin_class.__name__,
                (CheckedChangeListMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)


def boolean_icon(value: bool | None) -> SafeString:
    """Django's yes/no/unknown icon, its text translated (Django writes "True")."""
    icon, text = {
        True: ("yes", gettext("Yes")),
        False: ("no", gettext("No")),
        None: ("unknown", gettext("Unknown")),
    }[value]
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text
    )


class AdminConfig(DjangoAdminConfig):
    default_site = "community.admin_site.AdminSite"

    def ready(self) -> None:
        super().ready()
        # Every list, every read-only field and the libraries' admins draw the
        # icon with this one function, looked up at each call; Django offers
        # no setting or template for its text.
        admin_list._boolean_icon = boolean_icon
