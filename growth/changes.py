"""What follows a write in «Мой путь»: the one place that says it.

The growth services call these after they change a plan, its items, its
mentor, its comments or a member's evidence, inside their transaction, and
never a cache, the index or the feed directly. What a plan feeds:

- **visitors' cached pages** (``community.pagecache``): a public plan shows
  everyone its target and its items done, so a change to a plan that is or
  was public moves them on; a private plan is on no public page, in no
  search, feed or sitemap;
- **members' notifications** (``community.notify``, which moves their unread
  counts and enqueues e-mails after commit): the mentor hears of an
  invitation, the owner of her mentor's answer, departure, comments and
  confirmations; each of them of the other's comments; the owner of items
  due and of professional development due or overdue (the reminders);
- **her evidence**: gathered again after commit when she makes a plan
  (``growth.tasks.evidence_refresh_task``);
- **her plans' kept criteria** (``growth.fragments``: the evidence counted
  for each criterion, on her and her mentor's signed-in pages):
  ``EVIDENCE_KEY``, moved when her evidence is gathered again, when she
  adds, changes or removes her own and when her mentor confirms it. A
  plan's items are kept under what they show: a change gives them another
  key.

The notification kinds are registered in ``growth.hooks`` with the keys of
``growth.kinds``; they obey the members' "growth" switch.
"""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from community import services as community
from community.changes import PUBLIC_PAGES, moved
from growth import kinds
from growth.models import Mentorship, OwnEvidence, Plan, PlanComment, PlanItem

# The version of what her plans' kept criteria count (``fragments``).
EVIDENCE_KEY = "growth:evidence:{}"


def _public_moved(plan: Plan, *, was_public: bool = False) -> None:
    if was_public or plan.visibility == Plan.Visibility.PUBLIC:
        moved(PUBLIC_PAGES)


def plan_created(plan: Plan) -> None:
    """A plan was made: her evidence is gathered after commit (the plan page
    reads it), and a public plan is on visitors' pages."""
    from growth.tasks import evidence_refresh_task

    owner_id = plan.owner_id
    transaction.on_commit(lambda: evidence_refresh_task.delay([owner_id]))
    _public_moved(plan)


def plan_changed(plan: Plan, *, was_public: bool = False) -> None:
    """Its period, visibility, notes or status changed: visitors' pages when
    it is or was public."""
    _public_moved(plan, was_public=was_public)


def items_changed(plan: Plan) -> None:
    """An item was added, changed, done, undone or removed: a public plan
    shows its items done to visitors."""
    _public_moved(plan)


def mentor_invited(mentorship: Mentorship) -> None:
    """The mentor hears of the invitation (``kinds.MENTOR_INVITED``: the
    owner as actor, the plan as target, its target's title; the link is the
    invitation's page, where she accepts or declines it)."""
    plan = mentorship.plan
    community.notify(
        recipient=mentorship.mentor,
        kind=kinds.MENTOR_INVITED,
        actor=plan.owner,
        target=plan,
        target_title=plan.target.title,
        url=reverse("growth:mentoring_answer", args=[mentorship.pk]),
        group=False,
    )


def mentor_answered(mentorship: Mentorship) -> None:
    """The owner hears that the mentor accepted, declined or left
    (``kinds.MENTOR_ANSWERED``: the mentor as actor, the plan as target)."""
    plan = mentorship.plan
    community.notify(
        recipient=plan.owner,
        kind=kinds.MENTOR_ANSWERED,
        actor=mentorship.mentor,
        target=plan,
        target_title=plan.target.title,
        url=plan.get_absolute_url(),
        group=False,
    )


def mentor_removed(mentorship: Mentorship) -> None:
    """The owner removed her mentor or withdrew the invitation: no one is
    told (the mentor simply no longer sees the plan); a public page shows
    no mentor. Called all the same, so that a page showing it later is
    moved from here."""


def commented(comment: PlanComment, *, recipient) -> None:
    """The other party hears of a comment (``kinds.COMMENTED``: the author
    as actor, the plan as target; repeats while unread are one line). The
    link is the comments on the mentor's page."""
    plan = comment.plan
    if recipient is None:
        return
    community.notify(
        recipient=recipient,
        kind=kinds.COMMENTED,
        actor=comment.author,
        target=plan,
        target_title=plan.target.title,
        url=reverse("growth:mentor", args=[plan.pk]) + "#comments",
    )


def own_evidence_changed(evidence: OwnEvidence) -> None:
    """Her own evidence was added, changed or removed: her plans' kept
    criteria (``EVIDENCE_KEY``); shown only on her and her mentor's
    signed-in pages."""
    moved(EVIDENCE_KEY.format(evidence.owner_id))


def evidence_confirmed(evidence: OwnEvidence, *, plan: Plan, mentor) -> None:
    """The owner hears that her mentor confirmed her evidence
    (``kinds.EVIDENCE_CONFIRMED``: the mentor as actor, the plan as target,
    its target's title; confirmations while unread are one line); her plans'
    kept criteria count it now (``EVIDENCE_KEY``)."""
    moved(EVIDENCE_KEY.format(evidence.owner_id))
    community.notify(
        recipient=plan.owner,
        kind=kinds.EVIDENCE_CONFIRMED,
        actor=mentor,
        target=plan,
        target_title=plan.target.title,
        url=reverse("growth:evidence", args=[plan.pk]),
    )


def evidence_refreshed(user_id: int) -> None:
    """Her computed evidence was gathered again: shown only on signed-in
    pages (her plans, her mentor's view, the portfolio), her plans' kept
    criteria among them (``EVIDENCE_KEY``)."""
    moved(EVIDENCE_KEY.format(user_id))


def item_due(item: PlanItem, *, owner) -> None:
    """The owner hears that an item of her plan is due soon
    (``kinds.ITEM_DUE``: no actor, the item as target, its title)."""
    community.notify(
        recipient=owner,
        kind=kinds.ITEM_DUE,
        target=item,
        target_title=item.title,
        url=item.plan.get_absolute_url(),
        group=False,
    )


def development_due(user, *, due_title: str) -> None:
    """The owner of an active plan hears that professional development is
    due (``kinds.DEVELOPMENT_DUE``: no actor, no target; the target's title
    is the date it is due by; the link is «Мой путь»)."""
    community.notify(
        recipient=user,
        kind=kinds.DEVELOPMENT_DUE,
        target_title=due_title,
        url=reverse("growth:index"),
        group=False,
    )


def development_overdue(user, *, since_title: str) -> None:
    """The owner of an active plan hears that professional development is
    overdue — her last course of the rule's hours was more than three years
    ago (``since_title``: the date it was due by) — or that none is found
    (``since_title`` empty) (``kinds.DEVELOPMENT_OVERDUE``: no actor, no
    target; the target's title says which; the link is «Мой путь»)."""
    title = (
        gettext("overdue since %(date)s") % {"date": since_title}
        if since_title
        else gettext("none found")
    )
    community.notify(
        recipient=user,
        kind=kinds.DEVELOPMENT_OVERDUE,
        target_title=title,
        url=reverse("growth:index"),
        group=False,
    )
