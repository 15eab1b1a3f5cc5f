"""The courses' entry in the site's header, registered from ``ready()``."""

from django.utils.translation import gettext_lazy as _

from community.navigation import nav_register


def register() -> None:
    # After the master-classes (30) and the communities (35).
    nav_register(url_name="courses:catalogue", title=_("Courses"), order=37)
