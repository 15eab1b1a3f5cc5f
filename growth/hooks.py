"""What «Мой путь» gives the community layer.

- the notification kinds (``kinds``): a mentor's invitation, her answer (or
  leaving), comments in a plan, her own evidence confirmed, a plan item due
  soon, professional development due or overdue; all under the members'
  switch «Мой путь» (``kinds.PREFERENCE``); the due item is urgent (a digest
  would bring it late);
- the models private to the member and her mentor (``community.privacy``):
  the staff's lists name none of them by its title;
- the listener of ``community.attainments``: the members whose attainments a
  transaction changed get their evidence gathered again by a task
  (``tasks.attainments_changed``);
- a public plan is reportable: the moderators make it private
  (``services.moderation``, ``moderation.plans_visible_to``);
- the framework actions put on record, the member's data (export and
  deletion, ``account_data``), and the link in her own menu
  (``navigation``).

Plans are never in the site search, the feeds, the activity feed or the
sitemap: nothing here registers them there. The keys come from
``growth.kinds``, so the services never import this module.
"""

from django.utils.translation import gettext_lazy as _

from growth import kinds


def register() -> None:
    from growth import navigation

    register_kinds()
    register_privacy()
    register_attainments()
    register_reports()
    register_audit_actions()
    register_account_data()
    navigation.register()


def register_kinds() -> None:
    from community.notifications import notification_kind_register

    for key, one, many in [
        (kinds.MENTOR_INVITED,
         _("%(actor)s invites you to mentor the plan «%(target)s»"),
         _("%(count)s invitations to mentor colleagues' plans")),
        (kinds.MENTOR_ANSWERED,
         _("Mentoring your plan «%(target)s»: news from %(actor)s"),
         _("%(count)s news about mentoring your plan «%(target)s»")),
        (kinds.COMMENTED,
         _("%(actor)s comments on the plan «%(target)s»"),
         _("%(count)s new comments on the plan «%(target)s»")),
        (kinds.EVIDENCE_CONFIRMED,
         _("%(actor)s confirms your evidence in the plan «%(target)s»"),
         _("%(count)s pieces of your evidence confirmed in the plan «%(target)s»")),
        (kinds.ITEM_DUE,
         _("A step of your plan is due soon: «%(target)s»"),
         _("%(count)s steps of your plans are due soon")),
        (kinds.DEVELOPMENT_DUE,
         _("Professional development is due by %(target)s: a course every "
           "three years"),
         _("%(count)s reminders about professional development")),
        (kinds.DEVELOPMENT_OVERDUE,
         _("Professional development: %(target)s — a course at least every "
           "three years"),
         _("%(count)s reminders about professional development")),
    ]:  # fmt: skip
        notification_kind_register(
            key=key,
            preference=kinds.PREFERENCE,
            one=one,
            many=many,
            # A due date in a digest would come after it.
            urgent=key == kinds.ITEM_DUE,
        )


def register_privacy() -> None:
    """Staff lists name nothing of a plan by its title: the plans, their
    items, comments and history, mentorships and evidence are the member's
    and her mentor's."""
    from community.privacy import private_model_register
    from growth.models import (
        Evidence,
        Mentorship,
        OwnEvidence,
        Plan,
        PlanComment,
        PlanEvent,
        PlanItem,
    )

    for model in (
        Plan,
        PlanItem,
        PlanComment,
        PlanEvent,
        OwnEvidence,
        Evidence,
        Mentorship,
    ):
        private_model_register(model)


def register_attainments() -> None:
    from community.attainments import attainments_listen
    from growth.tasks import attainments_changed

    attainments_listen(kinds.ATTAINMENTS_LISTENER, attainments_changed)


def register_reports() -> None:
    """A public plan is reportable by other members: the moderators'
    decision (or enough reports of established members, until one looks)
    makes it private (``services.moderation``)."""
    from community.reports import reportable_register
    from growth import moderation
    from growth.models import Plan
    from growth.services import moderation as services

    reportable_register(
        Plan,
        key=kinds.REPORTABLE_PLAN,
        label=_("Public plan of «My path»"),
        visible_to=moderation.plans_visible_to,
        owner_id=lambda plan: plan.owner_id,
        hide=lambda plan, moderator, reason: services.plan_make_private(
            plan, actor=moderator, reason=reason
        ),
        auto_hide=lambda plan, hidden: (
            services.plan_make_private(plan, actor=None)
            if hidden
            else services.plan_public_again(plan)
        ),
        title=moderation.plan_title,
    )


def register_audit_actions() -> None:
    from community.notifications import audit_actions_register
    from growth.services.framework import AUDIT_COPY, AUDIT_CURRENT
    from growth.services.moderation import AUDIT_PRIVATE, AUDIT_PUBLIC_AGAIN

    audit_actions_register(
        {
            AUDIT_COPY: _("framework version copied as a new version"),
            AUDIT_CURRENT: _("framework version made current"),
            AUDIT_PRIVATE: _("public plan made private after a report"),
            AUDIT_PUBLIC_AGAIN: _("plan public again: its reports dismissed"),
        }
    )


def register_account_data() -> None:
    from accounts.account_data import account_data_register
    from growth import account_data

    account_data_register(
        key="growth",
        export=account_data.member_export,
        erase=account_data.member_erase,
    )
