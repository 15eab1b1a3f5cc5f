"""A contest as its organiser makes it: the contest, its nominations (each
with its rubric), announcing, cancelling; moderators' hiding.

A contest is organised by a site moderator, or by the owner of a community
(then it is the community's contest). It is written as a draft, announced
(members who teach its subject are told), and ends with its results
(``results.contest_finish``) or cancelled. Its rules are Markdown, rendered
once on save. A nomination's rubric is its criteria, each with a key the
judges' marks are kept under; the rubric stays as it is once a judge has
scored an entry of the nomination.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community
from community.hiding import REPORTED, audited, hidden_set
from community.markdown import render_markdown
from community.slugs import free_slug, readable_slug
from community.standing import participation_check
from contests import kinds
from contests.changes import contest_changed, contest_visibility_changed
from contests.models import Contest, Entry, Nomination, PublicVote, Score
from contests.permissions import (
    can_cancel_contest,
    can_edit_contest,
    can_hide_contest,
    can_organise_contests,
    can_organise_in,
    can_publish_contest,
)

__all__ = [
    "CONTEST_FIELDS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_CRITERIA",
    "RESERVED_SLUGS",
    "contest_cancel",
    "contest_create",
    "contest_hide",
    "contest_hide_by_reports",
    "contest_publish",
    "contest_update",
    "criteria_of",
    "date_year_check",
    "nomination_add",
    "nomination_remove",
    "nomination_update",
]

CONTEST_FIELDS = [
    "title",
    "summary",
    "rules",
    "subject",
    "submissions_open_at",
    "submissions_close_at",
    "judging_close_at",
    "judges_per_entry",
    "public_vote",
]
DATE_FIELDS = ("submissions_open_at", "submissions_close_at", "judging_close_at")
NOMINATION_FIELDS = ["title", "description", "criteria", "prize_places"]
MAX_CRITERIA = 8
MAX_NOMINATIONS = 20
# The years a date of ours may fall in: a year 1 typed by mistake is stored
# by PostgreSQL as a date BC, which no page can show.
FIRST_YEAR = 2000
LAST_YEAR = 2100
# Addresses the app's own pages take under /contests/.
RESERVED_SLUGS = frozenset(
    {"mine", "new", "feed", "rss", "atom", "diplomas", "entries", "jury"}
)


# --- Checks ----------------------------------------------------------------------


def _locked(contest: Contest) -> Contest:
    """The contest's row, locked until the transaction ends."""
    return Contest.objects.select_for_update(of=("self",)).get(pk=contest.pk)


def _editable(contest: Contest, editor) -> Contest:
    """The contest, locked, if ``editor`` may change it now."""
    participation_check(editor)
    contest = _locked(contest)
    if not can_edit_contest(editor, contest):
        raise PermissionDenied
    return contest


