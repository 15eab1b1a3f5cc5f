"""What communities tell the community layer: kinds, reports, the inbox, the feed.

The keys come from ``circles.kinds`` (which imports nothing), so the services
never import this module; this module reaches the services only inside the
functions it registers, when a moderator or the reports call them.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from circles.kinds import (
    ARCHIVED,
    COFOUNDER_INVITED,
    COMMUNITY_ACTIVITY,
    DORMANT,
    HIDDEN,
    INVITED,
    JOIN_REQUESTED,
    OPENED,
    OWNER_AWAY,
    OWNERSHIP_OFFERED,
    OWNERSHIP_SUGGESTED,
    REQUEST_APPROVED,
    REQUEST_REJECTED,
)

# The members' switch every community notice obeys (but a moderator's hide).
PREFERENCE = "communities"
# A community opened this recently waits in the moderators' inbox: it was born
# without them (a quorum of colleagues opened it), so they look at it once.
NEW_DAYS = 7


def register() -> None:
    from community.notifications import notification_kind_register

    kinds = [
        (COFOUNDER_INVITED,
         _("%(actor)s invites you to found the community «%(target)s» together"),
         _("%(count)s invitations to found the community «%(target)s»")),
        (OPENED, _("The community «%(target)s» is open: enough colleagues joined"),
         _("%(count)s of your communities are open")),
        (INVITED, _("%(actor)s invites you to the community «%(target)s»"),
         _("%(count)s invitations to the community «%(target)s»")),
        (JOIN_REQUESTED, _("%(actor)s asks to join the community «%(target)s»"),
         _("%(count)s requests to join the community «%(target)s»")),
        (REQUEST_APPROVED, _("You are a member of the community «%(target)s» now"),
         _("%(count)s of your requests to join are approved")),
        (REQUEST_REJECTED, _("Your request to join «%(target)s» is declined"),
         _("%(count)s of your requests to join are declined")),
        (OWNERSHIP_OFFERED,
         _("%(actor)s offers you the ownership of the community «%(target)s»"),
         _("%(count)s offers of the ownership of «%(target)s»")),
        # The nightly run tells these (``services.lifecycle``): no actor.
        (DORMANT,
         _("The community «%(target)s» has gone quiet: nobody writes in it"),
         _("%(count)s of your communities have gone quiet")),
        (ARCHIVED,
         _("The community «%(target)s» is archived: it stayed quiet too long"),
         _("%(count)s of your communities are archived")),
        (OWNERSHIP_SUGGESTED,
         _("The community «%(target)s» needs an owner: you are offered it"),
         _("%(count)s offers of the ownership of «%(target)s»")),
        (OWNER_AWAY,
         _("You have been away: «%(target)s» is offered to an active member"),
         _("%(count)s of your communities are offered to active members")),
    ]  # fmt: skip
    for key, one, many in kinds:
        notification_kind_register(key=key, preference=PREFERENCE, one=one, many=many)
    # No preference: founders always hear, at once, that a moderator hid their
    # community, and why.
    notification_kind_register(
        key=HIDDEN,
        preference=None,
        one=_("A moderator hid the community «%(target)s»"),
        many=_("%(count)s of your communities are hidden by moderators"),
        urgent=True,
    )


def register_activity() -> None:
    """How a community's opening reads in the feed (``changes`` records it)."""
    from community.notifications import activity_kind_register

    activity_kind_register(COMMUNITY_ACTIVITY, _("%(actor)s opened the community"))


def register_audit_actions() -> None:
    from community.notifications import audit_actions_register

    audit_actions_register(
        {
            "community_propose": _("community proposed"),
            "community_open": _("community opened"),
            "community_join": _("joined a community"),
            "community_request": _("asked to join a community"),
            "community_approve": _("request to join approved"),
            "community_reject": _("request to join declined"),
            "community_invite": _("invited to a community"),
            "community_leave": _("left a community"),
            "community_remove": _("removed from a community"),
            "community_ban": _("banned from a community"),
            "community_moderator": _("community moderators changed"),
            "community_handover": _("community handed over"),
            "community_hide": _("community hidden"),
            "community_restore": _("community shown again"),
            "community_hide_automatic": _("community hidden automatically"),
            "community_restore_automatic": _("community shown again automatically"),
            "community_archive": _("community archived"),
            # Also written by the services: the smaller steps.
            "community_edit": _("community edited"),
            "community_decline": _("invitation to a community declined"),
            "community_withdraw": _("request to join withdrawn"),
            "community_unban": _("community ban lifted"),
            "community_ownership_offer": _("community ownership offered"),
            "community_ownership_decline": _("community ownership declined"),
            # The nightly run (``services.lifecycle``): no actor.
            "community_dormant": _("community gone quiet"),
            "community_wake": _("quiet community active again"),
            "community_archive_automatic": _("community archived automatically"),
            "community_ownership_offer_automatic": _(
                "community ownership offered automatically"
            ),
            "community_ownership_withdraw_automatic": _(
                "community ownership offer withdrawn automatically"
            ),
        }
    )


def _hide(community, moderator, reason: str):
    from circles import services

    return services.community_hide(
        community=community, moderator=moderator, reason=reason
    )


def _hide_by_reports(community, hidden: bool):
    from circles import services

    return services.community_hide_by_reports(community=community, hidden=hidden)


