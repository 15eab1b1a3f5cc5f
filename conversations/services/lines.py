"""Consultation lines («консультативные линии»): lines, questions, deadlines.

A member asks a line (``question_ask``): a conversation of its own
(``is_question``) with the member as its owner, and a ``Question`` that
waits (OPEN) in the line's queue; the line's experts are told. One expert
takes it (``question_take``: one conditional UPDATE OPEN → TAKEN, so of two
experts at once one wins and the other is told it is taken), joins the
conversation and answers within the line's ``answer_within_days``; the
first message of the expert holding it marks it ANSWERED
(``question_message_posted``, called by ``message_send``). The expert may
hand it over to another expert of the line (``question_hand_over``: an event
in its place, the first expert out as LEFT); the asker may withdraw it.

Deadlines (``line_deadlines_run``, beat): a reminder ``LINES_REMINDER_HOURS``
before ``due_at``, and at ``due_at`` the release — back to OPEN, the expert
out of the conversation as LEFT, the line's experts told. Each is claimed
once by a conditional UPDATE, as review assignments' are, so two runs at
once or a second run change and tell each question once.

Notifications name the line, never the question's subject or text (a
question is private, and no e-mail carries its text).
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community import services as community
from community.limits import is_new_member
from community.markdown import render_markdown
from community.recognition import badges_check
from community.slugs import free_slug, readable_slug
from community.standing import is_restricted, participation_check
from conversations import changes, kinds
from conversations.models import Conversation, Line, Message, Participant, Question
from conversations.permissions import participant_forget
from conversations.permissions_lines import (
    can_answer_line,
    can_ask_line,
    can_create_line,
    can_hand_over_question,
    can_manage_line,
    can_withdraw_question,
    line_experts,
)
from conversations.services._common import (
    body_check,
    conversation_open,
    message_append,
    participant_add,
)

__all__ = [
    "line_create",
    "line_deadlines_run",
    "line_update",
    "question_ask",
    "question_hand_over",
    "question_message_posted",
    "question_take",
    "question_withdraw",
]

# Addresses a line may not take: the list's own paths.
RESERVED_SLUGS = {"new", "questions"}
SUBJECT_MAX_LENGTH = Conversation._meta.get_field("subject").max_length
DAY = datetime.timedelta(days=1)
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=1)


def line_url(line: Line) -> str:
    return reverse("lines:detail", args=[line.slug])


# --- Lines ------------------------------------------------------------------------


def _slug_for(title: str) -> str:
    base = readable_slug(title, fallback="line")
    taken = (
        set(Line.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        | RESERVED_SLUGS
    )
    return free_slug(base, taken)


def _line_check(line: Line) -> None:
    errors = {}
    if not line.title.strip():
        errors["title"] = ValidationError(_("Give the line a title."), "required")
    if not line.description.strip():
        errors["description"] = ValidationError(
            _("Say whom the line helps and with what."), "required"
        )
    if errors:
        raise ValidationError(errors)
    line.full_clean(exclude=["slug", "created_by"])


@transaction.atomic
def line_create(
    *,
    by,
    title: str,
    description: str,
    answer_within_days: int = 3,
    subject=None,
    community=None,
    is_active: bool = True,
) -> Line:
    """A consultation line of a subject (site moderators) or of a community
    (its owner and moderators), under a readable free address.

    Raises ParticipationRestricted for a suspended or banned member,
    PermissionDenied for anyone else, ValidationError for a line of
    both or neither (code "owner"), an empty title or description, an
    answer-within outside 1–30 days.
    """
    participation_check(by)
    if (subject is None) == (community is None):
        raise ValidationError(
            _("A line belongs to a subject or to a community."), code="owner"
        )
    if not can_create_line(by, subject=subject, community=community):
        raise PermissionDenied
    line = Line(
        title=(title or "").strip(),
        description=(description or "").strip(),
        subject=subject,
        community=community,
        answer_within_days=answer_within_days,
        is_active=is_active,
        created_by=by,
    )
    _line_check(line)
    line.description_html = render_markdown(line.description)
    for _attempt in range(5):
        line.slug = _slug_for(line.title)
        try:
            with transaction.atomic():
                line.save()
            break
        except IntegrityError:
            if Line.objects.filter(slug=line.slug).exists():
                continue
            raise
    else:
        raise ValidationError(_("Please try again."), code="slug")
    changes.line_changed(line)
    return line


@transaction.atomic
def line_update(
    *,
    line: Line,
    by,
    title: str,
    description: str,
    answer_within_days: int,
    is_active: bool,
) -> Line:
    """Edit a line (its address stays). Questions already taken keep their
    deadline. Raises ParticipationRestricted, PermissionDenied unless
    ``can_manage_line``,
    ValidationError as ``line_create``."""
    participation_check(by)
    if not can_manage_line(by, line):
        raise PermissionDenied
    line.title = (title or "").strip()
    line.description = (description or "").strip()
    line.answer_within_days = answer_within_days
    line.is_active = is_active
    _line_check(line)
    line.description_html = render_markdown(line.description)
    line.save(
        update_fields=[
            "title",
            "description",
            "description_html",
            "answer_within_days",
            "is_active",
        ]
    )
    changes.line_changed(line)
    return line


# --- Questions --------------------------------------------------------------------


def _daily_limit_check(user) -> None:
    """A new member asks at most MODERATION_NEW_MEMBER_CONVERSATIONS_PER_DAY
    questions a day (conversations are counted apart)."""
    if not is_new_member(user):
        return
    limit = settings.MODERATION_NEW_MEMBER_CONVERSATIONS_PER_DAY
    asked = Conversation.objects.filter(
        owner=user, is_question=True, created_at__gte=timezone.now() - DAY
    ).count()
    if asked >= limit:
        raise ValidationError(
            ngettext(
                "New members may ask %(limit)d question a day; "
                "please try again tomorrow.",
                "New members may ask %(limit)d questions a day; "
                "please try again tomorrow.",
                limit,
            )
            % {"limit": limit},
            code="rate",
        )


def _held(question: Question, *, expert, now, days: int) -> Question:
    """The caller's object as the claim left the row: held by ``expert``."""
    question.status = Question.Status.TAKEN
    question.expert = expert
    question.taken_at = now
    question.due_at = now + datetime.timedelta(days=days)
    question.reminded_at = None
    return question


