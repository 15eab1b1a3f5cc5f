from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirclesConfig(AppConfig):
    name = "circles"
    verbose_name = _("Communities")

    def ready(self) -> None:
        from circles import hooks, search_documents
        from community.navigation import nav_register

        hooks.register()
        hooks.register_activity()
        hooks.register_audit_actions()
        hooks.register_reports()
        hooks.register_inbox()
        search_documents.register()
        nav_register(url_name="circles:list", title=_("Communities"), order=35)
