"""Evidence: what one app tells (an attendance, a reply) others hear after
commit, without the teller knowing who listens."""

import datetime

import pytest
from django.utils import timezone

from community import evidence
from forums import services as forum_services
from forums.services import fanout
from forums.tests.factories import TopicFactory
from masterclasses import services as masterclass_services
from masterclasses.models import Registration
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    told = []
    evidence.evidence_listen("test", lambda kind, pairs: told.append((kind, pairs)))
    yield told
    evidence._listeners.pop("test")


def test_evidence_is_told_after_commit_once_per_pair(
    heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        evidence.evidence_record(evidence.REPLIED, [(2, 7), (2, 7), ("1", "5")])
        evidence.evidence_record(evidence.REPLIED, [])
        assert heard == []
    for callback in callbacks:
        callback()

    assert heard == [(evidence.REPLIED, [(1, 5), (2, 7)])]


def test_a_reply_is_told_as_evidence_by_the_topic_fanout(
    heard, member, settings, django_capture_on_commit_callbacks
):
    # An established member: a newcomer's reply waits for a moderator, and
    # is told when approved.
    settings.MODERATION_PREMODERATED_POSTS = 0
    topic = TopicFactory()

    forum_services.post_create(topic=topic, author=member, body="Мой ответ")
    with django_capture_on_commit_callbacks(execute=True):
        fanout.topic_fanout(topic_id=topic.pk)

    assert (evidence.REPLIED, [(member.pk, topic.pk)]) in heard


def test_attendance_is_told_and_a_mark_taken_back_is_not(
    heard, member, django_capture_on_commit_callbacks
):
    now = timezone.now()
    masterclass = MasterClassFactory(
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=50),
    )
    registration = Registration.objects.create(
        masterclass=masterclass, user=member, status="registered"
    )

    with django_capture_on_commit_callbacks(execute=True):
        masterclass_services.attendance_mark(
            masterclass=masterclass,
            host=masterclass.host,
            registration=registration,
            attended=False,
        )
    assert heard == []
    with django_capture_on_commit_callbacks(execute=True):
        masterclass_services.attendance_mark(
            masterclass=masterclass,
            host=masterclass.host,
            registration=registration,
            attended=True,
        )

    assert heard == [(evidence.ATTENDED, [(member.pk, masterclass.pk)])]


def test_a_checkin_is_told(heard, member, django_capture_on_commit_callbacks):
    now = timezone.now()
    masterclass = MasterClassFactory(
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(minutes=50),
    )
    Registration.objects.create(
        masterclass=masterclass, user=member, status="registered"
    )

    with django_capture_on_commit_callbacks(execute=True):
        masterclass_services.checkin(
            masterclass=masterclass, user=member, code=masterclass.checkin_code
        )

    assert heard == [(evidence.ATTENDED, [(member.pk, masterclass.pk)])]
