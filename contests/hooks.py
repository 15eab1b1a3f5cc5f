"""What contests, polls and network projects tell the community layer.

- the notification kinds (``kinds``), all under the members' switch
  «Конкурсы и проекты» (``kinds.PREFERENCE``), the reminders urgent;
- the feed's phrases (a contest announced, its results, a project announced
  and completed: ``changes`` records them), the digest's «Конкурсы и
  проекты», the site search (``search_documents``), the RSS feed of open
  contests, the sitemap, «Конкурсы» in the header and a block on the home
  page;
- the portfolio's «Конкурсы и проекты», badges (``kinds.CONTEST_WINS``,
  ``kinds.CONTEST_ENTRIES``, ``kinds.PROJECTS_COMPLETED``), the members of
  the month's points, the evidence of growth (``attainments``).

Reports, the audit log's names and the account's data are ``moderation``'s;
a topic's poll block is ``hooks_polls``'s; the diplomas' verification
(``/certificates/<code>/``) is ``certificates``'.
The keys come from ``contests.kinds``, so the services never import this
module; the services this module reaches are imported inside its functions.
"""

from django.utils.translation import gettext_lazy as _

from contests import kinds

DIGEST_ITEMS = 5
# Contests and projects announced since a digest's start, read at most
# (per kind) before they are shared out among its readers.
DIGEST_CANDIDATES = 50
PORTFOLIO_LIMIT = 100
HOME_CONTESTS = 3

# Points for the members of the month, per author of an entry given a
# diploma in the month, and per participant of a project completed in it.
POINTS_WINNER = 10
POINTS_PRIZE = 5
POINTS_PARTICIPANT = 2
POINTS_PROJECT = 5

# Reminders are bound to their deadlines: members who chose the digest get
# them by e-mail at once.
URGENT = frozenset({kinds.JUDGING_REMINDER, kinds.ENTRY_DEADLINE, kinds.STAGE_REMINDER})


def register() -> None:
    from contests import (
        attainments,
        certificates,
        hooks_polls,
        moderation,
        navigation,
        search_documents,
    )

    register_kinds()
    register_feed()
    register_digest()
    register_portfolio()
    register_recognition()
    register_discovery()
    register_home()
    navigation.register()
    search_documents.register()
    attainments.register()
    moderation.register()
    # A topic's poll block and its audit names; the diplomas' verification.
    hooks_polls.register()
    certificates.register()


# --- Notifications, the feed, the digest ---------------------------------------


def register_kinds() -> None:
    from community.notifications import notification_kind_register

    for key, one, many in [
        (kinds.CONTEST_NEW,
         _("A new contest in your subject: «%(target)s»"),
         _("%(count)s new contests in your subjects")),
        (kinds.JUDGE_ASSIGNED,
         _("You are on the jury of the contest «%(target)s»"),
         _("You are on the juries of %(count)s contests")),
        (kinds.JUDGING_REMINDER,
         _("Judging of «%(target)s» ends soon: entries wait for your scores"),
         _("Judging of %(count)s contests ends soon")),
        (kinds.ENTRY_DEADLINE,
         _("Entries to the contest «%(target)s» close soon"),
         _("Entries to %(count)s contests close soon")),
        (kinds.RESULTS,
         _("The results of the contest «%(target)s» are announced"),
         _("The results of %(count)s contests are announced")),
        (kinds.DISQUALIFIED,
         _("Your entry «%(target)s» was disqualified"),
         _("%(count)s of your contest entries were disqualified")),
        (kinds.ENTRY_SUBMITTED,
         _("%(actor)s submitted an entry to the contest «%(target)s»"),
         _("%(count)s new entries to the contest «%(target)s»")),
        (kinds.ENTRY_COAUTHOR,
         _("%(actor)s named you a co-author of the contest entry «%(target)s»"),
         _("You are named a co-author of %(count)s contest entries")),
        (kinds.STAGE_REMINDER,
         _("The deadline of the project stage «%(target)s» is near"),
         _("The deadlines of %(count)s project stages are near")),
        (kinds.STAGE_FEEDBACK,
         _("The coordinator answered your team's result: «%(target)s»"),
         _("%(count)s answers of the coordinator to your team's results")),
        (kinds.STAGE_SUBMITTED,
         _("%(actor)s submitted a team's result: «%(target)s»"),
         _("%(count)s teams' results wait for your feedback: «%(target)s»")),
        (kinds.PROJECT_COMPLETED,
         _("The network project «%(target)s» is completed"),
         _("%(count)s network projects are completed")),
    ]:  # fmt: skip
        notification_kind_register(
            key=key,
            preference=kinds.PREFERENCE,
            one=one,
            many=many,
            urgent=key in URGENT,
        )


