"""What the forums count toward a member's growth (``community.attainments``).

- ``answer_accepted``: her replies accepted as the answer to a colleague's
  question, in topics not hidden, the replies neither deleted nor hidden.

An answer in a community's section for its members only still counts (she
helped a colleague), without the topic's title or address: what is said
there stays there. Whose items a write changed is told by ``forums.changes``
(``authors_of``, ``answerers_in``).
"""

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.attainments import (
    ATTAINMENT_LIMIT,
    Attainment,
    attainment_source_register,
)
from community.audience import Audience
from forums.models import Post, Topic


def answers(user) -> list[Attainment]:
    """Her accepted answers, the latest first: one query."""
    topics = (
        Topic.objects.filter(
            accepted_post__author=user,
            accepted_post__is_deleted=False,
            accepted_post__is_hidden=False,
            accepted_post__is_pending=False,
            is_hidden=False,
            is_pending=False,
        )
        .select_related("section", "accepted_post")
        .order_by("-accepted_post__created_at", "-pk")[:ATTAINMENT_LIMIT]
    )
    found = []
    for topic in topics:
        audience = topic.section.audience
        if audience == Audience.GROUP:
            title = gettext("An answer in a community's discussion")
        else:
            title = topic.title
        found.append(
            Attainment(
                key=str(topic.accepted_post_id),
                title=title,
                url=(
                    topic.accepted_post.get_absolute_url()
                    if audience == Audience.EVERYONE
                    else ""
                ),
                occurred_at=topic.accepted_post.created_at,
            )
        )
    return found


def authors_of(post_ids: Iterable[int]) -> Iterator[int]:
    """The authors of these posts (answers: accepted, or until now), read
    when iterated (one query; none without posts)."""
    post_ids = [pk for pk in post_ids if pk]
    if post_ids:
        yield from Post.objects.filter(pk__in=post_ids).values_list(
            "author_id", flat=True
        )


def answerers_in(section) -> Iterator[int]:
    """The authors of the answers accepted in the section's questions, read
    when iterated (one query)."""
    yield from Post.objects.filter(
        pk__in=Topic.objects.filter(
            section_id=section.pk, accepted_post__isnull=False
        ).values("accepted_post_id")
    ).values_list("author_id", flat=True)


def register() -> None:
    attainment_source_register(
        key="answer_accepted",
        title=_("Answers accepted"),
        order=40,
        items=answers,
    )
