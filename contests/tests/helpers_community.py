"""Rows the community layer's tests of contests, polls and projects read.

Written with the ORM as the services leave them, so that these tests read
the registrations (kinds, digest, feed, RSS, sitemap, reports, badges,
points, evidence, portfolio, export, admin) and not the contests' rules,
which each service's own tests hold.
"""

import datetime
import itertools

from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.models import Subject
from contests.models import (
    Contest,
    Diploma,
    Entry,
    Judge,
    Nomination,
    Poll,
    PollBallot,
    PollChoice,
    PollOption,
    Project,
    PublicVote,
    Score,
    Stage,
    StageResult,
    Team,
    TeamMember,
)

_numbers = itertools.count(1)
DAY = datetime.timedelta(days=1)


def subject(slug: str = "mathematics") -> Subject:
    return Subject.objects.get(slug=slug)


def reader(subject_slug: str = "mathematics", **fields):
    """A member who teaches ``subject_slug``."""
    user = UserFactory(**fields)
    user.profile.subjects.set([subject(subject_slug)])
    return user


def expert(subject_slug: str = "mathematics"):
    return accounts.user_grant_role(user=reader(subject_slug), role=accounts.EXPERTS)


def contest(
    *,
    status: str = Contest.Status.PUBLISHED,
    organiser=None,
    subject_slug: str | None = "mathematics",
    opens_in: int = -1,
    closes_in: int = 10,
    **fields,
) -> Contest:
    """A contest with one nomination of two criteria; announced now and
    taking entries (``opens_in`` and ``closes_in`` days from now) unless
    told otherwise."""
    number = next(_numbers)
    now = timezone.now()
    values = {
        "title": f"Конкурс № {number}",
        "slug": f"konkurs-{number}",
        "summary": "Лучший урок года.",
        "rules": "Присылайте **уроки**.",
        "rules_html": "<p>Присылайте <strong>уроки</strong>.</p>",
        "organiser": organiser or UserFactory(),
        "subject": subject(subject_slug) if subject_slug else None,
        "submissions_open_at": now + opens_in * DAY,
        "submissions_close_at": now + closes_in * DAY,
        "judging_close_at": now + (closes_in + 10) * DAY,
        "status": status,
        "published_at": None if status == Contest.Status.DRAFT else now,
    }
    values.update(fields)
    made = Contest.objects.create(**values)
    Nomination.objects.create(
        contest=made,
        title="Урок",
        criteria=[
            {"key": "idea", "title": "Идея"},
            {"key": "craft", "title": "Исполнение"},
        ],
        prize_places=3,
    )
    return made


def finished(**fields) -> Contest:
    """A contest whose results are frozen."""
    now = timezone.now()
    return contest(
        status=Contest.Status.FINISHED,
        opens_in=-30,
        closes_in=-20,
        finished_at=now,
        **fields,
    )


def entry(made: Contest, *authors, **fields) -> Entry:
    authors = authors or (UserFactory(),)
    values = {
        "contest": made,
        "nomination": made.nominations.first(),
        "submitted_by": authors[0],
        "title": f"Работа № {next(_numbers)}",
        "text": "Текст работы.",
        "text_html": "<p>Текст работы.</p>",
    }
    values.update(fields)
    made_entry = Entry.objects.create(**values)
    made_entry.authors.set(authors)
    return made_entry


def score(made_entry: Entry, judge_user=None, *, comment: str = "Хорошо") -> Score:
    judge_user = judge_user or expert()
    Judge.objects.get_or_create(contest=made_entry.contest, user=judge_user)
    return Score.objects.create(
        entry=made_entry,
        judge=judge_user,
        marks={"idea": 5, "craft": 4},
        total="4.50",
        comment=comment,
    )


def diploma(
    made_entry: Entry, holder=None, *, kind: str = Diploma.Kind.WINNER, **fields
):
    holder = holder or made_entry.authors.first()
    number = next(_numbers)
    values = {
        "entry": made_entry,
        "holder": holder,
        "kind": kind,
        "number": f"КОНК-2027-{number:06d}",
        "holder_name": holder.profile.shown_name,
        "contest_title": made_entry.contest.title,
        "nomination_title": made_entry.nomination.title,
        "entry_title": made_entry.title,
        "place": 1 if kind == Diploma.Kind.WINNER else None,
    }
    values.update(fields)
    return Diploma.objects.create(**values)


