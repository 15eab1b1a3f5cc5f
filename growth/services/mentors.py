"""A plan's mentor («наставник»): invited by the owner, accepting or
declining, leaving or removed; comments in the plan. Every mentor's act is
in the plan's history (``PlanEvent.by_mentor``). The plan's row is locked
first, so two invitations at once leave one."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_blocked_by
from community.markdown import render_markdown
from community.sanctions import participation_check
from growth import changes
from growth.models import Mentorship, Plan, PlanComment, PlanEvent
from growth.permissions import active_mentorship, active_mentorship_forget
from growth.services._common import (
    _active_check,
    _event,
    _owner_check,
    _plan_locked,
    _refuse,
    _text,
)

COMMENT_MAX_LENGTH = 5000
OPEN = (Mentorship.Status.INVITED, Mentorship.Status.ACTIVE)


# The same colleague is invited to a plan at most once in so long (invited,
# withdrawn, invited again: each would be an e-mail).
INVITE_AGAIN_AFTER = datetime.timedelta(hours=24)


@transaction.atomic
def mentor_invite(plan: Plan, *, actor, mentor) -> Mentorship:
    """Invite ``mentor`` to the active plan (its owner only): one mentor,
    invited or mentoring, at a time; not herself, not an inactive member,
    not one who blocked her (refused in the words an unknown name is, so
    that a block is not told), not the colleague she invited to this plan
    within ``INVITE_AGAIN_AFTER``. The mentor is told. Raises
    ValidationError.

    The history names no one (``PlanEvent.detail`` stays empty): who acted
    is its ``actor``, shown as "deleted member" once an account is deleted.
    """
    _owner_check(plan, actor)
    participation_check(actor)
    locked = _plan_locked(plan)
    _active_check(locked)
    if mentor is None or mentor.pk == plan.owner_id:
        raise _refuse(_("You cannot be your own mentor."), code="self")
    if not mentor.is_active or is_blocked_by(actor, mentor):
        # The form's words for a name it does not know (``forms_mentor``).
        raise _refuse(
            _("No such colleague: %(name)s.") % {"name": mentor.get_username()},
            code="unknown",
        )
    if Mentorship.objects.filter(plan_id=plan.pk, status__in=OPEN).exists():
        raise _refuse(
            _("The plan has a mentor or an invitation already."), code="taken"
        )
    if Mentorship.objects.filter(
        plan_id=plan.pk,
        mentor_id=mentor.pk,
        invited_at__gt=timezone.now() - INVITE_AGAIN_AFTER,
    ).exists():
        raise _refuse(
            _(
                "You invited this colleague to the plan less than a day ago. "
                "Invite them again tomorrow."
            ),
            code="again",
        )
    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(plan=plan, mentor=mentor)
    except IntegrityError:
        raise _refuse(
            _("The plan has a mentor or an invitation already."), code="taken"
        ) from None
    active_mentorship_forget(plan)
    _event(plan, actor=actor, action=PlanEvent.Action.MENTOR_INVITED)
    changes.mentor_invited(mentorship)
    return mentorship


def _mentorship_locked(mentorship: Mentorship) -> Mentorship:
    return Mentorship.objects.select_for_update(of=("self",)).get(pk=mentorship.pk)


@transaction.atomic
def mentor_answer(mentorship: Mentorship, *, actor, accept: bool) -> Mentorship:
    """The invited mentor accepts or declines; the owner is told. The same
    answer again changes nothing. Raises ValidationError: not the invited
    mentor, an invitation withdrawn or answered otherwise, a closed plan;
    ParticipationRestricted when a suspended or banned member accepts
    (declining is her way out, as ignoring a request is)."""
    if actor is None or actor.pk != mentorship.mentor_id:
        raise _refuse(_("Only the invited mentor may answer."))
    if accept:
        participation_check(actor)
    plan = mentorship.plan
    locked_plan = _plan_locked(plan)
    locked = _mentorship_locked(mentorship)
    wanted = Mentorship.Status.ACTIVE if accept else Mentorship.Status.DECLINED
    if locked.status == wanted:
        mentorship.status, mentorship.answered_at = locked.status, locked.answered_at
        return mentorship
    if locked.status != Mentorship.Status.INVITED:
        raise _refuse(_("This invitation no longer stands."), code="answered")
    _active_check(locked_plan)
    mentorship.status = wanted
    mentorship.answered_at = timezone.now()
    mentorship.save(update_fields=["status", "answered_at"])
    active_mentorship_forget(plan)
    _event(
        plan,
        actor=actor,
        action=(
            PlanEvent.Action.MENTOR_ACCEPTED
            if accept
            else PlanEvent.Action.MENTOR_DECLINED
        ),
        by_mentor=True,
    )
    changes.mentor_answered(mentorship)
    return mentorship


@transaction.atomic
def mentor_remove(mentorship: Mentorship, *, actor) -> Mentorship:
    """End a mentorship, invited or mentoring, at any time: the owner removes
    her mentor (or withdraws the invitation), or the mentor leaves (the owner
    is told). One already ended changes nothing. Raises ValidationError for
    anyone else."""
    plan = mentorship.plan
    by_owner = actor is not None and actor.pk == plan.owner_id
    by_mentor = actor is not None and actor.pk == mentorship.mentor_id
    if not (by_owner or by_mentor):
        raise _refuse(_("Only the owner of the plan or the mentor may do this."))
    _plan_locked(plan)
    locked = _mentorship_locked(mentorship)
    if locked.status not in OPEN:
        mentorship.status, mentorship.ended_at = locked.status, locked.ended_at
        return mentorship
    mentorship.status = Mentorship.Status.ENDED
    mentorship.ended_at = timezone.now()
    mentorship.save(update_fields=["status", "ended_at"])
    active_mentorship_forget(plan)
    if by_owner:
        _event(
            plan,
            actor=actor,
            action=PlanEvent.Action.MENTOR_REMOVED,
        )
        changes.mentor_removed(mentorship)
    else:
        _event(
            plan,
            actor=actor,
            action=PlanEvent.Action.MENTOR_LEFT,
            by_mentor=True,
        )
        changes.mentor_answered(mentorship)
    return mentorship


@transaction.atomic
def comment_add(plan: Plan, *, actor, body: str) -> PlanComment:
    """A comment in an active plan by its owner or its active mentor
    (Markdown, rendered once here); the other of the two is told. Raises
    ValidationError."""
    if actor is None:
        raise _refuse(_("Only the owner of the plan or the mentor may do this."))
    participation_check(actor)
    locked = _plan_locked(plan)
    _active_check(locked)
    active_mentorship_forget(plan)
    mentorship = active_mentorship(plan)
    by_owner = actor.pk == plan.owner_id
    by_mentor = mentorship is not None and mentorship.mentor_id == actor.pk
    if not (by_owner or by_mentor):
        raise _refuse(_("Only the owner of the plan or the mentor may do this."))
    body = _text(body, limit=COMMENT_MAX_LENGTH, field=_("Comment"), required=True)
    comment = PlanComment.objects.create(
        plan=plan, author=actor, body=body, body_html=render_markdown(body)
    )
    _event(plan, actor=actor, action=PlanEvent.Action.COMMENTED, by_mentor=by_mentor)
    recipient = plan.owner if by_mentor else (mentorship and mentorship.mentor)
    changes.commented(comment, recipient=recipient)
    return comment
