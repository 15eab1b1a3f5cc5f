"""A member's contests, polls and network projects in their data export, and
what is given up with the account.

Registered with ``accounts.account_data`` (``moderation``). The export,
``contests.json``, holds what is the member's: the entries she is an author
of (the text as written, a material by its title and address, the status,
a disqualification's reason, the result), her diplomas (as issued, with the
verification address), the scores she wrote as a judge (marks and comment),
her votes in contests' public votes and in polls (her own ballots: whom the
poll keeps secret from others is not secret from herself), the contests she
organised, the projects she coordinated, her teams and their stage results
she submitted.

Deleting the account gives up her place in the teams of projects not yet
completed (``services.projects.team_leave``: the team's counts follow).
What colleagues still read stays, under "deleted member": her entries,
scores, results and votes (the results are frozen), her diplomas, whose
verification page keeps confirming the paper as it was issued, the
contests and projects she led.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from community.feeds import absolute_url
from community.standing import ParticipationRestricted
from contests.models import (
    Contest,
    Diploma,
    Entry,
    PollBallot,
    PollChoice,
    Project,
    PublicVote,
    Score,
    StageResult,
    TeamMember,
)

EXPORT_FILE = "contests.json"


def _entries(user) -> list[dict]:
    entries = (
        Entry.objects.filter(
            pk__in=Entry.authors.through.objects.filter(user_id=user.pk).values(
                "entry_id"
            )
        )
        .select_related("contest", "nomination", "material")
        .order_by("created_at", "pk")
    )
    return [
        {
            "contest": entry.contest.title,
            "contest_address": absolute_url(entry.contest.get_absolute_url()),
            "nomination": entry.nomination.title,
            "title": entry.title,
            "text": entry.text,
            "material": (
                {
                    "title": entry.material.title,
                    "address": absolute_url(entry.material.get_absolute_url()),
                }
                if entry.material_id
                else None
            ),
            "submitted_by_me": entry.submitted_by_id == user.pk,
            "status": entry.status,
            "disqualified_reason": entry.disqualified_reason,
            "result": entry.result,
            "place": entry.place,
            "submitted": entry.created_at,
        }
        for entry in entries
    ]


def _diplomas(user) -> list[dict]:
    return [
        {
            "number": diploma.number,
            "verification": absolute_url(diploma.get_absolute_url()),
            "kind": diploma.kind,
            "name": diploma.holder_name,
            "contest": diploma.contest_title,
            "nomination": diploma.nomination_title,
            "entry": diploma.entry_title,
            "place": diploma.place,
            "organiser": diploma.organiser_name,
            "issued": diploma.issued_at,
        }
        for diploma in Diploma.objects.filter(holder_id=user.pk).order_by(
            "issued_at", "pk"
        )
    ]


def _scores(user) -> list[dict]:
    return [
        {
            "contest": row["entry__contest__title"],
            "entry": row["entry__title"],
            "marks": row["marks"],
            "mean": row["total"],
            "comment": row["comment"],
            "written": row["created_at"],
            "changed": row["updated_at"],
        }
        for row in Score.objects.filter(judge_id=user.pk)
        .order_by("created_at", "pk")
        .values(
            "entry__contest__title",
            "entry__title",
            "marks",
            "total",
            "comment",
            "created_at",
            "updated_at",
        )
    ]


def _public_votes(user) -> list[dict]:
    return [
        {
            "contest": row["entry__contest__title"],
            "nomination": row["nomination__title"],
            "entry": row["entry__title"],
            "voted": row["created_at"],
        }
        for row in PublicVote.objects.filter(voter_id=user.pk)
        .order_by("created_at", "pk")
        .values(
            "entry__contest__title", "nomination__title", "entry__title", "created_at"
        )
    ]


def _ballots(user) -> list[dict]:
    chosen: dict[int, list[str]] = {}
    for ballot_id, text in (
        PollChoice.objects.filter(ballot__voter_id=user.pk)
        .order_by("option__position", "option_id")
        .values_list("ballot_id", "option__text")
    ):
        chosen.setdefault(ballot_id, []).append(text)
    return [
        {
            "question": ballot.poll.question,
            "topic": absolute_url(ballot.poll.get_absolute_url()),
            "answers": chosen.get(ballot.pk, []),
            "voted": ballot.created_at,
            "changed": ballot.updated_at,
        }
        for ballot in PollBallot.objects.filter(voter_id=user.pk)
        .select_related("poll__topic")
        .order_by("created_at", "pk")
    ]


def _contests(user) -> list[dict]:
    contests = (
        Contest.objects.filter(organiser_id=user.pk)
        .prefetch_related("nominations")
        .order_by("created_at", "pk")
    )
    return [
        {
            "title": contest.title,
            "address": absolute_url(contest.get_absolute_url()),
            "status": contest.status,
            "summary": contest.summary,
            "rules": contest.rules,
            "entries_from": contest.submissions_open_at,
            "entries_until": contest.submissions_close_at,
            "judging_until": contest.judging_close_at,
            "nominations": [
                {"title": item.title, "criteria": item.criteria}
                for item in contest.nominations.all()
            ],
            "created": contest.created_at,
        }
        for contest in contests
    ]


def _projects(user) -> list[dict]:
    projects = (
        Project.objects.filter(coordinator_id=user.pk)
        .prefetch_related("stages")
        .order_by("created_at", "pk")
    )
    return [
        {
            "title": project.title,
            "address": absolute_url(project.get_absolute_url()),
            "status": project.status,
            "summary": project.summary,
            "goal": project.goal,
            "stages": [
                {"title": stage.title, "task": stage.task, "deadline": stage.deadline}
                for stage in project.stages.all()
            ],
            "created": project.created_at,
            "completed": project.completed_at,
        }
        for project in projects
    ]


def _teams(user) -> list[dict]:
    return [
        {
            "project": row["project__title"],
            "team": row["team__name"],
            "joined": row["joined_at"],
        }
        for row in TeamMember.objects.filter(user_id=user.pk)
        .order_by("joined_at", "pk")
        .values("project__title", "team__name", "joined_at")
    ]


def _stage_results(user) -> list[dict]:
    return [
        {
            "project": row["stage__project__title"],
            "stage": row["stage__title"],
            "team": row["team__name"],
            "text": row["text"],
            "material": row["material__title"],
            "status": row["status"],
            "feedback": row["feedback"],
            "submitted": row["submitted_at"],
        }
        for row in StageResult.objects.filter(submitted_by_id=user.pk)
        .order_by("submitted_at", "pk")
        .values(
            "stage__project__title",
            "stage__title",
            "team__name",
            "text",
            "material__title",
            "status",
            "feedback",
            "submitted_at",
        )
    ]


def member_export(user) -> dict[str, object]:
    """``contests.json``: the member's entries, diplomas, scores, public votes,
    poll ballots, contests organised, projects coordinated, teams and stage
    results, oldest first. Twelve queries, whatever the member did."""
    return {
        EXPORT_FILE: {
            "entries": _entries(user),
            "diplomas": _diplomas(user),
            "scores": _scores(user),
            "public_votes": _public_votes(user),
            "poll_ballots": _ballots(user),
            "contests_organised": _contests(user),
            "projects_coordinated": _projects(user),
            "teams": _teams(user),
            "stage_results": _stage_results(user),
        }
    }


@transaction.atomic
def member_erase(user) -> None:
    """Give up the member's places in teams (called by
    ``accounts.services.account_delete`` while the account is still active):
    every team of a project not yet completed is left through
    ``services.projects.team_leave`` (its counts follow). A team the service
    will not let her leave keeps her, under "deleted member". Her entries,
    scores, votes, diplomas, contests and projects stay.
    """
    from contests.services import projects

    for member in (
        TeamMember.objects.filter(user_id=user.pk)
        .exclude(project__status=Project.Status.COMPLETED)
        .select_related("team", "project")
    ):
        try:
            with transaction.atomic():
                projects.team_leave(team=member.team, user=user)
        except (ValidationError, PermissionDenied, ParticipationRestricted):
            # Teams no longer change (or she may not write): she stays.
            continue
