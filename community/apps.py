from django.apps import AppConfig
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from community import attainments, home, receivers
        from community.inbox import InboxSource, inbox_source_register
        from community.lookups import lookups_register
        from community.models import Report
        from community.navigation import nav_register
        from community.notifications import (
            audit_actions_register,
            notification_kind_register,
        )
        from community.recognition import BADGE_AWARDED
        from community.reporting import REPORT_ACTIONED, REPORT_DISMISSED
        from community.sanctions import SANCTION_GIVEN, SANCTION_LIFTED

        receivers.connect(self)
        if settings.EMBEDDED_PERIODIC:
            from django.core.signals import request_started

            from community.periodic import start_on_first_request

            request_started.connect(start_on_first_request)
        lookups_register()
        audit_actions_register(
            {
                "report_auto_hide": _("hidden automatically after reports"),
                "report_hide": _("hidden after a report"),
                "report_dismiss": _("report dismissed"),
                "badge_award": _("badge awarded"),
                "badge_revoke": _("badge revoked"),
                "member_warning": _("member warned"),
                "member_suspension": _("member suspended"),
                "member_ban": _("member banned"),
                "member_warning_lift": _("warning lifted"),
                "member_suspension_lift": _("suspension lifted"),
                "member_ban_lift": _("ban lifted"),
                "tag_rename": _("tag renamed"),
                "tag_merge": _("tags merged"),
                "embed_provider_on": _("embedding service switched on"),
                "embed_provider_off": _("embedding service switched off"),
                "embed_hide": _("embedded link hidden"),
                "embed_restore": _("embedded link shown again"),
            }
        )
        nav_register(url_name="home", title=_("Home"), order=0)
        home.register()
        inbox_source_register(
            InboxSource(
                key="reports",
                label=_("Open reports"),
                count=lambda: Report.objects.filter(status=Report.Status.OPEN).count(),
                url=lambda: (
                    reverse("admin:community_report_changelist") + "?status__exact=open"
                ),
                permission="community.change_report",
                order=10,
            )
        )
        nav_register(url_name="badges", title=_("Recognition"), order=60)
        attainments.register_defaults()
        notification_kind_register(
            key=REPORT_ACTIONED,
            preference="replies",
            one=_("Thank you: «%(target)s» is hidden after your report"),
            many=_("%(count)s items you reported are hidden"),
        )
        notification_kind_register(
            key=REPORT_DISMISSED,
            preference="replies",
            one=_("A moderator read your report on «%(target)s» and left it as it is"),
            many=_("%(count)s of your reports were read and left as they are"),
        )
        # No preference: a member is always told, on the site and by e-mail
        # at once, what a moderator decided about their account.
        notification_kind_register(
            key=SANCTION_GIVEN,
            preference=None,
            one=_("A moderator's decision about your account: %(target)s"),
            many=_("%(count)s moderators' decisions about your account"),
            urgent=True,
        )
        notification_kind_register(
            key=SANCTION_LIFTED,
            preference=None,
            one=_("A moderator lifted a restriction on your account: %(target)s"),
            many=_("%(count)s restrictions on your account were lifted"),
            urgent=True,
        )
        notification_kind_register(
            key=BADGE_AWARDED,
            preference="recognition",
            one=_("You have a new badge: «%(target)s»"),
            many=_("%(count)s new badges"),
        )
        # The registries' checks (manage.py check) register themselves.
        import community.checks  # noqa: F401
