"""A contest's jury and its blind scores: judges assigned by the organiser
(or a moderator) or joining as experts of the contest's subject, each score
written against the nomination's rubric, never by an author or a colleague
of an author's school; judges reminded once before judging ends."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community
from community.models import Notification
from community.standing import participation_check
from contests import changes, kinds
from contests.models import Contest, Entry, Judge, Nomination, Score
from contests.permissions_judging import (
    can_join_jury,
    can_manage_jury,
    entry_judgeable,
    is_entrant,
    judge_covers,
    judging_over,
    score_conflict,
)
from materials.permissions import is_expert, review_conflict_between

AUDIT_JUDGE_ASSIGNED = "contest_judge_assigned"
AUDIT_JUDGE_REMOVED = "contest_judge_removed"
COMMENT_MAX_LENGTH = 5000
MARK_MIN, MARK_MAX = 1, 5
TWO_PLACES = Decimal("0.01")


def _contest_locked(contest: Contest) -> Contest:
    """The contest's row, locked: every jury write and the freezing of the
    results take it first, so they take turns."""
    return Contest.objects.select_for_update().get(pk=contest.pk)


def _judging_url(contest: Contest) -> str:
    return reverse("contests:judging", kwargs={"slug": contest.slug})


def _judge_new(
    *, contest: Contest, user, nomination: Nomination | None, assigned_by
) -> tuple[Judge, bool]:
    """The user's seat on the jury, made now (True) or found (False): a
    second request answers the first."""
    existing = Judge.objects.filter(contest_id=contest.pk, user_id=user.pk).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            judge = Judge.objects.create(
                contest=contest,
                user=user,
                nomination=nomination,
                assigned_by=assigned_by,
            )
    except IntegrityError:
        return Judge.objects.get(contest_id=contest.pk, user_id=user.pk), False
    return judge, True


def _seat_check(contest: Contest, user) -> None:
    """Nobody judges a contest she has a stake in: its organiser (who is
    told who submitted each entry) or an author of one of its entries,
    withdrawn or disqualified ones too. Read under the contest's row lock,
    which an entry's submission takes as well."""
    if user.pk == contest.organiser_id:
        raise ValidationError(
            _("The organiser of a contest cannot sit on its jury."),
            code="organiser",
        )
    if is_entrant(user, contest):
        raise ValidationError(
            _("An author of an entry to this contest cannot sit on its jury."),
            code="entrant",
        )


@transaction.atomic
def judge_assign(*, contest: Contest, user, actor, nomination=None) -> Judge:
    """The organiser (or a moderator) seats an expert on the jury, for one
    nomination or (``None``) every one; she is told. Asked again, or twice
    at once, it answers the seat made first.

    Raises PermissionDenied for anyone else; ValidationError when the user is
    no active expert (code "expert"), the nomination is another contest's
    (code "nomination"), judging has ended (code "closed"), the user is the
    contest's organiser (code "organiser") or an author of one of its
    entries (code "entrant").
    """
    participation_check(actor)
    contest = _contest_locked(contest)
    if not can_manage_jury(actor, contest):
        raise PermissionDenied
    if not (user.is_active and is_expert(user)):
        raise ValidationError(
            _("Only an expert of Kollegi can sit on a jury."), code="expert"
        )
    if nomination is not None and nomination.contest_id != contest.pk:
        raise ValidationError(
            _("Choose one of this contest's nominations."), code="nomination"
        )
    if judging_over(contest):
        raise ValidationError(_("Judging has ended."), code="closed")
    _seat_check(contest, user)
    judge, made = _judge_new(
        contest=contest, user=user, nomination=nomination, assigned_by=actor
    )
    if made:
        community.notify(
            recipient=user,
            kind=kinds.JUDGE_ASSIGNED,
            actor=actor,
            target=contest,
            target_title=contest.title,
            url=_judging_url(contest),
        )
        community.audit(
            actor=actor,
            action=AUDIT_JUDGE_ASSIGNED,
            target=contest,
            reason=user.username,
        )
        changes.judging_changed(contest)
    return judge


