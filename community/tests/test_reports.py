"""Reports: members tell the moderators; moderators hide or dismiss."""

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.tests.factories import UserFactory
from community import reporting
from community.models import AuditEntry, Notification, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    from forums.tests.factories import PostFactory

    return PostFactory(body="Обидные слова")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_reports_once_per_item(member, post):
    report = reporting.report_create(
        reporter=member, key="forum_post", object_id=post.pk, reason="rudeness"
    )

    assert (report.target, report.status) == (post, "open")
    assert report.target_url == post.get_absolute_url()
    with pytest.raises(ValidationError) as twice:
        reporting.report_create(
            reporter=member, key="forum_post", object_id=post.pk, reason="spam"
        )
    assert twice.value.code == "twice"


@pytest.mark.parametrize(
    ("reason", "text", "code"),
    [("maybe", "", "reason"), ("other", "  ", "text")],
)
def test_bad_reasons_are_refused(member, post, reason, text, code):
    with pytest.raises(ValidationError) as error:
        reporting.report_create(
            reporter=member,
            key="forum_post",
            object_id=post.pk,
            reason=reason,
            text=text,
        )

    assert error.value.code == code
    assert not Report.objects.exists()


def test_own_hidden_or_unknown_items_cannot_be_reported(post):
    from forums.tests.factories import PostFactory

    with pytest.raises(ValidationError):
        reporting.report_create(
            reporter=post.author, key="forum_post", object_id=post.pk, reason="spam"
        )
    hidden = PostFactory(is_hidden=True)
    with pytest.raises(ObjectDoesNotExist):
        reporting.report_create(
            reporter=UserFactory(), key="forum_post", object_id=hidden.pk, reason="spam"
        )
    with pytest.raises(ObjectDoesNotExist):
        reporting.report_create(
            reporter=UserFactory(), key="nothing", object_id=1, reason="spam"
        )


def test_hiding_resolves_every_report_on_the_item_and_tells_the_reporters(
    moderator, post
):
    first, second = UserFactory(), UserFactory()
    report = reporting.report_create(
        reporter=first, key="forum_post", object_id=post.pk, reason="rudeness"
    )
    reporting.report_create(
        reporter=second, key="forum_post", object_id=post.pk, reason="spam"
    )

    with pytest.raises(PermissionDenied):
        reporting.report_resolve(report=report, moderator=first, hide=True)
    resolved = reporting.report_resolve(
        report=report, moderator=moderator, hide=True, note="Грубость"
    )

    post.refresh_from_db()
    assert resolved == 2
    assert post.is_hidden
    assert set(Report.objects.values_list("status", flat=True)) == {"actioned"}
    for reporter in (first, second):
        assert Notification.objects.filter(
            recipient=reporter, kind=reporting.REPORT_ACTIONED
        ).exists()
    assert AuditEntry.objects.filter(action="report_hide", actor=moderator).exists()


def test_dismissing_leaves_the_item_and_tells_the_reporter(moderator, member, post):
    report = reporting.report_create(
        reporter=member, key="forum_post", object_id=post.pk, reason="spam"
    )

    reporting.report_resolve(report=report, moderator=moderator, hide=False)

    post.refresh_from_db()
    assert not post.is_hidden
    assert Report.objects.get().status == "dismissed"
    assert Notification.objects.filter(
        recipient=member, kind=reporting.REPORT_DISMISSED
    ).exists()
    # Resolved: the member may report it again if it happens again.
    reporting.report_create(
        reporter=member, key="forum_post", object_id=post.pk, reason="spam"
    )


def test_materials_and_topics_are_reportable_and_hidden_by_their_services(moderator):
    from forums.tests.factories import TopicFactory
    from materials.tests.factories import MaterialFactory

    material, topic = MaterialFactory(), TopicFactory()
    for key, item in (("material", material), ("forum_topic", topic)):
        report = reporting.report_create(
            reporter=UserFactory(), key=key, object_id=item.pk, reason="copyright"
        )
        reporting.report_resolve(report=report, moderator=moderator, hide=True)
        item.refresh_from_db()
        assert item.is_hidden, key


def test_the_report_page_keeps_the_text_on_bad_input(member, post):
    url = reverse("report", args=["forum_post", post.pk])
    client = _client(member)

    page = client.get(url)
    bad = client.post(url, {"reason": "other", "text": ""}, HTTP_ACCEPT_LANGUAGE="ru")
    good = client.post(url, {"reason": "other", "text": "Оскорбление коллеги"})

    assert page.status_code == 200
    assert bad.status_code == 400
    assert good.status_code == 302
    assert Report.objects.get().text == "Оскорбление коллеги"
    assert Client().get(url).status_code == 302  # to the login page
    assert client.get(reverse("report", args=["forum_post", 999999])).status_code == 404


def test_the_report_link_is_on_others_posts_only(member, post):
    url = reverse("report", args=["forum_post", post.pk])
    topic_url = post.topic.get_absolute_url()

    assert url in _client(member).get(topic_url).content.decode()
    assert url not in _client(post.author).get(topic_url).content.decode()


