"""A member's «Мой путь» in her data export, and erased with the account.

Registered with ``accounts.account_data`` (``hooks``). The export,
``growth.json``, holds what is hers: her plans (target and framework
version, period, notes, items, the comments and the history in them, her
mentors), her own evidence (a file by its name), the evidence gathered from
her work on Kollegi, and the plans she mentors or mentored with the comments
she wrote in them.

Deleting the account ends the mentorships she holds in colleagues' plans
(``services.mentor_remove``: the owner is told, the plan's history says she
left) and deletes what is hers alone: her plans with everything in them, her
own evidence and its files (after commit), the evidence gathered for her and
her reminders. Her comments in colleagues' plans stay, under "deleted
member", as the plan's owner still reads them.
"""

from functools import partial

from django.db import transaction

from community.feeds import absolute_url
from growth.models import (
    Evidence,
    EvidenceRefresh,
    Mentorship,
    OwnEvidence,
    Plan,
    PlanComment,
    PlanEvent,
    PlanItem,
    Reminder,
)

EXPORT_FILE = "growth.json"


def _plans(user) -> list[dict]:
    plans = list(
        Plan.objects.filter(owner_id=user.pk)
        .select_related("target__version")
        .order_by("created_at", "pk")
    )
    ids = [plan.pk for plan in plans]
    items: dict[int, list[dict]] = {}
    for item in (
        PlanItem.objects.filter(plan_id__in=ids)
        .select_related("competency")
        .order_by("position", "pk")
    ):
        items.setdefault(item.plan_id, []).append(
            {
                "kind": item.kind,
                "title": item.title,
                "link": _address(item.url),
                "competency": item.competency.code if item.competency else "",
                "due": item.due_on,
                "done": item.done_at,
                "added": item.created_at,
            }
        )
    comments: dict[int, list[dict]] = {}
    for comment in (
        PlanComment.objects.filter(plan_id__in=ids)
        .select_related("author__profile")
        .order_by("created_at", "pk")
    ):
        comments.setdefault(comment.plan_id, []).append(
            {
                "author": _name(comment.author),
                "mine": comment.author_id == user.pk,
                "written": comment.created_at,
                "text": comment.body,
            }
        )
    history: dict[int, list[dict]] = {}
    for event in PlanEvent.objects.filter(plan_id__in=ids).order_by("created_at", "pk"):
        history.setdefault(event.plan_id, []).append(
            {
                "when": event.created_at,
                "action": event.action,
                "by_mentor": event.by_mentor,
                "detail": event.detail,
            }
        )
    mentors: dict[int, list[dict]] = {}
    for mentorship in (
        Mentorship.objects.filter(plan_id__in=ids)
        .select_related("mentor__profile")
        .order_by("invited_at", "pk")
    ):
        mentors.setdefault(mentorship.plan_id, []).append(
            {
                "mentor": _name(mentorship.mentor),
                "status": mentorship.status,
                "invited": mentorship.invited_at,
                "answered": mentorship.answered_at,
                "ended": mentorship.ended_at,
            }
        )
    return [
        {
            "target": plan.target.title,
            "framework_version": plan.target.version.number,
            "address": absolute_url(plan.get_absolute_url()),
            "starts": plan.starts_on,
            "ends": plan.ends_on,
            "visibility": plan.visibility,
            "status": plan.status,
            "note": plan.note,
            "created": plan.created_at,
            "closed": plan.closed_at,
            "items": items.get(plan.pk, []),
            "comments": comments.get(plan.pk, []),
            "history": history.get(plan.pk, []),
            "mentors": mentors.get(plan.pk, []),
        }
        for plan in plans
    ]


