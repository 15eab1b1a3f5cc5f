"""Badges by rule and by hand, contribution and the members of the month."""

import datetime
import io
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import badges as registry
from community import recognition
from community.models import (
    AuditEntry,
    Badge,
    BadgeAward,
    MonthlyContribution,
    Notification,
    Subject,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_premoderation(settings):
    settings.MODERATION_PREMODERATED_POSTS = 0


def _held(user) -> list[str]:
    return sorted(
        BadgeAward.objects.filter(user=user, revoked_at__isnull=True).values_list(
            "badge__key", flat=True
        )
    )


# --- Each rule at its threshold ------------------------------------------------


@pytest.mark.parametrize("rule", registry.badge_rules(), ids=lambda rule: rule.key)
def test_every_rule_one_below_at_and_above_its_threshold(rule, monkeypatch):
    below, at, above = UserFactory(), UserFactory(), UserFactory()
    values = {
        below.pk: rule.threshold - 1,
        at.pk: rule.threshold,
        above.pk: rule.threshold + 1,
    }
    original = registry.measures_for

    def measured(keys, user_ids):
        found = original(keys, user_ids)
        found[rule.measure] = values
        return found

    monkeypatch.setattr(recognition, "measures_for", measured)

    recognition.badges_evaluate(user_ids=[below.pk, at.pk, above.pk])

    counts = {
        user.pk: BadgeAward.objects.filter(badge__key=rule.key, user=user).count()
        for user in (below, at, above)
    }
    assert counts[below.pk] == 0
    assert counts[at.pk] == 1
    assert (
        counts[above.pk] == (rule.threshold + 1) // rule.threshold
        if rule.repeatable
        else 1
    )


def test_the_rules_cover_the_issue():
    keys = {rule.key for rule in registry.badge_rules()}

    assert keys >= {
        "first-post",
        "useful-10",
        "useful-50",
        "useful-200",
        "accepted-answer",
        "first-material",
        "recommended-material",
        "reviewer-5",
        "reviewer-25",
        "masterclass-held",
        "masterclasses-5",
        "profile-complete",
        "one-year",
        "first-follower",
    }


# --- The measures count the real things -----------------------------------------


def test_forum_measures_count_published_posts_useful_marks_and_answers():
    from forums import services as forums
    from forums.tests.factories import SectionFactory

    author, reader = UserFactory(), UserFactory()
    topic = forums.topic_create(
        section=SectionFactory(),
        author=UserFactory(),
        title="Т",
        body="?",
        kind="question",
    )
    answer = forums.post_create(topic=topic, author=author, body="Ответ")
    removed = forums.post_create(topic=topic, author=author, body="Лишнее")
    forums.post_delete(post=removed, actor=author)
    forums.reaction_set(post=answer, user=reader, kind="useful", on=True)
    forums.answer_accept(topic=topic, post=answer, actor=topic.author)

    values = registry.measures_for(
        ["forum_posts", "useful_received", "answers_accepted"], [author.pk]
    )

    assert values == {
        "forum_posts": {author.pk: 1},
        "useful_received": {author.pk: 1},
        "answers_accepted": {author.pk: 1},
    }


def test_member_measures_profile_year_and_followers():
    from community.models import Grade

    user = UserFactory()
    old = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=366))
    accounts.follow_create(follower=old, followee=user)
    accounts.profile_update(
        profile=user.profile,
        about="Учу математике",
        region="tatarstan",
        subjects=[Subject.objects.get(slug="mathematics")],
        grades=[Grade.objects.get(slug="grade-5")],
    )

    values = registry.measures_for(
        ["profile_complete", "days_in_network", "followers"], [user.pk, old.pk]
    )

    assert values["profile_complete"].get(user.pk) == 1
    assert values["followers"] == {user.pk: 1}
    assert values["days_in_network"][old.pk] >= 365


# --- Awarding --------------------------------------------------------------------


def test_a_first_post_earns_a_badge_through_the_task_after_commit(
    django_capture_on_commit_callbacks,
):
    from forums import services as forums
    from forums.tests.factories import SectionFactory

    author = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        forums.topic_create(
            section=SectionFactory(), author=author, title="Т", body="x"
        )

    assert _held(author) == ["first-post"]
    note = Notification.objects.get(recipient=author, kind=recognition.BADGE_AWARDED)
    assert note.url == reverse("badge", args=["first-post"])