def register_feed() -> None:
    from community.notifications import activity_kind_register

    activity_kind_register(kinds.CONTEST_ACTIVITY, _("%(actor)s announced a contest"))
    activity_kind_register(
        kinds.RESULTS_ACTIVITY, _("%(actor)s announced the results of the contest")
    )
    activity_kind_register(
        kinds.PROJECT_ACTIVITY, _("%(actor)s announced a network project")
    )
    activity_kind_register(
        kinds.PROJECT_DONE_ACTIVITY, _("%(actor)s completed the network project")
    )


def _for_reader(subject_id, owner_id: int, reader: int, subjects: set) -> bool:
    # Not one's own; in one of the reader's subjects, or in none (for all).
    return owner_id != reader and (subject_id is None or subject_id in subjects)


def _announced_since(since) -> list[tuple]:
    """Contests announced since ``since`` and still open, and projects
    announced since and forming teams, the newest first, as plain rows
    (kind, pk, slug, title, subject, owner, entries close, announced): one
    query for both."""
    from django.db.models import DateTimeField, F, Value

    from contests import selectors_public
    from contests.models import Project

    columns = ("kind", "pk", "slug", "title", "subject_id", "owner", "closes")
    contests = (
        selectors_public.contests_open()
        .filter(published_at__gte=since)
        .annotate(
            kind=Value("contest"),
            owner=F("organiser_id"),
            closes=F("submissions_close_at"),
        )
        .values_list(*columns, "published_at")
        # The union is ordered as a whole.
        .order_by()
    )
    projects = (
        Project.objects.public()
        .filter(status=Project.Status.RECRUITING, published_at__gte=since)
        .annotate(
            kind=Value("project"),
            owner=F("coordinator_id"),
            closes=Value(None, output_field=DateTimeField()),
        )
        .values_list(*columns, "published_at")
        # The union is ordered as a whole.
        .order_by()
    )
    return list(
        contests.union(projects, all=True).order_by("-published_at", "-pk")[
            : 2 * DIGEST_CANDIDATES
        ]
    )


def open_in_subjects(users: list, since) -> dict:
    """The digest's «Конкурсы и проекты»: contests announced since
    ``since`` and still taking entries (or soon), then network projects
    announced since and forming teams — each in one of the reader's subjects
    or in no subject, not her own —, the newest ``DIGEST_ITEMS`` of each.
    One query a batch when nothing was announced, two otherwise, however
    many readers."""
    from django.urls import reverse
    from django.utils import formats, timezone
    from django.utils.translation import gettext

    from accounts.models import Profile
    from community.notifications import DigestItem

    rows = _announced_since(since)
    if not rows:
        return {}
    readers = [user.pk for user in users]
    subjects: dict[int, set] = {pk: set() for pk in readers}
    for reader, subject_id in Profile.subjects.through.objects.filter(
        profile__user_id__in=readers
    ).values_list("profile__user_id", "subject_id"):
        subjects[reader].add(subject_id)
    items: dict[str, list[tuple]] = {"contest": [], "project": []}
    for kind, _pk, slug, title, subject_id, owner, closes, _at in rows:
        if kind == "contest":
            url = reverse("contests:detail", kwargs={"slug": slug})
            detail = gettext("contest, entries until %(date)s") % {
                "date": formats.date_format(timezone.localtime(closes), "j E")
            }
        else:
            url = reverse("projects:detail", kwargs={"slug": slug})
            detail = gettext("network project, teams forming")
        items[kind].append(
            (subject_id, owner, DigestItem(title=title, url=url, detail=detail))
        )
    found: dict[int, list] = {}
    for reader in readers:
        shown = [
            item
            for kind in ("contest", "project")
            for item in [
                item
                for subject_id, owner, item in items[kind]
                if _for_reader(subject_id, owner, reader, subjects[reader])
            ][:DIGEST_ITEMS]
        ]
        if shown:
            found[reader] = shown
    return found


def register_digest() -> None:
    from community.notifications import digest_section_register

    digest_section_register(
        key="contests",
        title=_("Contests and projects"),
        order=37,
        items=open_in_subjects,
    )


# --- The portfolio --------------------------------------------------------------


