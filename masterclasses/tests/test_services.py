"""Master-classes' services, branch by branch."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.models import ActivityEvent, AuditEntry, Notification, Subject
from masterclasses import kinds, services
from masterclasses.models import Certificate, MasterClass, Registration, TrustedHost
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db


def _in(**kwargs) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**kwargs)


def _fields(**overrides):
    fields = {
        "title": "Дроби без страха",
        "description": "План **занятия**<script>x</script>",
        "subject": Subject.objects.get(slug="mathematics"),
        "format": MasterClass.Format.HYBRID,
        "room_url": "https://meet.example.org/a",
        "venue": "Школа № 5, актовый зал",
        "address": "Казань, ул. Пушкина, 1",
        "starts_at": _in(days=5),
        "ends_at": _in(days=5, hours=2),
        "time_zone": "Europe/Moscow",
        "capacity": 20,
    }
    return {**fields, **overrides}


def _kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).values_list("kind", flat=True)
    )


# --- Proposal and approval ---------------------------------


def test_a_member_proposes_and_a_moderator_approves(member, moderator):
    follower = UserFactory()
    accounts.follow_create(follower=follower, followee=member)

    masterclass = services.masterclass_create(host=member, tags=["дроби"], **_fields())

    assert masterclass.status == MasterClass.Status.PROPOSED
    assert "<strong>занятия</strong>" in masterclass.description_html
    assert "<script" not in masterclass.description_html
    assert not ActivityEvent.objects.exists()
    services.masterclass_approve(masterclass=masterclass, moderator=moderator)
    assert masterclass.status == MasterClass.Status.PUBLISHED
    assert kinds.APPROVED in _kinds(member)
    assert kinds.NEW_BY_HOST in _kinds(follower)
    assert ActivityEvent.objects.filter(kind=kinds.MASTERCLASS_ACTIVITY).exists()
    assert AuditEntry.objects.filter(action="masterclass_publish", actor=moderator)


def test_a_moderator_returns_a_proposal_with_a_comment(member, moderator):
    masterclass = services.masterclass_create(host=member, **_fields())

    with pytest.raises(ValidationError):
        services.masterclass_return(
            masterclass=masterclass, moderator=moderator, note=" "
        )
    services.masterclass_return(
        masterclass=masterclass, moderator=moderator, note="Уточните программу"
    )

    assert masterclass.status == MasterClass.Status.DRAFT
    assert masterclass.return_note == "Уточните программу"
    assert kinds.RETURNED in _kinds(member)
    with pytest.raises(PermissionDenied):
        services.masterclass_approve(masterclass=masterclass, moderator=member)


def test_a_trusted_host_publishes_directly(member, moderator):
    services.trusted_host_set(user=member, moderator=moderator, trusted=True)

    masterclass = services.masterclass_create(host=member, **_fields())

    assert masterclass.status == MasterClass.Status.PUBLISHED
    assert TrustedHost.objects.filter(user=member).exists()
    with pytest.raises(PermissionDenied):
        services.trusted_host_set(user=member, moderator=member, trusted=False)


def test_a_draft_stays_a_draft_until_submitted(member):
    masterclass = services.masterclass_create(host=member, submit=False, **_fields())

    assert masterclass.status == MasterClass.Status.DRAFT
    services.masterclass_submit(masterclass=masterclass, actor=member)
    assert masterclass.status == MasterClass.Status.PROPOSED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": _in(days=5, hours=-1)}, "ends_at"),
        ({"starts_at": _in(days=-1), "ends_at": _in(days=-1, hours=1)}, "starts_at"),
        ({"address": ""}, "address"),
        (
            {
                "registration_opens_at": _in(days=2),
                "registration_closes_at": _in(days=1),
            },
            "registration_closes_at",
        ),
        ({"registration_closes_at": _in(days=6)}, "registration_closes_at"),
    ],
)
def test_bad_times_and_places_are_refused_by_field(member, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.masterclass_create(host=member, **_fields(**overrides))

    assert field in error.value.error_dict
    assert not MasterClass.objects.exists()


def test_capacity_below_the_registrations_is_refused(member):
    masterclass = MasterClassFactory(capacity=5)
    for _index in range(3):
        services.register(masterclass=masterclass, user=UserFactory())

    with pytest.raises(ValidationError) as error:
        services.masterclass_update(
            masterclass=masterclass, editor=masterclass.host, capacity=2
        )

    assert "capacity" in error.value.error_dict
    assert MasterClass.objects.get(pk=masterclass.pk).capacity == 5


# --- Registration and the waitlist ---------------------------------


def test_register_until_full_then_waitlist_with_positions():
    masterclass = MasterClassFactory(capacity=2)
    users = UserFactory.create_batch(4)

    registrations = [services.register(masterclass=masterclass, user=u) for u in users]

    assert [r.status for r in registrations] == [
        "registered",
        "registered",
        "waitlisted",
        "waitlisted",
    ]
    assert [services.waitlist_position(r) for r in registrations[2:]] == [1, 2]
    masterclass.refresh_from_db()
    assert (masterclass.registered_count, masterclass.waitlist_count) == (2, 2)
    assert kinds.WAITLISTED in _kinds(users[2])
    assert kinds.REGISTERED in _kinds(users[0])


def test_a_cancellation_promotes_the_first_waiting_and_tells_them():
    masterclass = MasterClassFactory(capacity=1)
    first, second, third = UserFactory.create_batch(3)
    for user in (first, second, third):
        services.register(masterclass=masterclass, user=user)

    services.registration_cancel(masterclass=masterclass, user=first)

    statuses = dict(
        Registration.objects.filter(masterclass=masterclass).values_list(
            "user_id", "status"
        )
    )
    assert statuses == {
        first.pk: "cancelled",
        second.pk: "registered",
        third.pk: "waitlisted",
    }
    assert kinds.PROMOTED in _kinds(second)
    masterclass.refresh_from_db()
    assert (masterclass.registered_count, masterclass.waitlist_count) == (1, 1)


def test_more_seats_move_waiting_members_in():
    masterclass = MasterClassFactory(capacity=1)
    for user in UserFactory.create_batch(3):
        services.register(masterclass=masterclass, user=user)

    services.masterclass_update(
        masterclass=masterclass, editor=masterclass.host, capacity=3
    )

    assert Registration.objects.filter(status="registered").count() == 3


def test_registering_twice_outside_the_window_or_as_host_is_refused(member):
    masterclass = MasterClassFactory()
    services.register(masterclass=masterclass, user=member)
    later = MasterClassFactory(registration_opens_at=_in(days=1))
    closed = MasterClassFactory(
        registration_closes_at=_in(minutes=-5),
        starts_at=_in(days=1),
        ends_at=_in(days=1, hours=1),
    )
    draft = MasterClassFactory(status=MasterClass.Status.PROPOSED)

    cases = [
        (masterclass, member, "twice"),
        (later, member, "window"),
        (closed, member, "window"),
        (draft, member, "closed"),
        (masterclass, masterclass.host, "closed"),
    ]
    for target, user, code in cases:
        with pytest.raises(ValidationError) as error:
            services.register(masterclass=target, user=user)
        assert error.value.code == code


def test_a_cancelled_registration_can_register_again(member):
    masterclass = MasterClassFactory()
    services.register(masterclass=masterclass, user=member)
    services.registration_cancel(masterclass=masterclass, user=member)

    again = services.register(masterclass=masterclass, user=member)

    assert again.status == "registered"
    assert Registration.objects.filter(masterclass=masterclass).count() == 1
    with pytest.raises(ValidationError):
        services.registration_cancel(masterclass=masterclass, user=UserFactory())


# --- Changes, cancellation, reminders ---------------------------------


def test_a_new_time_tells_everyone_and_bumps_the_calendar_sequence():
    masterclass = MasterClassFactory(capacity=1)
    registered, waiting = UserFactory(), UserFactory()
    services.register(masterclass=masterclass, user=registered)
    services.register(masterclass=masterclass, user=waiting)

    services.masterclass_update(
        masterclass=masterclass,
        editor=masterclass.host,
        starts_at=masterclass.starts_at + datetime.timedelta(hours=1),
        ends_at=masterclass.ends_at + datetime.timedelta(hours=1),
    )
    services.masterclass_update(
        masterclass=masterclass, editor=masterclass.host, title="Т"
    )

    masterclass.refresh_from_db()
    assert masterclass.sequence == 1
    assert _kinds(registered).count(kinds.CHANGED) == 1
    assert kinds.CHANGED in _kinds(waiting)


def test_cancelling_tells_registered_and_waiting_with_the_reason(member):
    masterclass = MasterClassFactory(capacity=1)
    registered, waiting = UserFactory(), UserFactory()
    services.register(masterclass=masterclass, user=registered)
    services.register(masterclass=masterclass, user=waiting)

    with pytest.raises(PermissionDenied):
        services.masterclass_cancel(masterclass=masterclass, actor=member)
    services.masterclass_cancel(
        masterclass=masterclass, actor=masterclass.host, reason="Заболела"
    )

    assert kinds.CANCELLED in _kinds(registered)
    assert kinds.CANCELLED in _kinds(waiting)
    assert masterclass.return_note == "Заболела"
    assert AuditEntry.objects.filter(action="masterclass_cancel").exists()


def test_reminders_a_day_and_an_hour_before_each_once():
    masterclass = MasterClassFactory(starts_at=_in(hours=30), ends_at=_in(hours=31))
    member = UserFactory()
    services.register(masterclass=masterclass, user=member)
    MasterClassFactory(
        starts_at=_in(hours=20), ends_at=_in(hours=21)
    )  # no one registered

    assert services.reminders_run(now=timezone.now()) == (0, 0)
    day_before = masterclass.starts_at - datetime.timedelta(hours=23)
    assert services.reminders_run(now=day_before) == (1, 0)
    assert services.reminders_run(now=day_before) == (0, 0)
    hour_before = masterclass.starts_at - datetime.timedelta(minutes=50)
    assert services.reminders_run(now=hour_before) == (0, 1)
    assert services.reminders_run(now=hour_before) == (0, 0)
    assert _kinds(member).count(kinds.REMINDER_DAY) == 1
    assert _kinds(member).count(kinds.REMINDER_HOUR) == 1


def test_no_reminders_for_waiting_or_cancelled():
    masterclass = MasterClassFactory(
        capacity=1, starts_at=_in(hours=5), ends_at=_in(hours=6)
    )
    services.register(masterclass=masterclass, user=UserFactory())
    waiting = UserFactory()
    services.register(masterclass=masterclass, user=waiting)

    services.reminders_run(now=timezone.now())

    assert kinds.REMINDER_DAY not in _kinds(waiting)


def test_the_beat_tasks_run():
    from masterclasses.tasks import finish_due_task, reminders_task

    assert reminders_task.delay().get() == (0, 0)
    assert finish_due_task.delay().get() == 0


# --- During and after, certificates ---------------------------------


def _running(**kwargs) -> MasterClass:
    return MasterClassFactory(
        starts_at=_in(minutes=-10), ends_at=_in(minutes=80), **kwargs
    )


def test_check_in_with_the_code_during_the_session(member):
    masterclass = _running()
    Registration.objects.create(
        masterclass=masterclass, user=member, status="registered"
    )

    with pytest.raises(ValidationError) as wrong:
        services.checkin(masterclass=masterclass, user=member, code="XXXXXX")
    registration = services.checkin(
        masterclass=masterclass, user=member, code=masterclass.checkin_code.lower()
    )

    assert wrong.value.code == "code"
    assert registration.attended
    assert registration.checked_in_at is not None


def test_check_in_too_early_late_or_unregistered_is_refused(member):
    early = MasterClassFactory()
    late = MasterClassFactory(starts_at=_in(hours=-3), ends_at=_in(hours=-1))
    for masterclass in (early, late):
        Registration.objects.create(
            masterclass=masterclass, user=member, status="registered"
        )
    running = _running()

    codes = []
    for masterclass, user in ((early, member), (late, member), (running, member)):
        with pytest.raises(ValidationError) as error:
            services.checkin(
                masterclass=masterclass, user=user, code=masterclass.checkin_code
            )
        codes.append(error.value.code)

    assert codes == ["early", "late", "not_registered"]


def test_host_marks_attendance_and_attendees_leave_feedback(member):
    masterclass = _running()
    registration = Registration.objects.create(
        masterclass=masterclass, user=member, status="registered"
    )

    with pytest.raises(PermissionDenied):
        services.attendance_mark(
            masterclass=masterclass,
            host=member,
            registration=registration,
            attended=True,
        )
    with pytest.raises(ValidationError):
        services.feedback_leave(masterclass=masterclass, user=member, score=5)
    services.attendance_mark(
        masterclass=masterclass,
        host=masterclass.host,
        registration=registration,
        attended=True,
    )
    services.feedback_leave(masterclass=masterclass, user=member, score=4, comment="Ок")
    feedback = services.feedback_leave(masterclass=masterclass, user=member, score=5)

    assert (feedback.score, registration.feedback.pk) == (5, feedback.pk)
    with pytest.raises(ValidationError):
        services.feedback_leave(masterclass=masterclass, user=member, score=9)


def test_finishing_issues_certificates_once(member):
    cohost = UserFactory()
    masterclass = MasterClassFactory(starts_at=_in(hours=-3), ends_at=_in(hours=-2))
    masterclass.cohosts.add(cohost)
    Registration.objects.create(
        masterclass=masterclass, user=member, status="registered", attended=True
    )
    Registration.objects.create(
        masterclass=masterclass, user=UserFactory(), status="registered", attended=False
    )

    issued = services.masterclass_finish(masterclass=masterclass)
    again = services.masterclass_finish(masterclass=masterclass)

    assert again == []
    certificates = sorted((c.user_id, c.kind) for c in issued)
    assert certificates == sorted(
        [
            (member.pk, "participation"),
            (masterclass.host_id, "conducting"),
            (cohost.pk, "conducting"),
        ]
    )
    numbers = [c.number for c in Certificate.objects.all()]
    assert all(number.startswith("МК-") for number in numbers)
    assert len(set(numbers)) == 3
    assert kinds.CERTIFICATE in _kinds(member)
    masterclass.refresh_from_db()
    assert masterclass.status == MasterClass.Status.FINISHED


def test_a_master_class_that_has_not_ended_cannot_be_finished():
    with pytest.raises(ValidationError):
        services.masterclass_finish(masterclass=MasterClassFactory())


def test_the_beat_finishes_ended_master_classes():
    ended = MasterClassFactory(starts_at=_in(hours=-4), ends_at=_in(hours=-2))
    MasterClassFactory()

    assert services.masterclasses_finish_due() == 1
    ended.refresh_from_db()
    assert ended.status == MasterClass.Status.FINISHED


def test_reminders_go_by_email_even_to_members_who_chose_digests(
    mailoutbox, django_capture_on_commit_callbacks
):
    masterclass = MasterClassFactory(starts_at=_in(minutes=40), ends_at=_in(hours=2))
    member = UserFactory()  # master-class news: in the digest by default
    with django_capture_on_commit_callbacks(execute=True):
        services.register(masterclass=masterclass, user=member)
    assert mailoutbox == []  # the registration waits for the digest

    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_run(now=timezone.now())

    assert [message.to for message in mailoutbox] == [[member.email]]
    assert masterclass.title in mailoutbox[0].subject + mailoutbox[0].body
