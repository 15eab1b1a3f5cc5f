"""Reads of consultation lines for their pages, blocks and recognition.

Who may see a line in a list is one rule, as a query (``lines_visible_to``):
a subject's line, anyone; a community's line, those who may find the
community in the lists (``circles.selectors.communities_visible_to``: a
private community's line its members only), while the community is open
or dormant. Channels read by anyone (the portfolio, the members of the
month) count only subjects' lines and public communities' ones.

Nothing here shows a question's subject or text beyond the line's experts
and the asker: the queue is read for the experts only, the recognition
counts numbers per line.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import ngettext

from accounts.portfolio import PortfolioItem
from community.excerpts import excerpt
from conversations.models import Line, Message, Question
from conversations.permissions_lines import (
    can_create_line,
    can_moderate_lines,
    can_view_line,
)

EXCERPT_LENGTH = 240
PORTFOLIO_LIMIT = 100
BLOCK_LIMIT = 20
MINE_LIMIT = 20
# What an answered consultation earns in the members of the month (as an
# accepted answer on the forums).
ANSWER_POINTS = 5


def _living_communities(user) -> QuerySet:
    from circles.permissions import LIVING
    from circles.selectors import communities_visible_to

    return communities_visible_to(user).filter(status__in=LIVING).values("pk")


def lines_visible_to(user) -> QuerySet[Line]:
    """The lines ``user`` may find (active or not): subjects' lines, and the
    lines of the open or dormant communities they may see."""
    return Line.objects.filter(
        Q(subject__isnull=False) | Q(community__in=_living_communities(user))
    )


def line_list(*, user) -> QuerySet[Line]:
    """``/lines/``: the active lines ``user`` may see, the subjects' first
    (in the subjects' order), then the communities' (by name); one query
    with their subject and community."""
    return (
        lines_visible_to(user)
        .filter(is_active=True)
        .select_related("subject", "community")
        .order_by(
            F("subject__position").asc(nulls_last=True),
            "subject__slug",
            "community__name",
            "title",
            "pk",
        )
    )


def line_get(*, slug: str, user) -> Line:
    """The line by its address, or 404 for one ``user`` may not see."""
    line = Line.objects.select_related("subject", "community").filter(slug=slug).first()
    if line is None or not can_view_line(user, line):
        raise Http404
    return line


def _first_message_html():
    return Subquery(
        Message.objects.filter(
            conversation_id=OuterRef("conversation_id"),
            number=1,
            deleted_at__isnull=True,
            is_hidden=False,
        ).values("body_html")[:1]
    )


def line_queue(*, line: Line) -> QuerySet[Question]:
    """The questions waiting in the line's queue and those being answered,
    for its experts: the waiting ones first, oldest first; each with its
    subject (``conversation``), its asker's and expert's names and its first
    message's HTML (``first_html``), in one query."""
    return (
        Question.objects.filter(
            line=line, status__in=[Question.Status.OPEN, Question.Status.TAKEN]
        )
        .select_related("conversation", "asker__profile", "expert__profile")
        .annotate(first_html=_first_message_html())
        # "open" sorts before "taken": the waiting ones first.
        .order_by("status", "created_at", "pk")
    )


def queue_excerpts(questions) -> None:
    """Give each question of a page its first message's excerpt (plain text:
    ``excerpt``), from the HTML the queue read."""
    for question in questions:
        question.excerpt = excerpt(question.first_html or "", EXCERPT_LENGTH)


def questions_of(*, line: Line, user) -> list[Question]:
    """The member's own questions to the line, newest first (for the asker)."""
    if not user.is_authenticated:
        return []
    return list(
        Question.objects.filter(line=line, asker=user)
        .select_related("conversation", "expert__profile")
        .order_by("-created_at", "-pk")[:MINE_LIMIT]
    )


def question_get(*, pk: int) -> Question:
    """A question with its line, the line's subject and community, and its
    conversation, or 404 (the caller asks ``can_view_question``)."""
    question = (
        Question.objects.select_related(
            "line__subject", "line__community", "conversation"
        )
        .filter(pk=pk)
        .first()
    )
    if question is None:
        raise Http404
    return question


# --- Blocks on other pages ---------------------------------------------------------


@dataclass(frozen=True)
class LinesBlock:
    """The lines shown on a forum section's or a community's page."""

    lines: list
    create_url: str = ""


def section_block(section, viewer) -> LinesBlock | None:
    """A forum section's block: the active lines of its subject (a
    community's section: that community's lines); None when it has none
    and the viewer may not make one. The page checked who reads it."""
    if section.subject_id is not None:
        lines = Line.objects.filter(subject_id=section.subject_id)
        create_url = ""
        if can_moderate_lines(viewer):
            create_url = reverse("lines:create") + f"?subject={section.subject_id}"
    elif section.group_id is not None:
        lines = Line.objects.filter(community_id=section.group_id)
        create_url = ""
    else:
        return None
    shown = list(lines.filter(is_active=True).order_by("title", "pk")[:BLOCK_LIMIT])
    if not shown and not create_url:
        return None
    return LinesBlock(lines=shown, create_url=create_url)


# Read with the community on its page (``community_annotations``).
HAS_LINES = "conversations_has_lines"


def community_annotations(viewer) -> dict:
    """Whether the community has an active line, read in its page's own
    query: a community without one (most of them) costs its page nothing."""
    return {
        HAS_LINES: Exists(
            Line.objects.filter(community_id=OuterRef("pk"), is_active=True)
        )
    }


def community_block(community, viewer) -> LinesBlock | None:
    """A community's block: its active lines; a link to make one for its
    owner and moderators (``can_create_line``); None when neither."""
    from circles.models import Community

    if community.status == Community.Status.PROPOSED:
        return None
    create_url = ""
    if can_create_line(viewer, community=community):
        create_url = reverse("lines:create") + f"?community={community.slug}"
    shown = []
    if getattr(community, HAS_LINES, True):
        shown = list(
            Line.objects.filter(community=community, is_active=True).order_by(
                "title", "pk"
            )[:BLOCK_LIMIT]
        )
    if not shown and not create_url:
        return None
    return LinesBlock(lines=shown, create_url=create_url)


# --- Recognition ------------------------------------------------------------------


def consultations_given(user_ids: list[int]) -> dict[int, int]:
    """Badge measure: per member, the questions they answered (all lines:
    a badge says how many, not where)."""
    return dict(
        Question.objects.filter(expert_id__in=user_ids, status=Question.Status.ANSWERED)
        .order_by()
        .values("expert_id")
        .annotate(count=Count("pk"))
        .values_list("expert_id", "count")
    )


def contribution(start, end) -> dict[int, int]:
    """Points of the period: ``ANSWER_POINTS`` per question answered then, on
    lines anyone reads (the members of the month is a public board)."""
    counted = (
        Question.objects.filter(
            _public_lines(),
            status=Question.Status.ANSWERED,
            answered_at__gte=start,
            answered_at__lt=end,
            expert__isnull=False,
        )
        .order_by()
        .values("expert_id")
        .annotate(count=Count("pk"))
        .values_list("expert_id", "count")
    )
    return {user_id: ANSWER_POINTS * count for user_id, count in counted}


def _public_lines() -> Q:
    """Questions on lines anyone reads: a subject's, or a public community's
    not hidden."""
    from circles.models import Community

    return Q(line__subject__isnull=False) | Q(
        line__community__visibility=Community.Visibility.PUBLIC,
        line__community__is_hidden=False,
    )


def consultations_held(user_id) -> Exists:
    """Whether the member answered any question (``user_id`` an
    ``OuterRef``): the portfolio asks it with the profile, so a member who
    gave no consultation costs the page no query."""
    return Exists(
        Question.objects.filter(expert=user_id, status=Question.Status.ANSWERED)
    )


def portfolio_consultations(user, viewer) -> list:
    """The portfolio's «Консультации»: per line the viewer may see, how many
    of its questions the member answered, the latest answer's date; one
    query. No question's subject: they are private."""
    lines = (
        lines_visible_to(viewer)
        .filter(questions__expert=user, questions__status=Question.Status.ANSWERED)
        .annotate(
            answered=Count("questions"), last_answered=Max("questions__answered_at")
        )
        .order_by("-last_answered", "pk")[:PORTFOLIO_LIMIT]
    )
    return [
        PortfolioItem(
            title=line.title,
            url=reverse("lines:detail", args=[line.slug]),
            date=line.last_answered,
            detail=ngettext(
                "%(count)d question answered",
                "%(count)d questions answered",
                line.answered,
            )
            % {"count": line.answered},
        )
        for line in lines
    ]