def portfolio_contests(user) -> list:
    """The portfolio's «Конкурсы и проекты», which anyone may read: the
    member's diplomas of contests not hidden (each leads to its public
    verification page), then the network projects she completed (as a
    participant or their coordinator) that everyone may read. Two queries."""
    from django.utils.translation import gettext

    from accounts.portfolio import PortfolioItem
    from contests import attainments

    items = [
        PortfolioItem(
            title=diploma.contest_title,
            url=diploma.get_absolute_url(),
            date=diploma.issued_at,
            detail=attainments.diploma_detail(diploma),
        )
        for diploma in attainments.diplomas_of(user)[:PORTFOLIO_LIMIT]
    ]
    items += [
        PortfolioItem(
            title=project.title,
            url=project.get_absolute_url(),
            date=project.completed_at,
            detail=(
                gettext("coordinator of the network project")
                if project.coordinator_id == user.pk
                else gettext("participant of the network project")
            ),
        )
        for project in attainments.projects_of(user)[:PORTFOLIO_LIMIT]
    ]
    return items


def portfolio_held(user_id):
    """Whether the member holds a diploma or completed a project (``user_id``
    an ``OuterRef``): asked with the profile, so a member with neither costs
    the page no query."""
    from django.db.models import BooleanField, Exists, ExpressionWrapper, Q

    from contests import attainments
    from contests.models import Project, TeamMember

    done = Project.objects.filter(status=Project.Status.COMPLETED, is_hidden=False)
    return ExpressionWrapper(
        Q(Exists(attainments.diplomas_shown().filter(holder=user_id)))
        | Q(Exists(done.filter(coordinator=user_id)))
        | Q(
            Exists(
                TeamMember.objects.filter(user=user_id, project__in=done.values("pk"))
            )
        ),
        output_field=BooleanField(),
    )


def register_portfolio() -> None:
    from accounts.portfolio import portfolio_section_register

    portfolio_section_register(
        key="contests",
        title=_("Contests and projects"),
        order=28,
        items=portfolio_contests,
        held=portfolio_held,
    )


# --- Recognition ----------------------------------------------------------------


def contest_wins(user_ids: list[int]) -> dict[int, int]:
    """``kinds.CONTEST_WINS``: the diplomas of a winner or a prize-winner each
    member holds, of contests and entries not hidden, not revoked (one
    query)."""
    from django.db.models import Count

    from contests import attainments
    from contests.models import Diploma

    return dict(
        attainments.diplomas_shown()
        .filter(
            holder_id__in=user_ids,
            kind__in=[Diploma.Kind.WINNER, Diploma.Kind.PRIZE],
        )
        .values("holder_id")
        .annotate(count=Count("pk"))
        .values_list("holder_id", "count")
    )


def contest_entries(user_ids: list[int]) -> dict[int, int]:
    """``kinds.CONTEST_ENTRIES``: the entries each member wrote (as one of
    their authors) in a contest whose results are out and everyone may read:
    submitted, not hidden (one query). Not before the results: a badge
    earned while the jury scores would tell a judge who entered."""
    from django.db.models import Count

    from contests.models import Contest, Entry

    return dict(
        Entry.authors.through.objects.filter(
            user_id__in=user_ids,
            entry__status=Entry.Status.SUBMITTED,
            entry__is_hidden=False,
            entry__contest__is_hidden=False,
            entry__contest__status=Contest.Status.FINISHED,
        )
        .values("user_id")
        .annotate(count=Count("entry_id", distinct=True))
        .values_list("user_id", "count")
    )


def projects_completed(user_ids: list[int]) -> dict[int, int]:
    """``kinds.PROJECTS_COMPLETED``: the network projects, completed and not
    hidden, each member took part in (in a team) or coordinated. Two
    queries."""
    from contests.models import Project, TeamMember

    done = {"status": Project.Status.COMPLETED, "is_hidden": False}
    found: dict[int, set] = {}
    for user_id, project_id in TeamMember.objects.filter(
        user_id__in=user_ids,
        **{f"project__{key}": value for key, value in done.items()},
    ).values_list("user_id", "project_id"):
        found.setdefault(user_id, set()).add(project_id)
    for user_id, project_id in Project.objects.filter(
        coordinator_id__in=user_ids, **done
    ).values_list("coordinator_id", "pk"):
        found.setdefault(user_id, set()).add(project_id)
    return {user_id: len(projects) for user_id, projects in found.items()}


