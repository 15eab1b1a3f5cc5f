"""Polls on forum topics: made, edited, voted in, closed and deleted.

Every write that touches the counts takes the poll's row first
(``_poll_locked``): a member's ballot is one row (unique), its choices
replaced under the lock, so two submits at once — the same member's or two
members' — count as they should, and a repeated submit of the same choices
answers as one. The counts shown (``PollOption.vote_count``,
``Poll.voter_count``) are kept here with ``F()``.

A vote leaves no trace anywhere but its ballot: no feed event, no
notification, no audit entry — a secret poll's voters are named nowhere.
What follows each write is ``changes.poll_changed``.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community import limits
from community import services as community
from community.sanctions import participation_check
from contests import changes
from contests.models import Poll, PollBallot, PollChoice, PollOption
from contests.permissions_polls import (
    can_add_poll,
    can_close_poll,
    can_delete_poll,
    can_edit_poll,
    can_moderate_poll,
    can_see_poll,
    can_vote,
    poll_is_open,
)

__all__ = [
    "AUDIT_CLOSE",
    "AUDIT_DELETE",
    "KEEP",
    "MAX_OPTIONS",
    "MIN_OPTIONS",
    "SCALE",
    "poll_close",
    "poll_create",
    "poll_delete",
    "poll_unvote",
    "poll_update",
    "poll_vote",
    "poll_votes_erase",
]

# ``poll_update``'s default: the poll's own value stays.
KEEP = object()
MIN_OPTIONS = 2
MAX_OPTIONS = 20
# A scale's options: their text and value.
SCALE = [1, 2, 3, 4, 5]
# A moderator's decision on someone else's poll goes on record.
AUDIT_CLOSE = "poll_close"
AUDIT_DELETE = "poll_delete"


def _poll_locked(poll: Poll) -> Poll:
    """The poll's row, locked until the transaction ends, with its topic and
    section (the checks read them)."""
    return (
        Poll.objects.select_for_update(of=("self",))
        .select_related("topic__section")
        .get(pk=poll.pk)
    )


def _options_clean(kind: str, options: Iterable[str]) -> list[tuple[str, int | None]]:
    """The options as (text, value): a scale's are 1 to 5; the others
    stripped, blank lines and repeats (whatever their case) left out,
    2 to 20 of them. Raises ValidationError({"options": …})."""
    if kind == Poll.Kind.SCALE:
        return [(str(value), value) for value in SCALE]
    cleaned, seen = [], set()
    for text in options:
        text = " ".join(str(text).split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append((text, None))
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise ValidationError(
            {
                "options": ValidationError(
                    _("Give from %(min)d to %(max)d different answers.")
                    % {"min": MIN_OPTIONS, "max": MAX_OPTIONS},
                    code="options",
                )
            }
        )
    for text, _value in cleaned:
        if len(text) > PollOption._meta.get_field("text").max_length:
            raise ValidationError(
                {
                    "options": ValidationError(
                        _("An answer is at most 200 characters long."),
                        code="options",
                    )
                }
            )
    return cleaned


def _max_choices(kind: str, max_choices: int | None, count: int) -> int:
    """One answer for a single choice and a scale; for several answers, at
    most ``max_choices`` (all of them when not given), from 2 up to the
    number of answers."""
    if kind != Poll.Kind.MULTIPLE:
        return 1
    if max_choices is None:
        return count
    if not 2 <= max_choices <= count:
        raise ValidationError(
            {
                "max_choices": ValidationError(
                    _(
                        "With several answers, allow from 2 up to the number of "
                        "answers (%(count)d)."
                    )
                    % {"count": count},
                    code="max_choices",
                )
            }
        )
    return max_choices


def _closes_at_check(closes_at, *, was=None) -> None:
    # A close date in the past would open a poll already closed; an
    # unchanged one is kept as it is.
    if closes_at is not None and closes_at != was and closes_at <= timezone.now():
        raise ValidationError(
            {
                "closes_at": ValidationError(
                    _("The poll must close in the future."), code="closes_at"
                )
            }
        )


def _audience_check(audience: str, topic) -> None:
    if audience == Poll.Audience.COMMUNITY and topic.section.group_id is None:
        raise ValidationError(
            {
                "audience": ValidationError(
                    _("Only a poll in a community's section can be for its members."),
                    code="audience",
                )
            }
        )


def _options_write(poll: Poll, options: list[tuple[str, int | None]]) -> None:
    PollOption.objects.bulk_create(
        PollOption(poll=poll, position=position, text=text, value=value)
        for position, (text, value) in enumerate(options)
    )


@transaction.atomic
def poll_create(
    *,
    topic,
    author,
    question: str,
    kind: str,
    options: Iterable[str] = (),
    max_choices: int | None = None,
    results: str = Poll.Results.ALWAYS,
    voters_shown: bool = False,
    audience: str = Poll.Audience.READERS,
    closes_at=None,
) -> Poll:
    """A poll on ``topic`` (one per topic) by its author or a moderator of
    its section: one answer, several (at most ``max_choices``; None: any
    number) or a scale from 1 to 5 (its options made here, ``options``
    ignored).

    Raises PermissionDenied (restricted members, who may not add one),
    ValidationError(code="rate") past a new member's hourly limit,
    ValidationError(code="exists") when the topic has a poll, or a dict by
    field (the options, ``max_choices``, ``audience``, ``closes_at``).
    """
    participation_check(author)
    if not can_add_poll(author, topic):
        raise PermissionDenied
    limits.write_limit_check(author, limits.POLLS, Poll.objects.filter(author=author))
    if Poll.objects.filter(topic=topic).exists():
        raise ValidationError(_("The topic already has a poll."), code="exists")
    cleaned = _options_clean(kind, options)
    _audience_check(audience, topic)
    _closes_at_check(closes_at)
    poll = Poll(
        topic=topic,
        author=author,
        question=" ".join(question.split()),
        kind=kind,
        max_choices=_max_choices(kind, max_choices, len(cleaned)),
        results=results,
        voters_shown=voters_shown,
        audience=audience,
        closes_at=closes_at,
    )
    poll.full_clean(exclude=["topic", "author"])
    try:
        # Two polls added to one topic at once: the second is refused.
        with transaction.atomic():
            poll.save()
    except IntegrityError:
        raise ValidationError(
            _("The topic already has a poll."), code="exists"
        ) from None
    _options_write(poll, cleaned)
    changes.poll_changed(poll)
    return poll


@transaction.atomic
def poll_update(
    *,
    poll: Poll,
    editor,
    question: str,
    kind: str | None = None,
    options: Iterable[str] | None = None,
    max_choices=KEEP,
    results: str,
    voters_shown: bool,
    closes_at,
) -> Poll:
    """Change an open poll: its author or the section's moderators.

    The question, the results' rule and the close date change any time
    while it is open. The answers, the kind and ``max_choices`` only while
    nobody has voted (else ValidationError(code="voted")); left out, they
    stay (``max_choices`` None: any number of the answers). Secret voters
    stay secret once anyone voted (ValidationError(code="secret")).
    Raises PermissionDenied, or ValidationError(code="closed") for a closed
    poll.
    """
    participation_check(editor)
    poll = _poll_locked(poll)
    if not can_see_poll(editor, poll):
        raise PermissionDenied
    if not poll_is_open(poll):
        raise ValidationError(_("The poll is closed."), code="closed")
    if not can_edit_poll(editor, poll):
        raise PermissionDenied
    kind = kind or poll.kind
    current = [option.text for option in poll.options.all()]
    new_options = None
    if kind != poll.kind or options is not None:
        new_options = _options_clean(kind, current if options is None else options)
    count = len(new_options) if new_options is not None else len(current)
    if max_choices is KEEP:
        # "Any number" stays any number of the new answers.
        kept = kind == poll.kind and poll.max_choices < len(current)
        max_choices = poll.max_choices if kept else None
    new_max = _max_choices(kind, max_choices, count)
    shape_changed = (
        kind != poll.kind
        or new_max != poll.max_choices
        or (new_options is not None and [t for t, _v in new_options] != current)
    )
    if shape_changed and poll.voter_count:
        raise ValidationError(
            _("Colleagues have voted: the answers can no longer change."),
            code="voted",
        )
    if voters_shown and not poll.voters_shown and poll.voter_count:
        raise ValidationError(
            _("Colleagues voted in secret: the poll cannot show its voters now."),
            code="secret",
        )
    _closes_at_check(closes_at, was=poll.closes_at)
    poll.question = " ".join(question.split())
    poll.kind = kind
    poll.max_choices = new_max
    poll.results = results
    poll.voters_shown = voters_shown
    poll.closes_at = closes_at
    poll.full_clean(exclude=["topic", "author"])
    poll.save(
        update_fields=[
            "question",
            "kind",
            "max_choices",
            "results",
            "voters_shown",
            "closes_at",
            "updated_at",
        ]
    )
    if shape_changed:
        # Nobody has voted: the answers are made again.
        PollOption.objects.filter(poll=poll).delete()
        _options_write(poll, new_options)
    changes.poll_changed(poll)
    return poll


def _choices_check(poll: Poll, option_ids: Iterable[int]) -> set[int]:
    """The options chosen, each of the poll: one for a single answer or a
    scale, 1 to ``max_choices`` for several. ValidationError(code="choices")."""
    chosen = {int(pk) for pk in option_ids}
    known = set(PollOption.objects.filter(poll=poll).values_list("pk", flat=True))
    if not chosen or not chosen <= known:
        raise ValidationError(_("Choose an answer."), code="choices")
    if poll.kind != Poll.Kind.MULTIPLE and len(chosen) != 1:
        raise ValidationError(_("Choose one answer."), code="choices")
    if len(chosen) > poll.max_choices:
        raise ValidationError(
            _("Choose at most %(count)d answers.") % {"count": poll.max_choices},
            code="choices",
        )
    return chosen


def _counts_move(option_ids: Iterable[int], step: int) -> None:
    option_ids = list(option_ids)
    if option_ids:
        PollOption.objects.filter(pk__in=option_ids).update(
            vote_count=F("vote_count") + step
        )


def _poll_for_voter(poll: Poll, voter) -> Poll:
    """The poll, locked, when ``voter`` may vote in it now."""
    participation_check(voter)
    poll = _poll_locked(poll)
    if not can_see_poll(voter, poll):
        raise PermissionDenied
    if not poll_is_open(poll):
        raise ValidationError(_("The poll is closed."), code="closed")
    if not can_vote(voter, poll):
        raise PermissionDenied
    return poll


@transaction.atomic
def poll_vote(*, poll: Poll, voter, option_ids: Iterable[int]) -> PollBallot:
    """Cast ``voter``'s vote, or change it: her one ballot holds the options
    chosen now. The same choices again (a double submit) change nothing and
    answer the ballot.

    Raises PermissionDenied (may not vote here: not a reader, not of the
    community, restricted), ValidationError(code="closed") or
    ValidationError(code="choices") (none, another poll's, too many).
    """
    poll = _poll_for_voter(poll, voter)
    chosen = _choices_check(poll, option_ids)
    ballot, created = PollBallot.objects.get_or_create(poll=poll, voter=voter)
    before = set(ballot.choices.values_list("option_id", flat=True))
    if chosen == before:
        return ballot
    ballot.choices.filter(option_id__in=before - chosen).delete()
    PollChoice.objects.bulk_create(
        PollChoice(ballot=ballot, option_id=pk) for pk in sorted(chosen - before)
    )
    _counts_move(before - chosen, -1)
    _counts_move(chosen - before, +1)
    if created:
        Poll.objects.filter(pk=poll.pk).update(voter_count=F("voter_count") + 1)
    else:
        ballot.save(update_fields=["updated_at"])
    changes.poll_changed(poll)
    return ballot


@transaction.atomic
def poll_unvote(*, poll: Poll, voter) -> bool:
    """Take ``voter``'s vote back while the poll is open; returns whether
    there was one (a second call changes nothing).

    Raises PermissionDenied or ValidationError(code="closed").
    """
    poll = _poll_for_voter(poll, voter)
    return _ballot_remove(poll, PollBallot.objects.filter(poll=poll, voter=voter))


def _ballot_remove(poll: Poll, ballots) -> bool:
    """Delete the ballot (at most one) keeping the counts; the caller holds
    the poll's row lock."""
    ballot = ballots.first()
    if ballot is None:
        return False
    _counts_move(ballot.choices.values_list("option_id", flat=True), -1)
    ballot.delete()
    Poll.objects.filter(pk=poll.pk).update(voter_count=F("voter_count") - 1)
    changes.poll_changed(poll)
    return True


@transaction.atomic
def poll_close(*, poll: Poll, actor) -> Poll:
    """Close the poll now: its author or the section's moderators (a
    moderator's close of someone else's poll goes on record). A poll
    already closed is answered as it is.

    Raises PermissionDenied.
    """
    participation_check(actor)
    poll = _poll_locked(poll)
    if not can_see_poll(actor, poll):
        raise PermissionDenied
    if not poll_is_open(poll):
        return poll
    if not can_close_poll(actor, poll):
        raise PermissionDenied
    poll.closed_at = timezone.now()
    poll.save(update_fields=["closed_at", "updated_at"])
    if actor.pk != poll.author_id:
        community.audit(actor=actor, action=AUDIT_CLOSE, target=poll)
    changes.poll_changed(poll)
    return poll


@transaction.atomic
def poll_delete(*, poll: Poll, actor, reason: str = "") -> None:
    """Delete the poll with its ballots: its author while nobody has voted
    (else ValidationError(code="voted")), the section's moderators always
    (on record when it is not their own).

    Raises PermissionDenied.
    """
    participation_check(actor)
    poll = _poll_locked(poll)
    if not can_see_poll(actor, poll):
        raise PermissionDenied
    if not can_delete_poll(actor, poll):
        if actor.pk == poll.author_id:
            raise ValidationError(
                _("Colleagues have voted: only a moderator can delete the poll."),
                code="voted",
            )
        raise PermissionDenied
    if actor.pk != poll.author_id or (
        poll.voter_count and can_moderate_poll(actor, poll)
    ):
        community.audit(actor=actor, action=AUDIT_DELETE, target=poll, reason=reason)
    poll.delete()
    changes.poll_changed(poll)


@transaction.atomic
def poll_votes_erase(*, user) -> int:
    """Take back every vote of ``user`` (her account erased), open polls and
    closed alike, keeping each poll's counts; returns how many."""
    erased = 0
    poll_ids = PollBallot.objects.filter(voter=user).values_list("poll_id", flat=True)
    for poll in Poll.objects.filter(pk__in=list(poll_ids)).order_by("pk"):
        poll = _poll_locked(poll)
        erased += _ballot_remove(poll, PollBallot.objects.filter(poll=poll, voter=user))
    return erased
