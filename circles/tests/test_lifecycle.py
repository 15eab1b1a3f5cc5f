"""Never abandoned: the nightly run makes a silent community dormant, opens it
again when someone writes, archives it read-only, and offers the ownership of
a community whose owner is away to its most active member. Each step once."""

import datetime
import re
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from circles import kinds, services, tasks
from circles.models import Community, Membership, OwnershipOffer
from circles.services import lifecycle
from circles.tests.factories import (
    CommunityFactory,
    MembershipFactory,
    OwnershipOfferFactory,
)
from community.models import AuditEntry, Notification
from community.notifications import audit_action_choices
from community.tests.races import together
from forums import services as forum_services
from forums.models import Post, Section
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _community(*, silent_since, status=Community.Status.OPEN, **fields):
    """An open community with its section, nothing in it since ``silent_since``;
    its owner was on the site today."""
    community = CommunityFactory(status=status, **fields)
    type(community.founder).objects.filter(pk=community.founder_id).update(
        last_seen_at=timezone.now()
    )
    section = SectionFactory(group_id=community.pk, last_post_at=silent_since)
    Community.objects.filter(pk=community.pk).update(
        section=section, opened_at=silent_since, last_activity_at=silent_since
    )
    community.refresh_from_db()
    return community


def _status(community) -> str:
    return Community.objects.get(pk=community.pk).status


def _actions(community) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            target_id=community.pk, action__startswith="community_"
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _told(kind) -> list:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True)
    )


def _away(user, days: int = 61):
    """A member last on the site ``days`` ago."""
    seen = timezone.now() - datetime.timedelta(days=days)
    type(user).objects.filter(pk=user.pk).update(
        date_joined=seen - DAY, last_login=seen, last_seen_at=seen
    )
    return user


def _posts(community, author, count: int, *, days_ago: int = 1) -> None:
    topic = TopicFactory(section=community.section, author=author)
    for _number in range(count - 1):
        PostFactory(topic=topic, author=author)
    Post.objects.filter(topic=topic).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


# --- Dormant, awake, archived ----------------------------------------------------


def test_silent_for_ninety_days_it_goes_dormant_not_at_eighty_nine():
    base = timezone.now() - datetime.timedelta(days=90)
    community = _community(silent_since=base)
    owner = community.founder
    Membership.objects.filter(community=community, user=owner).update(
        hearing=Membership.Hearing.NOTHING
    )
    everything = MembershipFactory(community=community).user
    MembershipFactory(community=community, hearing=Membership.Hearing.DIGEST)
    MembershipFactory(community=community, hearing=Membership.Hearing.NOTHING)

    lifecycle.communities_tend(now=base + datetime.timedelta(days=89))
    assert _status(community) == Community.Status.OPEN
    assert _told(kinds.DORMANT) == []

    done = lifecycle.communities_tend(now=base + datetime.timedelta(days=90))

    assert done["dormant"] == 1
    assert _status(community) == Community.Status.DORMANT
    # The owner whatever they chose, and the members who hear everything.
    assert _told(kinds.DORMANT) == sorted([owner.pk, everything.pk])
    assert _actions(community) == ["community_dormant"]
    told = Notification.objects.filter(kind=kinds.DORMANT).first()
    assert told.url == community.get_absolute_url()
    assert told.actor is None


@pytest.mark.parametrize("fresh", ["section", "last_activity_at", "opened_at"])
def test_any_sign_of_life_keeps_it_open(fresh):
    now = timezone.now()
    community = _community(silent_since=now - datetime.timedelta(days=120))
    recent = now - datetime.timedelta(days=10)
    if fresh == "section":
        Section.objects.filter(pk=community.section_id).update(last_post_at=recent)
    else:
        Community.objects.filter(pk=community.pk).update(**{fresh: recent})

    lifecycle.communities_tend(now=now)

    assert _status(community) == Community.Status.OPEN


