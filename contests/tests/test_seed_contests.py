"""seed_demo's contests, poll and network project: a finished contest with
its diplomas, a contest taking entries with a public vote, a poll on a
topic with votes and a project at its second stage — each once."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape

from community.management.commands.seed_demo import (
    CONTEST_ENTRIES,
    CONTEST_FINISHED,
    CONTEST_OPEN,
    CONTEST_ORGANISER,
    POLL,
    PROJECT,
    PROJECT_TEAMS,
)
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
from contests.permissions import entries_open
from materials.permissions import review_conflict_between

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def sizes() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Contest,
            Nomination,
            Entry,
            Entry.authors.through,
            Judge,
            Score,
            PublicVote,
            Diploma,
            Poll,
            PollOption,
            PollBallot,
            PollChoice,
            Project,
            Stage,
            Team,
            TeamMember,
            StageResult,
        )
    )


def test_seed_demo_fills_contests_a_poll_and_a_project_once():
    # Seeding takes a while: one test holds the second run, the other what
    # the first one made.
    seed()
    first = sizes()
    diplomas = set(Diploma.objects.values_list("number", "code"))
    seed()

    assert sizes() == first
    assert set(Diploma.objects.values_list("number", "code")) == diplomas
    assert Contest.objects.count() == 2
    assert Poll.objects.count() == 1
    assert Project.objects.count() == 1


def _finished_contest_was_judged_blind_and_gave_diplomas(client) -> None:
    contest = Contest.objects.get(title=CONTEST_FINISHED[0])
    assert contest.status == Contest.Status.FINISHED
    assert contest.finished_by.email == CONTEST_ORGANISER
    assert contest.judging_close_at < timezone.now()
    assert contest.submissions_open_at <= contest.published_at
    entries = list(contest.entries.prefetch_related("authors__profile"))
    assert len(entries) == sum(row[0] == contest.title for row in CONTEST_ENTRIES)
    for entry in entries:
        assert contest.submissions_open_at <= entry.created_at
        assert entry.created_at < contest.submissions_close_at
        assert entry.score_count == contest.judges_per_entry == 2
        assert entry.result
        # No judge of her own entry or of a colleague of her school.
        for score in entry.scores.select_related("judge__profile"):
            assert not review_conflict_between(score.judge, list(entry.authors.all()))
    for nomination in contest.nominations.all():
        results = sorted(nomination.entries.values_list("result", flat=True), key=str)
        assert results.count(Entry.Result.WINNER) == 1
        assert Entry.Result.PRIZE in results
    # A diploma for every author of each entry, and each verifies.
    authors = sum(len(entry.authors.all()) for entry in entries)
    diplomas = list(Diploma.objects.filter(entry__contest=contest))
    assert len(diplomas) == authors
    assert {diploma.kind for diploma in diplomas} == set(Diploma.Kind.values)
    for diploma in diplomas:
        assert diploma.number.startswith("КОНК-")
        page = client.get(f"/certificates/{diploma.code}/")
        assert page.status_code == 200
        assert escape(diploma.holder_name) in page.content.decode()
    assert client.get(contest.get_absolute_url()).status_code == 200
    assert client.get(f"/contests/{contest.slug}/results/").status_code == 200


def _open_contest_takes_entries_with_a_public_vote(client) -> None:
    contest = Contest.objects.get(title=CONTEST_OPEN[0])
    assert contest.status == Contest.Status.PUBLISHED
    assert contest.public_vote
    assert entries_open(contest)
    assert contest.entry_count == contest.entries.count() == 2
    assert contest.judges.count() == 2
    assert not Score.objects.filter(entry__contest=contest).exists()
    page = client.get(contest.get_absolute_url())
    assert page.status_code == 200
    assert escape(contest.title) in page.content.decode()


def _poll_on_a_topic_has_secret_votes(client) -> None:
    title, question, answers, _days, votes = POLL
    poll = Poll.objects.select_related("topic").get(topic__title=title)
    assert poll.question == question
    assert poll.author_id == poll.topic.author_id
    assert not poll.voters_shown
    assert poll.closes_at > timezone.now()
    assert poll.voter_count == len(votes) == poll.ballots.count()
    counts = list(
        poll.options.order_by("position").values_list("vote_count", flat=True)
    )
    assert len(counts) == len(answers)
    assert sum(counts) == len(votes)
    page = client.get(poll.topic.get_absolute_url())
    assert escape(question) in page.content.decode()


def _project_is_at_its_second_stage_with_mixed_teams(client) -> None:
    project = Project.objects.get(title=PROJECT["title"])
    assert project.status == Project.Status.ACTIVE
    now = timezone.now()
    first, second, *_rest = project.stages.order_by("position")
    assert first.deadline < now < second.deadline
    teams = list(project.teams.all())
    assert len(teams) == len(PROJECT_TEAMS)
    for team in teams:
        assert team.school_count > 1
        assert team.region_count > 1
    assert project.member_count == sum(len(row[1]) for row in PROJECT_TEAMS)
    results = StageResult.objects.filter(stage=first)
    assert results.count() == len(teams)
    for result in results:
        assert result.status == StageResult.Status.ACCEPTED
        assert result.feedback
        assert result.submitted_at < first.deadline
    assert not StageResult.objects.filter(stage=second).exists()
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200
    assert escape(second.title) in page.content.decode()


def test_seed_demo_contests_poll_and_project_hold_and_show(client):
    seed()

    _finished_contest_was_judged_blind_and_gave_diplomas(client)
    _open_contest_takes_entries_with_a_public_vote(client)
    _poll_on_a_topic_has_secret_votes(client)
    _project_is_at_its_second_stage_with_mixed_teams(client)