@transaction.atomic
def judge_join(*, contest: Contest, user) -> Judge:
    """An expert who teaches the contest's subject takes a seat on its jury
    (every nomination), while it is announced and judging has not ended.
    Asked again, it answers her seat.

    Raises PermissionDenied for anyone else, ValidationError(code="closed")
    once judging has ended or the contest is not announced, code
    "organiser" for its organiser and "entrant" for an author of one of its
    entries.
    """
    participation_check(user)
    contest = _contest_locked(contest)
    existing = Judge.objects.filter(contest_id=contest.pk, user_id=user.pk).first()
    if existing is not None:
        return existing
    if (
        contest.status != Contest.Status.PUBLISHED
        or contest.is_hidden
        or judging_over(contest)
    ):
        raise ValidationError(_("This jury takes no new judges."), code="closed")
    _seat_check(contest, user)
    if not can_join_jury(user, contest):
        raise PermissionDenied
    judge, made = _judge_new(
        contest=contest, user=user, nomination=None, assigned_by=None
    )
    if made:
        changes.judging_changed(contest)
    return judge


@transaction.atomic
def judge_remove(*, judge: Judge, actor) -> None:
    """The organiser (or a moderator) takes a judge off the jury — only one
    who has scored nothing: scores written stay with the results.

    Raises PermissionDenied for anyone else, ValidationError(code="scored")
    when she has scored an entry of the contest.
    """
    participation_check(actor)
    contest = _contest_locked(judge.contest)
    if not can_manage_jury(actor, contest):
        raise PermissionDenied
    if Score.objects.filter(
        entry__contest_id=contest.pk, judge_id=judge.user_id
    ).exists():
        raise ValidationError(
            _("This judge has scored entries already and stays on the jury."),
            code="scored",
        )
    username = judge.user.username
    deleted, _rows = Judge.objects.filter(pk=judge.pk).delete()
    if deleted:
        community.audit(
            actor=actor, action=AUDIT_JUDGE_REMOVED, target=contest, reason=username
        )
        changes.judging_changed(contest)


# --- Scores ------------------------------------------------------------------------


def criteria_of(nomination: Nomination) -> list[tuple[str, str]]:
    """The nomination's rubric: (key, title) of each criterion, in order."""
    return [
        (str(criterion["key"]), str(criterion.get("title") or criterion["key"]))
        for criterion in nomination.criteria or []
        if isinstance(criterion, dict) and criterion.get("key")
    ]


def _marks_checked(nomination: Nomination, marks: dict) -> dict[str, int]:
    keys = [key for key, _title in criteria_of(nomination)]
    if not keys or set(marks) != set(keys):
        raise ValidationError(_("Score every criterion of the rubric."), code="marks")
    checked = {}
    for key in keys:
        value = marks[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not MARK_MIN <= value <= MARK_MAX
        ):
            raise ValidationError(
                _("Each mark is a whole number from 1 to 5."), code="marks"
            )
        checked[key] = value
    return checked


def _mean(values) -> Decimal:
    values = [Decimal(value) for value in values]
    return (sum(values) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _conflict_error(conflict: str) -> ValidationError:
    if conflict == "own":
        return ValidationError(_("You cannot judge an entry of your own."), code="own")
    return ValidationError(
        _("You cannot judge an entry by a colleague of your school."),
        code="school",
    )


def _entry_score_refresh(entry: Entry) -> None:
    """The entry's mean of its judges' marks and their number, from its
    scores (under its row lock)."""
    summary = Score.objects.filter(entry_id=entry.pk).aggregate(
        mean=Avg("total"), count=Count("pk")
    )
    mean = summary["mean"]
    entry.score = (
        Decimal(mean).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        if mean is not None
        else None
    )
    entry.score_count = summary["count"]
    entry.save(update_fields=["score", "score_count", "updated_at"])


@transaction.atomic
def score_write(*, entry: Entry, judge_user, marks: dict, comment: str = "") -> Score:
    """A judge's score of an entry: every criterion of the nomination's
    rubric from 1 to 5, and a comment for the authors (shown without her
    name). Written again until judging ends, it replaces her score. The
    entry's row is locked; its mean score and number of scores follow.

    Raises PermissionDenied for anyone but a judge of the contest (and of the
    entry's nomination when her seat has one); ValidationError when judging
    is not open (code "not_open" before entries close, "closed" after it
    ends or once the results are frozen), the entry is withdrawn,
    disqualified or hidden (code "entry"), the judge is one of its authors
    (code "own") or of an author's school (code "school"), or the marks are
    not one whole number 1–5 per criterion (code "marks").
    """
    participation_check(judge_user)
    # The contest's row first (as the freezing of the results takes it: a
    # score never lands between its reading and its ranking), then the
    # entry's.
    contest = Contest.objects.select_for_update().get(pk=entry.contest_id)
    entry = (
        Entry.objects.select_for_update(of=("self",))
        .select_related("nomination")
        .get(pk=entry.pk)
    )
    entry.contest = contest
    judge = Judge.objects.filter(contest_id=contest.pk, user_id=judge_user.pk).first()
    if judge is None or not judge_covers(judge, entry):
        raise PermissionDenied
    now = timezone.now()
    if (
        contest.status != Contest.Status.PUBLISHED
        or contest.is_hidden
        or now >= contest.judging_close_at
    ):
        raise ValidationError(_("Judging has ended."), code="closed")
    if now < contest.submissions_close_at:
        raise ValidationError(_("Judging opens when entries close."), code="not_open")
    if not entry_judgeable(entry):
        raise ValidationError(_("This entry is not judged."), code="entry")
    conflict = review_conflict_between(
        judge_user, list(entry.authors.select_related("profile"))
    )
    if conflict:
        raise _conflict_error(conflict)
    checked = _marks_checked(entry.nomination, marks)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("The comment is at most %(limit)d characters.")
            % {"limit": COMMENT_MAX_LENGTH},
            code="comment",
        )
    total = _mean(checked.values())
    score = Score.objects.filter(entry_id=entry.pk, judge_id=judge_user.pk).first()
    if score is None:
        score = Score(entry=entry, judge=judge_user)
    score.marks = checked
    score.total = total
    score.comment = comment
    score.full_clean(exclude=["entry", "judge"], validate_unique=False)
    if score.pk is None:
        score.save()
    else:
        score.save(update_fields=["marks", "total", "comment", "updated_at"])
    _entry_score_refresh(entry)
    changes.judging_changed(contest)
    return score