def date_year_check(value) -> None:
    """A form field's validator too: raises ValidationError(code="year")
    for a date outside ``FIRST_YEAR``–``LAST_YEAR``."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Give a date between the years %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="year",
        )


def _dates_check(contest: Contest) -> None:
    errors = {}
    for name in DATE_FIELDS:
        try:
            date_year_check(getattr(contest, name))
        except ValidationError as error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)
    if contest.submissions_close_at <= contest.submissions_open_at:
        errors["submissions_close_at"] = _("Entries must close after they open.")
    elif contest.judging_close_at <= contest.submissions_close_at:
        errors["judging_close_at"] = _("Judging must end after entries close.")
    if errors:
        raise ValidationError(errors)


def _minute(value):
    """A date to the minute (what the form's picker gives back), or None."""
    return value.replace(second=0, microsecond=0) if value is not None else None


def _window_frozen(contest: Contest, now) -> bool:
    """Entries have closed, or a judge has scored: what was entered and
    judged was entered in this window (one query at most)."""
    return contest.status == Contest.Status.PUBLISHED and (
        now >= contest.submissions_close_at
        or Score.objects.filter(entry__contest_id=contest.pk).exists()
    )


def _window_kept(contest: Contest, before: dict, now) -> None:
    """Once the window is frozen: the opening and closing of entries stay as
    they were (a date given again to the minute is the one kept); the end of
    judging may move, but not into the past. Raises ValidationError by
    field (codes "window", "past")."""
    errors = {}
    for name in ("submissions_open_at", "submissions_close_at"):
        if _minute(getattr(contest, name)) == _minute(before[name]):
            setattr(contest, name, before[name])
        else:
            errors[name] = ValidationError(
                _(
                    "Entries have closed (or the jury has begun scoring): when "
                    "entries opened and closed stays as it was. Only the end of "
                    "judging may move."
                ),
                code="window",
            )
    judged = contest.judging_close_at
    if _minute(judged) == _minute(before["judging_close_at"]):
        contest.judging_close_at = before["judging_close_at"]
    elif judged is None or judged <= now:
        errors["judging_close_at"] = ValidationError(
            _("Judging cannot end in the past: give a later date."), code="past"
        )
    if errors:
        raise ValidationError(errors)


def _contest_check(contest: Contest) -> None:
    for name in DATE_FIELDS:
        if getattr(contest, name) is None:
            raise ValidationError({name: _("Give the date and time.")})
    _dates_check(contest)
    if not contest.title:
        raise ValidationError({"title": _("Give the contest a title.")})
    if not contest.rules.strip():
        raise ValidationError({"rules": _("Write the contest's rules.")})
    contest.full_clean(
        exclude=["organiser", "community", "subject", "slug", "finished_by"],
        validate_constraints=False,
    )


def criteria_of(criteria: Iterable) -> list[dict]:
    """A rubric as the nomination keeps it: ``[{"key", "title"}, ...]``
    from titles (or such dicts), blank ones left out, keys by position
    ("c1", "c2"…). Raises ValidationError(code="criteria") for none, more
    than ``MAX_CRITERIA``, a title over 200 characters or one given twice."""
    titles = []
    for item in criteria:
        title = item.get("title", "") if isinstance(item, dict) else str(item)
        title = " ".join(title.split())
        if title:
            titles.append(title)
    if not 1 <= len(titles) <= MAX_CRITERIA:
        raise ValidationError(
            _("A nomination's rubric has from 1 to %(count)d criteria.")
            % {"count": MAX_CRITERIA},
            code="criteria",
        )
    if any(len(title) > 200 for title in titles):
        raise ValidationError(
            _("A criterion is at most 200 characters long."), code="criteria"
        )
    if len({title.casefold() for title in titles}) != len(titles):
        raise ValidationError(
            _("Each criterion of a rubric once, please."), code="criteria"
        )
    return [
        {"key": f"c{index}", "title": title}
        for index, title in enumerate(titles, start=1)
    ]


def _nomination_check(nomination: Nomination) -> None:
    nomination.title = " ".join(nomination.title.split())
    nomination.description = nomination.description.strip()
    if not nomination.title:
        raise ValidationError({"title": _("Give the nomination a title.")})
    nomination.full_clean(exclude=["contest", "criteria"])


def _slug_for(title: str) -> str:
    base = readable_slug(title, fallback="contest")
    taken = set(
        Contest.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    return free_slug(base, taken | RESERVED_SLUGS)


def _nomination_new(contest: Contest, position: int, data: dict) -> Nomination:
    nomination = Nomination(
        contest=contest,
        position=position,
        title=data.get("title", ""),
        description=data.get("description", "") or "",
        criteria=criteria_of(data.get("criteria", ())),
        prize_places=data.get("prize_places", 3),
    )
    _nomination_check(nomination)
    return nomination


# --- The contest -----------------------------------------------------------------


@transaction.atomic
def contest_create(
    *,
    organiser,
    title: str,
    summary: str,
    rules: str,
    submissions_open_at,
    submissions_close_at,
    judging_close_at,
    nominations: list[dict],
    subject=None,
    community=None,
    judges_per_entry: int = 2,
    public_vote: bool = False,
) -> Contest:
    """A new contest, a draft of ``organiser``'s with a free readable address
    and its nominations (``{"title", "description", "criteria": [str, ...],
    "prize_places"}``, at least one).

    The organiser is a site moderator, or the owner of ``community`` (then
    the community's contest). Raises PermissionDenied for anyone else, or
    ValidationError: a dict by field (dates in order, the rules), or with a
    code ("nominations", "criteria").
    """
    participation_check(organiser)
    if not organiser.is_authenticated:
        raise PermissionDenied
    if community is not None:
        if not (
            can_organise_contests(organiser) or can_organise_in(organiser, community)
        ):
            raise PermissionDenied
    elif not can_organise_contests(organiser):
        raise PermissionDenied
    nominations = list(nominations)
    if not 1 <= len(nominations) <= MAX_NOMINATIONS:
        raise ValidationError(
            _("A contest has from 1 to %(count)d nominations.")
            % {"count": MAX_NOMINATIONS},
            code="nominations",
        )
    contest = Contest(
        organiser=organiser,
        community=community,
        subject=subject,
        title=" ".join(title.split()),
        summary=summary.strip(),
        rules=rules,
        submissions_open_at=submissions_open_at,
        submissions_close_at=submissions_close_at,
        judging_close_at=judging_close_at,
        judges_per_entry=judges_per_entry,
        public_vote=public_vote,
        status=Contest.Status.DRAFT,
    )
    _contest_check(contest)
    contest.rules_html = render_markdown(rules)
    rows = [
        _nomination_new(contest, position, data)
        for position, data in enumerate(nominations, start=1)
    ]
    # Two contests of one title at once: the second takes the next address.
    for _attempt in range(3):
        contest.slug = _slug_for(contest.title)
        try:
            with transaction.atomic():
                contest.save()
            break
        except IntegrityError:
            if Contest.objects.filter(slug=contest.slug).exists():
                continue
            raise
    else:
        raise ValidationError(_("Please try again."), code="slug")
    for nomination in rows:
        nomination.contest = contest
    Nomination.objects.bulk_create(rows)
    contest_changed(contest)
    return contest


@transaction.atomic
def contest_update(*, contest: Contest, editor, **fields) -> Contest:
    """Change a contest's own fields (``CONTEST_FIELDS``); the rules are
    rendered again. The organiser (while it is not hidden) and moderators,
    until the results are frozen or it is cancelled.

    Once announced, its entries' window cannot open later than it did while
    entries came in; once entries have closed or a judge has scored, the
    window stays as it was and only the end of judging moves, never into
    the past (codes "window", "past" by field). The public vote cannot be
    switched once a vote is cast (code "voted"). Raises PermissionDenied,
    or ValidationError (a dict by field, or with a code).
    """
    unknown = set(fields) - set(CONTEST_FIELDS)
    if unknown:
        raise TypeError(f"contest_update() got unknown fields: {sorted(unknown)}")
    contest = _editable(contest, editor)
    now = timezone.now()
    frozen = _window_frozen(contest, now)
    before = {name: getattr(contest, name) for name in DATE_FIELDS}
    before_open = contest.submissions_open_at
    before_vote = contest.public_vote
    for key, value in fields.items():
        setattr(contest, key, value)
    if "title" in fields:
        contest.title = " ".join(contest.title.split())
    if "summary" in fields:
        contest.summary = contest.summary.strip()
    if frozen:
        _window_kept(contest, before, now)
    _contest_check(contest)
    if (
        contest.submissions_open_at > before_open
        and Entry.objects.filter(contest_id=contest.pk).exists()
    ):
        raise ValidationError(
            {
                "submissions_open_at": _(
                    "Entries have come in already: the window cannot open later."
                )
            }
        )
    if (
        contest.public_vote != before_vote
        and PublicVote.objects.filter(entry__contest_id=contest.pk).exists()
    ):
        raise ValidationError(
            _("Colleagues have voted already: the public vote stays as it is."),
            code="voted",
        )
    contest.rules_html = render_markdown(contest.rules)
    contest.save()
    contest_changed(contest)
    return contest


def _subject_teachers(contest: Contest):
    """The members told of a new contest, as ``notify_many`` reads them:
    those who teach its subject, and the members of its community."""
    from circles.models import Membership

    who = Q(pk__in=[])
    if contest.subject_id:
        who |= Q(profile__subjects=contest.subject_id)
    if contest.community_id:
        who |= Q(
            pk__in=Membership.objects.filter(community_id=contest.community_id).values(
                "user_id"
            )
        )
    return get_user_model().objects.filter(who).distinct().only("pk", "is_active")


@transaction.atomic
def contest_publish(*, contest: Contest, actor) -> Contest:
    """Announce a draft: it shows in the list, the search and the feed;
    the members who teach its subject (and its community's members) are
    told (``kinds.CONTEST_NEW``).

    Raises PermissionDenied, or ValidationError: code "status" (not a
    draft), "nominations" (none), "dates" (judging ends in the past).
    """
    participation_check(actor)
    contest = _locked(contest)
    if not can_edit_contest(actor, contest):
        raise PermissionDenied
    if not can_publish_contest(actor, contest):
        raise ValidationError(_("Only a draft can be announced."), code="status")
    if not Nomination.objects.filter(contest_id=contest.pk).exists():
        raise ValidationError(
            _("Add a nomination before announcing the contest."), code="nominations"
        )
    if contest.judging_close_at <= timezone.now():
        raise ValidationError(
            _("The contest's dates are over: set new ones first."), code="dates"
        )
    contest.status = Contest.Status.PUBLISHED
    contest.published_at = timezone.now()
    contest.save(update_fields=["status", "published_at", "updated_at"])
    contest_visibility_changed(contest)
    community.notify_many(
        recipients=_subject_teachers(contest),
        kind=kinds.CONTEST_NEW,
        actor=contest.organiser,
        target=contest,
        target_title=contest.title,
        url=contest.get_absolute_url(),
    )
    return contest


@transaction.atomic
def contest_cancel(*, contest: Contest, actor, reason: str) -> Contest:
    """Cancel a draft or an announced contest, with the reason put on record
    (``contest_cancelled``); it leaves the list, the search and the feed.
    Its entries' authors still see it and their entries.

    Raises PermissionDenied, or ValidationError(code="reason") without a
    reason.
    """
    participation_check(actor)
    contest = _locked(contest)
    if not can_cancel_contest(actor, contest):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the contest is cancelled."), code="reason")
    contest.status = Contest.Status.CANCELLED
    contest.save(update_fields=["status", "updated_at"])
    community.audit(
        actor=actor, action="contest_cancelled", target=contest, reason=reason
    )
    contest_visibility_changed(contest)
    return contest


# --- Nominations -----------------------------------------------------------------


def _rubric_scored(nomination: Nomination) -> bool:
    return Score.objects.filter(entry__nomination_id=nomination.pk).exists()


@transaction.atomic
def nomination_add(
    *,
    contest: Contest,
    editor,
    title: str,
    criteria: Iterable,
    description: str = "",
    prize_places: int = 3,
) -> Nomination:
    """Add a nomination at the end. Raises PermissionDenied, or
    ValidationError (by field, or code "criteria" / "nominations")."""
    contest = _editable(contest, editor)
    count = Nomination.objects.filter(contest_id=contest.pk).count()
    if count >= MAX_NOMINATIONS:
        raise ValidationError(
            _("A contest has from 1 to %(count)d nominations.")
            % {"count": MAX_NOMINATIONS},
            code="nominations",
        )
    last = Nomination.objects.filter(contest_id=contest.pk).aggregate(
        last=Max("position")
    )["last"]
    nomination = _nomination_new(
        contest,
        (last or 0) + 1,
        {
            "title": title,
            "description": description,
            "criteria": criteria,
            "prize_places": prize_places,
        },
    )
    nomination.save()
    contest_changed(contest)
    return nomination


@transaction.atomic
def nomination_update(*, nomination: Nomination, editor, **fields) -> Nomination:
    """Change a nomination (``title``, ``description``, ``criteria``,
    ``prize_places``). Its rubric stays once a judge has scored one of its
    entries (code "scored"). Raises PermissionDenied, or ValidationError."""
    unknown = set(fields) - set(NOMINATION_FIELDS)
    if unknown:
        raise TypeError(f"nomination_update() got unknown fields: {sorted(unknown)}")
    contest = _editable(nomination.contest, editor)
    nomination = Nomination.objects.get(pk=nomination.pk, contest_id=contest.pk)
    if "criteria" in fields:
        criteria = criteria_of(fields.pop("criteria"))
        if criteria != nomination.criteria:
            if _rubric_scored(nomination):
                raise ValidationError(
                    _(
                        "The jury has scored entries of this nomination: its "
                        "rubric stays as it is."
                    ),
                    code="scored",
                )
            nomination.criteria = criteria
    for key, value in fields.items():
        setattr(nomination, key, value)
    _nomination_check(nomination)
    nomination.save()
    contest_changed(contest)
    return nomination


@transaction.atomic
def nomination_remove(*, nomination: Nomination, editor) -> None:
    """Remove a nomination without entries (code "entries"); a contest keeps
    at least one (code "nominations"). Raises PermissionDenied, or
    ValidationError."""
    contest = _editable(nomination.contest, editor)
    if Entry.objects.filter(nomination_id=nomination.pk).exists():
        raise ValidationError(
            _("The nomination has entries: it stays."), code="entries"
        )
    if Nomination.objects.filter(contest_id=contest.pk).count() <= 1:
        raise ValidationError(
            _("A contest has from 1 to %(count)d nominations.")
            % {"count": MAX_NOMINATIONS},
            code="nominations",
        )
    Nomination.objects.filter(pk=nomination.pk, contest_id=contest.pk).delete()
    contest_changed(contest)


# --- Moderators ------------------------------------------------------------------

# Put on the audit log as contest_hide and contest_restore; an automatic call
# has no actor.
_record = audited("contest")


@transaction.atomic
def contest_hide(
    *, contest: Contest, moderator, hidden: bool = True, reason: str = ""
) -> Contest:
    """A moderator hides a contest (or shows it again): only its organiser,
    the authors of its entries and moderators see it then; it leaves the
    list, the search and the feed. Raises PermissionDenied for anyone but a
    moderator."""
    if not can_hide_contest(moderator):
        raise PermissionDenied
    hidden_set(
        contest,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=contest_visibility_changed,
        record=_record,
    )
    return contest


@transaction.atomic
def contest_hide_by_reports(*, contest: Contest, hidden: bool = True) -> Contest:
    """Reports of established members hide a contest until a moderator looks."""
    hidden_set(
        contest,
        hidden=hidden,
        moderator=None,
        reason=REPORTED,
        changed=contest_visibility_changed,
        record=_record,
    )
    return contest
