"""Notifications: the API, preferences, grouping, pages, e-mail and unsubscribe."""

import datetime

import pytest
from celery.exceptions import Retry
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts import services as accounts
from accounts.models import NotificationSetting, Profile
from accounts.tests.factories import BlogPostFactory, UserFactory
from community import services
from community.models import ActivityEvent, Notification
from community.tasks import notification_email_task

pytestmark = pytest.mark.django_db
Kind = NotificationSetting.Kind


def comment(post, author, body="Спасибо!"):
    return accounts.comment_create(post=post, author=author, body=body)


def set_delivery(user, kind, delivery):
    accounts.notification_settings_update(
        user=user, choices={kind: delivery}, digest_frequency="weekly"
    )


# --- the API ------------------------------------------------------------------


def test_notify_unknown_kind_raises(member):
    with pytest.raises(LookupError):
        services.notify(recipient=member, kind="gossip", url="/")


def test_notify_skips_oneself_and_inactive_members(member):
    inactive = UserFactory(is_active=False)

    assert (
        services.notify(recipient=member, kind="follow", actor=member, url="/") is None
    )
    assert services.notify(recipient=inactive, kind="follow", url="/") is None
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("delivery", "stored", "emailed"),
    [("email", True, True), ("digest", True, False), ("site", True, False),
     ("off", False, False)],
)  # fmt: skip
def test_preferences_matrix_for_blog_comments(
    delivery, stored, emailed, django_capture_on_commit_callbacks
):
    author = UserFactory()
    post = BlogPostFactory(author=author)
    set_delivery(author, Kind.REPLIES, delivery)

    with django_capture_on_commit_callbacks(execute=True):
        comment(post, UserFactory())

    assert Notification.objects.filter(recipient=author).exists() is stored
    assert (len(mail.outbox) == 1) is emailed


def test_follow_notifies_the_followed_member_on_the_site_by_default(member):
    star = UserFactory()

    accounts.follow_create(follower=member, followee=star)
    accounts.follow_create(follower=member, followee=star)  # no second notification

    notification = Notification.objects.get(recipient=star)
    assert notification.kind == "follow"
    assert notification.url == member.get_absolute_url()
    assert member.profile.display_name in services.notification_text(notification)


def test_repeats_group_into_one_unread_line(member):
    post = BlogPostFactory(author=member)
    for _ in range(3):
        comment(post, UserFactory())

    notification = Notification.objects.get(recipient=member)
    assert notification.count == 3
    with translation.override("ru"):
        text = services.notification_text(notification)
    assert text == (f"Новых комментариев к вашей записи «{post.title}»: 3")


def test_a_read_notification_starts_a_new_group(member):
    post = BlogPostFactory(author=member)
    comment(post, UserFactory())
    services.notification_mark_all_read(user=member)

    comment(post, UserFactory())

    assert Notification.objects.filter(recipient=member).count() == 2
    assert Notification.objects.unread().get(recipient=member).count == 1


def test_comment_notification_links_to_the_exact_comment(member):
    post = BlogPostFactory(author=member)
    made = comment(post, UserFactory())

    notification = Notification.objects.get(recipient=member)
    assert notification.url == f"{post.get_absolute_url()}#comment-{made.pk}"


def test_notification_mark_read_and_all_read(member):
    first = services.notify(recipient=member, kind="follow", url="/a/", group=False)
    services.notify(recipient=member, kind="follow", url="/b/", group=False)

    services.notification_mark_read(notification=first)
    assert Notification.objects.unread().filter(recipient=member).count() == 1
    assert services.notification_mark_all_read(user=member) == 1
    assert not Notification.objects.unread().exists()


# --- pages -------------------------------------------------------------------


