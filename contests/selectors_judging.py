"""Reads of the jury's, the results' and the diplomas' pages: each in a fixed
number of queries, lists paginated by ``CONTESTS_PER_PAGE``.

What a judge reads of an entry never names its authors: the queue and the
entry are read without them, and the entries of a conflict of interest
(her own, or by a colleague of her school) are left out in the query.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404

from community.numbers import MAX_ID
from contests.models import Contest, Diploma, Entry, Judge, Nomination, Score
from contests.permissions_judging import judge_covers
from materials.models import MaterialFile
from materials.services.review import experts_of_subject


def contest_get(*, slug: str) -> Contest:
    """The contest at ``slug`` with its subject and community, else Http404
    (who may read which page is the view's to ask)."""
    contest = (
        Contest.objects.select_related("subject", "community").filter(slug=slug).first()
    )
    if contest is None:
        raise Http404
    return contest


def judge_seat(*, contest: Contest, user) -> Judge | None:
    """The member's seat on the contest's jury, or None (one query)."""
    if not user.is_authenticated:
        return None
    return (
        Judge.objects.select_related("nomination")
        .filter(contest_id=contest.pk, user_id=user.pk)
        .first()
    )


# --- The jury ----------------------------------------------------------------------


def jury(*, contest: Contest, number) -> Page:
    """The judges with their nomination and how many entries each scored,
    in the order they were seated (two queries with the count)."""
    scored = (
        Score.objects.filter(entry__contest_id=contest.pk, judge_id=OuterRef("user_id"))
        .values("judge_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    judges = (
        Judge.objects.filter(contest_id=contest.pk)
        .select_related("user__profile", "nomination")
        .annotate(scored=Subquery(scored))
        .order_by("created_at", "pk")
    )
    return Paginator(judges, settings.CONTESTS_PER_PAGE).get_page(number)


def jury_candidates(*, contest: Contest, limit: int = 20) -> list:
    """Experts who teach the contest's subject and are not on its jury yet,
    by name (one query); none for a contest without a subject. Never its
    organiser or an author of one of its entries: they may not judge it."""
    if contest.subject_id is None:
        return []
    seated = Judge.objects.filter(contest_id=contest.pk).values("user_id")
    entrants = Entry.authors.through.objects.filter(
        entry__contest_id=contest.pk
    ).values("user_id")
    return list(
        experts_of_subject(contest.subject)
        .exclude(pk__in=seated)
        .exclude(pk__in=entrants)
        .exclude(pk=contest.organiser_id)
        .order_by("profile__display_name", "username")[:limit]
    )


def member_by_username(*, username: str):
    """The active member with this username (any case), or None."""
    return (
        get_user_model()
        .objects.filter(username__iexact=username, is_active=True)
        .select_related("profile")
        .first()
    )


def judge_of(*, contest: Contest, pk: int) -> Judge:
    """A seat on the contest's jury, else Http404."""
    if pk > MAX_ID:
        raise Http404
    judge = (
        Judge.objects.select_related("user", "contest")
        .filter(contest_id=contest.pk, pk=pk)
        .first()
    )
    if judge is None:
        raise Http404
    return judge


# --- The judge's queue ---------------------------------------------------------------


def _judged_by(judge: Judge) -> QuerySet[Entry]:
    """The entries ``judge`` scores: submitted, not hidden, of her
    nomination (or every one), none of hers or by a colleague of her school."""
    user = judge.user
    entries = Entry.objects.filter(
        contest_id=judge.contest_id, status=Entry.Status.SUBMITTED, is_hidden=False
    ).exclude(authors=user)
    if judge.nomination_id is not None:
        entries = entries.filter(nomination_id=judge.nomination_id)
    school = getattr(getattr(user, "profile", None), "school_key", "")
    if school:
        entries = entries.exclude(authors__profile__school_key=school)
    return entries


def judge_queue(*, judge: Judge, number) -> Page:
    """The judge's entries, not yet scored first, each with her mean mark
    (``my_total``, None before she scores) and its nomination: no author
    read (two queries with the count)."""
    mine = Score.objects.filter(entry_id=OuterRef("pk"), judge_id=judge.user_id)
    entries = (
        _judged_by(judge)
        .select_related("nomination")
        .annotate(my_total=Subquery(mine.values("total")[:1]), done=Exists(mine))
        .order_by("done", "nomination__position", "nomination_id", "created_at", "pk")
    )
    return Paginator(entries, settings.CONTESTS_PER_PAGE).get_page(number)


@dataclass(frozen=True)
class QueueCounts:
    waiting: int
    scored: int


def judge_counts(*, judge: Judge) -> QueueCounts:
    """How many of her entries wait for her score and how many she scored
    (one query)."""
    counts = _judged_by(judge).aggregate(
        total=Count("pk", distinct=True),
        scored=Count("scores", filter=Q(scores__judge_id=judge.user_id), distinct=True),
    )
    return QueueCounts(
        waiting=counts["total"] - counts["scored"], scored=counts["scored"]
    )


@dataclass(frozen=True)
class EntryForJudge:
    entry: Entry
    files: list
    score: Score | None


def _judged_entry(*, judge: Judge, pk: int) -> Entry:
    """An entry of the judge's queue with its nomination and material, else
    Http404 (her own, a colleague's, another nomination's, withdrawn or
    hidden). One query; the authors are not read."""
    if pk > MAX_ID:
        raise Http404
    entry = (
        _judged_by(judge).select_related("nomination", "material").filter(pk=pk).first()
    )
    if entry is None or not judge_covers(judge, entry):
        raise Http404
    return entry


def _entered_files(entry: Entry) -> QuerySet[MaterialFile]:
    """The files of the material's version entered (when the entry keeps
    one), else of its current version; none of a material a moderator hid."""
    material = entry.material
    if material is None or material.is_hidden:
        return MaterialFile.objects.none()
    version_id = getattr(entry, "material_version_id", None)
    version_id = version_id or material.current_version_id
    if not version_id:
        return MaterialFile.objects.none()
    return MaterialFile.objects.filter(version_id=version_id).order_by("pk")


def entry_for_judge(*, judge: Judge, pk: int) -> EntryForJudge:
    """An entry of the judge's queue, with its nomination, material and the
    files entered (``_entered_files``), and her score of it; Http404 for any
    other. Three queries; the authors are not read."""
    entry = _judged_entry(judge=judge, pk=pk)
    files = list(_entered_files(entry))
    score = Score.objects.filter(entry_id=entry.pk, judge_id=judge.user_id).first()
    return EntryForJudge(entry=entry, files=files, score=score)


def entry_file_for_judge(*, judge: Judge, pk: int, file_pk: int) -> MaterialFile:
    """A file of an entry of the judge's queue, as ``entry_for_judge`` lists
    it, else Http404 (two queries)."""
    entry = _judged_entry(judge=judge, pk=pk)
    if file_pk > MAX_ID:
        raise Http404
    record = _entered_files(entry).filter(pk=file_pk).first()
    if record is None:
        raise Http404
    return record


# --- Finishing and results -----------------------------------------------------------


@dataclass(frozen=True)
class FinishSummary:
    entries: int
    judged: int
    unscored: int


def finish_summary(*, contest: Contest) -> FinishSummary:
    """The entries the results rank, those with all their scores and those
    no judge scored (one query)."""
    counts = Entry.objects.filter(
        contest_id=contest.pk, status=Entry.Status.SUBMITTED, is_hidden=False
    ).aggregate(
        entries=Count("pk"),
        judged=Count("pk", filter=Q(score_count__gte=contest.judges_per_entry)),
        unscored=Count("pk", filter=Q(score_count=0)),
    )
    return FinishSummary(**counts)


def results(*, contest: Contest) -> list[Nomination]:
    """The nominations in order, each with ``ranked``: its entries with a
    result, places first (by place), then the participants by score, each
    with its authors and their profiles (three queries). Withdrawn,
    disqualified and hidden entries are not listed."""
    authors = get_user_model().objects.select_related("profile").order_by("pk")
    ranked = (
        Entry.objects.filter(
            contest_id=contest.pk, status=Entry.Status.SUBMITTED, is_hidden=False
        )
        .exclude(result="")
        .select_related("material")
        .prefetch_related(Prefetch("authors", queryset=authors))
        .order_by(
            F("place").asc(nulls_last=True),
            F("score").desc(nulls_last=True),
            "-vote_count",
            "created_at",
            "pk",
        )
    )
    return list(
        Nomination.objects.filter(contest_id=contest.pk)
        .prefetch_related(Prefetch("entries", queryset=ranked, to_attr="ranked"))
        .order_by("position", "pk")
    )


def comments_for_authors(*, contest: Contest, user) -> list[tuple[str, list[str]]]:
    """[(entry title, the jury's comments)] on the member's own entries of
    the contest, never saying who wrote which (one query; none for
    visitors)."""
    if not user.is_authenticated:
        return []
    comments: dict[int, tuple[str, list[str]]] = {}
    rows = (
        Score.objects.filter(
            entry__contest_id=contest.pk, entry__authors=user, is_hidden=False
        )
        .exclude(comment="")
        .order_by("entry_id", "pk")
        .values_list("entry_id", "entry__title", "comment")
    )
    for entry_id, title, comment in rows:
        comments.setdefault(entry_id, (title, []))[1].append(comment)
    return list(comments.values())


def diplomas_of(*, contest: Contest, user) -> list[Diploma]:
    """The member's diplomas of the contest (one query; none for visitors)."""
    if not user.is_authenticated:
        return []
    return list(
        Diploma.objects.filter(
            entry__contest_id=contest.pk, holder_id=user.pk
        ).order_by("pk")
    )


def diploma_get(*, pk: int, user) -> Diploma:
    """The member's own diploma with what its sheet reads, else Http404
    (whoever else asks)."""
    if not user.is_authenticated or pk > MAX_ID:
        raise Http404
    diploma = (
        Diploma.objects.select_related("entry__contest__subject")
        .filter(pk=pk, holder_id=user.pk)
        .first()
    )
    if diploma is None:
        raise Http404
    return diploma
