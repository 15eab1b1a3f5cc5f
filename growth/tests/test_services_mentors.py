"""The mentor: invited by the owner (one at a time), answering, leaving or
removed; comments by either; every mentor's act in the history; each told."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Block
from community.models import Notification
from community.sanctions import ParticipationRestricted
from growth import kinds, services
from growth.models import Mentorship, PlanComment, PlanEvent
from growth.permissions import (
    active_mentorship,
    can_comment,
    can_confirm_evidence,
    can_edit_plan,
    can_view_plan,
)
from growth.tests.helpers import (
    fresh,
    make_member,
    make_mentor,
    make_plan,
    make_restricted,
    notification_kinds_registered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


def _told(user, kind) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def _last_event(plan) -> PlanEvent:
    return PlanEvent.objects.filter(plan=plan).order_by("-pk").first()


def test_an_invited_mentor_is_told_and_sees_the_plan_once_she_accepts():
    plan = make_plan()
    mentor = make_member()

    mentorship = services.mentor_invite(plan, actor=plan.owner, mentor=mentor)

    assert mentorship.status == Mentorship.Status.INVITED
    assert _told(mentor, kinds.MENTOR_INVITED) == 1
    assert not can_view_plan(mentor, fresh(plan))

    services.mentor_answer(mentorship, actor=mentor, accept=True)

    plan = fresh(plan)
    assert fresh(mentorship).status == Mentorship.Status.ACTIVE
    assert can_view_plan(mentor, plan)
    assert can_comment(mentor, plan)
    assert can_confirm_evidence(mentor, plan)
    assert not can_edit_plan(mentor, plan)
    assert _told(plan.owner, kinds.MENTOR_ANSWERED) == 1
    event = _last_event(plan)
    assert (event.action, event.by_mentor) == (PlanEvent.Action.MENTOR_ACCEPTED, True)


def test_a_declined_invitation_leaves_the_plan_closed_to_her():
    plan = make_plan()
    mentorship = make_mentor(plan, accept=False)

    services.mentor_answer(mentorship, actor=mentorship.mentor, accept=False)
    services.mentor_answer(mentorship, actor=mentorship.mentor, accept=False)

    assert fresh(mentorship).status == Mentorship.Status.DECLINED
    assert not can_view_plan(mentorship.mentor, fresh(plan))
    assert _told(plan.owner, kinds.MENTOR_ANSWERED) == 1
    with pytest.raises(ValidationError) as error:
        services.mentor_answer(mentorship, actor=mentorship.mentor, accept=True)
    assert error.value.code == "answered"


def test_only_the_invited_mentor_answers():
    plan = make_plan()
    mentorship = make_mentor(plan, accept=False)

    for actor in (plan.owner, make_member()):
        with pytest.raises(ValidationError):
            services.mentor_answer(mentorship, actor=actor, accept=True)


def test_one_mentor_at_a_time():
    plan = make_plan()
    make_mentor(plan, accept=False)

    with pytest.raises(ValidationError) as error:
        services.mentor_invite(plan, actor=plan.owner, mentor=make_member())

    assert error.value.code == "taken"


@pytest.mark.parametrize("who", ["herself", "inactive", "blocked", "not owner"])
def test_refused_invitations(who):
    plan = make_plan()
    actor, mentor = plan.owner, make_member()
    if who == "herself":
        mentor = plan.owner
    elif who == "inactive":
        mentor.is_active = False
        mentor.save()
    elif who == "blocked":
        Block.objects.create(blocker=mentor, blocked=plan.owner)
    else:
        actor = make_member()

    with pytest.raises(ValidationError):
        services.mentor_invite(plan, actor=actor, mentor=mentor)
    assert not Mentorship.objects.filter(plan=plan).exists()


def test_a_block_is_refused_in_the_words_of_an_inactive_member():
    plan = make_plan()
    inactive, blocking = make_member(), make_member()
    inactive.is_active = False
    inactive.save()
    Block.objects.create(blocker=blocking, blocked=plan.owner)

    refusals = []
    for mentor in (inactive, blocking):
        with pytest.raises(ValidationError) as error:
            services.mentor_invite(plan, actor=plan.owner, mentor=mentor)
        refusals.append(
            (error.value.code, error.value.messages[0].replace(mentor.username, "*"))
        )

    assert refusals[0] == refusals[1]
    assert refusals[0][1] == gettext("No such colleague: %(name)s.") % {"name": "*"}
    assert not Mentorship.objects.filter(plan=plan).exists()


@pytest.mark.parametrize("end", ["withdrawn", "declined", "left"])
def test_the_same_colleague_is_invited_again_only_after_a_day(end):
    plan = make_plan()
    mentor = make_member()
    mentorship = make_mentor(plan, mentor, accept=end == "left")
    if end == "withdrawn":
        services.mentor_remove(mentorship, actor=plan.owner)
    elif end == "declined":
        services.mentor_answer(mentorship, actor=mentor, accept=False)
    else:
        services.mentor_remove(mentorship, actor=mentor)

    with pytest.raises(ValidationError) as error:
        services.mentor_invite(plan, actor=plan.owner, mentor=mentor)

    assert error.value.code == "again"
    assert _told(mentor, kinds.MENTOR_INVITED) == 1
    # Another colleague meanwhile, and her again in another plan, are not.
    other = make_mentor(plan, accept=False)
    services.mentor_remove(other, actor=plan.owner)
    assert make_mentor(make_plan(), mentor, accept=False)
    # A day later she may be invited again.
    Mentorship.objects.filter(plan=plan, mentor=mentor).update(
        invited_at=timezone.now() - datetime.timedelta(hours=24, minutes=1)
    )
    again = services.mentor_invite(plan, actor=plan.owner, mentor=mentor)
    assert again.status == Mentorship.Status.INVITED
    assert _told(mentor, kinds.MENTOR_INVITED) == 3


def test_history_lines_name_no_member():
    plan = make_plan()
    mentorship = make_mentor(plan)
    services.mentor_remove(mentorship, actor=mentorship.mentor)
    mentorship = make_mentor(plan)
    services.mentor_remove(mentorship, actor=plan.owner)
    declined = make_mentor(plan, accept=False)
    services.mentor_answer(declined, actor=declined.mentor, accept=False)

    mentor_events = PlanEvent.objects.filter(plan=plan, action__startswith="mentor_")
    assert mentor_events.count() == 8
    assert set(mentor_events.values_list("detail", flat=True)) == {""}


def test_the_owner_removes_her_mentor_at_any_time_and_may_invite_another():
    plan = make_plan()
    mentorship = make_mentor(plan)

    services.mentor_remove(mentorship, actor=plan.owner)
    services.mentor_remove(mentorship, actor=plan.owner)

    plan = fresh(plan)
    assert fresh(mentorship).status == Mentorship.Status.ENDED
    assert not can_view_plan(mentorship.mentor, plan)
    assert active_mentorship(plan) is None
    assert _last_event(plan).action == PlanEvent.Action.MENTOR_REMOVED
    assert make_mentor(plan).status == Mentorship.Status.ACTIVE


def test_the_mentor_leaves_and_the_owner_is_told():
    plan = make_plan()
    mentorship = make_mentor(plan)

    services.mentor_remove(mentorship, actor=mentorship.mentor)

    assert fresh(mentorship).status == Mentorship.Status.ENDED
    event = _last_event(plan)
    assert (event.action, event.by_mentor) == (PlanEvent.Action.MENTOR_LEFT, True)
    assert _told(plan.owner, kinds.MENTOR_ANSWERED) == 2  # accepted, left


def test_no_one_else_removes_a_mentor():
    plan = make_plan()
    mentorship = make_mentor(plan)

    with pytest.raises(ValidationError):
        services.mentor_remove(mentorship, actor=make_member())
    assert fresh(mentorship).status == Mentorship.Status.ACTIVE


def test_comments_are_rendered_once_and_the_other_party_is_told():
    plan = make_plan()
    mentor = make_mentor(plan).mentor

    mine = services.comment_add(plan, actor=plan.owner, body="Что **почитать**?")
    theirs = services.comment_add(plan, actor=mentor, body="<script>x</script>Вот")

    assert "<strong>почитать</strong>" in mine.body_html
    assert "<script>" not in theirs.body_html
    assert _told(mentor, kinds.COMMENTED) == 1
    assert _told(plan.owner, kinds.COMMENTED) == 1
    by_mentor = list(
        PlanEvent.objects.filter(plan=plan, action=PlanEvent.Action.COMMENTED)
        .order_by("pk")
        .values_list("by_mentor", flat=True)
    )
    assert by_mentor == [False, True]


def test_a_comment_without_a_mentor_tells_no_one():
    plan = make_plan()

    services.comment_add(plan, actor=plan.owner, body="Заметка себе")

    assert not Notification.objects.filter(kind=kinds.COMMENTED).exists()


def test_an_invited_mentor_or_a_stranger_does_not_comment():
    plan = make_plan()
    invited = make_mentor(plan, accept=False).mentor

    for actor in (invited, make_member()):
        with pytest.raises(ValidationError):
            services.comment_add(plan, actor=actor, body="Привет")
    assert not PlanComment.objects.exists()


def test_an_empty_comment_is_refused():
    plan = make_plan()

    with pytest.raises(ValidationError) as error:
        services.comment_add(plan, actor=plan.owner, body="   ")

    assert error.value.code == "empty"


def test_a_banned_owner_invites_nobody_and_comments_not_but_may_let_her_mentor_go():
    plan = make_plan()
    make_restricted(plan.owner)

    with pytest.raises(ParticipationRestricted):
        services.mentor_invite(plan, actor=plan.owner, mentor=make_member())
    assert not Mentorship.objects.filter(plan=plan).exists()

    plan = make_plan()
    mentorship = make_mentor(plan)
    make_restricted(plan.owner)
    with pytest.raises(ParticipationRestricted):
        services.comment_add(plan, actor=plan.owner, body="Спасибо!")
    assert not PlanComment.objects.filter(plan=plan).exists()

    # Removing her mentor is her way out.
    services.mentor_remove(mentorship, actor=plan.owner)
    assert fresh(mentorship).status == Mentorship.Status.ENDED


def test_a_banned_mentor_accepts_not_and_comments_not_but_may_decline_or_leave():
    mentor = make_member()
    invited = make_mentor(make_plan(), mentor, accept=False)
    declined = make_mentor(make_plan(), mentor, accept=False)
    mentoring = make_mentor(make_plan(), mentor)
    make_restricted(mentor)

    with pytest.raises(ParticipationRestricted):
        services.mentor_answer(invited, actor=mentor, accept=True)
    assert fresh(invited).status == Mentorship.Status.INVITED
    with pytest.raises(ParticipationRestricted):
        services.comment_add(mentoring.plan, actor=mentor, body="Отлично!")
    assert not PlanComment.objects.filter(plan=mentoring.plan).exists()

    # Declining and leaving are her way out.
    services.mentor_answer(declined, actor=mentor, accept=False)
    assert fresh(declined).status == Mentorship.Status.DECLINED
    services.mentor_remove(mentoring, actor=mentor)
    assert fresh(mentoring).status == Mentorship.Status.ENDED
    assert _last_event(mentoring.plan).action == PlanEvent.Action.MENTOR_LEFT
