from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Contests and projects")

    def ready(self) -> None:
        from contests import hooks

        hooks.register()
