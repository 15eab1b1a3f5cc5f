"""Polls' rules, at the services: the kinds of poll and their answers, who
adds, edits, votes, closes and deletes, votes changed until closing, options
fixed once anyone voted, a community's members only, secret voters, the
counts kept."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.audience import Audience
from community.models import ActivityEvent, AuditEntry, Notification
from community.standing import ParticipationRestricted
from contests.models import Poll, PollBallot, PollChoice
from contests.permissions_polls import (
    can_add_poll,
    can_see_results,
    can_see_voters,
    can_vote,
    poll_is_open,
)
from contests.services import polls as services
from contests.tests.helpers_polls import (
    counts,
    fresh,
    group_made,
    options_of,
    poll_made,
    polls_registered,  # noqa: F401 (autouse)
    topic_made,
    vote,
    voters_made,
)
from forums.models import Topic

pytestmark = pytest.mark.django_db

SINGLE, MULTIPLE, SCALE = Poll.Kind.SINGLE, Poll.Kind.MULTIPLE, Poll.Kind.SCALE


def _code(error: pytest.ExceptionInfo) -> set:
    value = error.value
    if hasattr(value, "error_dict"):
        return {item.code for items in value.error_dict.values() for item in items}
    return {item.code for item in value.error_list}


def _past(poll: Poll) -> Poll:
    """The poll's close date gone by (as time passing would have it)."""
    Poll.objects.filter(pk=poll.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    return fresh(poll)


# --- Making a poll --------------------------------------------------------------


def test_poll_create_single_keeps_the_answers_in_order_without_blanks_or_repeats():
    poll = poll_made(options=["  Да ", "", "Нет", "да", "Не  знаю"])

    assert [option.text for option in options_of(poll)] == ["Да", "Нет", "Не знаю"]
    assert (poll.kind, poll.max_choices, poll.voter_count) == (SINGLE, 1, 0)


def test_poll_create_multiple_takes_up_to_k_or_every_answer():
    limited = poll_made(kind=MULTIPLE, options=list("абвг"), max_choices=2)
    anything = poll_made(kind=MULTIPLE, options=list("абвг"), max_choices=None)

    assert limited.max_choices == 2
    assert anything.max_choices == 4


@pytest.mark.parametrize("k", [1, 5])
def test_poll_create_multiple_refuses_a_k_outside_two_to_the_answers(k):
    with pytest.raises(ValidationError) as error:
        poll_made(kind=MULTIPLE, options=list("абвг"), max_choices=k)
    assert _code(error) == {"max_choices"}


def test_poll_create_scale_makes_its_answers_one_to_five():
    poll = poll_made(kind=SCALE, options=["ignored"])

    shown = [(option.text, option.value) for option in options_of(poll)]
    assert shown == [("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5)]
    assert poll.max_choices == 1


@pytest.mark.parametrize("answers", [["Один"], [f"Ответ {n}" for n in range(21)]])
def test_poll_create_takes_two_to_twenty_answers(answers):
    with pytest.raises(ValidationError) as error:
        poll_made(options=answers)
    assert _code(error) == {"options"}
    assert not Poll.objects.exists()


def test_poll_create_one_poll_per_topic():
    topic = topic_made()
    poll_made(topic)

    with pytest.raises(ValidationError) as error:
        poll_made(topic)
    assert _code(error) == {"exists"}


def test_poll_create_refuses_a_close_date_in_the_past():
    with pytest.raises(ValidationError) as error:
        poll_made(closes_at=timezone.now() - datetime.timedelta(hours=1))
    assert _code(error) == {"closes_at"}


def test_poll_create_for_a_community_only_in_a_community_section():
    with pytest.raises(ValidationError) as error:
        poll_made(audience=Poll.Audience.COMMUNITY)
    assert _code(error) == {"audience"}

    group = group_made()
    poll = poll_made(group.topic, audience=Poll.Audience.COMMUNITY)
    assert poll.audience == Poll.Audience.COMMUNITY


def test_poll_create_by_the_author_or_the_section_moderators_only(moderator):
    topic = topic_made()
    section_moderator = UserFactory()
    topic.section.moderators.add(section_moderator)
    stranger = UserFactory()

    assert not can_add_poll(stranger, topic)
    with pytest.raises(PermissionDenied):
        poll_made(topic, author=stranger)
    assert can_add_poll(section_moderator, Topic.objects.get(pk=topic.pk))
    assert can_add_poll(moderator, topic)
    poll = poll_made(topic, author=section_moderator)
    assert poll.author == section_moderator


def test_poll_create_not_on_a_locked_topic_by_its_author_but_by_a_moderator(
    moderator,
):
    topic = topic_made(is_locked=True)

    with pytest.raises(PermissionDenied):
        poll_made(topic)
    assert poll_made(topic, author=moderator).pk


def test_poll_create_refuses_a_restricted_member():
    author = UserFactory(restricted_until=timezone.now() + datetime.timedelta(days=1))

    with pytest.raises(ParticipationRestricted):
        poll_made(topic_made(author=author))


def test_poll_create_a_new_member_past_the_hourly_limit(settings):
    settings.MODERATION_NEW_MEMBER_PER_HOUR = {
        **settings.MODERATION_NEW_MEMBER_PER_HOUR,
        "polls": 2,
    }
    author = UserFactory()
    for _ in range(2):
        poll_made(topic_made(author=author))

    with pytest.raises(ValidationError) as error:
        poll_made(topic_made(author=author))
    assert _code(error) == {"rate"}


# --- Voting -----------------------------------------------------------------------


def test_poll_vote_counts_one_ballot_and_a_change_moves_the_counts():
    poll = poll_made()
    first, second = UserFactory(), UserFactory()

    vote(poll, first, 0)
    vote(poll, second, 0)
    assert counts(poll) == (2, [2, 0, 0])

    vote(poll, second, 2)
    assert counts(poll) == (2, [1, 0, 1])
    assert PollBallot.objects.filter(poll=poll).count() == 2
    assert PollChoice.objects.filter(ballot__poll=poll).count() == 2


def test_poll_vote_the_same_choice_again_answers_the_same_ballot():
    poll = poll_made()
    member = UserFactory()

    ballot = vote(poll, member, 1)
    again = vote(poll, member, 1)

    assert again.pk == ballot.pk
    assert counts(poll) == (1, [0, 1, 0])


def test_poll_vote_multiple_up_to_k():
    poll = poll_made(kind=MULTIPLE, options=list("абвг"), max_choices=2)
    member = UserFactory()

    vote(poll, member, 0, 3)
    assert counts(poll) == (1, [1, 0, 0, 1])
    with pytest.raises(ValidationError) as error:
        vote(poll, member, 0, 1, 2)
    assert _code(error) == {"choices"}
    vote(poll, member, 1, 3)
    assert counts(poll) == (1, [0, 1, 0, 1])


@pytest.mark.parametrize("kind", [SINGLE, SCALE])
def test_poll_vote_one_answer_only_for_single_and_scale(kind):
    poll = poll_made(kind=kind)

    with pytest.raises(ValidationError) as error:
        vote(poll, UserFactory(), 0, 1)
    assert _code(error) == {"choices"}
    assert counts(poll)[0] == 0


def test_poll_vote_refuses_nothing_and_another_poll_s_answer():
    poll, other = poll_made(), poll_made()
    member = UserFactory()

    for chosen in ([], [options_of(other)[0].pk]):
        with pytest.raises(ValidationError) as error:
            services.poll_vote(poll=poll, voter=member, option_ids=chosen)
        assert _code(error) == {"choices"}
    assert not PollBallot.objects.exists()


def test_poll_vote_on_a_scale_gives_the_mean():
    from contests.selectors_polls import poll_shown

    poll = poll_made(kind=SCALE)
    for position in (4, 4, 2):  # 5, 5, 3
        vote(poll, UserFactory(), position)

    shown = poll_shown(fresh(poll), UserFactory())
    assert str(shown.average) == "4.3"
    assert [option.votes for option in shown.options] == [0, 0, 1, 0, 2]


def test_a_member_changes_her_vote_until_the_poll_closes():
    poll = poll_made(closes_at=timezone.now() + datetime.timedelta(days=1))
    member = UserFactory()
    vote(poll, member, 0)
    vote(poll, member, 1)

    poll = _past(poll)
    assert not poll_is_open(poll)
    with pytest.raises(ValidationError) as error:
        vote(poll, member, 2)
    assert _code(error) == {"closed"}
    with pytest.raises(ValidationError):
        services.poll_unvote(poll=poll, voter=member)
    assert counts(poll) == (1, [0, 1, 0])


def test_poll_closed_early_takes_no_votes(moderator):
    poll = poll_made()
    services.poll_close(poll=poll, actor=poll.author)

    with pytest.raises(ValidationError) as error:
        vote(poll, UserFactory(), 0)
    assert _code(error) == {"closed"}


def test_poll_unvote_takes_the_vote_back_once():
    poll = poll_made(kind=MULTIPLE, options=list("абв"))
    member, other = UserFactory(), UserFactory()
    vote(poll, member, 0, 1)
    vote(poll, other, 1)

    assert services.poll_unvote(poll=fresh(poll), voter=member) is True
    assert services.poll_unvote(poll=fresh(poll), voter=member) is False
    assert counts(poll) == (1, [0, 1, 0])
    assert not PollChoice.objects.filter(ballot__voter=member).exists()


def test_a_community_poll_takes_only_its_members_votes():
    group = group_made()
    poll = poll_made(group.topic, audience=Poll.Audience.COMMUNITY)
    outsider = UserFactory()

    assert not can_vote(outsider, fresh(poll))
    with pytest.raises(PermissionDenied):
        vote(poll, outsider, 0)
    vote(poll, group.member, 0)
    assert counts(poll) == (1, [1, 0, 0])


def test_a_poll_for_readers_in_a_community_section_takes_every_reader():
    group = group_made()
    poll = poll_made(group.topic)

    vote(poll, UserFactory(), 0)
    assert counts(poll)[0] == 1


def test_a_private_community_s_poll_is_not_voted_in_by_outsiders():
    group = group_made(audience=Audience.GROUP)
    poll = poll_made(group.topic)

    with pytest.raises(PermissionDenied):
        vote(poll, UserFactory(), 0)


def test_nobody_votes_under_a_hidden_topic_nor_restricted(moderator):
    poll = poll_made()
    restricted = UserFactory(
        restricted_until=timezone.now() + datetime.timedelta(days=1)
    )
    with pytest.raises(ParticipationRestricted):
        vote(poll, restricted, 0)
    Topic.objects.filter(pk=poll.topic_id).update(is_hidden=True)
    with pytest.raises(PermissionDenied):
        vote(poll, moderator, 0)
    assert not can_vote(AnonymousUser(), fresh(poll))


def test_a_vote_tells_nobody_and_leaves_no_feed_event_or_record():
    poll = poll_made()
    notifications = Notification.objects.count()
    events = ActivityEvent.objects.count()

    member = UserFactory()
    vote(poll, member, 0)
    vote(poll, member, 1)
    services.poll_unvote(poll=fresh(poll), voter=member)

    assert Notification.objects.count() == notifications
    assert ActivityEvent.objects.count() == events
    assert not AuditEntry.objects.exists()


# --- Editing ----------------------------------------------------------------------


def _update(poll, editor=None, **fields):
    poll = fresh(poll)
    values = {
        "question": poll.question,
        "results": poll.results,
        "voters_shown": poll.voters_shown,
        "closes_at": poll.closes_at,
        **fields,
    }
    return services.poll_update(poll=poll, editor=editor or poll.author, **values)


def test_poll_update_changes_the_answers_while_nobody_voted():
    poll = poll_made()

    _update(poll, options=["Да", "Нет"], kind=MULTIPLE, max_choices=None)

    assert [option.text for option in options_of(poll)] == ["Да", "Нет"]
    assert (fresh(poll).kind, fresh(poll).max_choices) == (MULTIPLE, 2)


@pytest.mark.parametrize(
    "change",
    [
        {"options": ["Да", "Нет", "Другое"]},
        {"kind": MULTIPLE},
        {"kind": SCALE},
    ],
)
def test_poll_update_keeps_the_answers_once_anyone_voted(change):
    poll = poll_made()
    vote(poll, UserFactory(), 0)

    with pytest.raises(ValidationError) as error:
        _update(poll, **change)
    assert _code(error) == {"voted"}
    assert [option.text for option in options_of(poll)] == [
        "Да",
        "Нет",
        "Пока не решила",
    ]


def test_poll_update_with_votes_changes_the_question_rules_and_close_date():
    poll = poll_made(kind=MULTIPLE, options=list("абв"), max_choices=2)
    vote(poll, UserFactory(), 0)
    closes = timezone.now() + datetime.timedelta(days=3)

    _update(
        poll,
        question="Новый вопрос",
        options=list("абв"),
        results=Poll.Results.CLOSED,
        closes_at=closes,
    )

    poll = fresh(poll)
    assert (poll.question, poll.results, poll.closes_at) == (
        "Новый вопрос",
        Poll.Results.CLOSED,
        closes,
    )
    assert counts(poll) == (1, [1, 0, 0])


def test_secret_voters_stay_secret_once_anyone_voted():
    poll = poll_made()
    vote(poll, UserFactory(), 0)

    with pytest.raises(ValidationError) as error:
        _update(poll, voters_shown=True)
    assert _code(error) == {"secret"}

    shown = poll_made(voters_shown=True)
    vote(shown, UserFactory(), 0)
    assert _update(shown, voters_shown=False).voters_shown is False


def test_poll_update_by_neither_author_nor_moderator_is_refused():
    poll = poll_made()
    with pytest.raises(PermissionDenied):
        _update(poll, editor=UserFactory(), question="Чужой вопрос")


def test_poll_update_of_a_closed_poll_is_refused():
    poll = poll_made()
    services.poll_close(poll=poll, actor=poll.author)

    with pytest.raises(ValidationError) as error:
        _update(poll, question="Поздно")
    assert _code(error) == {"closed"}


# --- Closing and deleting ----------------------------------------------------------


def test_poll_close_by_its_author_goes_on_no_record_and_twice_is_once():
    poll = poll_made()

    closed = services.poll_close(poll=poll, actor=poll.author)
    again = services.poll_close(poll=fresh(poll), actor=poll.author)

    assert closed.closed_at is not None
    assert again.closed_at == closed.closed_at
    assert not AuditEntry.objects.exists()


def test_a_moderator_closes_someone_s_poll_on_record(moderator):
    poll = poll_made()

    services.poll_close(poll=poll, actor=moderator)

    assert fresh(poll).closed_at is not None
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target_id) == (
        moderator,
        services.AUDIT_CLOSE,
        poll.pk,
    )


def test_a_section_moderator_closes_a_poll_of_her_section():
    poll = poll_made()
    section_moderator = UserFactory()
    poll.topic.section.moderators.add(section_moderator)

    services.poll_close(poll=fresh(poll), actor=section_moderator)
    assert not poll_is_open(fresh(poll))


def test_poll_close_by_another_member_is_refused():
    poll = poll_made()
    with pytest.raises(PermissionDenied):
        services.poll_close(poll=poll, actor=UserFactory())
    assert poll_is_open(fresh(poll))


def test_poll_delete_by_its_author_only_while_nobody_voted():
    poll = poll_made()
    services.poll_delete(poll=poll, actor=poll.author)
    assert not Poll.objects.filter(pk=poll.pk).exists()

    voted = poll_made()
    vote(voted, UserFactory(), 0)
    with pytest.raises(ValidationError) as error:
        services.poll_delete(poll=fresh(voted), actor=voted.author)
    assert _code(error) == {"voted"}


def test_a_moderator_deletes_a_poll_with_votes_on_record(moderator):
    poll = poll_made()
    voters_made(poll, 3)
    pk = poll.pk

    services.poll_delete(poll=fresh(poll), actor=moderator, reason="Не по теме")

    assert not Poll.objects.filter(pk=pk).exists()
    assert not PollBallot.objects.filter(poll_id=pk).exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_id, entry.reason) == (
        services.AUDIT_DELETE,
        pk,
        "Не по теме",
    )


def test_poll_delete_by_another_member_is_refused():
    poll = poll_made()
    with pytest.raises(PermissionDenied):
        services.poll_delete(poll=poll, actor=UserFactory())


def test_poll_votes_erase_takes_back_her_votes_keeping_the_counts():
    open_poll = poll_made()
    closed = poll_made(kind=MULTIPLE, options=list("абв"))
    member, other = UserFactory(), UserFactory()
    vote(open_poll, member, 0)
    vote(closed, member, 0, 2)
    vote(closed, other, 2)
    services.poll_close(poll=fresh(closed), actor=closed.author)

    assert services.poll_votes_erase(user=member) == 2

    assert counts(open_poll) == (0, [0, 0, 0])
    assert counts(closed) == (1, [0, 0, 1])


# --- Who sees the results and the voters --------------------------------------------


@pytest.mark.parametrize(
    ("results", "before", "voted", "closed"),
    [
        (Poll.Results.ALWAYS, True, True, True),
        (Poll.Results.VOTED, False, True, True),
        (Poll.Results.CLOSED, False, False, True),
        (Poll.Results.STAFF, False, False, False),
    ],
)
def test_who_sees_the_results(results, before, voted, closed, moderator):
    poll = poll_made(results=results)
    member = UserFactory()

    assert can_see_results(member, poll, voted=False) is before
    assert can_see_results(member, poll, voted=True) is voted
    assert can_see_results(moderator, poll, voted=False) is (
        results in (Poll.Results.ALWAYS, Poll.Results.STAFF)
    )
    services.poll_close(poll=poll, actor=poll.author)
    assert can_see_results(member, fresh(poll), voted=False) is closed
    assert can_see_results(moderator, fresh(poll), voted=False) is True


def test_secret_voters_are_named_to_nobody_not_even_a_moderator(moderator):
    secret = poll_made()
    shown = poll_made(voters_shown=True)
    superuser = UserFactory(is_superuser=True, is_staff=True)

    for user in (secret.author, moderator, superuser, UserFactory()):
        assert not can_see_voters(user, secret, voted=True)
        assert can_see_voters(user, shown, voted=True)
