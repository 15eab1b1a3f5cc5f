"""Reads for the contests' list, a contest's page, an entry's page and «Мои
конкурсы»; each owns its joins.

Every list is read in a fixed number of queries whatever its length: an
entry's authors come with their profiles in one prefetch (and only for a
viewer who may see them), whether the viewer voted is read once for the
page, a material's files in one prefetch.
"""

import datetime

from django.contrib.auth.models import Permission
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from accounts.models import Profile, User
from community.numbers import MAX_ID
from contests.models import Contest, Entry, Judge, Nomination, PublicVote
from contests.permissions import (
    can_organise_contests,
    can_see_contest,
    can_see_entry,
    is_organiser,
    viewer_judge_keep,
)

# «Мои конкурсы» shows this many of each list, then a link to the whole list.
MINE_SHOWN = 5
PHASES = ("open", "upcoming", "judging", "finished")


# Every field of a contest: the predicates read most of them.
_CONTEST = tuple(field.attname for field in Contest._meta.concrete_fields)
# The fields of an entry its row in a list shows (``_entry_row.html``) and
# the predicates ask.
_ENTRY_ROW = (
    "contest_id",
    "nomination_id",
    "title",
    "material_id",
    "status",
    "is_hidden",
    "score",
    "vote_count",
    "place",
    "result",
    "created_at",
    "nomination__position",
    "nomination__title",
)


def _names(prefix: str) -> tuple[str, ...]:
    """A member's name and address as a page shows them."""
    return (
        f"{prefix}__username",
        f"{prefix}__is_active",
        f"{prefix}__profile__display_name",
        f"{prefix}__profile__deleted_at",
    )


def _authors(narrow: bool = False) -> Prefetch:
    authors = User.objects.select_related("profile").order_by("pk")
    if narrow:
        authors = authors.only(
            "username", "is_active", "profile__display_name", "profile__deleted_at"
        )
    return Prefetch("authors", queryset=authors)


def contest_list(
    *, subject=None, phase: str = "", now: datetime.datetime | None = None
) -> QuerySet[Contest]:
    """Contests everyone may read, by phase: "open" (taking entries, the
    soonest to close first), "upcoming" (the soonest to open first),
    "judging" (entries closed, results not out), "finished" (the latest
    results first); without one, every phase, the newest announced first."""
    now = now or timezone.now()
    contests = Contest.objects.public().select_related("subject", "community")
    if subject is not None:
        contests = contests.filter(subject=subject)
    published = Q(status=Contest.Status.PUBLISHED)
    if phase == "open":
        return contests.filter(
            published,
            submissions_open_at__lte=now,
            submissions_close_at__gt=now,
        ).order_by("submissions_close_at", "pk")
    if phase == "upcoming":
        return contests.filter(published, submissions_open_at__gt=now).order_by(
            "submissions_open_at", "pk"
        )
    if phase == "judging":
        return contests.filter(published, submissions_close_at__lte=now).order_by(
            "judging_close_at", "pk"
        )
    if phase == "finished":
        return contests.filter(status=Contest.Status.FINISHED).order_by(
            "-finished_at", "-pk"
        )
    return contests.order_by("-published_at", "-pk")


def _viewer_read(contests: QuerySet[Contest], user) -> QuerySet[Contest]:
    """Read with each contest whether ``user`` sits on its jury (no query of
    its own for the page's predicates)."""
    if not user.is_authenticated:
        return contests
    return contests.annotate(
        viewer_judges=Exists(
            Judge.objects.filter(contest_id=OuterRef("pk"), user_id=user.pk)
        )
    )


def _viewer_kept(contest: Contest | None, user) -> Contest | None:
    if contest is not None and user.is_authenticated:
        viewer_judge_keep(contest, user, contest.viewer_judges)
    return contest


def _jury_read(contests: QuerySet[Contest], user) -> QuerySet[Contest]:
    """Read with each contest what ``permissions_judging.can_join_jury``
    asks of ``user`` beyond the contest (``viewer_may_join_jury``): whether
    she teaches its subject and holds the experts' permission to review
    (``materials.permissions.is_expert``)."""
    if not user.is_authenticated:
        return contests
    review = Permission.objects.filter(
        codename="add_review", content_type__app_label="materials"
    )
    return contests.annotate(
        viewer_teaches=Exists(
            Profile.subjects.through.objects.filter(
                profile__user_id=user.pk, subject_id=OuterRef("subject_id")
            )
        ),
        viewer_reviews=Exists(review.filter(group__user=user.pk))
        | Exists(review.filter(user=user.pk)),
    )