def test_a_community_without_a_section_is_judged_by_its_own_dates():
    now = timezone.now()
    community = CommunityFactory(
        opened_at=now - datetime.timedelta(days=95),
        last_activity_at=now - datetime.timedelta(days=91),
    )

    lifecycle.communities_tend(now=now)

    assert _status(community) == Community.Status.DORMANT


@override_settings(MODERATION_PREMODERATED_POSTS=0)
def test_a_new_post_opens_a_dormant_community_again():
    now = timezone.now()
    community = _community(
        silent_since=now - datetime.timedelta(days=100),
        status=Community.Status.DORMANT,
    )
    member = MembershipFactory(community=community).user
    lifecycle.communities_tend(now=now)
    assert _status(community) == Community.Status.DORMANT

    forum_services.topic_create(
        section=Section.objects.get(pk=community.section_id),
        author=member,
        title="Кто ещё здесь?",
        body="Давайте оживим сообщество.",
    )
    lifecycle.communities_tend()
    lifecycle.communities_tend()

    assert _status(community) == Community.Status.OPEN
    assert _actions(community) == ["community_wake"]


def test_silent_for_180_days_a_dormant_community_is_archived():
    base = timezone.now() - datetime.timedelta(days=180)
    community = _community(silent_since=base, status=Community.Status.DORMANT)
    member = MembershipFactory(community=community).user

    with mock.patch(
        "circles.services.lifecycle.community_visibility_changed"
    ) as changed:
        lifecycle.communities_tend(now=base + datetime.timedelta(days=179))
        assert _status(community) == Community.Status.DORMANT
        changed.assert_not_called()

        done = lifecycle.communities_tend(now=base + datetime.timedelta(days=180))

    community.refresh_from_db()
    assert done["archived"] == 1
    assert community.status == Community.Status.ARCHIVED
    assert community.archived_at == base + datetime.timedelta(days=180)
    changed.assert_called_once()
    assert changed.call_args.args[0].pk == community.pk
    assert _told(kinds.ARCHIVED) == sorted([community.founder.pk, member.pk])
    assert _actions(community) == ["community_archive_automatic"]


def test_an_archived_community_is_read_only_a_new_topic_is_refused():
    community = _community(
        silent_since=timezone.now() - datetime.timedelta(days=200),
        status=Community.Status.DORMANT,
    )
    member = MembershipFactory(community=community).user

    lifecycle.communities_tend()

    section = Section.objects.get(pk=community.section_id)
    assert section.is_read_only
    with pytest.raises(PermissionDenied):
        forum_services.topic_create(
            section=section, author=member, title="Ещё тема", body="Текст."
        )


def test_a_community_found_silent_for_180_days_is_archived_once_not_dozed_first():
    community = _community(silent_since=timezone.now() - datetime.timedelta(days=300))

    lifecycle.communities_tend()
    lifecycle.communities_tend()

    assert _status(community) == Community.Status.ARCHIVED
    assert _told(kinds.DORMANT) == []
    assert _told(kinds.ARCHIVED) == [community.founder.pk]
    assert _actions(community) == ["community_archive_automatic"]


def test_proposed_hidden_and_archived_communities_keep_their_status():
    old = timezone.now() - datetime.timedelta(days=100)
    proposed = _community(silent_since=old, status=Community.Status.PROPOSED)
    archived = _community(silent_since=old, status=Community.Status.ARCHIVED)

    lifecycle.communities_tend()

    assert _status(proposed) == Community.Status.PROPOSED
    assert _status(archived) == Community.Status.ARCHIVED
    assert AuditEntry.objects.count() == 0


# --- Twice, and at once ----------------------------------------------------------


def _three_silent():
    now = timezone.now()
    return (
        _community(silent_since=now - datetime.timedelta(days=95)),
        _community(
            silent_since=now - datetime.timedelta(days=185),
            status=Community.Status.DORMANT,
        ),
        _community(
            silent_since=now - datetime.timedelta(days=100),
            status=Community.Status.DORMANT,
        ),
    )