@transaction.atomic
def question_ask(*, line: Line, asker, subject: str, body: str) -> Question:
    """The member asks the line: a question conversation (the member its
    owner, the text its first message) waiting in the line's queue; the
    line's experts are told (``kinds.LINE_QUESTION``, grouped per line).

    Raises ParticipationRestricted for a suspended or banned member,
    PermissionDenied unless ``can_ask_line``, ValidationError for an empty
    subject (code "subject") or text ("empty", "too_long"), and past a new
    member's daily limit ("rate"). The same question sent again within a
    minute (a double click) returns the first.
    """
    participation_check(asker)
    if not can_ask_line(asker, line):
        raise PermissionDenied
    subject = " ".join((subject or "").replace("\x00", "").split())
    if not subject:
        raise ValidationError(
            {"subject": ValidationError(_("Say in a line what you ask."), "subject")}
        )
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ValidationError(
            {
                "subject": ValidationError(
                    _("The subject may hold at most %(limit)d characters.")
                    % {"limit": SUBJECT_MAX_LENGTH},
                    "subject",
                )
            }
        )
    body = body_check(body)
    # A double submit of the same question gives the first one back.
    again = Question.objects.filter(
        line=line,
        asker=asker,
        conversation__subject=subject,
        created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    ).first()
    if again is not None:
        return again
    _daily_limit_check(asker)
    conversation = conversation_open(owner=asker, subject=subject, is_question=True)
    message_append(conversation=conversation, author=asker, body=body)
    question = Question.objects.create(
        line=line, conversation=conversation, asker=asker
    )
    changes.participants_changed(conversation, [asker.pk])
    community.notify_many(
        recipients=line_experts(line).exclude(pk=asker.pk),
        kind=kinds.LINE_QUESTION,
        url=line_url(line),
        actor=asker,
        target=line,
        target_title=line.title,
    )
    return question


def _expert_joins(question: Question, expert, *, added_by) -> Message:
    """Bring ``expert`` into the question's conversation (ACTIVE, back in
    after leaving it): the event of their coming in its place."""
    conversation = question.conversation
    participant_add(
        conversation=conversation,
        user=expert,
        status=Participant.Status.ACTIVE,
        added_by=added_by,
    )
    return message_append(
        conversation=conversation,
        author=added_by,
        kind=Message.Kind.JOINED,
        event_user=expert,
    )


def _expert_leaves(question: Question, expert_id: int, *, until: int, now) -> None:
    """The expert is out of the question's conversation: they read up to
    message ``until``, nothing new."""
    Participant.objects.filter(
        conversation_id=question.conversation_id,
        user_id=expert_id,
        status=Participant.Status.ACTIVE,
    ).update(status=Participant.Status.LEFT, visible_until=until, left_at=now)
    participant_forget(question.conversation)


