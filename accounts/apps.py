from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Members")

    def ready(self) -> None:
        from accounts import (
            bookmarks,
            community_hooks,
            portfolio,
            receivers,
            search_documents,
        )
        from community.navigation import nav_register

        receivers.connect()
        bookmarks.register_defaults()
        community_hooks.register()
        community_hooks.register_recognition()
        community_hooks.register_reports()
        community_hooks.register_discovery()
        community_hooks.register_tags()
        search_documents.register()
        portfolio.register_defaults()
        nav_register(url_name="accounts:directory", title=_("Colleagues"), order=50)