def test_running_twice_in_a_night_does_nothing_the_second_time():
    dozing, archiving, waking = _three_silent()
    Community.objects.filter(pk=waking.pk).update(last_activity_at=timezone.now())

    first = lifecycle.communities_tend()
    second = lifecycle.communities_tend()

    assert (first["dormant"], first["archived"], first["awake"]) == (1, 1, 1)
    assert set(second.values()) == {0}
    assert _told(kinds.DORMANT) == [dozing.founder.pk]
    assert _told(kinds.ARCHIVED) == [archiving.founder.pk]
    assert AuditEntry.objects.filter(action="community_dormant").count() == 1
    assert AuditEntry.objects.filter(action="community_archive_automatic").count() == 1
    assert AuditEntry.objects.filter(action="community_wake").count() == 1


def test_two_runs_at_once_change_each_community_once():
    """The second worker read its list before the first changed anything:
    each of its conditional UPDATEs finds the step taken."""
    dozing, archiving, _waking = _three_silent()
    now = timezone.now()
    seen_by_second = {
        "dormant": lifecycle._pks(
            Community.objects.filter(
                lifecycle._silent_since(now - datetime.timedelta(days=90)),
                status=Community.Status.OPEN,
            )
        ),
        "archived": lifecycle._pks(
            Community.objects.filter(
                lifecycle._silent_since(now - datetime.timedelta(days=180)),
                status__in=[Community.Status.OPEN, Community.Status.DORMANT],
            )
        ),
    }
    assert seen_by_second == {"dormant": [dozing.pk], "archived": [archiving.pk]}

    lifecycle.communities_tend(now=now)
    late = [
        lifecycle.community_doze(community_id=dozing.pk, now=now),
        lifecycle.community_archive_silent(community_id=archiving.pk, now=now),
        lifecycle.community_archive_silent(community_id=dozing.pk, now=now),
    ]
    lifecycle.communities_tend(now=now)

    assert late == [False, False, False]
    assert Notification.objects.filter(kind=kinds.DORMANT).count() == 1
    assert Notification.objects.filter(kind=kinds.ARCHIVED).count() == 1
    assert AuditEntry.objects.count() == 2


def test_a_post_after_the_list_was_read_keeps_the_community_open():
    """The UPDATE itself asks again whether the community is silent."""
    community = _community(silent_since=timezone.now() - datetime.timedelta(days=95))
    Section.objects.filter(pk=community.section_id).update(last_post_at=timezone.now())

    assert not lifecycle.community_doze(community_id=community.pk)
    assert _status(community) == Community.Status.OPEN


# --- The handover ----------------------------------------------------------------


def _abandoned():
    """An active community whose owner has been away for 61 days, with four
    members: the most active is a moderator tied with a member who joined
    earlier."""
    community = _community(silent_since=timezone.now() - datetime.timedelta(days=5))
    _away(community.founder)
    earlier = MembershipFactory(community=community).user
    moderator = MembershipFactory(
        community=community, role=Membership.Role.MODERATOR
    ).user
    quiet = MembershipFactory(community=community).user
    busy_long_ago = MembershipFactory(community=community).user
    _posts(community, earlier, 3)
    _posts(community, moderator, 3)
    _posts(community, quiet, 1)
    _posts(community, busy_long_ago, 9, days_ago=100)
    return community, moderator, earlier, quiet


def test_the_ownership_is_offered_to_the_most_active_member_once():
    community, moderator, _earlier, _quiet = _abandoned()

    lifecycle.communities_tend()
    lifecycle.communities_tend()

    offer = OwnershipOffer.objects.get(community=community)
    assert (offer.to_user, offer.offered_by, offer.status) == (
        moderator,
        None,
        OwnershipOffer.Status.PENDING,
    )
    told = Notification.objects.get(kind=kinds.OWNERSHIP_SUGGESTED)
    assert (told.recipient, told.url) == (
        moderator,
        reverse("circles:ownership", args=[community.slug]),
    )
    assert _told(kinds.OWNER_AWAY) == [community.founder.pk]
    assert _actions(community) == ["community_ownership_offer_automatic"]


