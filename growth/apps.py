from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthConfig(AppConfig):
    name = "growth"
    verbose_name = _("My path")

    def ready(self) -> None:
        from growth import hooks

        hooks.register()