def test_notification_list_is_private_and_shows_unread_count(member_client, member):
    services.notify(recipient=member, kind="follow", url="/x/", group=False)
    services.notify(recipient=UserFactory(), kind="follow", url="/y/", group=False)

    response = member_client.get(reverse("notifications"))

    assert len(response.context["rows"]) == 1
    assert "непрочитанных" in response.content.decode()
    assert Client().get(reverse("notifications")).status_code == 302


def test_notification_open_marks_read_and_lands_on_the_item(member_client, member):
    note = services.notify(recipient=member, kind="follow", url="/u/someone/")

    response = member_client.post(reverse("notification_open", args=[note.pk]))

    assert response.status_code == 302
    assert response.url == "/u/someone/"
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_notification_open_of_someone_else_is_404(member_client):
    note = services.notify(recipient=UserFactory(), kind="follow", url="/x/")

    assert (
        member_client.post(reverse("notification_open", args=[note.pk])).status_code
        == 404
    )


def test_notification_read_all_view(member_client, member):
    services.notify(recipient=member, kind="follow", url="/x/")

    member_client.post(reverse("notification_read_all"))

    assert not Notification.objects.unread().exists()


def test_notification_list_query_count_does_not_grow(
    member_client, member, django_assert_max_num_queries
):
    for actor in UserFactory.create_batch(55):
        services.notify(
            recipient=member, kind="follow", actor=actor, url="/", group=False
        )

    with django_assert_max_num_queries(8):
        response = member_client.get(reverse("notifications"))

    assert len(response.context["rows"]) == 20


# --- e-mail ------------------------------------------------------------------


def test_email_is_sent_in_the_members_language_with_unsubscribe_headers(
    django_capture_on_commit_callbacks,
):
    author = UserFactory()
    accounts.profile_set_language(user=author, language="en")
    post = BlogPostFactory(author=author, title="Fractions")

    with django_capture_on_commit_callbacks(execute=True):
        comment(post, UserFactory(profile__display_name="Anna"))

    message = mail.outbox[0]
    assert message.to == [author.email]
    assert "Anna commented on your post «Fractions»" in message.subject
    assert "/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert (
        message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )
    html = message.alternatives[0][0]
    assert f"{post.get_absolute_url()}#comment-" in html
    assert Notification.objects.get().emailed_at is not None


def test_email_task_twice_sends_once(member):
    note = services.notify(recipient=member, kind="follow", url="/x/")

    notification_email_task.delay(note.pk)
    notification_email_task.delay(note.pk)

    assert len(mail.outbox) == 1


def test_email_is_not_sent_for_a_notification_already_read(member):
    note = services.notify(recipient=member, kind="follow", url="/x/")
    services.notification_mark_read(notification=note)

    assert services.notification_email_send(notification_id=note.pk) is False
    assert mail.outbox == []


def test_smtp_failure_keeps_the_notification_and_retries(smtp_failing, member):
    note = services.notify(recipient=member, kind="follow", url="/x/")
    smtp_failing(1)

    with pytest.raises(Retry):
        notification_email_task.delay(note.pk)

    note.refresh_from_db()
    assert note.emailed_at is None
    assert Notification.objects.unread().filter(pk=note.pk).exists()


def test_smtp_failure_then_success_sends_once(
    smtp_failing, eager_errors_kept_in_result, member
):
    note = services.notify(recipient=member, kind="follow", url="/x/")
    smtp_failing(2)

    result = notification_email_task.apply(args=[note.pk])

    assert result.state == "SUCCESS"
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=note.pk).emailed_at is not None


# --- unsubscribe ----------------------------------------------------------------


def test_unsubscribe_get_asks_and_post_switches_email_off(member):
    token = services.unsubscribe_token(user=member, preference="replies")
    url = reverse("unsubscribe", args=[token])
    client = Client(enforce_csrf_checks=True)

    assert client.get(url).status_code == 200
    assert accounts.notification_delivery(user=member, kind="replies") == "email"

    # A mail client's one-click POST (RFC 8058): no session, no CSRF token.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert accounts.notification_delivery(user=member, kind="replies") == "site"


