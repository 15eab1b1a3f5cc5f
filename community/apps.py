from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from community.navigation import nav_register
        from community.notifications import notification_kind_register
        from community.recognition import BADGE_AWARDED

        nav_register(url_name="home", title=_("Home"), order=0)
        nav_register(url_name="badges", title=_("Recognition"), order=60)
        notification_kind_register(
            key=BADGE_AWARDED,
            preference="recognition",
            one=_("You have a new badge: «%(target)s»"),
            many=_("%(count)s new badges"),
        )