def test_moderators_resolve_in_admin(moderator, member, post):
    report = reporting.report_create(
        reporter=member, key="forum_post", object_id=post.pk, reason="rudeness"
    )

    response = _client(moderator).post(
        reverse("admin:community_report_changelist"),
        {"action": "hide_content", "_selected_action": [report.pk]},
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.is_hidden


def test_report_page_reads_in_russian(member, post):
    from community.tests.test_i18n import english_words

    page = _client(member).get(reverse("report", args=["forum_post", post.pk]))

    assert english_words(page.content.decode()) == set()


def _established():
    import datetime

    from django.utils import timezone

    return UserFactory(date_joined=timezone.now() - datetime.timedelta(days=60))


def _report(user, post, reason="rudeness"):
    return reporting.report_create(
        reporter=user, key="forum_post", object_id=post.pk, reason=reason
    )


def test_three_established_members_hide_it_until_a_moderator_looks(
    settings, moderator, post
):
    settings.MODERATION_AUTOHIDE_REPORTS = 3
    _report(_established(), post)
    _report(UserFactory(), post)  # a newcomer's report does not count
    _report(_established(), post)
    post.refresh_from_db()
    assert not post.is_hidden

    report = _report(_established(), post)

    post.refresh_from_db()
    assert post.is_hidden
    assert AuditEntry.objects.filter(action="report_auto_hide").count() == 1
    from forums.models import ModerationLog

    assert ModerationLog.objects.get(post=post).action == "hide_automatic"
    # The moderator finds nothing wrong: the post is back.
    reporting.report_resolve(report=report, moderator=moderator, hide=False)
    post.refresh_from_db()
    assert not post.is_hidden


def test_a_moderator_confirms_an_automatic_hide(settings, moderator, post):
    settings.MODERATION_AUTOHIDE_REPORTS = 1
    report = _report(_established(), post)

    reporting.report_resolve(report=report, moderator=moderator, hide=True)

    post.refresh_from_db()
    assert post.is_hidden
    assert Report.objects.get().status == "actioned"


def test_auto_hide_can_be_switched_off(settings, post):
    settings.MODERATION_AUTOHIDE_REPORTS = 0
    for _index in range(5):
        _report(_established(), post)

    post.refresh_from_db()
    assert not post.is_hidden


def test_auto_hide_works_for_materials_and_topics(settings):
    from forums.tests.factories import TopicFactory
    from materials.tests.factories import MaterialFactory

    settings.MODERATION_AUTOHIDE_REPORTS = 2
    for key, item in (("material", MaterialFactory()), ("forum_topic", TopicFactory())):
        for _index in range(2):
            reporting.report_create(
                reporter=_established(), key=key, object_id=item.pk, reason="spam"
            )
        item.refresh_from_db()
        assert item.is_hidden, key


def test_the_report_shows_moderators_the_words_and_their_context(
    moderator, member, post, django_assert_max_num_queries
):
    from community.sanctions import sanction_give
    from forums.tests.factories import PostFactory

    sanction_give(member=post.author, moderator=moderator, kind="warning", reason="x")
    report = reporting.report_create(
        reporter=member, key="forum_post", object_id=post.pk, reason="rudeness"
    )
    client = _client(moderator)

    page = client.get(
        reverse("admin:community_report_change", args=[report.pk])
    ).content.decode()

    assert "Обидные слова" in page  # the words, not just the title
    assert post.topic.title in page  # where they were written
    with translation.override("ru"):
        record = gettext("their warnings and suspensions: %(count)d") % {"count": 1}
    assert record in page  # the author's record with the moderators
    for index in range(50):
        reporting.report_create(
            reporter=UserFactory(),
            key="forum_post",
            object_id=post.pk if index % 2 else PostFactory().pk,
            reason="spam",
        )
    with django_assert_max_num_queries(15):
        listing = client.get(reverse("admin:community_report_changelist"))
    assert listing.status_code == 200


def test_every_hide_and_restore_is_in_the_audit_log(moderator, member, post):
    from forums import services as forums
    from materials import services as materials
    from materials.tests.factories import MaterialFactory

    material = MaterialFactory()
    report = reporting.report_create(
        reporter=member, key="forum_post", object_id=post.pk, reason="rudeness"
    )
    reporting.report_resolve(
        report=report, moderator=moderator, hide=True, note="Грубо"
    )
    post.refresh_from_db()
    forums.post_hide(post=post, moderator=moderator, reason="Исправлено", hidden=False)
    materials.material_hide(material=material, moderator=moderator, reason="Спам")

    entries = {
        (entry.action, entry.target_id): entry for entry in AuditEntry.objects.all()
    }
    hide = entries[("forum_post_hide", post.pk)]
    assert (hide.actor, hide.reason) == (moderator, "Грубо")
    assert entries[("forum_post_restore", post.pk)].reason == "Исправлено"
    material_hide = entries[("material_hide", material.pk)]
    assert (material_hide.actor, material_hide.reason) == (moderator, "Спам")


def test_the_report_list_filters_by_kind_and_age(moderator, member, post):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from materials.tests.factories import MaterialFactory

    material = MaterialFactory()
    for key, pk in (("forum_post", post.pk), ("material", material.pk)):
        reporting.report_create(reporter=member, key=key, object_id=pk, reason="spam")
    Report.objects.filter(target_id=material.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=40)
    )
    client = _client(moderator)
    url = reverse("admin:community_report_changelist")
    material_type = ContentType.objects.get_for_model(material)

    by_kind = client.get(url, {"target_type__id__exact": material_type.pk})
    week_ago = timezone.localtime() - timezone.timedelta(days=7)
    recent = client.get(url, {"created_at__gte": str(week_ago)})  # "Past 7 days"

    assert [row.pk for row in by_kind.context["cl"].result_list] == [
        Report.objects.get(target_id=material.pk, target_type=material_type).pk
    ]
    assert [row.target_id for row in recent.context["cl"].result_list] == [post.pk]
