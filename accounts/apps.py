from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Members")

    def ready(self) -> None:
        from django.contrib.auth.models import Group

        from accounts import (
            account_data,
            bookmarks,
            community_hooks,
            portfolio,
            receivers,
            roles,
            search_documents,
        )
        from community.checks import registry_checked
        from community.installable import offline_list_register
        from community.navigation import nav_register

        receivers.connect()
        # A group prints as its role in the reader's language wherever the
        # admin names it (lists, filters, the user's groups, titles).
        Group.__str__ = lambda group: roles.role_name(group.name)
        bookmarks.register_defaults()
        community_hooks.register()
        community_hooks.register_recognition()
        community_hooks.register_reports()
        community_hooks.register_discovery()
        community_hooks.register_tags()
        community_hooks.register_audit_actions()
        search_documents.register()
        portfolio.register_defaults()
        registry_checked("portfolio sections", lambda: portfolio._sections)
        registry_checked("bookmarkables", lambda: bookmarks._registry)
        registry_checked("account data", lambda: account_data._registry)
        nav_register(url_name="accounts:directory", title=_("Colleagues"), order=50)
        offline_list_register(
            url_name="accounts:bookmarks", title=_("Bookmarks"), icon="bookmark"
        )
