"""A contest's results, frozen once, and its diplomas, issued once.

``contest_finish`` ranks each nomination's entries by the jury's mean score,
then the public votes, then who came first; keeps the places and results on
the entries, puts them on record, and hands the diplomas to a task after
commit. Nothing changes the results afterwards: scores are refused once the
contest is finished and a second finish answers the first.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community
from community.recognition import badges_check
from community.standing import participation_check
from contests import changes, kinds
from contests.models import Contest, Diploma, Entry
from contests.permissions_judging import can_finish, runs_contest

AUDIT_RESULTS = "contest_results"
NUMBER_PREFIX = "КОНК"

# The diploma each result gives.
DIPLOMA_OF_RESULT = {
    Entry.Result.WINNER: Diploma.Kind.WINNER,
    Entry.Result.PRIZE: Diploma.Kind.PRIZE,
    Entry.Result.PARTICIPANT: Diploma.Kind.PARTICIPANT,
}


def _ranked(contest: Contest) -> list[Entry]:
    """The entries the results rank (submitted and not hidden), each
    nomination's together, best first: the jury's mean score (an entry no
    judge scored last), then public votes, then the earlier entry."""
    return list(
        Entry.objects.filter(
            contest_id=contest.pk, status=Entry.Status.SUBMITTED, is_hidden=False
        )
        .select_related("nomination")
        .order_by(
            "nomination__position",
            "nomination_id",
            F("score").desc(nulls_last=True),
            "-vote_count",
            "created_at",
            "pk",
        )
    )


def _placed(entries: list[Entry]) -> list[Entry]:
    """Places and results set on ``entries`` (not saved): in each nomination
    the first scored entry wins, the scored ones up to its prize places are
    prize-winners, every other is a participant (no place)."""
    rank: dict[int, int] = {}
    for entry in entries:
        position = rank.get(entry.nomination_id, 0) + 1
        rank[entry.nomination_id] = position
        if entry.score is not None and position <= entry.nomination.prize_places:
            entry.place = position
            entry.result = Entry.Result.WINNER if position == 1 else Entry.Result.PRIZE
        else:
            entry.place = None
            entry.result = Entry.Result.PARTICIPANT
    return entries


def _record(entries: list[Entry]) -> str:
    """The audit log's line: each nomination's places with their scores."""
    parts = []
    for entry in entries:
        if entry.place is not None:
            nomination = entry.nomination.title
            parts.append(f"{nomination}: {entry.place}. {entry.title} ({entry.score})")
    return "; ".join(parts) or _("no entry placed")


@transaction.atomic
def contest_finish(*, contest: Contest, actor) -> Contest:
    """Freeze the results: the organiser (or a moderator) once judging has
    ended, or a moderator earlier when every entry has its scores. Under the
    contest's row lock, so a second call (or two at once) answers the
    first's results. Withdrawn, disqualified and hidden entries get no
    result. The results are audited (``AUDIT_RESULTS``), shown in the feed,
    and every diploma is issued by a task after commit.

    Raises PermissionDenied for anyone else; ValidationError when the
    contest is not announced (code "status") or it is too early (code
    "early").
    """
    participation_check(actor)
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    if contest.status == Contest.Status.FINISHED:
        return contest
    if not runs_contest(actor, contest):
        raise PermissionDenied
    if contest.status != Contest.Status.PUBLISHED:
        raise ValidationError(
            _("Only an announced contest has results."), code="status"
        )
    if not can_finish(actor, contest):
        raise ValidationError(
            _(
                "Judging has not ended yet. A moderator may announce the results "
                "earlier once every entry has its scores."
            ),
            code="early",
        )
    entries = _placed(_ranked(contest))
    Entry.objects.bulk_update(entries, ["place", "result"])
    # What was never ranked carries no result.
    Entry.objects.filter(contest_id=contest.pk).exclude(
        pk__in=[entry.pk for entry in entries]
    ).exclude(result="", place__isnull=True).update(result="", place=None)
    contest.status = Contest.Status.FINISHED
    contest.finished_at = timezone.now()
    contest.finished_by = actor
    contest.save(update_fields=["status", "finished_at", "finished_by", "updated_at"])
    community.audit(
        actor=actor, action=AUDIT_RESULTS, target=contest, reason=_record(entries)
    )
    holders = set(
        Entry.authors.through.objects.filter(
            entry_id__in=[entry.pk for entry in entries]
        ).values_list("user_id", flat=True)
    )
    changes.results_frozen(contest, holders=sorted(holders))
    pk = contest.pk

    def issue() -> None:
        from contests.tasks import diplomas_issue_task

        diplomas_issue_task.delay(pk)

    transaction.on_commit(issue)
    return contest


# --- Diplomas ----------------------------------------------------------------------


def _organiser_name(contest: Contest) -> str:
    if contest.community_id:
        return contest.community.name[:200]
    return contest.organiser.profile.shown_name[:200]


def _diploma_new(
    contest: Contest, entry: Entry, holder, organiser: str
) -> Diploma | None:
    """The holder's diploma for the entry, made now; None when it exists
    (a retry, or another run at once)."""
    try:
        with transaction.atomic():
            diploma = Diploma.objects.create(
                entry=entry,
                holder=holder,
                kind=DIPLOMA_OF_RESULT[entry.result],
                number=f"tmp-{entry.pk}-{holder.pk}"[:32],
                holder_name=holder.profile.shown_name[:200],
                contest_title=contest.title,
                nomination_title=entry.nomination.title,
                entry_title=entry.title,
                place=entry.place,
                organiser_name=organiser,
            )
    except IntegrityError:
        return None
    diploma.number = f"{NUMBER_PREFIX}-{diploma.issued_at:%Y}-{diploma.pk:06d}"
    diploma.save(update_fields=["number"])
    return diploma


@transaction.atomic
def diplomas_issue(*, contest_id: int) -> int:
    """Every diploma of a finished contest, each (entry, author) once: a
    retry or a second run at once issues nothing more (the contest's row
    lock, then the unique entry and holder). What a diploma says is kept as
    issued. Each new holder is told (``RESULTS``) with the diploma's link.
    Returns how many were issued now."""
    contest = (
        Contest.objects.select_for_update(of=("self",))
        .select_related("organiser__profile", "community")
        .filter(pk=contest_id)
        .first()
    )
    if contest is None or contest.status != Contest.Status.FINISHED:
        return 0
    entries = (
        Entry.objects.filter(
            contest_id=contest.pk, status=Entry.Status.SUBMITTED, is_hidden=False
        )
        .exclude(result="")
        .select_related("nomination")
        .prefetch_related(
            Prefetch(
                "authors",
                queryset=get_user_model()
                .objects.select_related("profile")
                .order_by("pk"),
            )
        )
        .order_by("pk")
    )
    issued_before = set(
        Diploma.objects.filter(entry__contest_id=contest.pk).values_list(
            "entry_id", "holder_id"
        )
    )
    organiser = _organiser_name(contest)
    issued: list[Diploma] = []
    for entry in entries:
        for holder in entry.authors.all():
            if (entry.pk, holder.pk) in issued_before:
                continue
            diploma = _diploma_new(contest, entry, holder, organiser)
            if diploma is not None:
                diploma.holder = holder
                issued.append(diploma)
    for diploma in issued:
        community.notify(
            recipient=diploma.holder,
            kind=kinds.RESULTS,
            target=contest,
            target_title=contest.title,
            url=reverse("contests:diploma_pdf", kwargs={"pk": diploma.pk}),
        )
        if diploma.kind != Diploma.Kind.PARTICIPANT:
            badges_check(user=diploma.holder, measures=[kinds.CONTEST_WINS])
    if issued:
        changes.diplomas_issued(
            contest, holders=sorted({diploma.holder_id for diploma in issued})
        )
    return len(issued)
