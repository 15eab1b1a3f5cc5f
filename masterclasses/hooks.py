"""What master-classes tell the community layer and the personal space."""

from django.utils.translation import gettext_lazy as _

from masterclasses.kinds import (
    APPROVED,
    CANCELLED,
    CERTIFICATE,
    CHANGED,
    MASTERCLASS_ACTIVITY,
    NEW_BY_HOST,
    PROMOTED,
    REGISTERED,
    REMINDER_DAY,
    REMINDER_HOUR,
    RETURNED,
    WAITLISTED,
)

DIGEST_ITEMS = 5


def _groups_read(users: list, group_ids: set) -> set[tuple[int, int]]:
    """(member, group) for the members among ``users`` of the groups
    ``group_ids``: one query (none without groups), whatever their numbers."""
    from django.contrib.auth import get_user_model
    from django.db.models import BooleanField, Case, Value, When

    from community.audience import member_of

    if not group_ids or not users:
        return set()
    flags = {
        f"in_{group_id}": Case(
            When(member_of(group_id), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        for group_id in group_ids
    }
    rows = (
        get_user_model()
        .objects.filter(pk__in=[user.pk for user in users])
        .annotate(**flags)
        .values("pk", *flags)
    )
    return {
        (row["pk"], group_id)
        for row in rows
        for group_id in group_ids
        if row[f"in_{group_id}"]
    }


def _upcoming_in_subjects(users: list, since) -> dict:
    """Published master-classes of the next weeks in each reader's subjects,
    those the reader may read (a community's meetings for members only: to
    its members)."""
    import datetime

    from django.utils import timezone

    from accounts.selectors import subject_ids_by_member
    from community.audience import Audience
    from community.notifications import DigestItem
    from masterclasses.models import MasterClass

    subjects_of = subject_ids_by_member(user_ids=[user.pk for user in users])
    wanted = set().union(*subjects_of.values()) if subjects_of else set()
    now = timezone.now()
    upcoming = list(
        MasterClass.objects.filter(
            status=MasterClass.Status.PUBLISHED,
            is_hidden=False,
            subject__in=wanted,
            starts_at__gt=now,
            starts_at__lte=now + datetime.timedelta(days=21),
        ).order_by("starts_at")[:200]
    )
    groups_read = _groups_read(
        [user for user in users if user.is_active],
        {mc.group_id for mc in upcoming if mc.audience == Audience.GROUP},
    )

    def reads(user, masterclass) -> bool:
        if masterclass.audience == Audience.GROUP:
            return (user.pk, masterclass.group_id) in groups_read
        return masterclass.audience == Audience.EVERYONE or user.is_active

    found = {}
    for user in users:
        mine = [
            masterclass
            for masterclass in upcoming
            if masterclass.subject_id in subjects_of.get(user.pk, ())
            and masterclass.host_id != user.pk
            and reads(user, masterclass)
        ][:DIGEST_ITEMS]
        if mine:
            found[user.pk] = [
                DigestItem(
                    title=masterclass.title,
                    url=masterclass.get_absolute_url(),
                    detail=timezone.localtime(masterclass.starts_at).strftime(
                        "%d.%m %H:%M"
                    ),
                )
                for masterclass in mine
            ]
    return found


def _portfolio_certificates(user) -> list:
    """The member's certificates of master-classes open to everyone: anyone
    may read a portfolio (a community's meeting for members only stays out)."""
    from accounts.portfolio import PortfolioItem
    from community.audience import public
    from masterclasses.models import Certificate

    return [
        PortfolioItem(
            title=certificate.masterclass.title,
            url=certificate.get_absolute_url(),
            date=certificate.masterclass.starts_at,
            detail=f"{certificate.get_kind_display()} · {certificate.number}",
        )
        for certificate in Certificate.objects.filter(
            public("masterclass__"), user=user
        )
        .select_related("masterclass")
        .order_by("-issued_at")[:100]
    ]


def register() -> None:
    from accounts.bookmarks import bookmarkable_register
    from accounts.portfolio import portfolio_section_register
    from community.notifications import (
        activity_kind_register,
        digest_section_register,
        notification_kind_register,
    )
    from masterclasses.models import MasterClass
    from masterclasses.selectors import masterclasses_visible_to

    kinds = [
        (REGISTERED, _("You are registered for «%(target)s»"),
         _("You are registered for %(count)s master-classes")),
        (WAITLISTED, _("The seats of «%(target)s» are taken: you are on the waitlist"),
         _("You are on %(count)s waitlists")),
        (PROMOTED, _("A seat came free: you are registered for «%(target)s»"),
         _("Seats came free in %(count)s master-classes")),
        (REMINDER_DAY, _("«%(target)s» is tomorrow"),
         _("%(count)s master-classes tomorrow")),
        (REMINDER_HOUR, _("«%(target)s» starts within the hour"),
         _("%(count)s master-classes start within the hour")),
        (CHANGED, _("«%(target)s» has a new time or place"),
         _("%(count)s changes in «%(target)s»")),
        (CANCELLED, _("«%(target)s» is cancelled"),
         _("%(count)s master-classes are cancelled")),
        (NEW_BY_HOST, _("%(actor)s announced a master-class: «%(target)s»"),
         _("%(count)s new master-classes by colleagues you follow")),
        (APPROVED, _("Your master-class «%(target)s» is published"),
         _("%(count)s of your master-classes are published")),
        (RETURNED, _("Your master-class «%(target)s» needs changes"),
         _("%(count)s of your master-classes need changes")),
        (CERTIFICATE, _("Your certificate for «%(target)s» is ready"),
         _("%(count)s certificates are ready")),
    ]  # fmt: skip
    urgent = {PROMOTED, REMINDER_DAY, REMINDER_HOUR, CHANGED, CANCELLED}
    for key, one, many in kinds:
        notification_kind_register(
            key=key,
            preference="masterclasses",
            one=one,
            many=many,
            urgent=key in urgent,
            # Pushed even in quiet hours: the hour's reminder of an early
            # master-class, and a new time or a cancellation, would come
            # after it in the morning (the day's reminder, sent a day ahead,
            # is still ahead then).
            at_night=key in {REMINDER_HOUR, CHANGED, CANCELLED},
        )
    activity_kind_register(
        MASTERCLASS_ACTIVITY, _("%(actor)s announced the master-class")
    )
    digest_section_register(
        key="upcoming_masterclasses",
        title=_("Upcoming master-classes in your subjects"),
        order=30,
        items=_upcoming_in_subjects,
    )
    bookmarkable_register(
        MasterClass,
        key="masterclass",
        label=_("Master-class"),
        visible_to=masterclasses_visible_to,
    )
    portfolio_section_register(
        key="certificates",
        title=_("Master-classes: certificates"),
        order=25,
        items=_portfolio_certificates,
    )
    register_attainments()


def register_attainments() -> None:
    """Certificates and master-classes hosted as evidence of growth, upcoming
    ones as suggestions (``masterclasses.attainments``)."""
    from masterclasses import attainments

    attainments.register()


def _held(user_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from masterclasses.models import MasterClass

    return dict(
        MasterClass.objects.filter(
            host_id__in=user_ids, status=MasterClass.Status.FINISHED
        )
        .values("host_id")
        .annotate(count=Count("pk"))
        .values_list("host_id", "count")
    )


def _attended(user_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from masterclasses.models import MasterClass, Registration

    return dict(
        Registration.objects.filter(
            user_id__in=user_ids,
            attended=True,
            masterclass__status=MasterClass.Status.FINISHED,
        )
        .values("user_id")
        .annotate(count=Count("pk"))
        .values_list("user_id", "count")
    )


def _contribution(start, end) -> dict[int, int]:
    """A master-class held (with at least one attendee): 10 points."""
    from django.db.models import Count, Q

    from masterclasses.models import MasterClass

    held = (
        MasterClass.objects.filter(
            status=MasterClass.Status.FINISHED, ends_at__gte=start, ends_at__lt=end
        )
        .annotate(came=Count("registrations", filter=Q(registrations__attended=True)))
        .filter(came__gt=0)
    )
    points: dict[int, int] = {}
    for host_id in held.values_list("host_id", flat=True):
        points[host_id] = points.get(host_id, 0) + 10
    return points


def register_recognition() -> None:
    from community.badges import (
        BadgeRule,
        badge_measure_register,
        badge_rule_register,
        contribution_source_register,
    )

    badge_measure_register("masterclasses_held", _held)
    badge_measure_register("masterclasses_attended", _attended)
    for rule in [
        BadgeRule("masterclass-held", "masterclasses_held", 1, "silver",
                  _("Master-class held"),
                  _("Held a master-class for colleagues; earned for each."), "🎓",
                  repeatable=True),
        BadgeRule("masterclasses-5", "masterclasses_attended", 5, "bronze",
                  _("Keen learner"), _("Attended 5 master-classes."), "📚"),
    ]:  # fmt: skip
        badge_rule_register(rule)
    contribution_source_register("masterclasses", _contribution)


def register_reports() -> None:
    from community.reports import reportable_register
    from masterclasses import services
    from masterclasses.models import MasterClass
    from masterclasses.selectors import masterclasses_visible_to

    reportable_register(
        MasterClass,
        key="masterclass",
        label=_("Master-class"),
        visible_to=masterclasses_visible_to,
        owner_id=lambda masterclass: masterclass.host_id,
        hide=lambda masterclass, moderator, reason: services.masterclass_hide(
            masterclass=masterclass, moderator=moderator, reason=reason
        ),
        auto_hide=lambda masterclass, hidden: services.masterclass_hide_by_reports(
            masterclass=masterclass, hidden=hidden
        ),
    )


def _proposals(user):
    """Proposals waiting for a moderator, oldest first."""
    from masterclasses.models import MasterClass

    return (
        MasterClass.objects.filter(status=MasterClass.Status.PROPOSED)
        .select_related("host__profile")
        .order_by("updated_at", "pk")
    )


def _proposal_item(masterclass):
    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    from community.inbox import InboxItem

    return InboxItem(
        pk=masterclass.pk,
        kind=str(_("Master-class proposal")),
        title=masterclass.title,
        url=masterclass.get_absolute_url(),
        author=masterclass.host.profile.shown_name,
        created_at=masterclass.updated_at,
        excerpt=Truncator(strip_tags(masterclass.description_html)).chars(400),
    )


def _proposal_decide(user, pk: int, *, approve: bool, reason: str = "") -> str:
    """Approve (publish) a proposal, or return it to its host with the reason."""
    from django.shortcuts import get_object_or_404

    from masterclasses import services
    from masterclasses.models import MasterClass

    masterclass = get_object_or_404(MasterClass, pk=pk)
    if masterclass.status != MasterClass.Status.PROPOSED:
        return str(_("Another moderator has already decided about this proposal."))
    if approve:
        services.masterclass_approve(masterclass=masterclass, moderator=user)
        return str(_("Published: “%(title)s”.") % {"title": masterclass.title})
    services.masterclass_return(masterclass=masterclass, moderator=user, note=reason)
    return str(
        _("Returned to its host with your note: “%(title)s”.")
        % {"title": masterclass.title}
    )


def register_inbox() -> None:
    from django.urls import reverse

    from community.inbox import InboxQueue, InboxSource, inbox_source_register
    from masterclasses.models import MasterClass

    inbox_source_register(
        InboxSource(
            key="masterclass_proposals",
            label=_("Master-class proposals"),
            count=lambda: MasterClass.objects.filter(
                status=MasterClass.Status.PROPOSED
            ).count(),
            url=lambda: (
                reverse("admin:masterclasses_masterclass_changelist")
                + "?status__exact=proposed"
            ),
            permission="masterclasses.change_masterclass",
            order=40,
            # "Reject" returns it to the host, who must be told what to change.
            queue=InboxQueue(
                items=_proposals,
                item=_proposal_item,
                approve=lambda user, pk: _proposal_decide(user, pk, approve=True),
                reject=lambda user, pk, reason: _proposal_decide(
                    user, pk, approve=False, reason=reason
                ),
                reason_required=True,
            ),
        )
    )


def register_discovery() -> None:
    """Master-classes in a tag's feed and in the sitemap."""
    from community.feeds import tag_feed_source_register
    from community.sitemaps import sitemap_register
    from masterclasses.feeds import tag_entries
    from masterclasses.sitemaps import MasterClassSitemap

    tag_feed_source_register(key="masterclasses", entries=tag_entries)
    sitemap_register(key="masterclasses", sitemap=MasterClassSitemap, order=40)


def register_tags() -> None:
    """Listed master-classes on a tag's page."""
    from community.audience import public
    from community.tags import tag_unlisted_register, tagged_source_register
    from masterclasses import selectors
    from masterclasses.models import MasterClass

    # A meeting's tags are suggested to everyone only when everyone reads it.
    tag_unlisted_register(
        key="masterclasses",
        model=MasterClass,
        rows=lambda: MasterClass.objects.exclude(public()).values("pk"),
    )
    tagged_source_register(
        key="masterclasses",
        label=_("Master-classes"),
        order=30,
        items=lambda user, tag: selectors.masterclass_list_for_tag(tag=tag, user=user),
        template="masterclasses/partials/_tagged_masterclass.html",
    )


def register_audit_actions() -> None:
    from community.notifications import audit_actions_register

    audit_actions_register(
        {
            "masterclass_propose": _("master-class proposed"),
            "masterclass_publish": _("master-class published"),
            "masterclass_return": _("master-class returned to its host"),
            "masterclass_cancel": _("master-class cancelled"),
            "masterclass_hide": _("master-class hidden"),
            "masterclass_restore": _("master-class shown again"),
            "trusted_host": _("host trusted"),
            "trusted_host_removed": _("trust in host withdrawn"),
        }
    )


HOME_NEXT = 3


def _home_next(viewer) -> dict:
    from masterclasses.selectors import registrations_upcoming

    registrations = registrations_upcoming(user=viewer.user, limit=HOME_NEXT)
    return {"registrations": registrations, "count": len(registrations)}


def _home_upcoming(viewer) -> list | None:
    from masterclasses.selectors_public import masterclasses_soon

    return masterclasses_soon(limit=HOME_NEXT) or None


def register_home() -> None:
    """A member's next master-classes; the next ones open to everyone for visitors."""
    from community.home import MEMBERS, VISITORS, home_block_register

    home_block_register(
        key="masterclasses",
        audience=MEMBERS,
        order=10,
        read=_home_next,
        template="masterclasses/partials/_home_next.html",
        summary_template="masterclasses/partials/_home_next_summary.html",
    )
    home_block_register(
        key="masterclasses",
        audience=VISITORS,
        order=30,
        read=_home_upcoming,
        template="masterclasses/partials/_home_upcoming.html",
    )


def register_certificates() -> None:
    """Master-classes' certificates on the verification page."""
    from community.certificates import certificate_source_register
    from masterclasses.certificates import certificate_verified

    certificate_source_register("masterclasses", certificate_verified)
