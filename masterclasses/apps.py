from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MasterclassesConfig(AppConfig):
    name = "masterclasses"
    verbose_name = _("Master-classes")

    def ready(self) -> None:
        from community.installable import offline_list_register
        from community.navigation import nav_register
        from masterclasses import hooks, search_documents

        hooks.register()
        hooks.register_inbox()
        hooks.register_recognition()
        hooks.register_reports()
        hooks.register_discovery()
        hooks.register_tags()
        hooks.register_audit_actions()
        hooks.register_home()
        hooks.register_certificates()
        search_documents.register()
        nav_register(url_name="masterclasses:list", title=_("Master-classes"), order=30)
        offline_list_register(
            url_name="masterclasses:mine",
            title=_("My master-classes"),
            icon="calendar-event",
        )
