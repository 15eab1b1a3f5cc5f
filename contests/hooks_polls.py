"""What polls give other apps' pages and the community layer.

- the topic page's block (``community.page_blocks``, page ``forums.topic``):
  the topic's poll with its vote form and results, or, on a topic without
  one, a link to add it for those who may — the topic page's own query
  says whether it has a poll (``selectors_polls.topic_annotations``), so a
  topic without one costs nothing more;
- the audit log's names of a moderator's decisions on a poll.

A vote is told to nobody: no notification kind, no feed event.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

BLOCK_TEMPLATE = "contests/polls/_poll_block.html"


@dataclass(frozen=True)
class PollBlock:
    """The topic page's block: the poll as the viewer gets it (``shown``)
    with a vote form, or only ``add_url`` on a topic without a poll."""

    shown: object | None
    form: object | None
    add_url: str = ""


def vote_form_for(shown, data=None):
    """The vote form of a poll the viewer may vote in (her choices checked),
    else None."""
    from contests.forms_polls import VoteForm

    if not shown.may_vote:
        return None
    return VoteForm(data, shown=shown) if data is not None else VoteForm(shown=shown)


def topic_block(topic, viewer) -> PollBlock | None:
    """The poll of ``topic`` for ``viewer``; on a topic without one, the link
    to add it for its author and the section's moderators; else None."""
    from contests.permissions_polls import can_add_poll
    from contests.selectors_polls import poll_shown_for_topic

    shown = poll_shown_for_topic(topic, viewer)
    if shown is None:
        if can_add_poll(viewer, topic):
            return PollBlock(
                shown=None,
                form=None,
                add_url=reverse("polls:create", kwargs={"topic_pk": topic.pk}),
            )
        return None
    return PollBlock(shown=shown, form=vote_form_for(shown))


def register() -> None:
    register_blocks()
    register_audit_actions()


def register_blocks() -> None:
    from community.page_blocks import page_block_register
    from contests import selectors_polls

    page_block_register(
        page="forums.topic",
        key="poll",
        template=BLOCK_TEMPLATE,
        read=topic_block,
        order=10,
        annotate=selectors_polls.topic_annotations,
    )


def register_audit_actions() -> None:
    from community.notifications import audit_actions_register
    from contests.services.polls import AUDIT_CLOSE, AUDIT_DELETE

    audit_actions_register(
        {
            AUDIT_CLOSE: _("poll closed by a moderator"),
            AUDIT_DELETE: _("poll deleted by a moderator"),
        }
    )