def test_an_award_is_never_made_twice():
    user = UserFactory()
    badge = recognition.badges_sync()["first-post"]

    first = recognition._award(badge, user.pk, 1)
    second = recognition._award(badge, user.pk, 1)

    assert first is not None
    assert second is None
    assert BadgeAward.objects.filter(badge=badge, user=user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_evaluations_at_once_make_one_row(vocabulary):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write by itself")
    user = UserFactory()
    accounts.follow_create(follower=UserFactory(), followee=user)
    barrier = threading.Barrier(4)
    errors = []

    def evaluate() -> None:
        try:
            barrier.wait(timeout=30)
            recognition.badges_evaluate(user_ids=[user.pk])
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=evaluate) for _index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert (
        BadgeAward.objects.filter(user=user, badge__key="first-follower").count() == 1
    )
    assert (
        Notification.objects.filter(
            recipient=user, kind=recognition.BADGE_AWARDED
        ).count()
        == 1
    )


def test_a_revoked_badge_stays_on_record_and_is_not_given_back(moderator):
    user = UserFactory()
    accounts.follow_create(follower=UserFactory(), followee=user)
    recognition.badges_evaluate(user_ids=[user.pk])
    award = BadgeAward.objects.get(user=user, badge__key="first-follower")

    with pytest.raises(ValidationError):
        recognition.badge_revoke(award=award, moderator=moderator, reason=" ")
    with pytest.raises(PermissionDenied):
        recognition.badge_revoke(award=award, moderator=user, reason="x")
    recognition.badge_revoke(award=award, moderator=moderator, reason="Накрутка")
    recognition.badges_evaluate(user_ids=[user.pk])

    award.refresh_from_db()
    assert (award.revoked_by, award.revoke_reason) == (moderator, "Накрутка")
    assert _held(user) == []
    assert AuditEntry.objects.filter(action="badge_revoke", actor=moderator).exists()


def test_moderators_award_manual_badges_with_a_reason(moderator):
    mentor = Badge.objects.create(
        key="mentor-of-the-year",
        name="Наставник года",
        description="За наставничество",
        tier="gold",
        is_manual=True,
    )
    user = UserFactory()

    with pytest.raises(ValidationError):
        recognition.badge_award_manual(
            badge=mentor, user=user, moderator=moderator, reason=""
        )
    with pytest.raises(PermissionDenied):
        recognition.badge_award_manual(
            badge=mentor, user=user, moderator=user, reason="x"
        )
    rule_badge = recognition.badges_sync()["first-post"]
    with pytest.raises(ValidationError):
        recognition.badge_award_manual(
            badge=rule_badge, user=user, moderator=moderator, reason="x"
        )
    award = recognition.badge_award_manual(
        badge=mentor, user=user, moderator=moderator, reason="Лучший наставник 2026"
    )
    with pytest.raises(ValidationError):
        recognition.badge_award_manual(
            badge=mentor, user=user, moderator=moderator, reason="x"
        )

    assert (award.awarded_by, award.reason) == (moderator, "Лучший наставник 2026")
    assert AuditEntry.objects.filter(action="badge_award").exists()
    assert Notification.objects.filter(recipient=user, kind=recognition.BADGE_AWARDED)


def test_admin_awards_and_revokes(moderator):
    mentor = Badge.objects.create(
        key="mentor", name="Наставник", description="x", tier="gold", is_manual=True
    )
    user = UserFactory()
    client = Client()
    client.force_login(moderator)

    client.post(
        reverse("admin:community_badgeaward_add"),
        {"badge": mentor.pk, "user": user.pk, "reason": "За помощь молодым"},
    )
    award = BadgeAward.objects.get(user=user)
    client.post(
        reverse("admin:community_badgeaward_change", args=[award.pk]),
        {"revoke_reason": "Ошибка"},
    )

    award.refresh_from_db()
    assert award.awarded_by == moderator
    assert award.revoke_reason == "Ошибка"


