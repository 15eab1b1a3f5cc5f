"""The jury: experts seated by the organiser or joining, blind scores against
the nomination's rubric, conflicts of interest, the judging window, the
judges' reminder."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.models import AuditEntry, Notification
from contests import kinds
from contests.models import Contest, Entry, Judge, Score
from contests.services import judging
from contests.tests import helpers_judging as make

pytestmark = pytest.mark.django_db


# --- Seating the jury ----------------------------------------------------------------


def test_judge_assign_seats_an_expert_tells_her_and_puts_it_on_record():
    contest = make.contest(phase="entries")
    expert = make.expert()

    judge = judging.judge_assign(contest=contest, user=expert, actor=contest.organiser)

    assert (judge.user, judge.assigned_by, judge.nomination) == (
        expert,
        contest.organiser,
        None,
    )
    assert Notification.objects.filter(
        recipient=expert, kind=kinds.JUDGE_ASSIGNED
    ).exists()
    entry = AuditEntry.objects.get(action=judging.AUDIT_JUDGE_ASSIGNED)
    assert (entry.actor, entry.target_id, entry.reason) == (
        contest.organiser,
        contest.pk,
        expert.username,
    )


def test_judge_assign_asked_twice_answers_the_first_seat_and_tells_once():
    contest = make.contest(phase="entries")
    expert = make.expert()

    first = judging.judge_assign(contest=contest, user=expert, actor=contest.organiser)
    second = judging.judge_assign(contest=contest, user=expert, actor=contest.organiser)

    assert first.pk == second.pk
    assert Judge.objects.filter(contest=contest).count() == 1
    assert (
        Notification.objects.get(recipient=expert, kind=kinds.JUDGE_ASSIGNED).count == 1
    )


def test_judge_assign_for_one_nomination(moderator):
    contest = make.contest(phase="entries", nominations=2)
    second = contest.nominations.order_by("position")[1]

    judge = judging.judge_assign(
        contest=contest, user=make.expert(), actor=moderator, nomination=second
    )

    assert judge.nomination == second


def test_judge_assign_refuses_a_member_who_is_no_expert():
    contest = make.contest(phase="entries")

    with pytest.raises(ValidationError) as refused:
        judging.judge_assign(
            contest=contest, user=make.teacher(), actor=contest.organiser
        )

    assert refused.value.code == "expert"


def test_judge_assign_refuses_another_contests_nomination():
    contest = make.contest(phase="entries")
    other = make.contest(phase="entries").nominations.first()

    with pytest.raises(ValidationError) as refused:
        judging.judge_assign(
            contest=contest,
            user=make.expert(),
            actor=contest.organiser,
            nomination=other,
        )

    assert refused.value.code == "nomination"


def test_judge_assign_is_the_organisers_or_a_moderators():
    contest = make.contest(phase="entries")

    with pytest.raises(PermissionDenied):
        judging.judge_assign(contest=contest, user=make.expert(), actor=make.teacher())


def test_judge_assign_refused_once_judging_has_ended():
    contest = make.contest(phase="over")

    with pytest.raises(ValidationError) as refused:
        judging.judge_assign(
            contest=contest, user=make.expert(), actor=contest.organiser
        )

    assert refused.value.code == "closed"


def test_judge_join_seats_an_expert_of_the_subject_for_every_nomination():
    contest = make.contest(phase="entries")
    expert = make.expert()

    judge = judging.judge_join(contest=contest, user=expert)

    assert (judge.assigned_by, judge.nomination) == (None, None)
    assert judging.judge_join(contest=contest, user=expert).pk == judge.pk


@pytest.mark.parametrize("who", ["another subject", "no expert"])
def test_judge_join_refuses_anyone_but_an_expert_of_the_subject(who):
    contest = make.contest(phase="entries")
    user = (
        make.expert(subject_slug="physics")
        if who == "another subject"
        else make.teacher(subject_slug="mathematics")
    )

    with pytest.raises(PermissionDenied):
        judging.judge_join(contest=contest, user=user)

    assert not Judge.objects.exists()


def test_judge_join_refused_once_judging_has_ended():
    contest = make.contest(phase="over")

    with pytest.raises(ValidationError) as refused:
        judging.judge_join(contest=contest, user=make.expert())

    assert refused.value.code == "closed"


def test_judge_remove_takes_off_a_judge_who_scored_nothing():
    contest = make.contest(phase="judging")
    judge = judging.judge_assign(
        contest=contest, user=make.expert(), actor=contest.organiser
    )

    judging.judge_remove(judge=judge, actor=contest.organiser)

    assert not Judge.objects.exists()
    assert AuditEntry.objects.filter(action=judging.AUDIT_JUDGE_REMOVED).exists()


def test_judge_remove_keeps_a_judge_who_scored():
    contest = make.contest(phase="judging")
    expert = make.expert()
    judge = judging.judge_assign(contest=contest, user=expert, actor=contest.organiser)
    judging.score_write(
        entry=make.entry(contest), judge_user=expert, marks=make.marks()
    )

    with pytest.raises(ValidationError) as refused:
        judging.judge_remove(judge=judge, actor=contest.organiser)

    assert refused.value.code == "scored"
    assert Judge.objects.filter(pk=judge.pk).exists()


# --- Scores --------------------------------------------------------------------------


def _seat(contest: Contest, expert):
    """A seat written as the service leaves it (judging over: no service
    seats her then)."""
    Judge.objects.create(contest=contest, user=expert, assigned_by=contest.organiser)
    return expert


def _jury(contest: Contest, *experts) -> list:
    for expert in experts:
        judging.judge_assign(contest=contest, user=expert, actor=contest.organiser)
    return list(experts)


def test_score_write_keeps_the_mean_of_the_judges_means():
    contest = make.contest(phase="judging")
    first, second = _jury(contest, make.expert(), make.expert())
    entry = make.entry(contest)

    score = judging.score_write(
        entry=entry, judge_user=first, marks=make.marks(5, 4), comment=" Сильно. "
    )
    judging.score_write(entry=entry, judge_user=second, marks=make.marks(3, 3))

    assert (score.total, score.comment, score.marks) == (
        Decimal("4.50"),
        "Сильно.",
        {"idea": 5, "craft": 4},
    )
    entry.refresh_from_db()
    assert (entry.score, entry.score_count) == (Decimal("3.75"), 2)


def test_score_write_again_replaces_the_judges_score():
    contest = make.contest(phase="judging")
    (expert,) = _jury(contest, make.expert())
    entry = make.entry(contest)
    judging.score_write(entry=entry, judge_user=expert, marks=make.marks(2, 2))

    judging.score_write(entry=entry, judge_user=expert, marks=make.marks(5, 5))

    assert Score.objects.get(entry=entry).total == Decimal("5.00")
    entry.refresh_from_db()
    assert (entry.score, entry.score_count) == (Decimal("5.00"), 1)


def test_score_write_refuses_a_judge_of_her_own_entry():
    contest = make.contest(phase="judging")
    (expert,) = _jury(contest, make.expert())
    entry = make.entry(contest, make.teacher(), expert)

    with pytest.raises(ValidationError) as refused:
        judging.score_write(entry=entry, judge_user=expert, marks=make.marks())

    assert refused.value.code == "own"
    assert not Score.objects.exists()


def test_score_write_refuses_a_colleague_of_an_authors_school():
    contest = make.contest(phase="judging")
    (expert,) = _jury(contest, make.expert(school="Лицей № 7"))
    # The same school however it is written: case and spaces do not count.
    entry = make.entry(contest, make.teacher(), make.teacher(school="лицей №7 "))

    with pytest.raises(ValidationError) as refused:
        judging.score_write(entry=entry, judge_user=expert, marks=make.marks())

    assert refused.value.code == "school"


def test_score_write_refuses_anyone_off_the_jury():
    contest = make.contest(phase="judging")
    entry = make.entry(contest)

    with pytest.raises(PermissionDenied):
        judging.score_write(entry=entry, judge_user=make.expert(), marks=make.marks())


def test_score_write_refuses_a_judge_of_another_nomination():
    contest = make.contest(phase="judging", nominations=2)
    first, second = contest.nominations.order_by("position")
    expert = make.expert()
    judging.judge_assign(
        contest=contest, user=expert, actor=contest.organiser, nomination=second
    )

    with pytest.raises(PermissionDenied):
        judging.score_write(
            entry=make.entry(contest, nomination=first),
            judge_user=expert,
            marks=make.marks(),
        )


@pytest.mark.parametrize(
    ("phase", "code"), [("entries", "not_open"), ("over", "closed")]
)
def test_score_write_only_while_judging_is_open(phase, code):
    contest = make.contest(phase=phase)
    expert = _seat(contest, make.expert())

    with pytest.raises(ValidationError) as refused:
        judging.score_write(
            entry=make.entry(contest), judge_user=expert, marks=make.marks()
        )

    assert refused.value.code == code


@pytest.mark.parametrize(
    "marks",
    [{"idea": 4}, {"idea": 4, "craft": 6}, {"idea": 0, "craft": 3},
     {"idea": 4, "craft": 4, "extra": 4}, {"idea": "4", "craft": 4}],
)  # fmt: skip
def test_score_write_needs_one_whole_mark_1_to_5_per_criterion(marks):
    contest = make.contest(phase="judging")
    (expert,) = _jury(contest, make.expert())

    with pytest.raises(ValidationError) as refused:
        judging.score_write(entry=make.entry(contest), judge_user=expert, marks=marks)

    assert refused.value.code == "marks"


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Entry.Status.WITHDRAWN},
        {"status": Entry.Status.DISQUALIFIED, "disqualified_reason": "Плагиат."},
        {"is_hidden": True},
    ],
)
def test_score_write_refuses_an_entry_out_of_the_contest(fields):
    contest = make.contest(phase="judging")
    (expert,) = _jury(contest, make.expert())

    with pytest.raises(ValidationError) as refused:
        judging.score_write(
            entry=make.entry(contest, **fields), judge_user=expert, marks=make.marks()
        )

    assert refused.value.code == "entry"


# --- The judges' reminder -------------------------------------------------------------


def _closing_soon() -> Contest:
    now = timezone.now()
    return make.contest(
        phase="judging", judging_close_at=now + datetime.timedelta(hours=30)
    )


def test_judging_reminders_tell_each_waiting_judge_once():
    contest = _closing_soon()
    waiting, done = _jury(contest, make.expert(), make.expert())
    entry = make.entry(contest)
    judging.score_write(entry=entry, judge_user=done, marks=make.marks())

    assert judging.judging_reminders_run() == 1
    assert judging.judging_reminders_run() == 0

    reminded = Notification.objects.filter(kind=kinds.JUDGING_REMINDER)
    assert [notice.recipient for notice in reminded] == [waiting]


def test_judging_reminders_leave_out_entries_of_a_conflict():
    contest = _closing_soon()
    (expert,) = _jury(contest, make.expert())
    make.entry(contest, expert)

    assert judging.judging_reminders_run() == 0


def test_judging_reminders_wait_until_judging_ends_soon():
    contest = make.contest(phase="judging")  # ten days left
    _jury(contest, make.expert())
    make.entry(contest)

    assert judging.judging_reminders_run() == 0
    assert (
        judging.judging_reminders_run(
            now=contest.judging_close_at - datetime.timedelta(days=1)
        )
        == 1
    )
