"""The admin site: Django's, where no address of a list can break its page.

Every model admin, ours and the libraries', is registered on this site
(``AdminConfig.default_site``) and so lists its rows with ``CheckedChangeList``.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import BadRequest


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


class CheckedChangeListMixin:
    def get_changelist(self, request, **kwargs):
        return CheckedChangeList


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


class AdminConfig(DjangoAdminConfig):
    default_site = "community.admin_site.AdminSite"