def _own_evidence(user) -> list[dict]:
    return [
        {
            "kind": row["kind"],
            "title": row["title"],
            "description": row["description"],
            "link": row["link"],
            "file": row["file_name"],
            "competency": row["competency_code"],
            "date": row["happened_on"],
            "hours": row["hours"],
            "status": row["status"],
            "confirmed": row["confirmed_at"],
            "added": row["created_at"],
        }
        for row in OwnEvidence.objects.filter(owner_id=user.pk)
        .order_by("happened_on", "pk")
        .values(
            "kind",
            "title",
            "description",
            "link",
            "file_name",
            "competency_code",
            "happened_on",
            "hours",
            "status",
            "confirmed_at",
            "created_at",
        )
    ]


def _evidence(user) -> list[dict]:
    return [
        {
            "source": row["source"],
            "title": row["title"],
            "address": absolute_url(row["url"]) if row["url"] else "",
            "code": row["code"],
            "verification": absolute_url(row["verify_url"])
            if row["verify_url"]
            else "",
            "hours": row["hours"],
            "date": row["occurred_at"],
        }
        for row in Evidence.objects.filter(owner_id=user.pk)
        .order_by("occurred_at", "pk")
        .values("source", "title", "url", "code", "verify_url", "hours", "occurred_at")
    ]


def _mentoring(user) -> list[dict]:
    mentorships = list(
        Mentorship.objects.filter(mentor_id=user.pk)
        .select_related("plan__owner__profile", "plan__target")
        .order_by("invited_at", "pk")
    )
    written: dict[int, list[dict]] = {}
    for row in (
        PlanComment.objects.filter(author_id=user.pk)
        .exclude(plan__owner_id=user.pk)
        .order_by("created_at", "pk")
        .values("plan_id", "created_at", "body")
    ):
        written.setdefault(row["plan_id"], []).append(
            {"written": row["created_at"], "text": row["body"]}
        )
    return [
        {
            "colleague": _name(mentorship.plan.owner),
            "target": mentorship.plan.target.title,
            "status": mentorship.status,
            "invited": mentorship.invited_at,
            "answered": mentorship.answered_at,
            "ended": mentorship.ended_at,
            # Once per plan, however often she was invited to it.
            "my_comments": written.pop(mentorship.plan_id, []),
        }
        for mentorship in mentorships
    ]


def _address(url: str) -> str:
    """A page of the site as a whole address; one elsewhere as it is."""
    return absolute_url(url) if url.startswith("/") else url


def _name(user) -> str:
    profile = getattr(user, "profile", None)
    return profile.shown_name if profile is not None else user.username


def member_export(user) -> dict[str, object]:
    """``growth.json``: her plans (with their items, comments, history and
    mentors), her own evidence, the evidence gathered for her and the plans
    she mentors, oldest first. Nine queries, whatever she did."""
    return {
        EXPORT_FILE: {
            "plans": _plans(user),
            "own_evidence": _own_evidence(user),
            "evidence": _evidence(user),
            "mentoring": _mentoring(user),
        }
    }


@transaction.atomic
def member_erase(user) -> None:
    """End the mentorships she holds (through ``services.mentor_remove``,
    while the account is still active: the owners are told) and delete her
    plans, her own evidence (the files after commit), her gathered evidence
    and her reminders. Called by ``accounts.services.account_delete``."""
    from growth import services

    for mentorship in Mentorship.objects.filter(
        mentor_id=user.pk,
        status__in=[Mentorship.Status.INVITED, Mentorship.Status.ACTIVE],
    ).select_related("plan"):
        services.mentor_remove(mentorship, actor=user)
    Plan.objects.filter(owner_id=user.pk).delete()
    files = list(
        OwnEvidence.objects.filter(owner_id=user.pk)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    OwnEvidence.objects.filter(owner_id=user.pk).delete()
    Evidence.objects.filter(owner_id=user.pk).delete()
    EvidenceRefresh.objects.filter(owner_id=user.pk).delete()
    Reminder.objects.filter(user_id=user.pk).delete()
    storage = OwnEvidence._meta.get_field("file").storage
    for name in files:
        transaction.on_commit(partial(storage.delete, name))
