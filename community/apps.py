from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from community.navigation import nav_register

        nav_register(url_name="home", title=_("Home"), order=0)
