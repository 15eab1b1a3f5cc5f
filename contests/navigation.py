"""The contests' entry in the site's header, registered from ``ready()``."""

from django.utils.translation import gettext_lazy as _

from community.navigation import nav_register


def register() -> None:
    # After the courses (37), before the colleagues (50). Network projects
    # are reached from the contests' page and the home page.
    nav_register(url_name="contests:index", title=_("Contests"), order=38)