def register_reports() -> None:
    from circles.models import Community
    from circles.selectors import communities_visible_to
    from community.reports import reportable_register

    reportable_register(
        Community,
        key="community",
        label=_("Community"),
        visible_to=communities_visible_to,
        owner_id=lambda community: community.founder_id,
        hide=_hide,
        auto_hide=_hide_by_reports,
        title=lambda community: community.name,
    )


def recently_opened():
    """Communities opened in the last ``NEW_DAYS`` and not hidden: the
    moderators' inbox counts them, the admin list filters them."""
    from django.utils import timezone

    from circles.models import Community

    return Community.objects.filter(
        status__in=[Community.Status.OPEN, Community.Status.DORMANT],
        is_hidden=False,
        opened_at__gte=timezone.now() - datetime.timedelta(days=NEW_DAYS),
    )


def _reports_open():
    from django.contrib.contenttypes.models import ContentType

    from circles.models import Community
    from community.models import Report

    return Report.objects.filter(
        status=Report.Status.OPEN,
        target_type=ContentType.objects.get_for_model(Community),
    )


def _reports_url() -> str:
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from circles.models import Community

    kind = ContentType.objects.get_for_model(Community).pk
    return (
        reverse("admin:community_report_changelist")
        + f"?status__exact=open&target_type__id__exact={kind}"
    )


def register_inbox() -> None:
    from django.urls import reverse

    from community.inbox import InboxSource, inbox_source_register

    inbox_source_register(
        InboxSource(
            key="communities_reported",
            label=_("Reports on communities"),
            count=lambda: _reports_open().count(),
            url=_reports_url,
            permission="community.change_report",
            order=12,
        )
    )
    inbox_source_register(
        InboxSource(
            key="communities_new",
            label=_("Communities opened in the last week"),
            count=lambda: recently_opened().count(),
            url=lambda: reverse("admin:circles_community_changelist") + "?new=1",
            permission="circles.change_community",
            order=45,
        )
    )


def register_holdings_audit_actions() -> None:
    """The audit log's names for what a community holds: its collection and
    its meetings (``circles.services.collection``, ``meetings``)."""
    from community.notifications import audit_actions_register

    audit_actions_register(
        {
            "community_material_add": _("material added to a community"),
            "community_material_remove": _("material taken out of a community"),
            "community_meeting": _("meeting proposed in a community"),
        }
    )


def register_recognition() -> None:
    """The profile's communities, the portfolio's "founded" and "moderates",
    the digest's new communities, badges and contribution points
    (``circles.recognition`` says what each counts)."""
    from accounts.portfolio import portfolio_section_register
    from accounts.profile_blocks import profile_block_register
    from circles import recognition
    from circles.recognition import FOUNDED_MEASURE, MODERATION_MEASURE
    from community.badges import (
        BadgeRule,
        badge_measure_register,
        badge_rule_register,
        contribution_source_register,
    )
    from community.notifications import digest_section_register

    profile_block_register(
        key="communities",
        template="circles/partials/_profile_communities.html",
        read=recognition.profile_block,
        order=20,
    )
    portfolio_section_register(
        key="communities_founded",
        title=_("Communities founded"),
        order=32,
        items=recognition.portfolio_founded,
        with_viewer=True,
    )
    portfolio_section_register(
        key="communities_moderated",
        title=_("Communities moderated"),
        order=33,
        items=recognition.portfolio_moderated,
        with_viewer=True,
    )
    register_attainments()
    digest_section_register(
        key="new_communities",
        title=_("New communities in your subjects"),
        order=40,
        items=recognition.new_in_subjects,
    )
    badge_measure_register(FOUNDED_MEASURE, recognition.founded_grown)
    badge_measure_register(MODERATION_MEASURE, recognition.moderation_done)
    for rule in [
        BadgeRule("community-founder", FOUNDED_MEASURE, 1, "silver",
                  _("Community founder"),
                  _("Founded a community that ten colleagues joined; earned for each."),
                  "🏛", repeatable=True),
        BadgeRule("community-keeper", MODERATION_MEASURE, 25, "bronze",
                  _("Community keeper"),
                  _("Decided 25 requests to join or moderation steps in the "
                    "communities the member runs."), "🗝"),
        BadgeRule("community-guardian", MODERATION_MEASURE, 100, "silver",
                  _("Community guardian"),
                  _("Decided 100 requests to join or moderation steps in the "
                    "communities the member runs."), "🗝"),
    ]:  # fmt: skip
        badge_rule_register(rule)
    contribution_source_register("circles", recognition.contribution)


def register_tags() -> None:
    """A community's tags are suggested to everyone only while anyone may
    read it (as a visitor finds it)."""
    from django.contrib.auth.models import AnonymousUser

    from circles.models import Community
    from circles.selectors import communities_visible_to
    from community.tags import tag_unlisted_register

    tag_unlisted_register(
        key="communities",
        model=Community,
        rows=lambda: Community.objects.exclude(
            pk__in=communities_visible_to(AnonymousUser()).values("pk")
        ).values("pk"),
    )


def register_attainments() -> None:
    """Communities founded or run as evidence of growth, communities to join
    as suggestions (``circles.attainments``)."""
    from circles import attainments

    attainments.register()