# --- Reminders ---------------------------------------------------------------------


def _waiting_judges(contest: Contest) -> list[int]:
    """Judges of ``contest`` with an entry they may judge and have not scored:
    their user ids (four queries)."""
    judges = list(
        Judge.objects.filter(contest_id=contest.pk).select_related("user__profile")
    )
    if not judges:
        return []
    entries = list(
        Entry.objects.filter(
            contest_id=contest.pk, status=Entry.Status.SUBMITTED, is_hidden=False
        ).prefetch_related(
            Prefetch(
                "authors", queryset=get_user_model().objects.select_related("profile")
            )
        )
    )
    scored = set(
        Score.objects.filter(entry__contest_id=contest.pk).values_list(
            "judge_id", "entry_id"
        )
    )
    waiting = []
    for judge in judges:
        if not judge.user.is_active:
            continue
        if any(
            judge_covers(judge, entry)
            and (judge.user_id, entry.pk) not in scored
            and not score_conflict(judge.user, entry)
            for entry in entries
        ):
            waiting.append(judge.user_id)
    return waiting


def judging_reminders_run(now: datetime.datetime | None = None) -> int:
    """Judges with entries waiting for their score, ``CONTESTS_REMINDER_DAYS``
    before judging ends: each told once per contest, with no field of its
    own — the notice is the record (looked up by its group, read or not),
    under the contest's row lock (two runs take it in turn). Returns how
    many were told."""
    now = now or timezone.now()
    until = now + datetime.timedelta(days=settings.CONTESTS_REMINDER_DAYS)
    contests = list(
        Contest.objects.filter(
            status=Contest.Status.PUBLISHED,
            is_hidden=False,
            submissions_close_at__lte=now,
            judging_close_at__gt=now,
            judging_close_at__lte=until,
        ).order_by("judging_close_at", "pk")
    )
    if not contests:
        return 0
    contest_type = ContentType.objects.get_for_model(Contest)
    told = 0
    for contest in contests:
        with transaction.atomic():
            contest = _contest_locked(contest)
            if contest.status != Contest.Status.PUBLISHED:
                continue
            waiting = _waiting_judges(contest)
            if not waiting:
                continue
            # The group ``community.notify_many`` gives the notice.
            group_key = f"{kinds.JUDGING_REMINDER}:{contest_type.pk}:{contest.pk}"
            heard = set(
                Notification.objects.filter(
                    recipient_id__in=waiting, group_key=group_key
                ).values_list("recipient_id", flat=True)
            )
            fresh = [user_id for user_id in waiting if user_id not in heard]
            if not fresh:
                continue
            told += community.notify_many(
                recipients=get_user_model()
                .objects.filter(pk__in=fresh)
                .only("pk", "is_active"),
                kind=kinds.JUDGING_REMINDER,
                target=contest,
                target_title=contest.title,
                url=_judging_url(contest),
            )
    return told