def test_among_equals_the_earliest_to_join_is_chosen():
    community, moderator, earlier, _quiet = _abandoned()
    Membership.objects.filter(community=community, user=moderator).update(
        role=Membership.Role.MEMBER
    )

    assert lifecycle.successor_for(community) == earlier


def test_members_away_suspended_or_gone_are_not_offered_it():
    community, moderator, earlier, quiet = _abandoned()
    _away(moderator)
    type(earlier).objects.filter(pk=earlier.pk).update(is_active=False)

    assert lifecycle.successor_for(community) == quiet


def test_accepting_makes_the_member_owner_and_the_old_owner_a_moderator():
    community, moderator, _earlier, _quiet = _abandoned()
    owner = community.founder
    lifecycle.communities_tend()
    offer = OwnershipOffer.objects.get(community=community)

    services.ownership_answer(offer=offer, user=moderator, accept=True)
    lifecycle.communities_tend()

    roles = dict(
        Membership.objects.filter(community=community).values_list("user_id", "role")
    )
    assert roles[moderator.pk] == Membership.Role.OWNER
    assert roles[owner.pk] == Membership.Role.MODERATOR
    assert OwnershipOffer.objects.filter(community=community).count() == 1
    assert _actions(community)[-1] == "community_handover"


def test_after_a_decline_the_next_member_is_offered_it_not_the_same_one():
    community, moderator, earlier, _quiet = _abandoned()
    lifecycle.communities_tend()
    declined = OwnershipOffer.objects.get(community=community)
    services.ownership_answer(offer=declined, user=moderator, accept=False)

    lifecycle.communities_tend()
    lifecycle.communities_tend()

    offers = list(
        OwnershipOffer.objects.filter(community=community)
        .order_by("pk")
        .values_list("to_user_id", "status")
    )
    assert offers == [
        (moderator.pk, OwnershipOffer.Status.DECLINED),
        (earlier.pk, OwnershipOffer.Status.PENDING),
    ]
    assert _told(kinds.OWNERSHIP_SUGGESTED) == sorted([moderator.pk, earlier.pk])


def test_a_decline_counts_for_ninety_days():
    community, moderator, _earlier, _quiet = _abandoned()
    OwnershipOfferFactory(
        community=community,
        to_user=moderator,
        offered_by=None,
        status=OwnershipOffer.Status.DECLINED,
        answered_at=timezone.now() - datetime.timedelta(days=91),
    )

    assert lifecycle.successor_for(community) == moderator


def test_no_offer_while_the_owner_visits_or_writes_in_it():
    community, _moderator, _earlier, _quiet = _abandoned()
    owner = community.founder
    type(owner).objects.filter(pk=owner.pk).update(
        last_seen_at=timezone.now() - datetime.timedelta(days=59)
    )
    lifecycle.communities_tend()
    assert not OwnershipOffer.objects.exists()

    _away(owner)
    _posts(community, owner, 1, days_ago=10)
    lifecycle.communities_tend()
    assert not OwnershipOffer.objects.exists()


def test_no_offer_while_the_owners_own_offer_waits_and_none_when_hidden():
    community, _moderator, _earlier, quiet = _abandoned()
    OwnershipOfferFactory(community=community, to_user=quiet)
    hidden, *_rest = _abandoned()
    Community.objects.filter(pk=hidden.pk).update(is_hidden=True)

    lifecycle.communities_tend()

    assert list(OwnershipOffer.objects.values_list("to_user_id", flat=True)) == [
        quiet.pk
    ]


def test_a_community_without_an_owner_is_offered_to_a_member():
    community, moderator, _earlier, _quiet = _abandoned()
    Membership.objects.filter(community=community, role=Membership.Role.OWNER).delete()

    lifecycle.communities_tend()

    assert OwnershipOffer.objects.get(community=community).to_user == moderator
    assert _told(kinds.OWNER_AWAY) == []


