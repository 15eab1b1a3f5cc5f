"""Who may see and do what in «Мой путь».

Pure predicates shared by views, templates and services. A plan is its
owner's and her active mentor's; a public plan shows everyone its target and
what is done, and nothing else. The plan's active mentorship is read once
(``active_mentorship``) and kept on the plan object, so a page asking several
of these pays one query for it.
"""

from community.standing import is_restricted
from growth.models import Mentorship, Plan

# ``active_mentorship``'s answer, kept on the plan object.
_MENTORSHIP = "_growth_active_mentorship"


def _is_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def active_mentorship(plan: Plan) -> Mentorship | None:
    """The plan's mentorship in force (accepted, not ended), or None; one
    query the first time, none after (kept on ``plan``)."""
    if _MENTORSHIP not in plan.__dict__:
        plan.__dict__[_MENTORSHIP] = (
            Mentorship.objects.filter(plan_id=plan.pk, status=Mentorship.Status.ACTIVE)
            .select_related("mentor")
            .first()
        )
    return plan.__dict__[_MENTORSHIP]


def active_mentorship_forget(plan: Plan) -> None:
    """Drop the kept answer (the services, after they change a mentorship)."""
    plan.__dict__.pop(_MENTORSHIP, None)


def is_owner(user, plan: Plan) -> bool:
    return _is_member(user) and user.pk == plan.owner_id


def is_active_mentor(user, plan: Plan) -> bool:
    if not _is_member(user) or user.pk == plan.owner_id:
        return False
    mentorship = active_mentorship(plan)
    return mentorship is not None and mentorship.mentor_id == user.pk


def can_view_plan(user, plan: Plan) -> bool:
    # The whole plan: its owner and her active mentor (a public plan shows
    # others only its target and what is done: ``can_view_public_plan``).
    return is_owner(user, plan) or is_active_mentor(user, plan)


def can_view_public_plan(user, plan: Plan) -> bool:
    # Anyone, signed in or not, while the plan is public and its owner is an
    # active member whose profile the moderators have not hidden, not deleted,
    # and not suspended or banned: a public plan is a way of publishing, and
    # a member the moderators stopped publishes nothing meanwhile (no query:
    # ``restricted_until`` is on the user, the profile loaded with the plan;
    # ``growth.moderation.plans_visible_to`` is the same as a query).
    if plan.visibility != Plan.Visibility.PUBLIC:
        return False
    owner = plan.owner
    if not owner.is_active or is_restricted(owner):
        return False
    profile = owner.profile
    return not profile.is_hidden and not profile.is_deleted


def can_moderate_plans(user) -> bool:
    # The site's moderators, who resolve reports (a public plan reported:
    # they make it private), and superusers.
    return _is_member(user) and (
        user.is_superuser
        or (user.is_staff and user.has_perm("community.change_report"))
    )


def can_edit_plan(user, plan: Plan) -> bool:
    # Its owner, while it is active; a mentor never edits.
    return is_owner(user, plan) and plan.status == Plan.Status.ACTIVE


def can_change_own_evidence(user, plan: Plan) -> bool:
    # Her own evidence is hers, not the plan's: she edits, removes and
    # downloads it from any of her plans, open or closed. A mentor never
    # changes it (she reads, downloads and confirms it while mentoring).
    return is_owner(user, plan)


def can_comment(user, plan: Plan) -> bool:
    return plan.status == Plan.Status.ACTIVE and (
        is_owner(user, plan) or is_active_mentor(user, plan)
    )


def can_confirm_evidence(user, plan: Plan) -> bool:
    # The plan's active mentor: her own evidence needs another's word.
    return plan.status == Plan.Status.ACTIVE and is_active_mentor(user, plan)


def can_answer_mentorship(user, mentorship: Mentorship) -> bool:
    # The invited mentor, while the invitation stands.
    return (
        _is_member(user)
        and user.pk == mentorship.mentor_id
        and mentorship.status == Mentorship.Status.INVITED
    )


def can_leave_mentorship(user, mentorship: Mentorship) -> bool:
    # The mentor herself, while invited or mentoring.
    return (
        _is_member(user)
        and user.pk == mentorship.mentor_id
        and mentorship.status in (Mentorship.Status.INVITED, Mentorship.Status.ACTIVE)
    )