def contribution(start, end) -> dict[int, int]:
    """The members of the month's points: each diploma issued in the month
    (of a contest and an entry not hidden, not revoked) to its holder — a winner's
    ``POINTS_WINNER``, a prize-winner's ``POINTS_PRIZE``, a participant's
    ``POINTS_PARTICIPANT``; each network project completed in the month (not
    hidden), ``POINTS_PROJECT`` to each participant and its coordinator.
    Three queries."""
    from contests import attainments
    from contests.models import Diploma, Project, TeamMember

    worth = {
        Diploma.Kind.WINNER: POINTS_WINNER,
        Diploma.Kind.PRIZE: POINTS_PRIZE,
        Diploma.Kind.PARTICIPANT: POINTS_PARTICIPANT,
    }
    points: dict[int, int] = {}

    def add(user_id: int, earned: int) -> None:
        points[user_id] = points.get(user_id, 0) + earned

    for holder_id, kind in (
        attainments.diplomas_shown()
        .filter(issued_at__gte=start, issued_at__lt=end)
        .values_list("holder_id", "kind")
    ):
        add(holder_id, worth.get(kind, 0))
    projects = dict(
        Project.objects.filter(
            status=Project.Status.COMPLETED,
            is_hidden=False,
            completed_at__gte=start,
            completed_at__lt=end,
        ).values_list("pk", "coordinator_id")
    )
    if not projects:
        return points
    participants: dict[int, set] = {
        pk: {coordinator} for pk, coordinator in projects.items()
    }
    for project_id, user_id in TeamMember.objects.filter(
        project_id__in=projects
    ).values_list("project_id", "user_id"):
        participants[project_id].add(user_id)
    for members in participants.values():
        for user_id in members:
            add(user_id, POINTS_PROJECT)
    return points


def register_recognition() -> None:
    from community.badges import (
        BadgeRule,
        badge_measure_register,
        badge_rule_register,
        contribution_source_register,
    )

    badge_measure_register(kinds.CONTEST_WINS, contest_wins)
    badge_measure_register(kinds.CONTEST_ENTRIES, contest_entries)
    badge_measure_register(kinds.PROJECTS_COMPLETED, projects_completed)
    for rule in [
        BadgeRule("contest-prize", kinds.CONTEST_WINS, 1, "bronze",
                  _("Contest prize-winner"),
                  _("Won a place in a contest on Kollegi."), "🏆"),
        BadgeRule("contest-prizes-3", kinds.CONTEST_WINS, 3, "silver",
                  _("Contest laureate"),
                  _("Won places in 3 contests on Kollegi."), "🏆"),
        BadgeRule("contest-prizes-10", kinds.CONTEST_WINS, 10, "gold",
                  _("Contest champion"),
                  _("Won places in 10 contests on Kollegi."), "🏆"),
        BadgeRule("contest-entry", kinds.CONTEST_ENTRIES, 1, "bronze",
                  _("Contest participant"),
                  _("Entered a contest on Kollegi."), "📝"),
        BadgeRule("contest-entries-5", kinds.CONTEST_ENTRIES, 5, "silver",
                  _("Regular contestant"),
                  _("Entered 5 contests on Kollegi."), "📝"),
        BadgeRule("project-completed", kinds.PROJECTS_COMPLETED, 1, "bronze",
                  _("Project team member"),
                  _("Completed a network project on Kollegi."), "🤝"),
        BadgeRule("projects-completed-3", kinds.PROJECTS_COMPLETED, 3, "silver",
                  _("Network project veteran"),
                  _("Completed 3 network projects on Kollegi."), "🤝"),
        BadgeRule("projects-completed-10", kinds.PROJECTS_COMPLETED, 10, "gold",
                  _("Network project master"),
                  _("Completed 10 network projects on Kollegi."), "🤝"),
    ]:  # fmt: skip
        badge_rule_register(rule)
    contribution_source_register(kinds.CONTRIBUTION, contribution)


# --- Discovery: the sitemap; the home page ------------------------------------------


def register_discovery() -> None:
    from community.sitemaps import sitemap_register
    from contests.sitemaps import ContestSitemap, ProjectSitemap

    sitemap_register(key="contests", sitemap=ContestSitemap, order=47)
    sitemap_register(key="projects", sitemap=ProjectSitemap, order=48)


def _home_member(viewer) -> dict:
    # Links only: a member's home keeps to its budget of queries.
    return {}


def _home_visitor(viewer) -> list | None:
    """The open contests whose entries close first, or None (no block):
    one query."""
    from contests import selectors_public

    return selectors_public.contests_closing_soon(limit=HOME_CONTESTS) or None


def register_home() -> None:
    """The way to contests and network projects for members; for visitors,
    with the open contests whose entries close first, when there are any."""
    from community.home import MEMBERS, VISITORS, home_block_register

    home_block_register(
        key="contests",
        audience=MEMBERS,
        order=45,
        read=_home_member,
        template="contests/partials/_home_contests.html",
    )
    home_block_register(
        key="contests",
        audience=VISITORS,
        order=45,
        read=_home_visitor,
        template="contests/partials/_home_contests_visitor.html",
    )
