"""Consultation lines' services: lines, questions, taking, handing over,
withdrawing, answering, and the deadlines' reminders and releases."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from circles.models import Community
from community.models import Notification
from conversations import kinds, services
from conversations.models import Message, Participant, Question
from conversations.permissions_lines import line_experts
from conversations.services import lines
from conversations.tests.factories import EstablishedUserFactory
from conversations.tests.lines_factories import (
    a_subject,
    asked,
    community_line,
    community_with_moderator,
    site_moderator,
    subject_expert,
    subject_line,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject():
    return a_subject()


@pytest.fixture
def line(subject):
    return subject_line(site_moderator(), subject)


@pytest.fixture
def experts(subject):
    return [subject_expert(subject), subject_expert(subject)]


def _told(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def _status(question) -> str:
    return Question.objects.get(pk=question.pk).status


def _participant(question, user) -> Participant:
    return Participant.objects.get(conversation=question.conversation, user=user)


# --- Lines ------------------------------------------------------------------------


def test_line_create_by_a_site_moderator_for_a_subject_renders_its_description(
    subject,
):
    line = subject_line(site_moderator(), subject, title="Физика: ОГЭ")

    assert line.slug == "fizika-oge"
    assert "<strong>вопросы</strong>" in line.description_html
    assert line.subject == subject
    assert line.community is None


def test_line_create_takes_the_next_free_address(subject):
    moderator = site_moderator()
    first = subject_line(moderator, subject, title="Физика")
    second = subject_line(moderator, subject, title="Физика")

    assert (first.slug, second.slug) == ("fizika", "fizika-2")


def test_line_create_for_a_subject_is_refused_to_members_and_experts(subject):
    for user in (EstablishedUserFactory(), subject_expert(subject)):
        with pytest.raises(PermissionDenied):
            subject_line(user, subject)


def test_line_create_for_a_community_by_its_owner_or_moderator_only():
    community, moderator, member = community_with_moderator()

    line = community_line(community)
    by_moderator = lines.line_create(
        by=moderator, community=community, title="Ещё", description="Текст"
    )

    assert line.community == community
    assert by_moderator.community == community
    with pytest.raises(PermissionDenied):
        lines.line_create(by=member, community=community, title="Т", description="Т")


def test_line_create_needs_one_owner_a_title_and_a_description(subject):
    community, _moderator, _member = community_with_moderator()
    moderator = site_moderator()

    with pytest.raises(ValidationError) as both:
        lines.line_create(
            by=moderator, subject=subject, community=community, title="Т",
            description="Т",
        )  # fmt: skip
    with pytest.raises(ValidationError) as neither:
        lines.line_create(by=moderator, title="Т", description="Т")
    with pytest.raises(ValidationError) as empty:
        lines.line_create(by=moderator, subject=subject, title=" ", description="")
    with pytest.raises(ValidationError) as too_long:
        lines.line_create(
            by=moderator, subject=subject, title="Т", description="Т",
            answer_within_days=31,
        )  # fmt: skip

    assert both.value.code == neither.value.code == "owner"
    assert set(empty.value.message_dict) == {"title", "description"}
    assert "__all__" in too_long.value.message_dict


def test_line_update_by_those_who_run_it(line):
    community, moderator, member = community_with_moderator()
    own = community_line(community)

    lines.line_update(
        line=own, by=moderator, title="Новое", description="*Иначе*",
        answer_within_days=5, is_active=False,
    )  # fmt: skip

    own.refresh_from_db()
    assert (own.title, own.answer_within_days, own.is_active) == ("Новое", 5, False)
    assert "<em>Иначе</em>" in own.description_html
    for user, target in ((member, own), (moderator, line)):
        with pytest.raises(PermissionDenied):
            lines.line_update(
                line=target, by=user, title="Х", description="Х",
                answer_within_days=1, is_active=True,
            )  # fmt: skip


def test_line_experts_of_a_subject_are_experts_who_teach_it(subject, line):
    teaching = subject_expert(subject)
    elsewhere = subject_expert(a_subject(1))
    teacher = EstablishedUserFactory()
    teacher.profile.subjects.add(subject)

    found = set(line_experts(line))

    assert teaching in found
    assert elsewhere not in found
    assert teacher not in found


def test_line_experts_of_a_community_are_its_owner_and_moderators():
    community, moderator, _member = community_with_moderator()
    line = community_line(community)

    assert set(line_experts(line)) == {community.founder, moderator}


# --- Asking -----------------------------------------------------------------------


def test_question_ask_opens_a_question_conversation_and_tells_the_experts(
    line, experts, mailoutbox, django_capture_on_commit_callbacks
):
    asker = EstablishedUserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        question = asked(line, asker, subject="Секретный вопрос", body="Тайна урока")

    conversation = question.conversation
    assert conversation.is_question
    assert conversation.owner == asker
    assert question.status == Question.Status.OPEN
    assert question.asker == asker
    (first,) = conversation.messages.all()
    assert (first.number, first.author, first.body) == (1, asker, "Тайна урока")
    assert [_told(expert, kinds.LINE_QUESTION) for expert in experts] == [1, 1]
    assert _told(asker, kinds.LINE_QUESTION) == 0
    notice = Notification.objects.filter(kind=kinds.LINE_QUESTION).first()
    assert notice.target_title == line.title
    # Nothing of the question leaves the site: the e-mails name the line.
    for letter in mailoutbox:
        assert "Секретный" not in letter.subject + letter.body
        assert "Тайна" not in letter.body


def test_question_ask_refuses_an_inactive_line_and_an_outsider_of_a_private_one(
    line,
):
    moderator = site_moderator()
    lines.line_update(
        line=line, by=moderator, title=line.title, description=line.description,
        answer_within_days=3, is_active=False,
    )  # fmt: skip
    community, _moderator, member = community_with_moderator(
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
    )
    private = community_line(community)

    with pytest.raises(PermissionDenied):
        asked(line)
    with pytest.raises(PermissionDenied):
        asked(private, EstablishedUserFactory())
    assert asked(private, member).line == private


def test_question_ask_needs_a_subject_and_a_text(line):
    with pytest.raises(ValidationError) as no_subject:
        asked(line, subject="  ")
    with pytest.raises(ValidationError) as no_text:
        asked(line, body=" ")

    assert "subject" in no_subject.value.message_dict
    assert no_text.value.code == "empty"
    assert not Question.objects.exists()


def test_question_ask_limits_a_new_member_per_day(line, settings):
    from accounts.tests.factories import UserFactory

    settings.MODERATION_NEW_MEMBER_CONVERSATIONS_PER_DAY = 2
    newcomer = UserFactory()
    asked(line, newcomer, subject="Первый")
    asked(line, newcomer, subject="Второй")

    with pytest.raises(ValidationError) as error:
        asked(line, newcomer, subject="Третий")

    assert error.value.code == "rate"


# --- Taking -----------------------------------------------------------------------


def test_question_take_gives_it_to_the_expert_with_a_deadline(line, experts):
    question = asked(line)
    expert = experts[0]
    before = timezone.now()

    lines.question_take(question=question, expert=expert)

    question.refresh_from_db()
    assert question.status == Question.Status.TAKEN
    assert question.expert == expert
    assert question.due_at >= before + datetime.timedelta(days=3)
    assert _participant(question, expert).status == Participant.Status.ACTIVE
    event = question.conversation.messages.get(number=2)
    assert (event.kind, event.event_user) == (Message.Kind.JOINED, expert)
    assert _told(question.asker, kinds.LINE_TAKEN) == 1


def test_of_two_experts_taking_at_once_one_wins(line, experts):
    question = asked(line)
    seen_by_first = Question.objects.get(pk=question.pk)
    seen_by_second = Question.objects.get(pk=question.pk)

    lines.question_take(question=seen_by_first, expert=experts[0])
    with pytest.raises(ValidationError) as lost:
        lines.question_take(question=seen_by_second, expert=experts[1])

    assert lost.value.code == "taken"
    assert Question.objects.get(pk=question.pk).expert == experts[0]
    assert not Participant.objects.filter(
        conversation=question.conversation, user=experts[1]
    ).exists()
    assert _told(question.asker, kinds.LINE_TAKEN) == 1


def test_question_take_is_refused_to_non_experts_and_the_asker(subject, line):
    asker = subject_expert(subject)
    question = asked(line, asker)

    for user in (asker, EstablishedUserFactory(), subject_expert(a_subject(1))):
        with pytest.raises(PermissionDenied):
            lines.question_take(question=question, expert=user)
    assert _status(question) == Question.Status.OPEN


# --- Handing over, withdrawing ------------------------------------------------------


def test_question_hand_over_moves_it_to_another_expert(line, experts):
    first, second = experts
    question = asked(line)
    lines.question_take(question=question, expert=first)

    lines.question_hand_over(question=question, expert=first, to=second)

    question.refresh_from_db()
    assert question.expert == second
    assert question.status == Question.Status.TAKEN
    event = question.conversation.messages.order_by("-number").first()
    assert (event.kind, event.author, event.event_user) == (
        Message.Kind.HANDED_OVER,
        first,
        second,
    )
    old = _participant(question, first)
    assert old.status == Participant.Status.LEFT
    assert old.visible_until == event.number
    assert _participant(question, second).status == Participant.Status.ACTIVE
    assert _told(second, kinds.LINE_HANDED_OVER) == 1


def test_question_hand_over_only_by_its_holder_to_another_expert(line, experts):
    first, second = experts
    question = asked(line)
    lines.question_take(question=question, expert=first)

    with pytest.raises(PermissionDenied):
        lines.question_hand_over(question=question, expert=second, to=first)
    for to in (EstablishedUserFactory(), question.asker, first):
        with pytest.raises(ValidationError) as error:
            lines.question_hand_over(question=question, expert=first, to=to)
        assert error.value.code == "not_expert"
    assert Question.objects.get(pk=question.pk).expert == first


def test_question_withdraw_by_its_asker_only(line, experts):
    question = asked(line)
    lines.question_take(question=question, expert=experts[0])

    with pytest.raises(PermissionDenied):
        lines.question_withdraw(question=question, user=experts[0])
    lines.question_withdraw(question=question, user=question.asker)

    assert _status(question) == Question.Status.WITHDRAWN
    with pytest.raises(PermissionDenied):
        lines.question_withdraw(question=question, user=question.asker)


# --- Answering ------------------------------------------------------------------------


def test_the_holding_experts_message_answers_the_question_once(line, experts):
    expert = experts[0]
    question = asked(line)
    conversation = question.conversation
    services.message_send(conversation=conversation, author=question.asker, body="А?")
    assert _status(question) == Question.Status.OPEN
    lines.question_take(question=question, expert=expert)

    services.message_send(
        conversation=conversation, author=question.asker, body="Жду ответа"
    )
    assert _status(question) == Question.Status.TAKEN
    services.message_send(conversation=conversation, author=expert, body="Вот ответ")
    answered_at = Question.objects.get(pk=question.pk).answered_at
    services.message_send(conversation=conversation, author=expert, body="И ещё")

    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED
    assert question.expert == expert
    assert question.answered_at == answered_at is not None


def test_an_answered_question_is_neither_released_nor_withdrawn(line, experts):
    question = asked(line)
    lines.question_take(question=question, expert=experts[0])
    services.message_send(
        conversation=question.conversation, author=experts[0], body="Ответ"
    )
    question.refresh_from_db()

    assert lines.line_deadlines_run(
        now=timezone.now() + datetime.timedelta(days=30)
    ) == (0, 0)
    with pytest.raises(PermissionDenied):
        lines.question_withdraw(question=question, user=question.asker)


# --- Deadlines ------------------------------------------------------------------------


def test_the_reminder_comes_once_before_the_deadline(line, experts, settings):
    settings.LINES_REMINDER_HOURS = 24
    question = asked(line)
    lines.question_take(question=question, expert=experts[0])
    due = Question.objects.get(pk=question.pk).due_at

    assert lines.line_deadlines_run(now=due - datetime.timedelta(hours=30)) == (0, 0)
    soon = due - datetime.timedelta(hours=5)
    assert lines.line_deadlines_run(now=soon) == (1, 0)
    assert lines.line_deadlines_run(now=soon) == (0, 0)

    assert _told(experts[0], kinds.LINE_REMINDER) == 1
    assert Question.objects.get(pk=question.pk).reminded_at == soon


def test_the_release_comes_once_at_the_deadline(line, experts):
    holder, other = experts
    question = asked(line)
    lines.question_take(question=question, expert=holder)
    due = Question.objects.get(pk=question.pk).due_at

    assert lines.line_deadlines_run(now=due) == (0, 1)
    assert lines.line_deadlines_run(now=due) == (0, 0)

    question.refresh_from_db()
    assert question.status == Question.Status.OPEN
    assert (question.expert, question.due_at, question.taken_at) == (None, None, None)
    left = _participant(question, holder)
    assert left.status == Participant.Status.LEFT
    event = question.conversation.messages.order_by("-number").first()
    assert (event.kind, event.author) == (Message.Kind.LEFT, holder)
    assert left.visible_until == event.number
    assert _told(holder, kinds.LINE_RELEASED) == 1
    assert _told(other, kinds.LINE_RELEASED) == 1
    assert _told(question.asker, kinds.LINE_RELEASED) == 0
    # Back in the queue: another expert takes it.
    lines.question_take(question=question, expert=other)
    assert Question.objects.get(pk=question.pk).expert == other


def test_a_hand_over_starts_a_new_deadline(line, experts):
    first, second = experts
    question = asked(line)
    lines.question_take(question=question, expert=first)
    first_due = Question.objects.get(pk=question.pk).due_at

    lines.question_hand_over(question=question, expert=first, to=second)

    fresh = Question.objects.get(pk=question.pk)
    assert fresh.due_at > first_due
    assert fresh.reminded_at is None
    # The first deadline passes: the second expert is reminded, not released.
    assert lines.line_deadlines_run(now=first_due) == (1, 0)
    assert lines.line_deadlines_run(now=fresh.due_at) == (0, 1)


# --- At once (PostgreSQL) -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_experts_taking_at_once_one_wins_on_postgresql(vocabulary):
    from community.tests.races import needs_postgresql, together

    needs_postgresql()
    subject = a_subject()
    line = subject_line(site_moderator(), subject)
    experts = [subject_expert(subject) for _ in range(3)]
    question = asked(line)

    errors = together(
        [
            lambda expert=expert: lines.question_take(
                question=Question.objects.get(pk=question.pk), expert=expert
            )
            for expert in experts
        ]
    )

    assert sorted(type(error).__name__ for error in errors) == [
        "NoneType",
        "ValidationError",
        "ValidationError",
    ]
    taken = Question.objects.get(pk=question.pk)
    assert taken.expert in experts
    assert (
        Participant.objects.filter(
            conversation=question.conversation, user__in=experts
        ).count()
        == 1
    )
    assert Notification.objects.filter(kind=kinds.LINE_TAKEN).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_deadline_runs_at_once_release_once_on_postgresql(vocabulary):
    from community.tests.races import needs_postgresql, together

    needs_postgresql()
    subject = a_subject()
    line = subject_line(site_moderator(), subject)
    expert = subject_expert(subject)
    question = asked(line)
    lines.question_take(question=question, expert=expert)
    due = Question.objects.get(pk=question.pk).due_at

    errors = together([lambda: lines.line_deadlines_run(now=due) for _ in range(3)])

    assert errors == [None, None, None]
    assert Question.objects.get(pk=question.pk).status == Question.Status.OPEN
    assert question.conversation.messages.filter(kind=Message.Kind.LEFT).count() == 1
    assert Notification.objects.get(recipient=expert, kind=kinds.LINE_RELEASED)


def test_a_suspended_member_makes_edits_asks_and_takes_nothing(line, experts):
    from community.standing import ParticipationRestricted

    community, _moderator, member = community_with_moderator()
    own = community_line(community)
    later = timezone.now() + datetime.timedelta(days=3)
    owner = community.founder
    for user in (owner, member, experts[0]):
        user.restricted_until = later
        user.save(update_fields=["restricted_until"])
    question = asked(line)

    with pytest.raises(ParticipationRestricted):
        lines.line_create(by=owner, community=community, title="Т", description="Т")
    with pytest.raises(ParticipationRestricted):
        lines.line_update(
            line=own, by=owner, title="Т", description="Т", answer_within_days=1,
            is_active=True,
        )  # fmt: skip
    with pytest.raises(ParticipationRestricted):
        asked(own, member)
    with pytest.raises(ParticipationRestricted):
        lines.question_take(question=question, expert=experts[0])
    assert _status(question) == Question.Status.OPEN


def test_a_question_sent_twice_at_once_is_asked_once(line, experts):
    asker = EstablishedUserFactory()

    first = asked(line, asker, subject="Про дроби")
    again = asked(line, asker, subject="Про дроби")

    assert again == first
    assert Question.objects.count() == 1
    assert _told(experts[0], kinds.LINE_QUESTION) == 1


def test_the_holding_expert_who_leaves_gives_the_question_back(line, experts):
    """Leaving a question one holds is giving it back to the line at once,
    as at its deadline: it waits for an expert again, the others are told."""
    holder, other = experts
    question = asked(line)
    lines.question_take(question=question, expert=holder)

    services.conversation_leave(conversation=question.conversation, user=holder)

    question.refresh_from_db()
    assert (question.status, question.expert) == (Question.Status.OPEN, None)
    assert _participant(question, holder).status == Participant.Status.LEFT
    assert _told(other, kinds.LINE_RELEASED) == 1
    lines.question_take(question=question, expert=other)


def test_the_asker_who_leaves_withdraws_the_question(line, experts):
    """An asker who leaves their question takes it off the queue: no expert
    answers into a conversation its asker no longer reads."""
    question = asked(line)

    services.conversation_leave(conversation=question.conversation, user=question.asker)

    question.refresh_from_db()
    assert question.status == Question.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        lines.question_take(question=question, expert=experts[0])


def test_a_released_question_whose_expert_is_gone_goes_back_quietly(line, experts):
    """The deadline run does not stop at a question whose expert's account
    was removed outright: it goes back to the line, the next is released."""
    gone, holder = experts
    first, second = asked(line), asked(line)
    lines.question_take(question=first, expert=gone)
    lines.question_take(question=second, expert=holder)
    due = max(
        Question.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "due_at", flat=True
        )
    )
    gone.delete()

    assert lines.line_deadlines_run(now=due - datetime.timedelta(hours=1)) == (1, 0)
    assert lines.line_deadlines_run(now=due) == (0, 2)
    assert set(
        Question.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "status", flat=True
        )
    ) == {Question.Status.OPEN}


def test_the_reminder_is_urgent_for_an_expert_on_digests(
    line, experts, settings, django_capture_on_commit_callbacks
):
    """A reminder bound to a deadline reaches an expert who chose digests by
    e-mail at once."""
    from django.core import mail

    from accounts.models import NotificationSetting

    settings.LINES_REMINDER_HOURS = 24
    holder = experts[0]
    NotificationSetting.objects.create(
        user=holder,
        kind=NotificationSetting.Kind.MESSAGES,
        delivery=NotificationSetting.Delivery.DIGEST,
    )
    question = asked(line)
    lines.question_take(question=question, expert=holder)
    due = Question.objects.get(pk=question.pk).due_at
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reminded = lines.line_deadlines_run(now=due - datetime.timedelta(hours=5))
    assert reminded == (1, 0)
    assert [holder.email] in [letter.to for letter in mail.outbox]