def test_up_to_two_featured_badges_show_next_to_the_name_in_posts():
    from forums.tests.factories import TopicFactory

    topic = TopicFactory()
    author = topic.author
    badges = recognition.badges_sync()
    awards = [
        recognition._award(badges[key], author.pk, 1)
        for key in ("first-post", "first-follower", "one-year")
    ]

    with pytest.raises(ValidationError):
        recognition.badges_feature(user=author, award_ids=[a.pk for a in awards])
    with pytest.raises(PermissionDenied):
        recognition.badges_feature(user=UserFactory(), award_ids=[awards[0].pk])
    recognition.badges_feature(user=author, award_ids=[awards[0].pk, awards[1].pk])

    page = Client().get(topic.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru")
    content = page.content.decode()
    assert reverse("badge", args=["first-post"]) in content
    assert reverse("badge", args=["one-year"]) not in content


def test_award_badges_command_for_a_member_and_a_dry_run():
    user = UserFactory()
    accounts.follow_create(follower=UserFactory(), followee=user)
    out = io.StringIO()

    call_command("award_badges", "--member", user.email, "--dry-run", stdout=out)
    assert "first-follower" in out.getvalue()
    assert not BadgeAward.objects.exists()
    call_command("award_badges", stdout=io.StringIO(), stderr=io.StringIO())
    assert _held(user) == ["first-follower"]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("award_badges", "--member", "nobody@example.org")


# --- Contribution and the members of the month --------------------------------------


def _helpful_month(opt_out: bool = False):
    from forums import services as forums
    from forums.tests.factories import SectionFactory

    helper = UserFactory()
    helper.profile.region = "tatarstan"
    helper.profile.rankings_opt_out = opt_out
    helper.profile.save()
    helper.profile.subjects.set([Subject.objects.get(slug="mathematics")])
    topic = forums.topic_create(
        section=SectionFactory(),
        author=UserFactory(),
        title="Т",
        body="?",
        kind="question",
    )
    answer = forums.post_create(topic=topic, author=helper, body="Ответ")
    forums.reaction_set(post=answer, user=UserFactory(), kind="useful", on=True)
    forums.answer_accept(topic=topic, post=answer, actor=topic.author)
    return helper


def test_contribution_points_for_the_month_and_opt_out():
    helper = _helpful_month()
    hidden = _helpful_month(opt_out=True)

    counted = recognition.contributions_compute(month=timezone.localdate())

    rows = {row.user_id: row for row in MonthlyContribution.objects.all()}
    assert counted == 1
    assert rows[helper.pk].points == 6  # a useful mark 1 + an accepted answer 5
    assert hidden.pk not in rows
    assert rows[helper.pk].region == "tatarstan"


def test_members_of_the_month_overall_by_subject_and_region():
    helper = _helpful_month()
    recognition.contributions_compute(month=timezone.localdate())
    url = reverse("members_of_the_month")

    def names(**query):
        response = Client().get(url, query)
        return [row.user_id for row in response.context["page_obj"]]

    assert names() == [helper.pk]
    assert names(subject="mathematics") == [helper.pk]
    assert names(subject="physics") == []
    assert names(region="tatarstan") == [helper.pk]
    assert names(region="moscow") == []
    # A month that cannot be: the current month's page, saying so, as a 400.
    assert Client().get(url, {"month": "2026-99"}).status_code == 400


def test_the_task_computes_this_month():
    from community.tasks import contributions_task

    _helpful_month()

    assert contributions_task.delay().get() >= 1


# --- Pages keep a fixed number of queries ---------------------------------------------


def test_badge_pages_keep_fixed_queries(django_assert_max_num_queries):
    badges = recognition.badges_sync()
    for user in UserFactory.create_batch(55):
        recognition._award(badges["first-post"], user.pk, 1)

    with django_assert_max_num_queries(8):
        listing = Client().get(reverse("badges"))
    with django_assert_max_num_queries(6):
        detail = Client().get(reverse("badge", args=["first-post"]))

    holders = {badge.key: badge.holders for badge in listing.context["badges"]}
    assert holders["first-post"] == 55
    assert len(detail.context["page_obj"]) == 50


def test_members_of_the_month_keeps_fixed_queries(django_assert_max_num_queries):
    month = timezone.localdate().replace(day=1)
    for index, user in enumerate(UserFactory.create_batch(55)):
        MonthlyContribution.objects.create(user=user, month=month, points=index + 1)

    with django_assert_max_num_queries(6):
        response = Client().get(reverse("members_of_the_month"))

    assert len(response.context["page_obj"]) == 50
    assert response.context["page_obj"][0].points == 55


def test_recognition_pages_read_in_russian(member):
    from community.tests.test_i18n import english_words

    badges = recognition.badges_sync()
    recognition._award(badges["first-post"], member.pk, 1)
    MonthlyContribution.objects.create(
        user=member, month=timezone.localdate().replace(day=1), points=3
    )
    client = Client()
    client.force_login(member)
    for url in (
        reverse("badges"),
        reverse("badge", args=["first-post"]),
        reverse("badges_mine"),
        reverse("members_of_the_month"),
        member.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_words(response.content.decode()) == set(), url