def test_an_unanswered_offer_is_withdrawn_and_the_next_member_asked():
    _left, moderator, earlier, _quiet = _abandoned()
    lifecycle.communities_tend()
    OwnershipOffer.objects.update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )

    lifecycle.communities_tend()
    lifecycle.communities_tend()

    offers = list(
        OwnershipOffer.objects.order_by("pk").values_list("to_user_id", "status")
    )
    assert offers == [
        (moderator.pk, OwnershipOffer.Status.WITHDRAWN),
        (earlier.pk, OwnershipOffer.Status.PENDING),
    ]
    assert (
        AuditEntry.objects.filter(
            action="community_ownership_withdraw_automatic"
        ).count()
        == 1
    )


def test_the_offer_is_withdrawn_when_the_owner_comes_back():
    community, _moderator, _earlier, _quiet = _abandoned()
    lifecycle.communities_tend()
    owner = community.founder
    type(owner).objects.filter(pk=owner.pk).update(
        last_login=timezone.now() + datetime.timedelta(minutes=1)
    )

    lifecycle.communities_tend()

    assert list(OwnershipOffer.objects.values_list("status", flat=True)) == [
        OwnershipOffer.Status.WITHDRAWN
    ]


def test_the_owners_own_offer_still_needs_the_owner():
    community, _moderator, _earlier, quiet = _abandoned()

    with pytest.raises(PermissionDenied):
        services.ownership_offer(community=community, owner=quiet, to_user=quiet)


# --- Beat, the task, the keys -----------------------------------------------------


def test_beat_runs_the_task_every_night_and_the_task_runs_the_steps():
    entry = settings.CELERY_BEAT_SCHEDULE["communities-lifecycle"]
    assert entry["task"] == "circles.tasks.communities_tend_task"
    assert entry["schedule"] == 60 * 60 * 24
    assert settings.CIRCLES_DORMANT_DAYS == 90
    assert settings.CIRCLES_ARCHIVE_DAYS == 180
    assert settings.CIRCLES_OWNER_INACTIVE_DAYS == 60
    community = _community(silent_since=timezone.now() - datetime.timedelta(days=91))

    tasks.communities_tend_task.delay()

    assert _status(community) == Community.Status.DORMANT


def test_the_steps_have_audit_labels_and_the_kinds_read_without_an_actor():
    from community.notifications import notification_kind

    labels = dict(audit_action_choices())
    for action in [
        "community_dormant",
        "community_wake",
        "community_archive_automatic",
        "community_ownership_offer_automatic",
        "community_ownership_withdraw_automatic",
    ]:
        assert labels[action]
    for key in [
        kinds.DORMANT,
        kinds.ARCHIVED,
        kinds.OWNERSHIP_SUGGESTED,
        kinds.OWNER_AWAY,
    ]:
        kind = notification_kind(key)
        assert "%(actor)s" not in str(kind.one)
        assert kind.preference == "communities"
        with translation.override("en"):
            english = (str(kind.one), str(kind.many))
        with translation.override("ru"):
            russian = (str(kind.one), str(kind.many))
        for text, original in zip(russian, english, strict=True):
            assert text != original
            assert re.search("[а-я]{4}", text)


def test_a_member_outside_the_community_is_never_offered_it():
    community, *_rest = _abandoned()
    outsider = UserFactory()
    _posts(community, outsider, 20)

    lifecycle.communities_tend()

    assert OwnershipOffer.objects.get(community=community).to_user != outsider


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_at_the_same_moment_tell_each_member_once(vocabulary):
    dozing, archiving, _waking = _three_silent()
    abandoned, heir, _earlier, _quiet = _abandoned()

    workers = [lifecycle.communities_tend for _worker in range(3)]
    if connection.vendor == "postgresql":
        errors = together(workers)
    else:
        # SQLite takes one writer at a time: the workers run in turn there.
        errors = [worker() and None for worker in workers]

    assert errors == [None, None, None]
    assert _told(kinds.DORMANT) == [dozing.founder.pk]
    assert _told(kinds.ARCHIVED) == [archiving.founder.pk]
    assert _told(kinds.OWNERSHIP_SUGGESTED) == [heir.pk]
    assert OwnershipOffer.objects.get(community=abandoned).to_user == heir
    assert AuditEntry.objects.filter(action="community_dormant").count() == 1
