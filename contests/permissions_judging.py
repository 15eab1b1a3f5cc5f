"""Who may manage a contest's jury, judge its entries, freeze its results and
read them.

Pure predicates shared by views, templates and services. Those that read no
other row cost no query; ``is_judge``, ``is_entrant``, ``can_judge`` and a
moderator's early ``can_finish`` ask one, ``can_join_jury`` up to three.
Judging is blind: nothing here tells a judge who wrote an entry.
"""

import datetime

from django.utils import timezone

from contests.models import Contest, Entry, Judge
from materials.permissions import is_expert, review_conflict_between


def _is_member(user) -> bool:
    return user.is_authenticated and user.is_active


def _moderates(user) -> bool:
    # Staff (the Moderators group) and superusers: members pay no query.
    return _is_member(user) and (user.is_superuser or user.is_staff)


def _organises(user, contest: Contest) -> bool:
    # The organiser (a moderator, or the owner of the contest's community).
    return _is_member(user) and user.pk == contest.organiser_id


def _announced(contest: Contest) -> bool:
    return contest.status == Contest.Status.PUBLISHED and not contest.is_hidden


def judging_window_open(contest: Contest, now: datetime.datetime | None = None) -> bool:
    """Entries have closed and judging has not ended."""
    now = now or timezone.now()
    return contest.submissions_close_at <= now < contest.judging_close_at


def judging_over(contest: Contest, now: datetime.datetime | None = None) -> bool:
    """The judging window has ended."""
    return (now or timezone.now()) >= contest.judging_close_at


def runs_contest(user, contest: Contest) -> bool:
    # The organiser and moderators.
    return _organises(user, contest) or _moderates(user)


def can_manage_jury(user, contest: Contest) -> bool:
    # The organiser and moderators, of an announced or draft contest, until
    # the results are frozen or it is cancelled.
    return runs_contest(user, contest) and contest.status in (
        Contest.Status.DRAFT,
        Contest.Status.PUBLISHED,
    )


def is_judge(user, contest: Contest) -> bool:
    # A seat on the contest's jury (one query).
    return (
        _is_member(user)
        and Judge.objects.filter(contest_id=contest.pk, user_id=user.pk).exists()
    )


def can_judge(user, contest: Contest) -> bool:
    # A member of the jury of an announced contest that is not hidden (its
    # queue shows before judging opens; scores are written in the window).
    return _announced(contest) and is_judge(user, contest)


def is_entrant(user, contest: Contest) -> bool:
    # An author of one of the contest's entries, whatever became of it (one
    # query).
    return (
        _is_member(user)
        and Entry.objects.filter(contest_id=contest.pk, authors=user).exists()
    )


def can_join_jury(user, contest: Contest) -> bool:
    # An expert who teaches the contest's subject, of an announced contest,
    # before judging ends, not on the jury yet; never its organiser or an
    # author of one of its entries.
    return (
        _is_member(user)
        and _announced(contest)
        and contest.subject_id is not None
        and user.pk != contest.organiser_id
        and not judging_over(contest)
        and is_expert(user)
        and user.profile.subjects.filter(pk=contest.subject_id).exists()
        and not is_judge(user, contest)
        and not is_entrant(user, contest)
    )


def judge_covers(judge: Judge, entry: Entry) -> bool:
    """The judge sits for the entry's nomination (or for every one)."""
    return judge.nomination_id is None or judge.nomination_id == entry.nomination_id


def score_conflict(user, entry: Entry) -> str:
    """Why ``user`` may not judge ``entry``: "own" (one of its authors),
    "school" (a colleague of an author's school), or "". Reads the authors
    (with their profiles) from a prefetch when there is one."""
    return review_conflict_between(user, entry.authors.all())


def entry_judgeable(entry: Entry) -> bool:
    """An entry the jury scores: submitted and not hidden."""
    return entry.status == Entry.Status.SUBMITTED and not entry.is_hidden


def can_score_entry(user, judge: Judge | None, entry: Entry) -> bool:
    # The judge ``judge`` (the user's seat) of the entry's nomination, in the
    # judging window, of a judgeable entry, without a conflict of interest.
    return (
        judge is not None
        and _is_member(user)
        and judge.user_id == user.pk
        and judge.contest_id == entry.contest_id
        and _announced(entry.contest)
        and judging_window_open(entry.contest)
        and judge_covers(judge, entry)
        and entry_judgeable(entry)
        and not score_conflict(user, entry)
    )


def every_entry_judged(contest: Contest) -> bool:
    """Every entry the jury scores has ``judges_per_entry`` scores (one
    query)."""
    return not Entry.objects.filter(
        contest_id=contest.pk,
        status=Entry.Status.SUBMITTED,
        is_hidden=False,
        score_count__lt=contest.judges_per_entry,
    ).exists()


def can_finish(user, contest: Contest) -> bool:
    # The organiser or a moderator, of an announced contest, once judging
    # has ended; a moderator earlier when every entry has its scores.
    if contest.status != Contest.Status.PUBLISHED:
        return False
    if not runs_contest(user, contest):
        return False
    if judging_over(contest):
        return True
    return (
        _moderates(user)
        and contest.submissions_close_at <= timezone.now()
        and every_entry_judged(contest)
    )


def can_see_results(user, contest: Contest) -> bool:
    # The frozen results: everyone, of a contest everyone may read; its
    # organiser and moderators of a hidden one.
    if contest.status != Contest.Status.FINISHED:
        return False
    if not contest.is_hidden:
        return True
    return runs_contest(user, contest)
