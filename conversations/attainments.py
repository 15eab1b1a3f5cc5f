"""What consultation lines count toward a member's growth
(``community.attainments``).

- ``consultation_given``: the questions she answered as an expert of a
  line. A question is private: each names only its line, never the question
  or who asked it; a community's line not open to everyone is not named
  either. A line of a community hidden by a moderator counts for nobody.

Whose items a write changed is told by ``conversations.changes``
(``experts_of``).
"""

from collections.abc import Iterator

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from circles.models import Community
from community.attainments import (
    ATTAINMENT_LIMIT,
    Attainment,
    attainment_source_register,
)
from conversations.models import Question


def _public(line) -> bool:
    community = line.community
    return community is None or (
        community.visibility == Community.Visibility.PUBLIC and not community.is_hidden
    )


def consultations(user) -> list[Attainment]:
    """The questions she answered, the latest first: one query."""
    questions = (
        Question.objects.filter(expert=user, status=Question.Status.ANSWERED)
        .exclude(line__community__is_hidden=True)
        .select_related("line__community")
        .order_by("-answered_at", "-pk")[:ATTAINMENT_LIMIT]
    )
    found = []
    for question in questions:
        line = question.line
        shown = _public(line) and line.is_active
        found.append(
            Attainment(
                key=str(question.pk),
                title=(
                    line.title
                    if _public(line)
                    else gettext("A consultation in a community")
                ),
                url=line.get_absolute_url() if shown else "",
                occurred_at=question.answered_at or question.created_at,
            )
        )
    return found


def experts_of(line) -> Iterator[int]:
    """The experts who answered its questions, read when iterated (one
    query)."""
    yield from (
        Question.objects.filter(line_id=line.pk, status=Question.Status.ANSWERED)
        .values_list("expert_id", flat=True)
        .distinct()
    )


def register() -> None:
    attainment_source_register(
        key="consultation_given",
        title=_("Consultations given"),
        order=45,
        items=consultations,
    )