def _active_ids(question: Question) -> list[int]:
    return list(
        Participant.objects.filter(
            conversation_id=question.conversation_id,
            status=Participant.Status.ACTIVE,
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def question_take(*, question: Question, expert) -> Question:
    """An expert of the line takes a waiting question: it is theirs to answer
    by ``answer_within_days`` from now; they join its conversation; the
    asker is told (``kinds.LINE_TAKEN``).

    Of two experts at once one wins (a conditional UPDATE from OPEN): the
    other gets ValidationError (code "taken"), as does anyone taking a
    question already taken, answered or withdrawn. Raises
    ParticipationRestricted for a suspended or banned expert,
    PermissionDenied for one who may not answer the line (or asked it).
    """
    participation_check(expert)
    line = question.line
    if expert.pk == question.asker_id or not can_answer_line(expert, line):
        raise PermissionDenied
    now = timezone.now()
    claimed = Question.objects.filter(
        pk=question.pk, status=Question.Status.OPEN
    ).update(
        status=Question.Status.TAKEN,
        expert=expert,
        taken_at=now,
        due_at=now + datetime.timedelta(days=line.answer_within_days),
        reminded_at=None,
    )
    if not claimed:
        raise ValidationError(
            _("Another expert has already taken this question."), code="taken"
        )
    question = _held(question, expert=expert, now=now, days=line.answer_within_days)
    event = _expert_joins(question, expert, added_by=expert)
    changes.participants_changed(question.conversation, [expert.pk])
    changes.message_posted(event, _active_ids(question))
    changes.question_changed(question)
    community.notify(
        recipient=question.asker,
        kind=kinds.LINE_TAKEN,
        actor=expert,
        target=question,
        target_title=line.title,
        url=question.conversation.get_absolute_url(),
    )
    return question


@transaction.atomic
def question_hand_over(*, question: Question, expert, to) -> Question:
    """The expert holding the question hands it to another expert of the
    line: ``to`` holds it from now, with a new deadline, and joins the
    conversation; the event «handed over» in its place; ``expert`` is out
    of it (LEFT: reads what came before). ``to`` is told
    (``kinds.LINE_HANDED_OVER``).

    Raises ParticipationRestricted, PermissionDenied unless
    ``can_hand_over_question``, ValidationError when ``to`` is not another
    expert of the line (code "not_expert") or the question changed meanwhile
    ("changed").
    """
    participation_check(expert)
    if not can_hand_over_question(expert, question):
        raise PermissionDenied
    line = question.line
    if (
        to.pk in (expert.pk, question.asker_id)
        or is_restricted(to)
        or not line_experts(line).filter(pk=to.pk).exists()
    ):
        raise ValidationError(
            _("Hand the question over to another expert of the line."),
            code="not_expert",
        )
    now = timezone.now()
    claimed = Question.objects.filter(
        pk=question.pk, status=Question.Status.TAKEN, expert=expert
    ).update(
        expert=to,
        taken_at=now,
        due_at=now + datetime.timedelta(days=line.answer_within_days),
        reminded_at=None,
    )
    if not claimed:
        raise ValidationError(
            _("The question has changed meanwhile; look at it again."),
            code="changed",
        )
    question = _held(question, expert=to, now=now, days=line.answer_within_days)
    conversation = question.conversation
    participant_add(
        conversation=conversation,
        user=to,
        status=Participant.Status.ACTIVE,
        added_by=expert,
    )
    event = message_append(
        conversation=conversation,
        author=expert,
        kind=Message.Kind.HANDED_OVER,
        event_user=to,
    )
    _expert_leaves(question, expert.pk, until=event.number, now=now)
    changes.participants_changed(conversation, [expert.pk, to.pk])
    changes.message_posted(event, _active_ids(question))
    changes.question_changed(question)
    community.notify(
        recipient=to,
        kind=kinds.LINE_HANDED_OVER,
        actor=expert,
        target=question,
        target_title=line.title,
        url=conversation.get_absolute_url(),
    )
    return question


@transaction.atomic
def question_withdraw(*, question: Question, user) -> Question:
    """The asker withdraws a question that waits or is being answered: it
    leaves the queue and no deadline runs for it; the conversation stays.

    Raises PermissionDenied unless ``can_withdraw_question``,
    ValidationError (code "changed") when it was answered meanwhile.
    """
    if not can_withdraw_question(user, question):
        raise PermissionDenied
    claimed = Question.objects.filter(
        pk=question.pk,
        status__in=[Question.Status.OPEN, Question.Status.TAKEN],
    ).update(status=Question.Status.WITHDRAWN)
    if not claimed:
        raise ValidationError(
            _("The question has changed meanwhile; look at it again."),
            code="changed",
        )
    question.status = Question.Status.WITHDRAWN
    changes.question_changed(question)
    return question


def question_leave(*, conversation, user) -> bool:
    """A participant leaves a question's conversation
    (``services.conversation_leave`` asks first): the asker withdraws a
    question not answered yet and then leaves as anyone; the expert holding
    it gives it back to the line's experts at once, as at its deadline, and
    this is their departure (returns True). Otherwise False: the caller
    lets them leave."""
    question = (
        Question.objects.select_related("line", "conversation", "expert")
        .filter(conversation=conversation)
        .first()
    )
    if question is None:
        return False
    if user.pk == question.asker_id:
        if question.status in (Question.Status.OPEN, Question.Status.TAKEN):
            Question.objects.filter(
                pk=question.pk,
                status__in=[Question.Status.OPEN, Question.Status.TAKEN],
            ).update(status=Question.Status.WITHDRAWN)
            question.status = Question.Status.WITHDRAWN
            changes.question_changed(question)
        return False
    if question.status == Question.Status.TAKEN and question.expert_id == user.pk:
        return _release(question, timezone.now(), due=False)
    return False


def question_message_posted(message: Message) -> Question | None:
    """A message was sent in a question's conversation (``message_send``
    calls this when ``conversation.is_question``): the first text message of
    the expert holding the question marks it ANSWERED (once: a conditional
    UPDATE), counted for their portfolio, badges and the members of the
    month. The asker hears of the message as of any (``kinds.MESSAGE``).
    Returns the question when this message answered it, else None."""
    if message.kind != Message.Kind.TEXT or message.author_id is None:
        return None
    question = (
        Question.objects.filter(conversation_id=message.conversation_id)
        .select_related("line")
        .first()
    )
    if (
        question is None
        or question.status != Question.Status.TAKEN
        or question.expert_id != message.author_id
    ):
        return None
    now = timezone.now()
    answered = Question.objects.filter(
        pk=question.pk, status=Question.Status.TAKEN, expert_id=message.author_id
    ).update(status=Question.Status.ANSWERED, answered_at=now)
    if not answered:
        return None
    question.status = Question.Status.ANSWERED
    question.answered_at = now
    changes.question_answered(question)
    badges_check(user=message.author, measures=[kinds.CONSULTATIONS_GIVEN])
    return question


# --- Deadlines --------------------------------------------------------------------


def _remind(question: Question, now) -> bool:
    with transaction.atomic():
        claimed = Question.objects.filter(
            pk=question.pk,
            status=Question.Status.TAKEN,
            expert_id=question.expert_id,
            reminded_at__isnull=True,
        ).update(reminded_at=now)
        if not claimed:
            return False
        changes.question_changed(question)
        if question.expert is None:
            return False  # nobody to remind: the release comes at the deadline
        community.notify(
            recipient=question.expert,
            kind=kinds.LINE_REMINDER,
            target=question,
            target_title=question.line.title,
            url=question.conversation.get_absolute_url(),
            group=False,
        )
    return True


def _release(question: Question, now, *, due: bool = True) -> bool:
    """The question goes back to the line: past its deadline (``due``), or
    now when its expert leaves. Claimed once by a conditional UPDATE."""
    expert = question.expert
    with transaction.atomic():
        late = {"due_at__lte": now} if due else {}
        claimed = Question.objects.filter(
            pk=question.pk,
            status=Question.Status.TAKEN,
            expert_id=question.expert_id,
            **late,
        ).update(
            status=Question.Status.OPEN,
            expert=None,
            taken_at=None,
            due_at=None,
            reminded_at=None,
        )
        if not claimed:
            return False
        conversation = question.conversation
        event = message_append(
            conversation=conversation, author=expert, kind=Message.Kind.LEFT
        )
        # An expert whose account is gone has no row left to close.
        released = [expert.pk] if expert is not None else []
        for pk in released:
            _expert_leaves(question, pk, until=event.number, now=now)
        changes.participants_changed(conversation, released)
        changes.message_posted(event, _active_ids(question))
        changes.question_changed(question)
        line = question.line
        # The line's experts, and the expert released even if no longer one.
        experts = line_experts(line).exclude(pk=question.asker_id)
        community.notify_many(
            recipients=get_user_model()
            .objects.filter(Q(pk__in=experts.values("pk")) | Q(pk__in=released))
            .only("pk", "is_active"),
            kind=kinds.LINE_RELEASED,
            url=line_url(line),
            target=line,
            target_title=line.title,
        )
    return True


def line_deadlines_run(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Remind experts ``LINES_REMINDER_HOURS`` before a question's deadline
    and release the questions past it.

    Each reminder and each release happens once, however often this runs or
    however many run at once (a conditional UPDATE claims the row). Returns
    (reminded, released).
    """
    now = now or timezone.now()
    soon = now + datetime.timedelta(hours=settings.LINES_REMINDER_HOURS)
    rows = Question.objects.select_related("line", "conversation", "expert")
    reminded = sum(
        _remind(question, now)
        for question in rows.filter(
            status=Question.Status.TAKEN,
            reminded_at__isnull=True,
            due_at__gt=now,
            due_at__lte=soon,
        )
    )
    released = sum(
        _release(question, now)
        for question in rows.filter(status=Question.Status.TAKEN, due_at__lte=now)
    )
    return reminded, released
