from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        from community.navigation import nav_register
        from forums import hooks, search_documents

        hooks.register()
        hooks.register_inbox()
        hooks.register_recognition()
        hooks.register_reports()
        hooks.register_discovery()
        hooks.register_tags()
        hooks.register_audit_actions()
        hooks.register_home()
        search_documents.register()
        nav_register(url_name="forums:index", title=_("Forums"), order=10)
