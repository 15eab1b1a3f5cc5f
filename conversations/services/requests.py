"""Answers to a message request: accept, ignore, report.

A request (``Participant.Status.REQUEST``) is a first message from someone
the member does not follow. Until it is accepted nothing of it reaches the
member's inbox count, notifications or e-mail. Accepting tells the sender;
ignoring tells nobody (the sender sees nothing different); reporting files
a report on its first message with the site's moderators, and its sender
may not write to the member again for CONVERSATIONS_REPORTED_REQUEST_DAYS
(``permissions.write_refusal``: "reported"). Each answer is taken once: a
second click finds the request answered and does nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from community import services as community_layer
from community.reporting import report_create
from community.standing import participation_check
from conversations import changes, kinds
from conversations.models import Conversation, Message, Participant
from conversations.permissions import participant_forget
from conversations.services._common import notice_title

__all__ = ["request_accept", "request_ignore", "request_report"]

# The key under which moderation registers messages as reportable
# (``hooks_moderation``).
REPORTABLE_KEY = "message"


def _take(participant: Participant) -> bool:
    """Lock the participant's row and read its status again; whether the
    request still waits."""
    participant.status = (
        Participant.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=participant.pk)
    )
    return participant.status == Participant.Status.REQUEST


def _answer(participant: Participant, status: str, *, closed: bool) -> None:
    """The request's answer; ``closed``: the member reads what they could
    and nothing more."""
    participant.status = status
    participant.answered_at = timezone.now()
    fields = ["status", "answered_at"]
    if closed:
        participant.visible_until = Conversation.objects.values_list(
            "last_number", flat=True
        ).get(pk=participant.conversation_id)
        fields.append("visible_until")
    participant.save(update_fields=fields)
    participant_forget(participant.conversation)
    changes.request_answered(participant)


@transaction.atomic
def request_accept(*, participant: Participant) -> Participant:
    """The member accepts the request: they take part (ACTIVE), the
    conversation counts in their inbox from now on, and the one who wrote to
    them is told (``kinds.REQUEST_ACCEPTED``). Raises ParticipationRestricted
    for a suspended or banned member, who may still ignore it."""
    participation_check(participant.user)
    if not _take(participant):
        return participant
    _answer(participant, Participant.Status.ACTIVE, closed=False)
    conversation = participant.conversation
    sender = participant.added_by or conversation.owner
    if sender is not None:
        community_layer.notify(
            recipient=sender,
            kind=kinds.REQUEST_ACCEPTED,
            actor=participant.user,
            target=conversation,
            target_title=notice_title(conversation),
            url=conversation.get_absolute_url(),
            group=False,
        )
    return participant


@transaction.atomic
def request_ignore(*, participant: Participant) -> Participant:
    """The member ignores the request: it leaves their requests, they read
    what it held and nothing more; nobody is told."""
    if _take(participant):
        _answer(participant, Participant.Status.IGNORED, closed=True)
    return participant


@transaction.atomic
def request_report(*, participant: Participant, reason: str) -> Participant:
    """The member reports the request: a report on the conversation's first
    message goes to the moderators (``community.reporting.report_create``),
    the request leaves their requests (they read what it held), and its
    sender may not write to them for CONVERSATIONS_REPORTED_REQUEST_DAYS.

    Raises ValidationError from ``report_create`` (a reason not among
    ``Report.Reason``; an earlier report of the member's on that message is
    no refusal), ParticipationRestricted for a suspended or banned member.
    """
    if not _take(participant):
        return participant
    first = (
        Message.objects.filter(
            conversation_id=participant.conversation_id, kind=Message.Kind.TEXT
        )
        .order_by("number")
        .first()
    )
    if first is not None:
        try:
            report_create(
                reporter=participant.user,
                key=REPORTABLE_KEY,
                object_id=first.pk,
                reason=reason,
            )
        except ValidationError as error:
            if error.code != "twice":
                raise
    # Kept whatever becomes of the row (the sender may remove the member):
    # the sender's next request waits the days out (``write_refusal``).
    participant.request_reported_at = timezone.now()
    participant.save(update_fields=["request_reported_at"])
    _answer(participant, Participant.Status.REPORTED, closed=True)
    return participant
