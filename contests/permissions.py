"""Who may organise, see and enter contests, see who wrote an entry, and vote.

Pure predicates shared by views, templates and services. Those asked of
every row of a list read nothing but the row and what was prefetched with
it (an entry's authors); the few that ask a query (a community's owner, a
seat on the jury, a vote already cast) are asked once per page, and what
they learn about the viewer is kept on the contest object for the rest of
the page. The jury's own predicates are in ``permissions_judging``.

Blind judging: until the results are frozen nobody but the entry's authors,
the contest's organiser and moderators learns who wrote it — a judge never,
not even one who is a moderator (``can_see_authors``).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from contests.models import Contest, Entry, PublicVote
from contests.permissions_judging import is_judge, judging_over

# What the contest object keeps of the viewer for the rest of a page.
_KEPT = "_contests_viewer"


def _is_member(user) -> bool:
    return user.is_authenticated and user.is_active


def _kept(contest: Contest, user, name: str, ask) -> bool:
    """``ask()`` once per contest object, viewer and question."""
    known = contest.__dict__.setdefault(_KEPT, {})
    key = (user.pk, name)
    if key not in known:
        known[key] = ask()
    return known[key]


def can_organise_contests(user) -> bool:
    # Site moderators (staff: the Moderators group) and superusers; members
    # pay no permission query here.
    return _is_member(user) and (user.is_superuser or user.is_staff)


def can_organise_in(user, community) -> bool:
    # The owner of an open community that is not hidden (one query).
    from circles.models import Membership
    from circles.permissions import role_of

    return (
        _is_member(user)
        and community is not None
        and community.is_open
        and not community.is_hidden
        and role_of(user, community) == Membership.Role.OWNER
    )


def communities_owned(user):
    """The open communities ``user`` owns (those she may organise in)."""
    from circles.models import Community, Membership

    if not _is_member(user):
        return Community.objects.none()
    return Community.objects.filter(
        status__in=[Community.Status.OPEN, Community.Status.DORMANT],
        is_hidden=False,
        pk__in=Membership.objects.filter(
            user_id=user.pk, role=Membership.Role.OWNER
        ).values("community_id"),
    ).order_by("name")


def can_create_contest(user) -> bool:
    # Moderators, and the owners of a community (one query for them).
    return can_organise_contests(user) or (
        _is_member(user) and communities_owned(user).exists()
    )


def is_organiser(user, contest: Contest) -> bool:
    return _is_member(user) and user.pk == contest.organiser_id


def _runs(user, contest: Contest) -> bool:
    # The organiser and moderators.
    return is_organiser(user, contest) or can_organise_contests(user)


def is_public(contest: Contest) -> bool:
    """Announced or finished, and not hidden: what everyone may read."""
    return not contest.is_hidden and contest.status in (
        Contest.Status.PUBLISHED,
        Contest.Status.FINISHED,
    )


def _has_entered(user, contest: Contest) -> bool:
    # An author of one of its entries (one query, kept for the page).
    return _is_member(user) and _kept(
        contest,
        user,
        "entered",
        lambda: Entry.authors.through.objects.filter(
            entry__contest_id=contest.pk, user_id=user.pk
        ).exists(),
    )


def viewer_is_judge(user, contest: Contest) -> bool:
    """A seat on the contest's jury (one query, kept for the page; none when
    the selector read it with the contest: ``viewer_judge_keep``)."""
    return _is_member(user) and _kept(
        contest, user, "judge", lambda: is_judge(user, contest)
    )


def viewer_judge_keep(contest: Contest, user, judges: bool) -> None:
    """Keep what a selector read with the contest: whether ``user`` sits on
    its jury."""
    contest.__dict__.setdefault(_KEPT, {})[(user.pk, "judge")] = bool(judges)


def viewer_may_join_jury(user, contest: Contest) -> bool:
    """``permissions_judging.can_join_jury`` on the contest's page, without
    a query: whether ``user`` teaches its subject and is an expert was read
    with the contest (``selectors.contest_get``), her seat on the jury
    too; only an expert of the subject asks whether she entered (one
    query). Never its organiser. ``contests:jury_join`` asks the predicate
    itself."""
    return (
        _is_member(user)
        and contest.status == Contest.Status.PUBLISHED
        and not contest.is_hidden
        and contest.subject_id is not None
        and user.pk != contest.organiser_id
        and not judging_over(contest)
        and getattr(contest, "viewer_teaches", False)
        and (user.is_superuser or getattr(contest, "viewer_reviews", False))
        and not viewer_is_judge(user, contest)
        and not _has_entered(user, contest)
    )


def can_see_contest(user, contest: Contest) -> bool:
    # Announced or finished and not hidden: everyone. A draft, a hidden or a
    # cancelled contest: its organiser and moderators; a cancelled or hidden
    # one also the authors of its entries (they see what became of them).
    if is_public(contest):
        return True
    if _runs(user, contest):
        return True
    if contest.status == Contest.Status.DRAFT:
        return False
    return _has_entered(user, contest)


def can_edit_contest(user, contest: Contest) -> bool:
    # The organiser while it is not hidden, moderators always; until the
    # results are frozen or it is cancelled.
    if contest.status not in (Contest.Status.DRAFT, Contest.Status.PUBLISHED):
        return False
    if can_organise_contests(user):
        return True
    return is_organiser(user, contest) and not contest.is_hidden


def can_publish_contest(user, contest: Contest) -> bool:
    return contest.status == Contest.Status.DRAFT and can_edit_contest(user, contest)


def can_cancel_contest(user, contest: Contest) -> bool:
    return can_edit_contest(user, contest)


def can_hide_contest(user) -> bool:
    return can_organise_contests(user)


def entries_open(contest: Contest, now: datetime.datetime | None = None) -> bool:
    """The submission window is open now (whatever the contest's status)."""
    now = now or timezone.now()
    return contest.submissions_open_at <= now < contest.submissions_close_at


def judging_open(contest: Contest, now: datetime.datetime | None = None) -> bool:
    """Entries have closed and judging has not ended."""
    now = now or timezone.now()
    return contest.submissions_close_at <= now < contest.judging_close_at


def phase_of(contest: Contest, now: datetime.datetime | None = None) -> str:
    """ "draft", "cancelled", "upcoming", "open" (taking entries), "judging",
    "waiting" (judged, results not yet out) or "finished"."""
    if contest.status in (
        Contest.Status.DRAFT,
        Contest.Status.CANCELLED,
        Contest.Status.FINISHED,
    ):
        return contest.status
    now = now or timezone.now()
    if now < contest.submissions_open_at:
        return "upcoming"
    if now < contest.submissions_close_at:
        return "open"
    if now < contest.judging_close_at:
        return "judging"
    return "waiting"


def _takes_entries(contest: Contest) -> bool:
    return (
        contest.status == Contest.Status.PUBLISHED
        and not contest.is_hidden
        and entries_open(contest)
    )


def can_submit_entry(user, contest: Contest) -> bool:
    # Members but its organiser, while an announced contest takes entries.
    return (
        _is_member(user) and not is_organiser(user, contest) and _takes_entries(contest)
    )


def is_author(user, entry: Entry) -> bool:
    # One of its authors (read from a prefetch when there is one).
    return _is_member(user) and any(
        author.pk == user.pk for author in entry.authors.all()
    )


def _entry_public(entry: Entry) -> bool:
    return entry.status == Entry.Status.SUBMITTED and not entry.is_hidden


def can_see_entry(user, entry: Entry) -> bool:
    # Whoever may see the contest, of a submitted entry not hidden; a
    # withdrawn, disqualified or hidden one: its authors, the organiser and
    # moderators.
    if not can_see_contest(user, entry.contest):
        return False
    if _entry_public(entry):
        return True
    return _runs(user, entry.contest) or is_author(user, entry)


def can_see_authors(user, entry: Entry) -> bool:
    # Once the results are frozen: everyone who sees the entry. Before: its
    # authors, the organiser and moderators — never a judge of the contest
    # (one query, kept for the page), whoever else she is.
    contest = entry.contest
    if contest.status == Contest.Status.FINISHED:
        return True
    if is_author(user, entry):
        return True
    if not _runs(user, contest):
        return False
    return not viewer_is_judge(user, contest)


def can_see_results(contest: Contest) -> bool:
    """Places, scores and public votes show once the results are frozen."""
    return contest.status == Contest.Status.FINISHED


def can_edit_entry(user, entry: Entry) -> bool:
    # Its authors, while the contest takes entries, of a submitted entry not
    # hidden.
    return (
        _entry_public(entry)
        and _takes_entries(entry.contest)
        and is_author(user, entry)
    )


def can_leave_entry(user, entry: Entry) -> bool:
    # A co-author, not the one who submitted it (she withdraws it instead):
    # she may have been named without being asked.
    return is_author(user, entry) and user.pk != entry.submitted_by_id


def can_see_entry_material(user, entry: Entry) -> bool:
    # Whoever sees the entry, while its material is published and not
    # hidden in the library; else only its authors, the organiser and
    # moderators (the entry must not show what the library took away).
    material = entry.material
    if material is None:
        return False
    if material.is_published and not material.is_hidden:
        return True
    return is_author(user, entry) or _runs(user, entry.contest)


def can_withdraw_entry(user, entry: Entry) -> bool:
    # Its authors, while the contest takes entries.
    return (
        entry.status == Entry.Status.SUBMITTED
        and _takes_entries(entry.contest)
        and is_author(user, entry)
    )


# Contests whose entries may be disqualified: announced, or with results.
_JUDGED = (Contest.Status.PUBLISHED, Contest.Status.FINISHED)


def can_disqualify(user, entry: Entry) -> bool:
    # The organiser and moderators, of a submitted entry of an announced
    # contest, and after the results too (plagiarism found later): the
    # places stay frozen, the entry's diplomas verify as revoked.
    return (
        entry.status == Entry.Status.SUBMITTED
        and entry.contest.status in _JUDGED
        and _runs(user, entry.contest)
    )


def can_reinstate(user, entry: Entry) -> bool:
    # The same people take a disqualification back; after the results only
    # of an entry they ranked (disqualified since), which gets its frozen
    # place back — one disqualified before has none to get back.
    contest = entry.contest
    return (
        entry.status == Entry.Status.DISQUALIFIED
        and contest.status in _JUDGED
        and (contest.status == Contest.Status.PUBLISHED or bool(entry.result))
        and _runs(user, contest)
    )


def can_hide_entry(user) -> bool:
    return can_organise_contests(user)


def voter_old_enough(user, now: datetime.datetime | None = None) -> bool:
    """A member for ``CONTESTS_VOTER_MIN_DAYS`` days or more."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.CONTESTS_VOTER_MIN_DAYS)
    return user.date_joined <= since


def public_vote_open(contest: Contest, now: datetime.datetime | None = None) -> bool:
    """The contest has a public vote and it is on now (the judging window of
    an announced contest that is not hidden)."""
    return (
        contest.public_vote
        and contest.status == Contest.Status.PUBLISHED
        and not contest.is_hidden
        and judging_open(contest, now)
    )


def may_vote_in(user, contest: Contest) -> bool:
    """Whether ``user`` may take part in the contest's public vote now at
    all (a member past the days, not its organiser); no query."""
    return (
        _is_member(user)
        and public_vote_open(contest)
        and voter_old_enough(user)
        and not is_organiser(user, contest)
    )


def can_vote_publicly(user, entry: Entry) -> bool:
    # Members past ``CONTESTS_VOTER_MIN_DAYS``, neither its authors nor the
    # organiser, for a submitted entry not hidden, while the public vote is
    # on (one vote per nomination: the service answers a second one).
    return (
        may_vote_in(user, entry.contest)
        and _entry_public(entry)
        and not is_author(user, entry)
    )


def has_voted(user, entry: Entry) -> bool:
    """The member's public vote in the entry's nomination (one query)."""
    return (
        _is_member(user)
        and PublicVote.objects.filter(
            nomination_id=entry.nomination_id, voter_id=user.pk
        ).exists()
    )