def test_unsubscribe_from_the_digest(member):
    token = services.unsubscribe_token(user=member, preference="digest")

    Client().post(reverse("unsubscribe", args=[token]))

    assert Profile.objects.get(user=member).digest_frequency == "never"


def test_unsubscribe_with_a_forged_token_is_400(member):
    forged = signing.dumps({"u": member.pk, "p": "replies"}, salt="other")

    assert Client().post(reverse("unsubscribe", args=[forged])).status_code == 400
    assert accounts.notification_delivery(user=member, kind="replies") == "email"


# --- activity feed ------------------------------------------------------------


def test_publishing_records_activity_and_unpublishing_removes_it(member):
    post = accounts.post_create(author=member, title="Т", body="x", publish=True)
    assert ActivityEvent.objects.filter(actor=member).count() == 1

    accounts.post_unpublish(post=post, actor=member)
    assert not ActivityEvent.objects.exists()

    accounts.post_publish(post=post, actor=member)
    accounts.post_publish(post=post, actor=member)
    assert ActivityEvent.objects.count() == 1


def test_feed_shows_followed_members_and_my_subjects(member_client, member):
    from community.models import Subject

    maths = Subject.objects.get(slug="mathematics")
    accounts.profile_update(profile=member.profile, subjects=[maths])
    followed, colleague, stranger = UserFactory(), UserFactory(), UserFactory()
    accounts.follow_create(follower=member, followee=followed)
    accounts.profile_update(profile=colleague.profile, subjects=[maths])
    for author, title in ((followed, "От подписки"), (colleague, "По предмету"),
                          (stranger, "Чужое")):  # fmt: skip
        accounts.post_create(author=author, title=title, body="x", publish=True)

    response = member_client.get(reverse("home"))

    titles = [event.title for event in response.context["feed_page"]]
    assert sorted(titles) == ["От подписки", "По предмету"]
    assert response.context["feed_is_default"] is False


def test_feed_for_a_newcomer_shows_the_latest_from_everyone(member_client):
    accounts.post_create(author=UserFactory(), title="Свежее", body="x", publish=True)

    response = member_client.get(reverse("home"))

    assert [event.title for event in response.context["feed_page"]] == ["Свежее"]
    assert response.context["feed_is_default"] is True


def test_feed_query_count_does_not_grow(
    member_client, member, django_assert_max_num_queries
):
    for author in UserFactory.create_batch(55):
        accounts.follow_create(follower=member, followee=author)
        accounts.post_create(author=author, title="Запись", body="x", publish=True)

    with django_assert_max_num_queries(10):
        response = member_client.get(reverse("home"))

    assert len(response.context["feed_page"]) == 20


def test_the_feed_pages_without_counting_and_without_repeats(
    member_client, member, django_assert_max_num_queries
):
    from community.models import Subject

    subjects = list(Subject.objects.order_by("pk")[:2])
    accounts.profile_update(profile=member.profile, subjects=subjects)
    # A colleague past the new-member period: 45 posts in a row are allowed.
    colleague = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=60))
    accounts.profile_update(profile=colleague.profile, subjects=subjects)
    for number in range(45):
        accounts.post_create(
            author=colleague, title=f"Запись {number}", body="x", publish=True
        )

    with django_assert_max_num_queries(10) as captured:
        first = member_client.get(reverse("home"))
    last = member_client.get(reverse("home"), {"page": 3})
    beyond = member_client.get(reverse("home"), {"page": "много"})

    assert not any("COUNT(" in query["sql"] for query in captured.captured_queries)
    titles = [event.title for event in first.context["feed_page"]]
    assert titles == [f"Запись {number}" for number in range(44, 24, -1)]
    assert first.context["feed_page"].has_next()
    assert "?page=2" in first.content.decode()
    assert len(last.context["feed_page"]) == 5
    assert not last.context["feed_page"].has_next()
    assert beyond.context["feed_page"].number == 1
