"""Warnings, suspensions and bans: who gives them, what they stop, what members see."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import BlogPostFactory, UserFactory
from community.models import AuditEntry, Notification, Sanction
from community.sanctions import (
    FOREVER,
    SANCTION_GIVEN,
    SANCTION_LIFTED,
    ParticipationRestricted,
    can_sanction,
    participation_check,
    sanction_give,
    sanction_lift,
    warning_acknowledge,
)
from forums import services as forums
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory
from masterclasses import services as masterclasses
from masterclasses.tests.factories import MasterClassFactory
from materials import services as materials
from materials.tests.factories import MaterialFactory, pdf_upload
from materials.uploads import file_check

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary")]


def _suspend(member, moderator, days=3, reason="Грубость в теме о ЕГЭ"):
    return sanction_give(
        member=member,
        moderator=moderator,
        kind=Sanction.Kind.SUSPENSION,
        reason=reason,
        until=timezone.now() + datetime.timedelta(days=days),
    )


# --- giving and lifting -----------------------------------------------------


def test_a_warning_is_told_shown_until_read_and_put_on_record(
    member, moderator, client
):
    warning = sanction_give(
        member=member,
        moderator=moderator,
        kind=Sanction.Kind.WARNING,
        reason="Пожалуйста, без насмешек над коллегами.",
    )

    member.refresh_from_db()
    assert member.has_unread_warning
    assert member.restricted_until is None
    assert Notification.objects.filter(recipient=member, kind=SANCTION_GIVEN).exists()
    entry = AuditEntry.objects.get(action="member_warning")
    assert (entry.actor, entry.target_id) == (moderator, member.pk)
    assert "без насмешек" in entry.reason
    client.force_login(member)
    page = client.get(reverse("home")).content.decode()
    assert "A moderator has warned you" in page or "Модератор предупреждает" in page
    assert "без насмешек над коллегами" in page

    response = client.post(
        reverse("warning_acknowledge", args=[warning.pk]), HTTP_REFERER="/"
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.has_unread_warning
    assert (
        "без насмешек над коллегами" not in client.get(reverse("home")).content.decode()
    )
    # Still on the member's own record.
    assert "без насмешек" in client.get(reverse("standing")).content.decode()


def test_a_member_cannot_acknowledge_anothers_warning(member, moderator, client):
    warning = sanction_give(
        member=member, moderator=moderator, kind="warning", reason="Спам"
    )
    other = UserFactory()
    client.force_login(other)

    assert (
        client.post(reverse("warning_acknowledge", args=[warning.pk])).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        warning_acknowledge(sanction=warning, member=other)


def test_a_suspension_needs_a_reason_and_a_future_end(member, moderator):
    with pytest.raises(ValidationError) as no_reason:
        _suspend(member, moderator, reason="  ")
    with pytest.raises(ValidationError) as past:
        _suspend(member, moderator, days=-1)
    with pytest.raises(ValidationError) as no_end:
        sanction_give(member=member, moderator=moderator, kind="suspension", reason="x")

    assert no_reason.value.code == "reason"
    assert past.value.code == no_end.value.code == "until"
    assert not Sanction.objects.exists()


def test_suspension_restricts_until_its_end_and_lifting_ends_it_early(
    member, moderator
):
    sanction = _suspend(member, moderator, days=3)
    member.refresh_from_db()
    assert member.restricted_until == sanction.ends_at
    with pytest.raises(ParticipationRestricted):
        participation_check(member)

    sanction_lift(sanction=sanction, moderator=moderator, reason="Извинился")

    member.refresh_from_db()
    assert member.restricted_until is None
    participation_check(member)
    assert Notification.objects.filter(recipient=member, kind=SANCTION_LIFTED).exists()
    lift = AuditEntry.objects.get(action="member_suspension_lift")
    assert (lift.actor, lift.reason) == (moderator, "Извинился")


def test_a_suspension_ends_by_itself(member, moderator):
    _suspend(member, moderator)
    member.restricted_until = timezone.now() - datetime.timedelta(seconds=1)

    participation_check(member)  # no exception: the time is over


def test_a_ban_has_no_end_and_outlives_a_lifted_suspension(member, moderator):
    suspension = _suspend(member, moderator)
    sanction_give(member=member, moderator=moderator, kind="ban", reason="Спам-бот")

    sanction_lift(sanction=suspension, moderator=moderator)

    member.refresh_from_db()
    assert member.restricted_until == FOREVER
    with pytest.raises(ParticipationRestricted):
        participation_check(member)


# --- who may ------------------------------------------------------------------


def test_only_site_moderators_give_sanctions(member, moderator):
    section_moderator = UserFactory()
    SectionFactory().moderators.add(section_moderator)
    superuser = UserFactory(is_superuser=True, is_staff=True)

    assert can_sanction(moderator, member)
    assert not can_sanction(member, UserFactory())
    assert not can_sanction(section_moderator, member)  # a section only, not the site
    assert not can_sanction(moderator, moderator)
    assert not can_sanction(moderator, superuser)
    assert not can_sanction(moderator, UserFactory(is_staff=True))  # a colleague
    assert can_sanction(superuser, moderator)
    with pytest.raises(PermissionDenied):
        sanction_give(
            member=member, moderator=section_moderator, kind="ban", reason="x"
        )
    sanction = _suspend(member, moderator)
    with pytest.raises(PermissionDenied):
        sanction_lift(sanction=sanction, moderator=member)


# --- enforced on every write path -------------------------------------------


@pytest.fixture
def suspended(member, moderator):
    _suspend(member, moderator)
    member.refresh_from_db()
    return member


def test_suspended_member_cannot_write_in_the_forums(suspended):
    topic = TopicFactory()
    post = PostFactory(topic=topic, number=2)
    own = PostFactory(topic=topic, number=3, author=suspended)

    with pytest.raises(ParticipationRestricted):
        forums.topic_create(
            section=topic.section, author=suspended, title="Тема", body="Текст"
        )
    with pytest.raises(ParticipationRestricted):
        forums.post_create(topic=topic, author=suspended, body="Ответ")
    with pytest.raises(ParticipationRestricted):
        forums.post_edit(post=own, editor=suspended, body="Исправлено")
    with pytest.raises(ParticipationRestricted):
        forums.reaction_set(post=post, user=suspended, kind="thanks", on=True)
    assert topic.posts.count() == 3


def test_suspended_member_cannot_blog_comment_or_follow(suspended):
    post = BlogPostFactory(status="published", published_at=timezone.now())

    with pytest.raises(ParticipationRestricted):
        accounts.post_create(author=suspended, title="Заметка", body="Текст")
    with pytest.raises(ParticipationRestricted):
        accounts.comment_create(post=post, author=suspended, body="Комментарий")
    with pytest.raises(ParticipationRestricted):
        accounts.follow_create(follower=suspended, followee=post.author)
    with pytest.raises(ParticipationRestricted):
        accounts.profile_update(
            profile=suspended.profile, editor=suspended, about="Реклама"
        )


def test_suspended_member_cannot_share_or_rate_materials(suspended):
    material = MaterialFactory()

    with pytest.raises(ParticipationRestricted):
        materials.material_create(
            author=suspended, files=[file_check(pdf_upload())], title="Урок"
        )
    with pytest.raises(ParticipationRestricted):
        materials.rating_set(material=material, user=suspended, score=5)
    with pytest.raises(ParticipationRestricted):
        materials.collection_create(owner=suspended, title="Моя подборка")


def test_suspended_member_cannot_register_or_host_masterclasses(suspended):
    masterclass = MasterClassFactory()

    with pytest.raises(ParticipationRestricted):
        masterclasses.register(masterclass=masterclass, user=suspended)
    with pytest.raises(ParticipationRestricted):
        masterclasses.masterclass_create(host=suspended, title="Мастер-класс")
    assert not masterclass.registrations.exists()


def test_suspended_member_is_told_why_and_until_when(suspended, client):
    topic = TopicFactory()
    client.force_login(suspended)

    response = client.post(reverse("forums:reply", args=[topic.pk]), {"body": "Ответ"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "Грубость в теме о ЕГЭ" in page
    until = timezone.localtime(suspended.restricted_until)
    assert str(until.year) in page
    assert f"{until.hour}:{until:%M}" in page
    assert topic.posts.count() == 1
    # Every page says it, and reading still works.
    reading = client.get(topic.get_absolute_url())
    assert reading.status_code == 200
    assert "Грубость в теме о ЕГЭ" in reading.content.decode()


def test_a_member_without_sanctions_pays_no_query_for_the_check(
    member, django_assert_num_queries
):
    with django_assert_num_queries(0):
        participation_check(member)


# --- the admin site -----------------------------------------------------------


def test_moderator_suspends_in_the_admin_and_bad_input_keeps_the_form(
    moderator_client, member
):
    url = reverse("admin:community_sanction_add")
    bad = moderator_client.post(
        url, {"member": member.pk, "kind": "suspension", "reason": "Спам"}
    )
    assert bad.status_code == 200
    assert "Спам" in bad.content.decode()
    assert not Sanction.objects.exists()

    until = timezone.localtime() + datetime.timedelta(days=7)
    good = moderator_client.post(
        url,
        {
            "member": member.pk,
            "kind": "suspension",
            "reason": "Спам",
            "ends_at_0": until.strftime("%Y-%m-%d"),
            "ends_at_1": until.strftime("%H:%M:%S"),
        },
    )

    assert good.status_code == 302
    member.refresh_from_db()
    assert member.restricted_until is not None
    assert AuditEntry.objects.filter(action="member_suspension").exists()


def test_moderator_lifts_in_the_admin(moderator_client, moderator, member):
    sanction = _suspend(member, moderator)

    moderator_client.post(
        reverse("admin:community_sanction_changelist"),
        {"action": "lift", "_selected_action": [sanction.pk]},
    )

    sanction.refresh_from_db()
    member.refresh_from_db()
    assert sanction.lifted_by == moderator
    assert member.restricted_until is None


def test_members_cannot_open_the_sanctions_admin(member_client):
    response = member_client.get(reverse("admin:community_sanction_changelist"))

    assert response.status_code == 302  # to the admin login


def test_audit_log_is_searchable_by_actor_and_target(moderator_client, moderator):
    target = UserFactory(username="nastya_k", email="nastya@example.org")
    sanction_give(member=target, moderator=moderator, kind="warning", reason="Спам")
    other = UserFactory()
    sanction_give(member=other, moderator=moderator, kind="warning", reason="Флуд")
    url = reverse("admin:community_auditentry_changelist")

    by_target = moderator_client.get(url, {"q": "nastya"}).content.decode()
    by_actor = moderator_client.get(url, {"q": moderator.email}).content.decode()

    assert "Спам" in by_target
    assert "Флуд" not in by_target
    assert "Спам" in by_actor
    assert "Флуд" in by_actor
    change = reverse(
        "admin:community_auditentry_change",
        args=[AuditEntry.objects.first().pk],
    )
    assert moderator_client.post(change, {"reason": "x"}).status_code == 403


def test_the_member_admin_page_shows_the_record_and_links_to_a_sanction(
    moderator_client, moderator, member
):
    _suspend(member, moderator)

    page = moderator_client.get(
        reverse("admin:accounts_user_change", args=[member.pk])
    ).content.decode()

    assert f"{reverse('admin:community_sanction_add')}?member={member.pk}" in page
    assert f"?member__id__exact={member.pk}" in page