def contest_get(*, slug: str, user) -> Contest:
    """The contest ``user`` may see, with its organiser's name, its
    community's and its nominations; else 404 (the same for a missing
    contest and one not theirs)."""
    contests = (
        Contest.objects.select_related("organiser__profile", "community")
        # Of its organiser and community, what its pages show: a narrow
        # select is much of what reading it costs.
        .only(*_CONTEST, *_names("organiser"), "community__name", "community__slug")
        .prefetch_related(
            Prefetch(
                "nominations", queryset=Nomination.objects.order_by("position", "pk")
            )
        )
        .filter(slug=slug)
    )
    contests = _jury_read(_viewer_read(contests, user), user)
    contest = _viewer_kept(contests.first(), user)
    if contest is None or not can_see_contest(user, contest):
        raise Http404
    return contest


def contest_get_for_action(*, slug: str, user) -> Contest:
    """The contest as the POSTs and forms need it (nominations prefetched);
    404 when ``user`` may not see it."""
    contests = (
        Contest.objects.select_related("subject", "community")
        .prefetch_related(
            Prefetch(
                "nominations", queryset=Nomination.objects.order_by("position", "pk")
            )
        )
        .filter(slug=slug)
    )
    contest = _viewer_kept(_viewer_read(contests, user).first(), user)
    if contest is None or not can_see_contest(user, contest):
        raise Http404
    return contest


def _viewer_sees_all(user, contest: Contest) -> bool:
    return is_organiser(user, contest) or can_organise_contests(user)


def entries_of(
    *, contest: Contest, user, nomination: Nomination | None = None
) -> QuerySet[Entry]:
    """The entries of the contest ``user`` may see, in nomination order;
    after the results by place, before by submission. Submitted and not
    hidden ones for everyone; the organiser and moderators see every one
    (withdrawn, disqualified, hidden), an author her own. Each with its
    nomination and material; its authors with their profiles."""
    entries = (
        Entry.objects.filter(contest_id=contest.pk)
        .select_related("nomination")
        .only(*_ENTRY_ROW)
        .prefetch_related(_authors(narrow=True))
    )
    if nomination is not None:
        entries = entries.filter(nomination=nomination)
    if not _viewer_sees_all(user, contest):
        shown = Q(status=Entry.Status.SUBMITTED, is_hidden=False)
        if user.is_authenticated:
            shown |= Q(
                pk__in=Entry.authors.through.objects.filter(
                    user_id=user.pk, entry__contest_id=contest.pk
                ).values("entry_id")
            )
        entries = entries.filter(shown)
    if contest.status == Contest.Status.FINISHED:
        unplaced = Case(
            When(place__isnull=True, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        return entries.order_by(
            "nomination__position",
            "nomination_id",
            unplaced,
            "place",
            "created_at",
            "pk",
        )
    return entries.order_by("nomination__position", "nomination_id", "created_at", "pk")


def votes_of(*, contest: Contest, user) -> dict[int, int]:
    """{nomination id: the entry the member voted for} in the contest (one
    query; none for a visitor)."""
    if not user.is_authenticated:
        return {}
    return dict(
        PublicVote.objects.filter(
            entry__contest_id=contest.pk, voter_id=user.pk
        ).values_list("nomination_id", "entry_id")
    )


def entry_get(*, contest: Contest, pk: str | int, user) -> Entry:
    """The entry of ``contest`` that ``user`` may see, with its nomination,
    authors (with their profiles) and material (with the files of the
    version entered); else 404."""
    number = pk if isinstance(pk, int) else None
    if number is None or not 1 <= number <= MAX_ID:
        raise Http404
    entry = (
        Entry.objects.select_related(
            "nomination", "material", "material_version", "disqualified_by__profile"
        )
        .prefetch_related(_authors(), "material_version__files")
        .filter(contest_id=contest.pk, pk=number)
        .first()
    )
    if entry is None:
        raise Http404
    entry.contest = contest
    if not can_see_entry(user, entry):
        raise Http404
    return entry


# --- «Мои конкурсы» --------------------------------------------------------------


def entries_mine(*, user) -> QuerySet[Entry]:
    """The member's entries (as any author), the latest first, with their
    contests and nominations."""
    return (
        Entry.objects.filter(
            pk__in=Entry.authors.through.objects.filter(user_id=user.pk).values(
                "entry_id"
            )
        )
        .select_related("contest", "nomination")
        .order_by("-created_at", "-pk")
    )


def contests_organised(*, user) -> QuerySet[Contest]:
    """Contests the member organises, any status, the latest first."""
    return (
        Contest.objects.filter(organiser_id=user.pk)
        .select_related("subject", "community")
        .order_by("-created_at", "-pk")
    )


def juries_mine(*, user) -> QuerySet[Judge]:
    """The juries the member sits on, the latest contest first."""
    return (
        Judge.objects.filter(user_id=user.pk)
        .select_related("contest", "nomination")
        .order_by("-contest__judging_close_at", "-pk")
    )