def winner(holder=None, **contest_fields) -> Diploma:
    """A finished contest whose entry by ``holder`` won, with her diploma."""
    made = finished(**contest_fields)
    holder = holder or UserFactory()
    made_entry = entry(made, holder, result=Entry.Result.WINNER, place=1)
    return diploma(made_entry, holder)


def public_vote(made_entry: Entry, voter=None) -> PublicVote:
    return PublicVote.objects.create(
        nomination=made_entry.nomination, entry=made_entry, voter=voter or UserFactory()
    )


def project(
    *,
    status: str = Project.Status.RECRUITING,
    coordinator=None,
    subject_slug="mathematics",
    **fields,
) -> Project:
    """A project with two stages; announced and forming teams unless told."""
    number = next(_numbers)
    now = timezone.now()
    values = {
        "title": f"Проект № {number}",
        "slug": f"proekt-{number}",
        "summary": "Сборник задач всей сетью.",
        "goal": "Собрать **сборник**.",
        "goal_html": "<p>Собрать <strong>сборник</strong>.</p>",
        "coordinator": coordinator or UserFactory(),
        "subject": subject(subject_slug) if subject_slug else None,
        "status": status,
        "published_at": None if status == Project.Status.DRAFT else now,
    }
    values.update(fields)
    made = Project.objects.create(**values)
    for position in (1, 2):
        Stage.objects.create(
            project=made,
            position=position,
            title=f"Этап {position}",
            task="Задание этапа.",
            task_html="<p>Задание этапа.</p>",
            deadline=now + position * 7 * DAY,
        )
    return made


def team(made: Project, *members, name: str = "") -> Team:
    members = members or (UserFactory(),)
    made_team = Team.objects.create(
        project=made,
        name=name or f"Команда {next(_numbers)}",
        created_by=members[0],
        member_count=len(members),
    )
    for user in members:
        TeamMember.objects.create(project=made, team=made_team, user=user)
    Project.objects.filter(pk=made.pk).update(
        team_count=made.teams.count(),
        member_count=TeamMember.objects.filter(project=made).count(),
    )
    return made_team


def completed_project(*members, coordinator=None, **fields) -> Project:
    """A project completed now by a team of ``members``."""
    made = project(
        status=Project.Status.COMPLETED,
        coordinator=coordinator,
        completed_at=timezone.now(),
        **fields,
    )
    team(made, *members)
    return made


def stage_result(made_team: Team, *, by=None, **fields) -> StageResult:
    stage = made_team.project.stages.first()
    return StageResult.objects.create(
        stage=stage,
        team=made_team,
        text="Наш результат.",
        text_html="<p>Наш результат.</p>",
        submitted_by=by or made_team.members.first().user,
        **fields,
    )


def poll(*, topic=None, voters=(), voters_shown: bool = False, **fields) -> Poll:
    """A single-choice poll on a topic with two answers; each of ``voters``
    voted for the first."""
    from forums.tests.factories import TopicFactory

    topic = topic or TopicFactory()
    made = Poll.objects.create(
        topic=topic,
        author=topic.author,
        question="Когда проводить педсовет?",
        voters_shown=voters_shown,
        **fields,
    )
    first = PollOption.objects.create(poll=made, position=1, text="В понедельник")
    PollOption.objects.create(poll=made, position=2, text="В пятницу")
    for voter in voters:
        ballot = PollBallot.objects.create(poll=made, voter=voter)
        PollChoice.objects.create(ballot=ballot, option=first)
    PollOption.objects.filter(pk=first.pk).update(vote_count=len(voters))
    Poll.objects.filter(pk=made.pk).update(voter_count=len(voters))
    made.refresh_from_db()
    return made


def world() -> list:
    """One row of every model the contests' admin lists (the admin pages'
    tests across the site read them)."""
    author = UserFactory()
    made = finished()
    made_entry = entry(made, author, result=Entry.Result.WINNER, place=1)
    made_score = score(made_entry)
    made_poll = poll(voters=[UserFactory()])
    made_project = project(status=Project.Status.ACTIVE)
    made_team = team(made_project, UserFactory(), UserFactory())
    return [
        made_poll,
        made_poll.options.first(),
        made,
        made.nominations.first(),
        made_entry,
        Judge.objects.get(contest=made, user=made_score.judge),
        made_score,
        public_vote(made_entry),
        diploma(made_entry, author),
        made_project,
        made_project.stages.first(),
        made_team,
        made_team.members.first(),
        stage_result(made_team),
    ]
