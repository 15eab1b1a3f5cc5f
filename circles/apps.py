from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirclesConfig(AppConfig):
    name = "circles"
    verbose_name = _("Communities")

    def ready(self) -> None:
        from circles import hooks, search_documents
        from community.audience import groups_register
        from community.navigation import nav_register

        # A member's groups (``community.audience``): their communities.
        groups_register(_communities_of)

        hooks.register()
        hooks.register_activity()
        hooks.register_audit_actions()
        hooks.register_holdings_audit_actions()
        hooks.register_reports()
        hooks.register_inbox()
        hooks.register_recognition()
        hooks.register_tags()
        search_documents.register()
        nav_register(url_name="circles:list", title=_("Communities"), order=35)


def _communities_of(user):
    from circles.models import Community

    return Community.objects.filter(memberships__user=user).values("pk")
