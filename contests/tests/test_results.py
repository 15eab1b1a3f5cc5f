"""The results: ranked per nomination, frozen once by the organiser (or a
moderator), audited, and never changed after."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.models import AuditEntry
from contests.models import Contest, Diploma, Entry
from contests.services import judging, results
from contests.tests import helpers_judging as make

pytestmark = pytest.mark.django_db


def _scored(contest: Contest, score: str | None, **fields) -> Entry:
    entry = make.entry(contest, **fields)
    if score is not None:
        Entry.objects.filter(pk=entry.pk).update(score=Decimal(score), score_count=2)
    return entry


def _places(contest: Contest) -> dict[str, tuple]:
    return {
        entry.title: (entry.place, entry.result)
        for entry in Entry.objects.filter(contest=contest)
    }


def test_contest_finish_ranks_each_nomination_and_freezes_the_results(
    django_capture_on_commit_callbacks,
):
    contest = make.contest(phase="over", prize_places=2)
    best = _scored(contest, "4.80", title="best")
    second = _scored(contest, "4.10", title="second", vote_count=1)
    # The same mean: the public vote decides.
    third = _scored(contest, "4.10", title="third")
    unscored = _scored(contest, None, title="unscored")
    withdrawn = _scored(contest, "5.00", title="withdrawn", status="withdrawn")

    with django_capture_on_commit_callbacks(execute=True):
        finished = results.contest_finish(contest=contest, actor=contest.organiser)

    assert finished.status == Contest.Status.FINISHED
    assert finished.finished_by == contest.organiser
    assert _places(contest) == {
        best.title: (1, "winner"),
        second.title: (2, "prize"),
        third.title: (None, "participant"),
        unscored.title: (None, "participant"),
        withdrawn.title: (None, ""),
    }
    # The diplomas were issued after commit, one per author of a placed entry.
    assert Diploma.objects.filter(entry__contest=contest).count() == 4


def test_contest_finish_places_no_unscored_entry():
    contest = make.contest(phase="over")
    lone = _scored(contest, None)

    results.contest_finish(contest=contest, actor=contest.organiser)

    lone.refresh_from_db()
    assert (lone.place, lone.result) == (None, "participant")


def test_contest_finish_ranks_nominations_apart():
    contest = make.contest(phase="over", nominations=2)
    first, second = contest.nominations.order_by("position")
    a = _scored(contest, "3.00", nomination=first)
    b = _scored(contest, "2.00", nomination=second)

    results.contest_finish(contest=contest, actor=contest.organiser)

    assert {e.pk: e.result for e in Entry.objects.filter(contest=contest)} == {
        a.pk: "winner",
        b.pk: "winner",
    }


def test_contest_finish_is_audited():
    contest = make.contest(phase="over")
    winner = _scored(contest, "4.50")

    results.contest_finish(contest=contest, actor=contest.organiser)

    record = AuditEntry.objects.get(action=results.AUDIT_RESULTS)
    assert (record.actor, record.target_id) == (contest.organiser, contest.pk)
    assert winner.title in record.reason
    assert "4.50" in record.reason


def test_contest_finish_is_the_organisers_or_a_moderators():
    contest = make.contest(phase="over")

    with pytest.raises(PermissionDenied):
        results.contest_finish(contest=contest, actor=make.teacher())

    contest.refresh_from_db()
    assert contest.status == Contest.Status.PUBLISHED


def test_contest_finish_waits_for_judging_to_end():
    contest = make.contest(phase="judging")
    _scored(contest, "4.00")

    with pytest.raises(ValidationError) as refused:
        results.contest_finish(contest=contest, actor=contest.organiser)

    assert refused.value.code == "early"


def test_a_moderator_finishes_early_once_every_entry_has_its_scores(moderator):
    contest = make.contest(phase="judging")
    entry = _scored(contest, "4.00")
    unjudged = make.entry(contest)

    with pytest.raises(ValidationError):
        results.contest_finish(contest=contest, actor=moderator)

    Entry.objects.filter(pk=unjudged.pk).update(score=Decimal("3"), score_count=2)
    results.contest_finish(contest=contest, actor=moderator)

    entry.refresh_from_db()
    assert entry.result == "winner"


def test_contest_finish_refuses_a_draft():
    contest = make.contest(phase="draft")

    with pytest.raises(ValidationError) as refused:
        results.contest_finish(contest=contest, actor=contest.organiser)

    assert refused.value.code == "status"


def test_results_never_change_after_they_are_frozen(moderator):
    contest = make.contest(phase="over")
    expert = make.expert()
    # Seated before judging ended.
    contest.judges.create(user=expert, assigned_by=contest.organiser)
    winner = _scored(contest, "4.00")
    runner = _scored(contest, "3.00")
    results.contest_finish(contest=contest, actor=contest.organiser)
    frozen = _places(contest)

    # A late score is refused, even by a judge of the contest…
    with pytest.raises(ValidationError) as refused:
        judging.score_write(entry=runner, judge_user=expert, marks=make.marks(5, 5))
    assert refused.value.code == "closed"
    # …the jury can no longer be changed…
    with pytest.raises(PermissionDenied):
        judging.judge_assign(contest=contest, user=make.expert(), actor=moderator)
    # …and finishing again answers the results frozen the first time.
    Entry.objects.filter(pk=runner.pk).update(score=Decimal("5"))
    again = results.contest_finish(contest=contest, actor=moderator)

    assert again.finished_by == contest.organiser
    assert _places(contest) == frozen
    assert frozen[winner.title] == (1, "winner")
    assert AuditEntry.objects.filter(action=results.AUDIT_RESULTS).count() == 1
