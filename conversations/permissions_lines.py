"""Who answers, runs, asks and sees consultation lines and their questions.

A line belongs either to a subject or to a community:

- a **subject's line** is answered by the Experts group's members who teach
  the subject (their profile's subjects) and run by the site's moderators;
- a **community's line** is answered and run by the community's owner and
  moderators (``circles.Membership`` roles); who may see it follows who may
  see the community (a private community's line: its members only).

A question is a conversation of its own: its page (``/messages/<id>/``) is
its participants' — the asker and the expert holding it —, and the line's
experts see it in the line's queue (the first message's excerpt) until one
of them takes it. What one may not see is a 404, as everywhere.

What a member is to a line (an expert of it or not) is read once per line
object and kept on it for the request (``_EXPERT_MEMO``).
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from accounts.roles import EXPERTS
from community.standing import is_restricted
from conversations.models import Line, Question

# Where a line keeps its answers for the request: user pk → bool.
_EXPERT_MEMO = "_line_experts_memo"


def _is_member(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _managers() -> tuple[str, str]:
    from circles.models import Membership

    return (Membership.Role.OWNER, Membership.Role.MODERATOR)


def line_experts(line: Line) -> QuerySet:
    """The members who answer the line's questions, as a queryset of users
    (active accounts only; no duplicates, no ``distinct``).

    A subject's line: the Experts group's members who teach its subject; a
    community's line: the community's owner and moderators.
    """
    from accounts.models import Profile
    from circles.models import Membership

    users = get_user_model().objects.filter(is_active=True)
    if line.subject_id is not None:
        groups = get_user_model().groups.through.objects.filter(group__name=EXPERTS)
        teaching = Profile.subjects.through.objects.filter(subject_id=line.subject_id)
        return users.filter(pk__in=groups.values("user_id")).filter(
            pk__in=teaching.values("profile__user_id")
        )
    runs = Membership.objects.filter(
        community_id=line.community_id, role__in=_managers()
    )
    return users.filter(pk__in=runs.values("user_id"))


def line_forget(line: Line) -> None:
    """Drop what the line object keeps of its experts (a write changed it)."""
    line.__dict__.pop(_EXPERT_MEMO, None)


def is_line_expert(user, line: Line) -> bool:
    """Whether ``user`` answers the line's questions (one query per line
    object, kept on it; none for a community's line whose community already
    knows the member's role)."""
    if not _is_member(user):
        return False
    memo = line.__dict__.setdefault(_EXPERT_MEMO, {})
    if user.pk not in memo:
        if line.community_id is not None:
            from circles.permissions import role_of

            memo[user.pk] = role_of(user, line.community) in _managers()
        else:
            memo[user.pk] = line_experts(line).filter(pk=user.pk).exists()
    return memo[user.pk]


def can_moderate_lines(user) -> bool:
    # Site moderators (the Moderators group, through the admin permission on
    # lines) and superusers.
    return _is_member(user) and (
        user.is_superuser
        # Moderators are staff: members pay no permission query here.
        or (user.is_staff and user.has_perm("conversations.change_line"))
    )


def _runs_community(user, community) -> bool:
    """The community's owner or a moderator of it, while it is not archived
    (an archived community is read-only)."""
    from circles.models import Community
    from circles.permissions import role_of

    if not _is_member(user) or community.status == Community.Status.ARCHIVED:
        return False
    return role_of(user, community) in _managers()


def can_create_line(user, *, subject=None, community=None) -> bool:
    # A subject's line: site moderators. A community's line: its owner and
    # moderators (site moderators too), while it is open or dormant; never
    # while suspended or banned.
    if is_restricted(user):
        return False
    if can_moderate_lines(user):
        return True
    if community is None:
        return False
    from circles.permissions import LIVING

    return (
        community.status in LIVING
        and not community.is_hidden
        and _runs_community(user, community)
    )


def can_manage_line(user, line: Line) -> bool:
    # Edit the line, switch it off: site moderators; a community's line, its
    # owner and moderators too; never while suspended or banned.
    if is_restricted(user):
        return False
    if can_moderate_lines(user):
        return True
    if line.community_id is None:
        return False
    return _runs_community(user, line.community)


def can_answer_line(user, line: Line) -> bool:
    # The line's experts, while free to write.
    return _is_member(user) and not is_restricted(user) and is_line_expert(user, line)


def can_view_line(user, line: Line) -> bool:
    # A line that takes questions: anyone for a subject's line, those who may
    # see the community for a community's line; a line switched off: its
    # experts and those who run it.
    if line.community_id is not None:
        from circles.permissions import can_view_community

        if not can_view_community(user, line.community):
            return False
    if line.is_active:
        return True
    return is_line_expert(user, line) or can_manage_line(user, line)


def can_ask_line(user, line: Line) -> bool:
    # Signed-in members free to write, on a line that takes questions; a
    # community's line while the community is open or dormant and not hidden.
    if not _is_member(user) or is_restricted(user) or not line.is_active:
        return False
    if line.community_id is not None:
        from circles.permissions import LIVING

        community = line.community
        if community.status not in LIVING or community.is_hidden:
            return False
    return can_view_line(user, line)


def can_view_question(user, question: Question) -> bool:
    # The asker, the expert holding (or who answered) it, and the line's
    # experts, who see it in the queue.
    if not _is_member(user):
        return False
    if user.pk in (question.asker_id, question.expert_id):
        return True
    return is_line_expert(user, question.line)


def can_take_question(user, question: Question) -> bool:
    # An expert of the line, of a question waiting for one, not their own.
    return (
        question.status == Question.Status.OPEN
        and user.pk != question.asker_id
        and can_answer_line(user, question.line)
    )


def can_hand_over_question(user, question: Question) -> bool:
    # The expert holding it, while free to write.
    return (
        _is_member(user)
        and question.status == Question.Status.TAKEN
        and question.expert_id == user.pk
        and not is_restricted(user)
    )


def can_withdraw_question(user, question: Question) -> bool:
    # The asker, while it waits or is being answered.
    return (
        _is_member(user)
        and question.asker_id == user.pk
        and question.status in (Question.Status.OPEN, Question.Status.TAKEN)
    )
