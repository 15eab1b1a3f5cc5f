"""Digests: who gets one when, what is in it, and never two for one period."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.models import NotificationSetting
from accounts.tests.factories import BlogPostFactory, UserFactory
from community import digests
from community.models import DigestLog, Notification
from community.tasks import digest_send_task, digests_send_due_task

pytestmark = pytest.mark.django_db
Kind = NotificationSetting.Kind
MSK = ZoneInfo("Europe/Moscow")
# Monday 2026-11-30, 07:10 in Moscow (04:10 UTC).
MONDAY_MORNING_MSK = datetime.datetime(2026, 11, 30, 7, 10, tzinfo=MSK)
TUESDAY_MORNING_MSK = datetime.datetime(2026, 12, 1, 7, 10, tzinfo=MSK)


def reader(*, frequency="daily", time_zone="Europe/Moscow", **kwargs):
    user = UserFactory(last_login=timezone.now(), **kwargs)
    accounts.profile_update(profile=user.profile, time_zone=time_zone)
    accounts.notification_settings_update(
        user=user, choices={Kind.REPLIES: "digest"}, digest_frequency=frequency
    )
    return user


def news_for(user, times: int = 1) -> None:
    post = BlogPostFactory(author=user)
    for _ in range(times):
        accounts.comment_create(post=post, author=UserFactory(), body="Спасибо!")


def due_ids(now) -> list[tuple[int, str]]:
    return sorted(
        (user.pk, period)
        for user, _lang, period, _s in digests.digest_recipients_due(now=now)
    )


# --- who and when -----------------------------------------------------------


def test_morning_selection_follows_each_members_time_zone():
    moscow = reader(time_zone="Europe/Moscow")
    vladivostok = reader(time_zone="Asia/Vladivostok")

    assert due_ids(TUESDAY_MORNING_MSK) == [(moscow.pk, "daily")]
    # 07:10 in Vladivostok is 00:10 in Moscow, the same day.
    vladivostok_morning = datetime.datetime(
        2026, 12, 1, 7, 10, tzinfo=ZoneInfo("Asia/Vladivostok")
    )
    assert due_ids(vladivostok_morning) == [(vladivostok.pk, "daily")]
    assert due_ids(TUESDAY_MORNING_MSK.replace(hour=12)) == []


def test_weekly_digests_go_on_monday_mornings_only():
    weekly = reader(frequency="weekly")

    assert due_ids(MONDAY_MORNING_MSK) == [(weekly.pk, "weekly")]
    assert due_ids(TUESDAY_MORNING_MSK) == []


def test_members_who_chose_never_or_are_away_get_none():
    reader(frequency="never")
    away = reader()
    away.last_login = TUESDAY_MORNING_MSK - datetime.timedelta(days=181)
    away.save(update_fields=["last_login"])
    back = reader()
    back.last_login = TUESDAY_MORNING_MSK - datetime.timedelta(days=179)
    back.save(update_fields=["last_login"])

    assert due_ids(TUESDAY_MORNING_MSK) == [(back.pk, "daily")]


def test_period_start_is_the_local_date():
    late_utc = datetime.datetime(2026, 11, 30, 22, 30, tzinfo=datetime.UTC)

    assert digests.period_start_for(
        period="daily", now=late_utc, time_zone="Asia/Vladivostok"
    ) == datetime.date(2026, 12, 1)
    assert digests.period_start_for(
        period="weekly", now=late_utc, time_zone="Europe/Moscow"
    ) == datetime.date(2026, 11, 30)


# --- what is in it ---------------------------------------------------------------


def test_digest_holds_grouped_notifications_and_is_sent_once(member, monkeypatch):
    member = reader()
    news_for(member, times=3)
    # The beat task at 4 in the morning (whatever the clock of the run says).
    night = TUESDAY_MORNING_MSK - datetime.timedelta(hours=3)
    monkeypatch.setattr(digests.timezone, "now", lambda: night)
    digests_send_due_task.apply()  # not the morning yet: nothing
    monkeypatch.undo()
    assert mail.outbox == []
    digests.digests_send_due(now=TUESDAY_MORNING_MSK)
    digests.digests_send_due(now=TUESDAY_MORNING_MSK)  # the task runs twice

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "3" in message.body
    assert (
        message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )
    log = DigestLog.objects.get(recipient=member)
    assert (log.status, log.notification_count) == ("sent", 1)
    assert Notification.objects.get(recipient=member).digested_at is not None


def test_digest_task_twice_sends_one_email():
    member = reader()
    news_for(member)

    digest_send_task.delay(member.pk, "daily", "2026-12-01")
    digest_send_task.delay(member.pk, "daily", "2026-12-01")

    assert len(mail.outbox) == 1
    assert DigestLog.objects.count() == 1


def test_nothing_new_means_no_email():
    member = reader()

    log = digests.digest_send(
        user=member,
        language="ru",
        period="daily",
        period_start=datetime.date(2026, 12, 1),
    )

    assert log.status == "empty"
    assert mail.outbox == []


def test_site_only_and_off_stay_out_of_the_digest():
    member = reader()
    accounts.notification_settings_update(
        user=member, choices={Kind.REPLIES: "site"}, digest_frequency="daily"
    )
    news_for(member)

    content = digests.digest_contents(users=[member], since=timezone.now())[member.pk]

    assert content.is_empty


def test_an_email_that_never_went_out_goes_in_the_digest():
    member = reader()
    accounts.notification_settings_update(
        user=member, choices={Kind.REPLIES: "email"}, digest_frequency="daily"
    )
    news_for(member)  # e-mail enqueued after commit: never run in this test

    content = digests.digest_contents(users=[member], since=timezone.now())[member.pk]

    assert len(content.notifications) == 1


def test_digest_has_news_from_followed_colleagues():
    member = reader()
    colleague = UserFactory()
    accounts.follow_create(follower=member, followee=colleague)
    BlogPostFactory(author=colleague, title="Новая запись коллеги")

    digests.digest_send(
        user=member,
        language="ru",
        period="daily",
        period_start=datetime.date(2026, 12, 1),
    )

    assert "Новая запись коллеги" in mail.outbox[0].body


def test_digest_in_the_members_language():
    member = reader()
    accounts.profile_set_language(user=member, language="en")
    news_for(member)

    digests.digest_send_for_user_id(
        user_id=member.pk, period="daily", period_start="2026-12-01"
    )

    assert mail.outbox[0].subject == "Kollegi: your day in the network"


def test_smtp_failure_marks_failed_and_a_retry_sends(smtp_failing):
    member = reader()
    news_for(member)
    smtp_failing(1)

    with pytest.raises(Exception):  # noqa: B017, PT011 - the SMTP error itself
        digests.digest_send(
            user=member,
            language="ru",
            period="daily",
            period_start=datetime.date(2026, 12, 1),
        )
    assert DigestLog.objects.get().status == "failed"

    digests.digest_send(
        user=member,
        language="ru",
        period="daily",
        period_start=datetime.date(2026, 12, 1),
    )

    assert DigestLog.objects.get().status == "sent"
    assert len(mail.outbox) == 1


def test_digest_unsubscribe_link_switches_the_digest_off(client):
    member = reader()
    news_for(member)
    digests.digest_send(
        user=member,
        language="ru",
        period="daily",
        period_start=datetime.date(2026, 12, 1),
    )
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")

    client.post(link.replace("http://127.0.0.1:8000", ""))

    member.profile.refresh_from_db()
    assert member.profile.digest_frequency == "never"


def test_digest_contents_queries_do_not_grow_with_members(
    django_assert_max_num_queries, django_assert_num_queries
):
    members = [reader() for _ in range(30)]
    for member in members:
        news_for(member, times=2)
    since = timezone.now() - datetime.timedelta(days=1)
    # Deliveries, notifications and each registered section's fixed reads:
    # what a batch of three costs, thirty cost the same, within the budget.
    with CaptureQueriesContext(connection) as few:
        digests.digest_contents(users=members[:3], since=since)

    with django_assert_num_queries(len(few.captured_queries)):
        contents = digests.digest_contents(users=members, since=since)
    assert len(few.captured_queries) <= 10

    assert all(len(contents[m.pk].notifications) == 1 for m in members)


# --- command and admin ---------------------------------------------------------


def test_send_digests_dry_run_sends_and_records_nothing():
    member = reader()
    news_for(member)
    output = io.StringIO()

    call_command("send_digests", "--dry-run", "--everyone", stdout=output)

    assert f"{member.email}: ежедневный дайджест" in output.getvalue()
    assert "1 уведомление," in output.getvalue()
    assert mail.outbox == []
    assert not DigestLog.objects.exists()


def test_send_digests_everyone_sends_once():
    member = reader()
    news_for(member)

    call_command("send_digests", "--everyone", stdout=io.StringIO())
    call_command("send_digests", "--everyone", stdout=io.StringIO())

    assert len(mail.outbox) == 1


def test_admin_sends_a_digest_again(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    member = reader()
    news_for(member)
    log = digests.digest_send(
        user=member,
        language="ru",
        period="daily",
        period_start=datetime.date(2026, 12, 1),
    )
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:community_digestlog_changelist"),
        {"action": "send_again", "_selected_action": [log.pk]},
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    search = client.get(
        reverse("admin:community_digestlog_changelist"), {"q": member.email}
    )
    assert list(search.context["cl"].result_list) == [DigestLog.objects.get()]
    notes = client.get(
        reverse("admin:community_notification_changelist"), {"q": member.email}
    )
    assert notes.context["cl"].result_count == 1
